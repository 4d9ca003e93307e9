"""A rule-based sentence restructurer: what a rewrite does to sentences, not to words.

It multiplies the hand-written rewrites in `data/rewrites/` (and makes rewrite-like text from
spins): quotes turned into reported speech, leading clauses moved to the end and back, short
sentences merged, long ones split at a conjunction, middle paragraphs reordered. Each rule is a
small function of one sentence (or a pair); `restructure` applies them at random.
"""

from __future__ import annotations

import random
import re

from detector.lexicon import STOPWORDS, closed_class_words
from detector.text import split_sentences

_QUOTE_SAID = re.compile(
    r'^[“"](?P<quote>[^”"]{12,}?)[,.]?[”"],? (?P<who>[A-Z][\w.’\' -]{1,40}?) '
    r"(?P<verb>said|says|told reporters|added|explained|noted)(?P<rest>[^.]*)\.$"
)
_SAID_QUOTE = re.compile(
    r"^(?P<who>[A-Z][\w.’' -]{1,40}?) (?P<verb>said|says|added)(?:,| that)? "
    r'[“"](?P<quote>[^”"]{12,}?)[.,]?[”"]\.?$'
)
_ATTRIBUTED = re.compile(
    r"^(?P<content>[^“”\"]{20,}), (?P<who>(?:[A-Za-z][\w.’'-]*\s?){1,6}?) "
    r"(?P<verb>said|says|told [A-Z]?\w+|reported|announced)\.$"
)
_LEADING = re.compile(
    r"^(?P<lead>(?:When|After|Before|While|Although|Though|Because|As|Since|If|Despite|"
    r"Following|In|On|At|During)\b[^,]{3,60}), (?P<main>[^,].{15,})\.$"
)
_TRAILING = re.compile(
    r"^(?P<main>[A-Z].{15,}?) (?P<lead>(?:when|after|before|while|because|as|since|although)"
    r"\b.{8,60})\.$"
)
_SPLIT = re.compile(r"^(?P<a>.{30,}?)(?:, and |; | but )(?P<b>[a-z].{20,})$")
_PAST = {"said": "said", "says": "said", "told reporters": "told reporters", "added": "added",
         "explained": "explained", "noted": "noted"}


def _lower_first(text: str) -> str:
    """Lower-case a sentence's first word unless it may be a name (only function words are
    lowered: "The" -> "the", "Reid" stays)."""
    first = text.split(" ", 1)[0]
    if first.lower() in closed_class_words() or first.lower() in STOPWORDS:
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def reported_speech(sentence: str) -> str | None:
    """“We will rebuild,” the mayor said. -> The mayor said that we will rebuild."""
    m = _ATTRIBUTED.match(sentence)
    if m:  # Reid checked in, her rep said. -> Her rep said that Reid checked in.
        return (f"{_upper_first(m.group('who'))} {m.group('verb')} that "
                f"{_lower_first(m.group('content'))}.")
    m = _QUOTE_SAID.match(sentence) or _SAID_QUOTE.match(sentence)
    if not m:
        return None
    quote = m.group("quote").strip().rstrip(".,")
    who = m.group("who").strip()
    verb = _PAST.get(m.group("verb"), m.group("verb"))
    return f"{_upper_first(who)} {verb} that {_lower_first(quote)}."


def move_clause(sentence: str) -> str | None:
    """Leading clause to the end (When A, B. -> B when A.), or a trailing one to the front."""
    m = _LEADING.match(sentence)
    if m:
        return f"{_upper_first(m.group('main'))} {_lower_first(m.group('lead'))}."
    m = _TRAILING.match(sentence)
    if m:
        return f"{_upper_first(m.group('lead'))}, {_lower_first(m.group('main'))}."
    return None


def split(sentence: str) -> list[str] | None:
    """A long sentence in two at a conjunction or semicolon."""
    if len(sentence.split()) < 18:
        return None
    m = _SPLIT.match(sentence.rstrip("."))
    if not m:
        return None
    return [m.group("a").rstrip(",;") + ".", _upper_first(m.group("b")) + "."]


def merge(a: str, b: str) -> str | None:
    """Two short sentences joined: A. B. -> A, and b."""
    if len(a.split()) + len(b.split()) > 30 or not a.endswith(".") or '"' in a + b:
        return None
    return f"{a[:-1]}, and {_lower_first(b)}"


def restructure(text: str, rng: random.Random, rate: float = 0.6) -> str:
    """`text` with about `rate` of its sentences restructured by the rules above."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    out = []
    for paragraph in paragraphs:
        sentences = split_sentences(paragraph)
        changed: list[str] = []
        k = 0
        while k < len(sentences):
            sentence = sentences[k].strip()
            if rng.random() >= rate:
                changed.append(sentence)
                k += 1
                continue
            rule = rng.choice(("reported", "clause", "split", "merge"))
            if rule == "merge" and k + 1 < len(sentences):
                merged = merge(sentence, sentences[k + 1].strip())
                if merged:
                    changed.append(merged)
                    k += 2
                    continue
            result = {"reported": reported_speech, "clause": move_clause,
                      "split": split}.get(rule, move_clause)(sentence)
            if isinstance(result, list):
                changed.extend(result)
            else:
                changed.append(result or reported_speech(sentence) or move_clause(sentence)
                               or sentence)
            k += 1
        out.append(" ".join(changed))
    if len(out) > 3 and rng.random() < 0.5:  # reorder the middle, as a rewrite regroups facts
        middle = out[1:-1]
        rng.shuffle(middle)
        out = [out[0], *middle, out[-1]]
    return "\n\n".join(out)
