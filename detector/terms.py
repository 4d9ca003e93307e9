"""What counts as a name, a number and a rare word: one definition for every stage.

Features, the index's anchors, the spinners and the benchmark corpora all ask these questions
of a token; answering them in one place keeps "a name" the same thing everywhere.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from detector.lexicon import STOPWORDS

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


# The number question of a whole document at once (`lowers` lower-cased): a C-level pass.
# The analysis asks all three once per distinct word instead (`detector.vocabulary`).

_first = itemgetter(0)  # tokens are never empty


def number_mask(lowers: list[str]) -> np.ndarray:
    """`is_number` of every token."""
    return np.fromiter(map(str.isdigit, map(_first, lowers)), dtype=bool, count=len(lowers))
