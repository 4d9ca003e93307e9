"""Anchor terms: the parts of an article a spinner leaves alone, hashed for candidate retrieval.

A spinner rewrites up to 70% of the content words but keeps names, numbers, most long rare
words and the skeleton of the text: the order of names, numbers and function words around
the swaps. Each document becomes a set of 64-bit term hashes of four kinds, and the
reference index retrieves the originals that share the most (IDF-weighted) anchors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from detector.analysis import gram_stream, unique_sorted
from detector.lexicon import STOPWORDS
from detector.terms import is_name, is_number, is_rare
from detector.text import _TOKEN as TOKEN
from detector.text import Document, split_sentences
from detector.vocabulary import VOCABULARY, lower_form, stable_key

SKELETON_N = 3  # skeleton shingle length (tokens of names, numbers and stopwords, in order)
KINDS = ("name", "number", "rare", "skeleton")
PREFIX = {"name": "n:", "number": "d:", "rare": "r:", "skeleton": "s:"}

# How terms become the 64-bit integers an index stores (its `params["hash"]`). A word's term
# is its stable key (`vocabulary.stable_key`, BLAKE2b-64 of its lower form) XOR its kind's
# constant, so "n:park" and "r:park" differ; a skeleton token is the word's key, XOR a mark
# for a number ("#12") or a name ("Npark"); a skeleton gram combines its tokens' keys as
# `analysis.gram_stream` combines words, XOR the skeleton's constant. Indexes built before
# hashed each term's string (`LEGACY_HASH`); they are still read, and added to, as built.
HASH = "blake2b-64-words"
LEGACY_HASH = "blake2b-64"
_SALT = {kind: np.uint64(c) for kind, c in (
    ("name", 0x5F1A3C7E9B2D4F61), ("number", 0x3C6EF372FE94F82B),
    ("rare", 0xA54FF53A5F1D36F1), ("skeleton", 0x1F83D9ABFB41BD6B))}
_MARK = {"#": np.uint64(0x510E527FADE682D1), "N": np.uint64(0x9B05688C2B3E6C1F)}


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


def _sentence_words(doc: Document) -> Iterator[list[str]]:
    """Each sentence's word tokens, read straight from the text (as `Document.tokens` would,
    without building a `Token` per word); sentences without one are skipped."""
    for sentence in _sentences(doc):
        words = TOKEN.findall(sentence)
        if words:
            yield words


def anchor_terms(doc: Document, kinds: Iterable[str] = KINDS) -> set[str]:
    """The distinct anchor strings of a document, each prefixed by its kind."""
    return _extract(doc, kinds)[0]


def _extract(doc: Document, kinds: Iterable[str] = KINDS) -> tuple[set[str], int]:
    """`anchor_terms` and the number of word tokens it read.

    Each distinct word is classified once per process (`_word`). The terms as strings: what
    `LEGACY_HASH` hashes, and what the index's hashes stand for (`_hashed` makes the same
    terms' hashes without the strings).
    """
    kinds = set(kinds)
    get = _WORDS.get
    pairs: list[tuple[str, str]] = []
    for words in _sentence_words(doc):
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
    """Stable signed 64-bit hashes of terms as indexes of the older scheme (`LEGACY_HASH`)
    stored them: each term's `stable_key` (the BLAKE2b-64 digest a word's key is), as signed,
    sorted and distinct."""
    keys = np.array([stable_key(t) for t in terms], dtype=np.uint64)
    return np.unique(keys.view(np.int64))


def anchors(doc: Document, kinds: Iterable[str] = KINDS, scheme: str = HASH) -> np.ndarray:
    """A document's anchor hashes, the unit the reference index stores and queries."""
    return anchors_and_words(doc, kinds, scheme)[0]


def anchors_and_words(doc: Document, kinds: Iterable[str] = KINDS,
                      scheme: str = HASH) -> tuple[np.ndarray, int]:
    """`anchors` and the document's number of word tokens, from one reading of its text.

    `scheme` is how the index hashes terms (its `params["hash"]`): `HASH`, or `LEGACY_HASH`
    for an index built before it, whose terms are hashed as strings."""
    if scheme == LEGACY_HASH:
        terms, n_words = _extract(doc, kinds)
        return hash_terms(terms), n_words
    if scheme != HASH:
        raise ValueError(f"unknown anchor hash {scheme!r}")
    return _hashed(doc, frozenset(kinds))


def _hashed(doc: Document, kinds: frozenset[str]) -> tuple[np.ndarray, int]:
    """The anchors of `HASH`, worked out column by column: each distinct word's facts and
    stable key come from the process's vocabulary (`detector.vocabulary`), so a document
    costs one dictionary pass over its tokens and a few array operations, instead of a
    string and a digest per term. The same terms as `anchor_terms` (a test holds each hash
    to the term it stands for)."""
    tokens: list[str] = []
    opening: list[int] = []  # the position of each sentence's first token
    for words in _sentence_words(doc):
        opening.append(len(tokens))
        tokens += words
    n = len(tokens)
    if not n:
        return np.zeros(0, dtype=np.int64), 0
    found, facts = VOCABULARY.lookup(tokens)
    rows = np.asarray(found, dtype=np.intp)
    opens = np.zeros(n, dtype=bool)
    opens[opening] = True  # a sentence's first word: its capital says nothing
    number = facts.number[rows]
    other = ~number & ~facts.stopword[rows]
    name = other & facts.name[rows] & ~opens
    rare = other & facts.rare[rows] & ~name
    key = facts.stable[rows]
    parts = [key[mask] ^ _SALT[kind] for kind, mask in
             (("name", name), ("number", number), ("rare", rare)) if kind in kinds]
    if "skeleton" in kinds:
        skeleton = ~other | name  # stopwords, numbers and names, in order
        code = key ^ np.where(number, _MARK["#"], np.where(name, _MARK["N"], np.uint64(0)))
        marked = (number | name)[skeleton]
        m = int(np.count_nonzero(skeleton)) - SKELETON_N + 1
        if m > 0:
            grams = gram_stream(code[skeleton], SKELETON_N)
            anchored = marked[:m].copy()  # a name or number in the gram: an anchor
            for k in range(1, SKELETON_N):
                anchored |= marked[k : k + m]
            parts.append(grams[anchored] ^ _SALT["skeleton"])
    terms = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return unique_sorted(terms.view(np.int64)), n
