"""Anchor terms: the parts of an article a spinner leaves alone, hashed for candidate retrieval.

A spinner rewrites up to 70% of the content words but keeps names, numbers, most long rare
words and the skeleton of the text: the order of names, numbers and function words around
the swaps. Each document becomes a set of 64-bit term hashes of four kinds, and the
reference index retrieves the originals that share the most (IDF-weighted) anchors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from detector.lexicon import STOPWORDS
from detector.terms import is_name, is_number, is_rare
from detector.text import _TOKEN as TOKEN
from detector.text import Document, split_sentences

SKELETON_N = 3  # skeleton shingle length (tokens of names, numbers and stopwords, in order)
KINDS = ("name", "number", "rare", "skeleton")
PREFIX = {"name": "n:", "number": "d:", "rare": "r:", "skeleton": "s:"}


def _sentences(doc: Document) -> Iterable[str]:
    for paragraph in doc.paragraphs:
        yield from split_sentences(paragraph)


def anchor_terms(doc: Document, kinds: Iterable[str] = KINDS) -> set[str]:
    """The distinct anchor strings of a document, each prefixed by its kind.

    Reads the tokens straight from the text (as `Document.tokens` would, without building a
    `Token` per word): this runs once per original at index time and once per suspect.
    """
    kinds = set(kinds)
    terms: set[str] = set()
    skeleton: list[str] = []
    for sentence in _sentences(doc):
        for k, word in enumerate(TOKEN.findall(sentence)):
            lower = word.lower().replace("’", "'")
            if is_number(lower):
                terms.add("d:" + lower)
                skeleton.append("#" + lower)
            elif lower in STOPWORDS:
                skeleton.append(lower)
            elif k and is_name(word, lower):
                terms.add("n:" + lower)
                skeleton.append("N" + lower)
            elif is_rare(word, lower):
                terms.add("r:" + lower)
    if "skeleton" in kinds:
        n = SKELETON_N
        for i in range(len(skeleton) - n + 1):
            gram = skeleton[i : i + n]
            if any(g[0] in "#N" for g in gram):
                terms.add("s:" + " ".join(gram))
    prefixes = {PREFIX[k] for k in kinds}
    return {t for t in terms if t[:2] in prefixes}


def hash_terms(terms: Iterable[str]) -> np.ndarray:
    """Stable signed 64-bit hashes of terms, sorted and distinct (the same on every machine)."""
    out = np.fromiter(
        (int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little",
                        signed=True) for t in terms),
        dtype=np.int64,
    )
    return np.unique(out)


def anchors(doc: Document, kinds: Iterable[str] = KINDS) -> np.ndarray:
    """A document's anchor hashes, the unit the reference index stores and queries."""
    return hash_terms(anchor_terms(doc, kinds))
