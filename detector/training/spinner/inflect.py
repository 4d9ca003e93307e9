"""Re-inflection of swapped words: a replacement takes the tense, number or degree of the old."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from detector.lexicon import Lexicon, load_lexicon
from detector.training.spinner.tables import (
    DOUBLE_FINAL,
    HAVE,
    IRREGULAR_ADJECTIVES,
    IRREGULAR_PLURALS,
    IRREGULAR_VERBS,
    NOT_MAN,
    PERFECT_AUX,
    PLAIN_ADJ_ER,
    THIRD_PERSON,
    UNCOUNTABLE,
    VERB_PREFIXES,
)

T = TypeVar("T")

Analysis = tuple[str, str, str]  # (pos, base, form)

# Irregular forms from WordNet's exception lists, filled by the first `Morphology` made.
_LEX_VERBS: dict[str, tuple[str, str]] = {}
_LEX_ADJS: dict[str, tuple[str, str]] = {}


def learn_irregulars(lexicon: Lexicon) -> None:
    """Fill the irregular verb and adjective tables from WordNet's exception lists, once."""
    if _LEX_VERBS:
        return
    verbs: dict[str, list[str]] = {}
    for form, bases in lexicon.exceptions.get("v", {}).items():
        for base in bases:
            verbs.setdefault(base, []).append(form)
    for base, forms in verbs.items():
        pasts = sorted(f for f in forms if f.endswith("ed"))
        odd = sorted(f for f in forms if not f.endswith(("ed", "ing", "s")))
        if pasts:
            _LEX_VERBS[base] = (pasts[0], pasts[0])
        elif len(odd) == 1:
            _LEX_VERBS[base] = (odd[0], odd[0])
        elif len(odd) >= 2:
            pps = [f for f in odd if f.endswith("n") or "u" in f]
            pp = pps[0] if pps else odd[-1]
            past = next((f for f in odd if f != pp), pp)
            _LEX_VERBS[base] = (past, pp)
    adjs: dict[str, list[str]] = {}
    for form, bases in lexicon.exceptions.get("a", {}).items():
        for base in bases:
            adjs.setdefault(base, []).append(form)
    for base, forms in adjs.items():
        er = [f for f in forms if f.endswith("er")]
        est = [f for f in forms if f.endswith("est")]
        if er and est:
            _LEX_ADJS[base] = (er[0], est[0])


def _syllables(word: str) -> int:
    groups = re.findall(r"[aeiouy]+", word)
    n = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(n, 1)


def _doubles(word: str) -> bool:
    """True when a suffix doubles the final consonant (stop -> stopped, admit -> admitted)."""
    if word in DOUBLE_FINAL:
        return True
    return bool(re.fullmatch(r"[^aeiou]*[aeiou][bdfgklmnprtvz]", word)) and _syllables(word) == 1


def _plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun in UNCOUNTABLE or noun.endswith(("ness", "ics")):
        return noun
    if noun.endswith("man") and noun not in NOT_MAN:
        return noun[:-3] + "men"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _third_person(verb: str) -> str:
    if verb in THIRD_PERSON:
        return THIRD_PERSON[verb]
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        return verb + "es"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _irregular(verb: str) -> tuple[str, str] | None:
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb]
    for prefix in VERB_PREFIXES:
        tail = verb[len(prefix):]
        if verb.startswith(prefix) and tail in IRREGULAR_VERBS and len(tail) > 2:
            past, pp = IRREGULAR_VERBS[tail]
            return prefix + past, prefix + pp
    return _LEX_VERBS.get(verb)


