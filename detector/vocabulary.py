"""Facts about each distinct token form, worked out once per process and looked up after.

Articles share most of their words, and the analysis asks the same questions of every token:
its lower-cased form in one spelling, whether it is a stopword, a name, a number, a rare word.
The `Vocabulary` answers them once per distinct form as written ("China's", "Jewellery") and
keeps the answers as columns, so a document's tokens become row numbers into those columns: one
dictionary pass per document, then array lookups, instead of a Python-level pass per question.

Row numbers mean something only to the vocabulary that gave them, and only until it starts
afresh (when full): `Rows` carry the generation they belong to, and a lookup given rows of an
older generation looks the tokens up again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from itertools import count
from typing import NamedTuple

import numpy as np

from detector.lexicon import STOPWORDS, closed_class_words
from detector.spelling import canonical_word
from detector.terms import is_name, is_number, is_rare

_GENERATIONS = count(1)  # one number per vocabulary and fresh start, never reused
LIMIT = 200_000  # distinct forms kept before starting afresh: about 40 MB, thousands of articles


def lower_form(text: str) -> str:
    """A token's lower-cased form in one spelling (`detector.spelling`): the unit words are
    compared in. Letter for letter, so offsets into the text still hold ("İ" gives "i"); a
    typographic apostrophe is a plain one ("China’s" is "china's")."""
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c.lower()[0] for c in text)
    if "’" in lower:
        lower = lower.replace("’", "'")
    return canonical_word(lower)


class Facts(NamedTuple):
    """The fact columns, indexed by row: what `Vocabulary.lookup` returns with the rows."""

    key: np.ndarray  # uint64: the lower form's string hash, the key words are compared by
    stem_key: np.ndarray  # uint64: the hash of its first five letters (`analysis.columns`)
    stable: np.ndarray  # uint64: `stable_key` of the lower form, the same in every process
    stopword: np.ndarray  # bool: one of STOPWORDS
    content: np.ndarray  # bool: three letters or more and no stopword
    closed: np.ndarray  # bool: a closed-class word (determiner, preposition, pronoun...)
    name: np.ndarray  # bool: `terms.is_name`
    number: np.ndarray  # bool: `terms.is_number`
    rare: np.ndarray  # bool: `terms.is_rare`


class Rows(NamedTuple):
    """Each token's row, and the generation of the vocabulary that gave them."""

    generation: int
    rows: list[int]


_KEYS = ("key", "stem_key", "stable")
_DTYPES = {f: np.uint64 if f in _KEYS else bool for f in Facts._fields}


def stable_key(lower: str) -> int:
    """A word's key that every process and machine computes alike (its BLAKE2b-64 digest,
    read little-endian): what the reference index stores, where `Facts.key` (Python's string
    hash) changes from process to process."""
    return int.from_bytes(hashlib.blake2b(lower.encode(), digest_size=8).digest(), "little")


class Vocabulary(dict):
    """Token form -> row, with the facts of each row in columns; a form seen for the first
    time gets its row and facts on the spot (`__missing__`). Safe to share between threads."""

    def __init__(self, limit: int = LIMIT):
        super().__init__()
        self.limit = limit
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.clear()
        self.generation = next(_GENERATIONS)
        self._lower: list[str] = []
        self._columns = {f: np.zeros(1024, dtype=t) for f, t in _DTYPES.items()}

    def __missing__(self, text: str) -> int:
        row = len(self._lower)
        lower = lower_form(text)
        stopword = lower in STOPWORDS
        if row == self._columns["key"].size:  # full: twice the room
            self._columns = {f: np.concatenate((c, np.zeros_like(c)))
                             for f, c in self._columns.items()}
        c = self._columns
        c["key"][row] = hash(lower) & 0xFFFFFFFFFFFFFFFF  # unsigned, as `analysis` keys words
        c["stem_key"][row] = hash(lower[:5]) & 0xFFFFFFFFFFFFFFFF
        c["stable"][row] = stable_key(lower)
        c["stopword"][row] = stopword
        c["content"][row] = len(lower) > 2 and not stopword
        c["closed"][row] = lower in closed_class_words()
        c["name"][row] = is_name(text, lower)
        c["number"][row] = is_number(lower)
        c["rare"][row] = is_rare(text, lower)
        self._lower.append(lower)
        self[text] = row
        return row

    def _rows(self, texts: list[str]) -> list[int]:
        if len(self) + len(texts) > self.limit:
            self._reset()
        return list(map(self.__getitem__, texts))

    def lookup(self, texts: list[str], known: Rows | None = None) -> tuple[list[int], Facts]:
        """Each token's row (`known` ones if still current), and the fact columns to read
        them in."""
        with self._lock:
            if known is not None and known.generation == self.generation:
                rows = known.rows
            else:
                rows = self._rows(texts)
            return rows, Facts(**self._columns)

    def lowers(self, texts: list[str]) -> tuple[list[str], Rows]:
        """`lower_form` of each token, and the tokens' rows for a later `lookup`."""
        with self._lock:
            rows = self._rows(texts)
            return list(map(self._lower.__getitem__, rows)), Rows(self.generation, rows)

    def _after_fork(self) -> None:
        """In a forked child: a new lock (another thread of the parent may have held this
        one when it forked) and a fresh start (that thread may have been adding a form)."""
        self._lock = threading.Lock()
        self._reset()


VOCABULARY = Vocabulary()  # the process's one vocabulary
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=VOCABULARY._after_fork)
