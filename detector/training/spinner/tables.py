"""The spinners' word tables, read once from the package's JSON files, plus the sets derived."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from detector.lexicon import CLOSED_CLASSES, FILLERS, STOPWORDS, closed_class_words


@cache
def load(name: str) -> dict:
    """The package data file `<name>.json` (inflection, phrases or words), parsed once."""
    return json.loads(files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8"))


def _table(entries: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(values) for key, values in entries.items()}


def _pairs(entries: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    return {key: (first, second) for key, (first, second) in entries.items()}


_inflection = load("inflection")
_phrases = load("phrases")
_words = load("words")

# --- inflection.json -------------------------------------------------------------------------

# Irregular verbs: base -> (past, past participle). Prefixed forms (undertake) are derived.
IRREGULAR_VERBS: dict[str, tuple[str, str]] = _pairs(_inflection["irregular_verbs"])
VERB_PREFIXES: tuple[str, ...] = tuple(_inflection["verb_prefixes"])  # tried in this order
# Two-syllable verbs stressed on the last syllable double their final consonant.
DOUBLE_FINAL: frozenset[str] = frozenset(_inflection["double_final"])
IRREGULAR_PLURALS: dict[str, str] = _inflection["irregular_plurals"]
UNCOUNTABLE: frozenset[str] = frozenset(_inflection["uncountable"])
NOT_MAN: frozenset[str] = frozenset(_inflection["not_man"])  # -man words whose plural is -mans
THIRD_PERSON: dict[str, str] = _inflection["third_person"]  # be -> is
# Adjective -> (comparative, superlative).
IRREGULAR_ADJECTIVES: dict[str, tuple[str, str]] = _pairs(_inflection["irregular_adjectives"])
PLAIN_ADJ_ER: tuple[str, ...] = tuple(_inflection["plain_adj_er"])  # happier, not more happy

# --- phrases.json ----------------------------------------------------------------------------

# Typical spinner substitutions: literal (possibly multi-word) phrase -> replacements.
PHRASES: dict[str, tuple[str, ...]] = _table(_phrases["phrases"])
# Verb substitutions by base form; the replacement is inflected like the original.
VERB_PHRASES: dict[str, tuple[str, ...]] = _table(_phrases["verb_phrases"])
# Crude, sense-blind swaps of prepositions and conjunctions.
FUNCTION_SWAPS: dict[str, tuple[str, ...]] = _table(_phrases["function_swaps"])
CONTRACTIONS: dict[str, str] = _phrases["contractions"]
EXPANSIONS: dict[str, str] = {v: k for k, v in CONTRACTIONS.items()}

# --- words.json ------------------------------------------------------------------------------

NUMBER_WORDS: dict[str, str] = _words["number_words"]
DIGIT_WORDS: dict[str, str] = {v: k for k, v in NUMBER_WORDS.items() if len(v) == 1}
# Words that state a quantity or order: content styles leave them alone (numbers are facts).
QUANTITIES: frozenset[str] = frozenset(NUMBER_WORDS) | frozenset(_words["quantities"])
MONTHS: frozenset[str] = frozenset(_words["months"])
FILLER_AUX: frozenset[str] = frozenset(_words["filler_aux"])  # "has actually tried"
PERFECT_AUX: frozenset[str] = frozenset(_words["perfect_aux"])  # a past form after one is a pp
HAVE: frozenset[str] = frozenset(_words["have"])
MODAL_TO: frozenset[str] = frozenset(_words["modal_to"])  # a verb follows
THE_ONLY: frozenset[str] = frozenset(_words["the_only"])  # "the first", never "a first"
SAY_VERBS: tuple[str, ...] = tuple(_words["say_verbs"])  # "..., said the minister."
CONSONANT_ONSETS: tuple[str, ...] = tuple(_words["consonant_onsets"])  # "a union"
VOWEL_ONSETS: tuple[str, ...] = tuple(_words["vowel_onsets"])  # "an hour"

# --- derived with the lexicon's closed classes -----------------------------------------------

FILLER_LIST: tuple[str, ...] = tuple(sorted(FILLERS))
FUNCTION_WORDS: frozenset[str] = (STOPWORDS | closed_class_words()) - {"said"}
UNSWAPPABLE: frozenset[str] = (
    CLOSED_CLASSES["aux"] | CLOSED_CLASSES["pron"] | CLOSED_CLASSES["det"]
    | frozenset(_words["unswappable"])
)
# Never offered as a replacement.
NOT_CANDIDATES: frozenset[str] = UNSWAPPABLE | QUANTITIES | frozenset(_words["not_candidates"])
