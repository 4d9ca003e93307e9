"""What the pairwise features need of one document, computed once per `Document` and kept on it.

`pairs` and scans score one document against many; its words, n-grams, anchors and sentence
bags do not change from pair to pair, so each is computed on first use and memoised on the
Document. Sets of words and n-grams are sorted arrays of 64-bit keys (Python's string hash,
combined per n-gram), so a containment is one vectorised lookup instead of a set of tuples.
Two different n-grams share a key with odd 2**-64; the memo never leaves the process
(`Document.__getstate__` drops it), since string hashes differ between processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from detector.lexicon import STOPWORDS, closed_class_words
from detector.terms import is_name, is_number, is_rare
from detector.text import MEMO, Document

T = TypeVar("T")

# Odd multipliers that combine the words of an n-gram into one key (up to 8 words).
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                 0x94D049BB133111EB, 0xBF58476D1CE4E5B9], dtype=np.uint64)


def memo(doc: Document, key: str, func: Callable[[Document], T]) -> T:
    """`func(doc)`, computed once per document and key."""
    store = doc.__dict__.setdefault(MEMO, {})
    if key not in store:
        store[key] = func(doc)
    return store[key]


def unique_sorted(keys: np.ndarray) -> np.ndarray:
    """Distinct values of `keys`, sorted (np.unique, without its hash-table detour)."""
    keys = np.sort(keys)
    if keys.size > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def count_shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many of sorted distinct keys `a` occur in sorted `b`."""
    if not a.size or not b.size:
        return 0
    at = np.searchsorted(b, a).clip(max=b.size - 1)
    return int(np.count_nonzero(b[at] == a))


def hashes(words: list[str]) -> np.ndarray:
    """One 64-bit key per word (its string hash, unsigned)."""
    return np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)


def gram_keys(keys: np.ndarray, n: int) -> np.ndarray:
    """Sorted distinct keys of the n-grams (n <= 8) of a sequence of word keys."""
    m = keys.size - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = keys[:m] * _MIX[0]
    for k in range(1, n):
        out = out + keys[k : k + m] * _MIX[k]
    return unique_sorted(out)


# --- per document -----------------------------------------------------------------------------


def word_keys(doc: Document) -> np.ndarray:
    return memo(doc, "word_keys", lambda d: hashes(d.words))


def word_grams(doc: Document, n: int) -> np.ndarray:
    """Distinct word n-grams of the lower-cased token stream, as sorted keys."""
    return memo(doc, f"w{n}", lambda d: gram_keys(word_keys(d), n))


def stopword_grams(doc: Document, n: int) -> np.ndarray:
    """Distinct n-grams of the document's stopwords in order (Stamatatos, 2011)."""
    def compute(d: Document) -> np.ndarray:
        keys = word_keys(d)
        mask = np.fromiter((w in STOPWORDS for w in d.words), dtype=bool, count=keys.size)
        return gram_keys(keys[mask], n)
    return memo(doc, f"sw{n}", compute)


def content_words(doc: Document) -> np.ndarray:
    """Distinct words longer than two letters that are not stopwords, as sorted keys."""
    def compute(d: Document) -> np.ndarray:
        keys = word_keys(d)
        mask = np.fromiter((len(w) > 2 and w not in STOPWORDS for w in d.words), dtype=bool,
                           count=keys.size)
        return unique_sorted(keys[mask])
    return memo(doc, "content", compute)


def char_grams(doc: Document, n: int = 5) -> np.ndarray:
    """Distinct byte 5-grams of the lower-cased token stream, packed into integers."""
    def compute(d: Document) -> np.ndarray:
        data = np.frombuffer(" ".join(d.words).encode("utf-8"), dtype=np.uint8)
        if data.size < n:
            return np.zeros(0, dtype=np.int64)
        data = data.astype(np.int64)
        keys = np.zeros(data.size - n + 1, dtype=np.int64)
        for k in range(n):
            keys = (keys << 8) | data[k : data.size - n + 1 + k]
        return unique_sorted(keys)
    return memo(doc, f"c{n}", compute)


def anchor_words(doc: Document) -> tuple[list[str], list[str], list[str]]:
    """Names (capitalised tokens that do not open a sentence), numbers and rare words (long
    lower-case ones, which a spinner's thesaurus rarely covers), in order, in one pass."""
    def compute(d: Document) -> tuple[list[str], list[str], list[str]]:
        names: list[str] = []
        numbers: list[str] = []
        rare: list[str] = []
        prev_sentence = -1
        for text, lower, sentence, _, _ in d.tokens:
            if is_number(lower):
                numbers.append(lower)
            if is_rare(text, lower):
                rare.append(lower)
            if sentence != prev_sentence:
                prev_sentence = sentence
            elif is_name(text, lower):
                names.append(lower)
        return names, numbers, rare
    return memo(doc, "anchors", compute)


def sentence_ids(doc: Document) -> np.ndarray:
    """Per token, the index of its sentence."""
    return memo(doc, "sentences", lambda d: np.fromiter(
        (t.sentence for t in d.tokens), dtype=np.int64, count=len(d.tokens)))


def paragraph_ids(doc: Document) -> np.ndarray:
    """Per token, the index of its paragraph."""
    return memo(doc, "paragraphs", lambda d: np.fromiter(
        (t.paragraph for t in d.tokens), dtype=np.int64, count=len(d.tokens)))


def sentence_stems(doc: Document) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bag of content stems of each sentence: (sentence of each distinct (sentence, stem)
    entry, the stem's key, the distinct stems of the whole document, distinct stems per
    sentence). A stem is a content word cut to five letters (a crude stemmer: `stated` and
    `states` meet), names and numbers included: what heavy paraphrase keeps of a sentence."""
    def compute(d: Document):
        closed = closed_class_words()
        seen: set[tuple[int, str]] = set()
        rows: list[int] = []
        stems: list[str] = []
        for t in d.tokens:
            lower = t.lower
            if len(lower) > 2 and lower not in STOPWORDS and lower not in closed:
                entry = (t.sentence, lower[:5])
                if entry not in seen:
                    seen.add(entry)
                    rows.append(t.sentence)
                    stems.append(entry[1])
        row_array = np.array(rows, dtype=np.int64)
        keys = hashes(stems)
        sizes = np.bincount(row_array, minlength=d.n_sentences)
        return row_array, keys, unique_sorted(keys), sizes
    return memo(doc, "stems", compute)


def lower_text(doc: Document) -> str:
    return memo(doc, "lower_text", lambda d: d.text.lower())