def _past(verb: str, participle: bool) -> str:
    irregular = _irregular(verb)
    if irregular:
        return irregular[1] if participle else irregular[0]
    if verb.endswith("e"):
        return verb + "d"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    if verb.endswith("c"):
        return verb + "ked"
    if _doubles(verb):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def _gerund(verb: str) -> str:
    if verb == "be":
        return "being"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if verb.endswith("c"):
        return verb + "king"
    if _doubles(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _compare(adj: str, form: str) -> str:
    index = 0 if form == "er" else 1
    if adj in IRREGULAR_ADJECTIVES:
        return IRREGULAR_ADJECTIVES[adj][index]
    if adj in _LEX_ADJS:
        return _LEX_ADJS[adj][index]
    suffix = "er" if form == "er" else "est"
    syllables = _syllables(adj)
    if syllables == 1 or (syllables == 2 and adj.endswith(PLAIN_ADJ_ER)):
        if adj.endswith("e"):
            return adj + suffix[1:]
        if len(adj) > 1 and adj.endswith("y") and adj[-2] not in "aeiou":
            return adj[:-1] + "i" + suffix
        if syllables == 1 and re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", adj):
            return adj + adj[-1] + suffix
        return adj + suffix
    return ("more " if form == "er" else "most ") + adj


def inflect(base: str, pos: str, form: str) -> str:
    """Put `base` into `form` (base, pl, 3sg, past, pp, ing, er, est) for part of speech `pos`."""
    if form == "base" or not base:
        return base
    words = base.split(" ")
    if len(words) > 1:
        if pos == "v":
            return " ".join([inflect(words[0], pos, form), *words[1:]])
        if pos == "n":
            return " ".join([*words[:-1], inflect(words[-1], pos, form)])
        if pos == "a":
            return ("more " if form == "er" else "most ") + base
        return base
    if pos == "n" or (pos == "v" and form == "pl"):
        return _plural(base)
    if pos == "v":
        if form == "3sg":
            return _third_person(base)
        if form == "ing":
            return _gerund(base)
        return _past(base, form == "pp")
    if pos == "a" and form in ("er", "est"):
        return _compare(base, form)
    return base


def word_form(word: str, pos: str, base: str) -> str:
    """The inflection of `word` relative to its base form `base` in part of speech `pos`."""
    word = word.lower()
    if word == base:
        return "base"
    if pos == "n":
        return "pl"
    if pos == "v":
        if word.endswith("ing"):
            return "ing"
        if word in ("has", "is", "does") or (
            word.endswith("s") and word in (base + "s", base + "es", base[:-1] + "ies")
        ):
            return "3sg"
        irregular = _irregular(base)
        if irregular and irregular[1] == word and irregular[0] != word:
            return "pp"
        return "past"
    if pos == "a":
        if word.endswith("st"):
            return "est"
        return "er"
    return "base"


def context_form(pos: str, form: str, prev: str) -> str:
    """Refine a verb form by the word before it: "has tried" and "has cost" are participles."""
    if pos == "v" and (
        (form == "past" and prev in PERFECT_AUX) or (form == "base" and prev in HAVE)
    ):
        return "pp"
    return form


def _guess_form(word: str) -> tuple[str, str]:
    """Part of speech and form of an unknown word from its suffix alone."""
    if word.endswith("ing"):
        return "v", "ing"
    if word.endswith("ed"):
        return "v", "past"
    if word.endswith("s") and not word.endswith("ss"):
        return "n", "pl"
    return "n", "base"


def match_case(original: str, replacement: str) -> str:
    """Give `replacement` the capitalisation of `original` (lower, Title or UPPER)."""
    if not replacement or not original:
        return replacement
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


class Morphology:
    """Cached sense-blind (pos, base, form) readings of words in one lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        learn_irregulars(lexicon)
        self._analyses: dict[str, tuple[Analysis, ...]] = {}

    def analyses(self, word: str) -> tuple[Analysis, ...]:
        """(pos, base, form) readings of a lower-case word, sense-blind."""
        found = self._analyses.get(word)
        if found is None:
            lemmas = self.lex.lemmas(word)
            found = tuple(
                (pos, base, word_form(word, pos, base))
                for pos in ("v", "n", "a", "r") for base in sorted(lemmas.get(pos, ()))
            )
            self._analyses[word] = found
        return found


def per_lexicon(cache: dict[int, tuple[Lexicon, T]], make: Callable[[Lexicon], T],
                lexicon: Lexicon | None = None) -> T:
    """`make(lexicon)` (the shipped lexicon by default), made once per lexicon and kept in
    `cache`: what a spinner learns from a lexicon is worth keeping across many articles."""
    lexicon = lexicon or load_lexicon()
    entry = cache.get(id(lexicon))
    if entry is None or entry[0] is not lexicon:
        entry = cache[id(lexicon)] = (lexicon, make(lexicon))
    return entry[1]


_MORPHOLOGY: dict[int, tuple[Lexicon, Morphology]] = {}


def morphology(lexicon: Lexicon | None = None) -> Morphology:
    """The `Morphology` of `lexicon` (the shipped one by default), made once per lexicon."""
    return per_lexicon(_MORPHOLOGY, Morphology, lexicon)


def inflect_like(
    base: str, original: str, *, pos: str | None = None, prev: str = "",
    lexicon: Lexicon | None = None,
) -> str:
    """Inflect `base` the way `original` is inflected: inflect_like("state", "said") == "stated"."""
    morph = morphology(lexicon)
    low = original.lower()
    options = [a for a in morph.analyses(low) if pos is None or a[0] == pos]
    if options:
        # Prefer readings the new word can take ("child" is a noun: documents -> children).
        low_base = base.lower()
        base_pos = {a[0] for a in morph.analyses(low_base) if a[1] == low_base} or {
            a[0] for a in morph.analyses(low_base.split(" ")[-1])}
        options.sort(key=lambda a: (a[0] not in base_pos, a[2] == "base"))
        chosen = options[0]
        p, form = chosen[0], chosen[2]
    else:
        p, form = _guess_form(low)
        p = pos or p
    return match_case(original, inflect(base.lower(), p, context_form(p, form, prev.lower())))
