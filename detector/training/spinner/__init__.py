"""Synthetic article spinners that turn an original into a spun copy, the detector's positives.

Evaluation uses spinners we never see, so the styles here imitate several families of real
tools (sense-blind WordNet swaps, odd thesauri, phrase tables with fillers, crude function-word
swaps, machine-translation round trips) and draw their settings at random for every call.

Modules: `tables` (word tables, package data), `inflect` (re-inflection of replacements),
`thesaurus` (where replacements come from), `parse` (text as sentences of words and gaps),
`engine` (the word-level styles), `restructure` (sentence rewrites of the round trip),
`api` (spin, spin_partial, random_spin) and `stitch` (suspects made of two sources).
"""

from __future__ import annotations

from detector.training.spinner.api import (
    SpinResult,
    random_spin,
    spin,
    spin_partial,
    swap_share,
)
from detector.training.spinner.engine import STYLES
from detector.training.spinner.inflect import inflect, inflect_like, match_case, word_form
from detector.training.spinner.stitch import STITCH_MODES, stitch
from detector.training.spinner.tables import IRREGULAR_VERBS, PHRASES, VERB_PHRASES
from detector.training.spinner.thesaurus import build_thesaurus

__all__ = [
    "IRREGULAR_VERBS", "PHRASES", "STITCH_MODES", "STYLES", "VERB_PHRASES", "SpinResult",
    "build_thesaurus", "inflect", "inflect_like", "match_case", "random_spin", "spin",
    "spin_partial", "stitch", "swap_share", "word_form",
]
