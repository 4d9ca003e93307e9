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
from dataclasses import dataclass
from itertools import compress
from typing import TypeVar

import numpy as np

from detector.text import MEMO, Document
from detector.vocabulary import VOCABULARY

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


def gram_stream(keys: np.ndarray, n: int) -> np.ndarray:
    """The key of each n-gram (n <= 8) of a sequence of word keys, in order."""
    m = keys.size - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = keys[:m] * _MIX[0]
    for k in range(1, n):
        out = out + keys[k : k + m] * _MIX[k]
    return out


def gram_keys(keys: np.ndarray, n: int) -> np.ndarray:
    """Sorted distinct keys of the n-grams (n <= 8) of a sequence of word keys."""
    return unique_sorted(gram_stream(keys, n))


# --- per document -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """One pass over a document's tokens: what the features read of each token."""

    sentence: np.ndarray  # per token, its sentence index
    paragraph: np.ndarray  # per token, its paragraph index
    keys: np.ndarray  # per token, the key of its lower-cased word
    stopword: np.ndarray  # per token, whether it is one of STOPWORDS
    content: np.ndarray  # per token, a word of three letters or more that is no stopword
    names: list[str]  # capitalised tokens that do not open a sentence: proper names, mostly
    numbers: list[str]
    rare: list[str]  # long lower-case words, which a spinner's thesaurus rarely covers
    skeleton: np.ndarray  # per token, a stopword, number or name: what a word spinner keeps
    stem_rows: np.ndarray  # sentence of each distinct (sentence, content stem) entry
    stem_keys: np.ndarray  # that entry's stem key
    stems: np.ndarray  # the document's distinct stem keys, sorted
    stems_per_sentence: np.ndarray


def columns(doc: Document) -> Columns:
    """The per-token facts every feature reads, computed in one pass and kept on `doc`.

    A stem is a content word that is not a closed-class word, cut to five letters (a crude
    stemmer: `stated` and `states` meet), names and numbers included: what heavy paraphrase
    keeps of a sentence.
    """
    return memo(doc, "columns", _columns)


def _columns(doc: Document) -> Columns:
    table = doc.token_columns
    words, sentence = table.lowers, table.sentences
    rows, facts = VOCABULARY.lookup(table.texts, doc.__dict__[MEMO].get("rows"))
    rows = np.asarray(rows, dtype=np.intp)
    opens = np.ones(rows.size, dtype=bool)  # a sentence's first token: its capital says nothing
    opens[1:] = sentence[1:] != sentence[:-1]
    stopword, content = facts.stopword[rows], facts.content[rows]
    stemmed = np.flatnonzero(content & ~facts.closed[rows])
    stem_rows = sentence[stemmed]
    stem_keys = facts.stem_key[rows[stemmed]]
    order = np.lexsort((stem_keys, stem_rows))  # each (sentence, stem) once
    stem_rows, stem_keys = stem_rows[order], stem_keys[order]
    distinct = np.ones(order.size, dtype=bool)
    distinct[1:] = (stem_rows[1:] != stem_rows[:-1]) | (stem_keys[1:] != stem_keys[:-1])
    stem_rows, stem_keys = stem_rows[distinct], stem_keys[distinct]
    return Columns(
        sentence=sentence,
        paragraph=table.paragraphs,
        keys=facts.key[rows], stopword=stopword, content=content,
        names=list(compress(words, (facts.name[rows] & ~opens).tolist())),
        numbers=list(compress(words, facts.number[rows].tolist())),
        rare=list(compress(words, facts.rare[rows].tolist())),
        skeleton=stopword | facts.number[rows] | (facts.name[rows] & ~opens),
        stem_rows=stem_rows, stem_keys=stem_keys, stems=unique_sorted(stem_keys),
        stems_per_sentence=np.bincount(stem_rows, minlength=doc.n_sentences))


def gram_sequence(doc: Document, n: int) -> list[int]:
    """The key of each word n-gram (n <= 8) in order, as Python ints: what alignment anchors
    on (`detector.align.anchors`), one key a gram instead of a tuple of its words."""
    return memo(doc, f"g{n}", lambda d: gram_stream(columns(d).keys, n).tolist())


def word_grams(doc: Document, n: int) -> np.ndarray:
    """Distinct word n-grams of the lower-cased token stream, as sorted keys."""
    return memo(doc, f"w{n}", lambda d: gram_keys(columns(d).keys, n))


def stopword_grams(doc: Document, n: int) -> np.ndarray:
    """Distinct n-grams of the document's stopwords in order (Stamatatos, 2011)."""
    return memo(doc, f"sw{n}", lambda d: gram_keys(columns(d).keys[columns(d).stopword], n))


def content_words(doc: Document) -> np.ndarray:
    """Distinct words longer than two letters that are not stopwords, as sorted keys."""
    return memo(doc, "content", lambda d: unique_sorted(columns(d).keys[columns(d).content]))


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


def token_bounds(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    """Each token's character offsets in the text: (starts, ends)."""
    def compute(d: Document) -> tuple[np.ndarray, np.ndarray]:
        table = d.token_columns
        starts = np.asarray(table.starts, dtype=np.int64)
        return starts, starts + np.fromiter(map(len, table.texts), dtype=np.int64,
                                            count=len(table.texts))
    return memo(doc, "bounds", compute)


def skeletons(doc: Document) -> list[str]:
    """Each sentence's skeleton, its stopwords, numbers and names in order, one character a
    word (from the word's key): what a word spinner leaves of a sentence, as a string that
    C-level edit distances compare. Characters stand for words only within one process."""
    def compute(d: Document) -> list[str]:
        c = columns(d)
        keys = c.keys[c.skeleton] % np.uint64(0x10FFFF)
        text = "".join(map(chr, keys.tolist()))
        counts = np.bincount(c.sentence[c.skeleton], minlength=d.n_sentences)
        ends = np.cumsum(counts)
        starts = ends - counts
        return [text[a:z] for a, z in zip(starts.tolist(), ends.tolist(), strict=True)]
    return memo(doc, "skeletons", compute)


def lower_text(doc: Document) -> str:
    return memo(doc, "lower_text", lambda d: d.text.lower())
