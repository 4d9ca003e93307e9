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
from detector.vocabulary import lower_form

SKELETON_N = 3  # skeleton shingle length (tokens of names, numbers and stopwords, in order)
KINDS = ("name", "number", "rare", "skeleton")
PREFIX = {"name": "n:", "number": "d:", "rare": "r:", "skeleton": "s:"}


# Word -> what it contributes, (anchor term or "", skeleton token or "") as a sentence's first
# word and as a later one: most words of an article were seen in earlier ones, so classifying
# them is a dict lookup. Bounded, and cleared when full, so a worker's memory stays flat.
_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}
CACHE_SIZE = 200_000


def _classify(word: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """What `word` adds (anchor term, skeleton token) opening a sentence and inside one."""
    lower = lower_form(word)
    if is_number(lower):
        return ("d:" + lower, "#" + lower), ("d:" + lower, "#" + lower)
    if lower in STOPWORDS:
        return ("", lower), ("", lower)
    rare = ("r:" + lower, "") if is_rare(word, lower) else ("", "")
    inside = ("n:" + lower, "N" + lower) if is_name(word, lower) else rare
    return rare, inside


def _word(word: str) -> tuple[tuple[str, str], tuple[str, str]]:
    found = _WORDS.get(word)
    if found is None:
        if len(_WORDS) >= CACHE_SIZE:
            _WORDS.clear()
        found = _WORDS[word] = _classify(word)
    return found


def _sentences(doc: Document) -> Iterable[str]:
    for paragraph in doc.paragraphs:
        yield from split_sentences(paragraph)


def anchor_terms(doc: Document, kinds: Iterable[str] = KINDS) -> set[str]:
    """The distinct anchor strings of a document, each prefixed by its kind."""
    return _extract(doc, kinds)[0]


def _extract(doc: Document, kinds: Iterable[str] = KINDS) -> tuple[set[str], int]:
    """`anchor_terms` and the number of word tokens it read.

    Reads the tokens straight from the text (as `Document.tokens` would, without building a
    `Token` per word), each distinct word classified once per process (`_word`): this runs
    once per original at index time and once per suspect.
    """
    kinds = set(kinds)
    get = _WORDS.get
    pairs: list[tuple[str, str]] = []
    for sentence in _sentences(doc):
        words = TOKEN.findall(sentence)
        if words:
            pairs.append((get(words[0]) or _word(words[0]))[0])
            pairs.extend([(get(w) or _word(w))[1] for w in words[1:]])
    terms = {t for t, _ in pairs if t}
    if "skeleton" in kinds:
        skeleton = [k for _, k in pairs if k]
        marked = [k[0] in "#N" for k in skeleton]  # a name or number: the gram is an anchor
        n = SKELETON_N
        grams = zip(*(skeleton[i:] for i in range(n)), strict=False)
        flags = zip(*(marked[i:] for i in range(n)), strict=False)
        terms.update("s:" + " ".join(g) for g, f in zip(grams, flags, strict=False) if True in f)
    prefixes = {PREFIX[k] for k in kinds}
    if len(prefixes) < len(PREFIX):
        terms = {t for t in terms if t[:2] in prefixes}
    return terms, len(pairs)


def hash_terms(terms: Iterable[str]) -> np.ndarray:
    """Stable signed 64-bit hashes of terms (each term's BLAKE2b-64 digest, read little-endian),
    sorted and distinct: the same on every machine. The digests are read as one buffer; most
    terms (skeleton grams) are new to a process, so a cache of hashes would not pay."""
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(t.encode(), digest_size=8).digest() for t in terms])
    return np.unique(np.frombuffer(digests, dtype="<i8").astype(np.int64))


def anchors(doc: Document, kinds: Iterable[str] = KINDS) -> np.ndarray:
    """A document's anchor hashes, the unit the reference index stores and queries."""
    return hash_terms(anchor_terms(doc, kinds))


def anchors_and_words(doc: Document, kinds: Iterable[str] = KINDS) -> tuple[np.ndarray, int]:
    """`anchors` and the document's number of word tokens, from one reading of its text."""
    terms, n_words = _extract(doc, kinds)
    return hash_terms(terms), n_words
