"""What counts as a name, a number and a rare word: one definition for every stage.

Features, the index's anchors, the spinners and the benchmark corpora all ask these questions
of a token; answering them in one place keeps "a name" the same thing everywhere.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from detector.lexicon import STOPWORDS, closed_class_words

RARE_MIN_LENGTH = 9  # a lower-case word this long is one a spinner's thesaurus rarely covers

# Capitalised, but not names: calendar words and the pronoun "I".
NOT_NAMES: frozenset[str] = STOPWORDS | frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday i".split()
)


def is_number(lower: str) -> bool:
    """A token that starts with a digit: 17, 2023, 3.5%, 1st."""
    return lower[:1].isdigit()


def is_name(text: str, lower: str | None = None) -> bool:
    """A capitalised word that is not a stopword or calendar word: a proper name, mostly.

    Callers skip a sentence's first word, whose capital says nothing.
    """
    return text[:1].isupper() and (lower if lower is not None else text.lower()) not in NOT_NAMES


def is_rare(text: str, lower: str | None = None) -> bool:
    """A long all-lower-case word, which spinners' thesauri rarely cover."""
    return len(lower if lower is not None else text) >= RARE_MIN_LENGTH and text.islower()


# The same questions of a whole document at once, as boolean masks over its tokens (`texts`
# as written, `lowers` lower-cased), for the per-document analysis. What a question asks of
# the lower-cased word alone is worked out once per distinct word and process (`word_facts`):
# most words of an article were seen in earlier ones, so a token costs one dict lookup.

_first = itemgetter(0)  # tokens are never empty

# Bits of `word_facts`: what a lower-cased word is, whatever its case in the text.
NUMBER = 1  # is_number
LONG = 2  # RARE_MIN_LENGTH letters or more (rare if written all in lower case)
NOT_NAME = 4  # in NOT_NAMES: not a name even when capitalised
STOPWORD = 8  # in STOPWORDS
CLOSED_CLASS = 16  # in detector.lexicon.closed_class_words()
SHORT = 32  # two characters or fewer
FACTS_CACHE_SIZE = 200_000  # distinct words remembered; cleared when full, so memory stays flat


class _WordFacts(dict):
    """Lower-cased word -> its bits, each worked out on its first lookup."""

    def __missing__(self, lower: str) -> int:
        if len(self) >= FACTS_CACHE_SIZE:
            self.clear()
        bits = (NUMBER * is_number(lower) | LONG * (len(lower) >= RARE_MIN_LENGTH)
                | NOT_NAME * (lower in NOT_NAMES) | STOPWORD * (lower in STOPWORDS)
                | CLOSED_CLASS * (lower in closed_class_words()) | SHORT * (len(lower) <= 2))
        self[lower] = bits
        return bits


_FACTS = _WordFacts()


def word_facts(lowers: list[str]) -> np.ndarray:
    """The bits (`NUMBER`, `LONG`, ...) of every lower-cased token, as uint8."""
    return np.fromiter(map(_FACTS.__getitem__, lowers), dtype=np.uint8, count=len(lowers))


def number_mask(lowers: list[str], facts: np.ndarray | None = None) -> np.ndarray:
    """`is_number` of every token (`facts`: its `word_facts`, if already at hand)."""
    facts = word_facts(lowers) if facts is None else facts
    return (facts & NUMBER).astype(bool)


def name_mask(texts: list[str], lowers: list[str], facts: np.ndarray | None = None
              ) -> np.ndarray:
    """`is_name` of every token."""
    facts = word_facts(lowers) if facts is None else facts
    upper = np.fromiter(map(str.isupper, map(_first, texts)), dtype=bool, count=len(texts))
    return upper & ((facts & NOT_NAME) == 0)


def rare_mask(texts: list[str], lowers: list[str], facts: np.ndarray | None = None
              ) -> np.ndarray:
    """`is_rare` of every token."""
    facts = word_facts(lowers) if facts is None else facts
    mask = (facts & LONG).astype(bool)
    for k in np.flatnonzero(mask).tolist():  # the few long words: written in lower case?
        mask[k] = texts[k].islower()
    return mask
