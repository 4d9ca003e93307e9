"""Sentence restructuring after the word pass, as machine-translation round trips do it."""

from __future__ import annotations

import re

from detector.training.spinner.engine import Run
from detector.training.spinner.parse import QUOTE_CHARS, Paragraph, Sentence, looks_like_name
from detector.training.spinner.tables import FUNCTION_WORDS, SAY_VERBS

_SAY_VERBS = "|".join(SAY_VERBS)

_LEADING_PP = re.compile(
    r"^(?P<pp>(?:In|On|At|During|After|Before|Since|Throughout|Last|Earlier|Later|By|Under|"
    r"Despite|Amid|Following|Over|Within)\b[^,;:“”\"]{1,45}), (?P<rest>[^“”\"]+?)(?P<end>[.!?])$"
)
_TRAILING_PP = re.compile(
    r"^(?P<rest>[^“”\"]{20,}?) (?P<pp>(?:on|in|at|during|since|after|before|last|this|next) "
    r"(?:the )?(?:[A-Z][\w’']*|\d[\d,]*)(?: (?:[A-Z][\w’']*|\d[\d,]*)){0,2})(?P<end>[.!?])$"
)
_SAID_AFTER = re.compile(
    rf"^(?P<pre>.*[,”\"] )(?P<verb>{_SAY_VERBS}) (?P<who>[^,.;“”\"]{{3,60}}?)(?P<end>[.!?])$"
)
_SAID_BEFORE = re.compile(
    rf"^(?P<pre>.*[,”\"]) (?P<who>[A-Z][^,.;“”\"]{{2,60}}?) (?P<verb>{_SAY_VERBS})(?P<end>[.!?])$"
)
_CONJUNCTS = re.compile(
    r"(?<!, )(?<![\w’'-])\b([a-z]{3,}|[A-Z][a-z]{2,}) and ([a-z]{3,}|[A-Z][a-z]{2,})\b(?!,? and)"
)


# "X and Y" is swapped only where both are whole phrases: after a determiner or preposition and
# before punctuation or a function word ("of bread and milk rose" stays put, "rising costs" too).
_NP_BEFORE = re.compile(r"(?:^|\b(?:the|a|an|of|in|on|at|for|to|with|by|from|and|his|her|its|"
                        r"their|our|both|between|about|over) )$", re.IGNORECASE)
_NP_AFTER = re.compile(r"(?:[,.;:!?)]|\s+(?:the|a|an|of|in|on|at|for|to|with|by|from|that|which|"
                       r"who|were|was|are|is|have|has|had|will|would|said|last|this|next)\b)")


def _changed_span(old: str, new: str) -> tuple[str, str]:
    """The differing middle of two versions of a sentence, widened to whole words."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    while start > 0 and old[start - 1].isalnum():
        start -= 1
    while end > 0 and old[len(old) - end].isalnum():
        end -= 1
    return old[start: len(old) - end].strip(), new[start: len(new) - end].strip()


class Restructure:
    """Reordering, splitting and merging of sentences after the word pass (backtranslate)."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def lower_first(self, text: str) -> str:
        m = re.match(r"[A-Za-z]+", text)
        if not m:
            return text
        word = m.group()
        if looks_like_name(word, True, self.run.caps, self.run.res):
            return text
        return word.lower() + text[len(word):]

    def reorder(self, text: str) -> tuple[str, str] | None:
        """One local reordering of a sentence: PP moves, said-X swaps or conjunct swaps."""
        rng = self.run.rng
        tries = [self.leading_pp, self.trailing_pp, self.said_swap, self.conjuncts]
        rng.shuffle(tries)
        for attempt in tries:
            out = attempt(text)
            if out and out != text:
                return out, attempt.__name__
        return None

    def leading_pp(self, text: str) -> str | None:
        m = _LEADING_PP.match(text)
        if not m or len(m.group("pp").split()) > 6:
            return None
        pp = self.lower_first(m.group("pp"))
        rest = m.group("rest")
        return rest[0].upper() + rest[1:] + " " + pp + m.group("end")

    def trailing_pp(self, text: str) -> str | None:
        m = _TRAILING_PP.match(text)
        if not m or "," in m.group("rest")[-3:]:
            return None
        pp = m.group("pp")
        return pp[0].upper() + pp[1:] + ", " + self.lower_first(m.group("rest")) + m.group("end")

    def said_swap(self, text: str) -> str | None:
        m = _SAID_AFTER.match(text)
        if m and len(m.group("who").split()) <= 5:
            return f"{m.group('pre')}{m.group('who')} {m.group('verb')}{m.group('end')}"
        m = _SAID_BEFORE.match(text)
        if m and len(m.group("who").split()) <= 5:
            return f"{m.group('pre')} {m.group('verb')} {m.group('who')}{m.group('end')}"
        return None

    def conjuncts(self, text: str) -> str | None:
        spots = [m for m in _CONJUNCTS.finditer(text)
                 if m.group(1)[0].isupper() == m.group(2)[0].isupper()
                 and m.group(1).lower() not in FUNCTION_WORDS
                 and m.group(2).lower() not in FUNCTION_WORDS and m.start() > 0
                 and _NP_BEFORE.search(text[: m.start()]) and _NP_AFTER.match(text[m.end():])]
        if not spots:
            return None
        m = self.run.rng.choice(spots)
        return text[: m.start()] + f"{m.group(2)} and {m.group(1)}" + text[m.end():]

    def apply(self, para: Paragraph) -> None:
        """Rewrite the backtranslate sentences of a paragraph in place (never across paragraphs)."""
        run, rng = self.run, self.run.rng
        items: list[list] = []  # [text, sep, style, edits]
        for sent in para.sentences:
            items.append([sent.text(), sent.sep, sent.style, [(a, b) for _, a, b in sent.edits]])
        out: list[list] = []
        i = 0
        while i < len(items):
            text, sep, style, edits = items[i]
            if style != "backtranslate" or not para.spin:
                out.append(items[i])
                i += 1
                continue
            if rng.random() < run.struct_rate:
                done = self.reorder(text)
                if done:
                    edits.append(_changed_span(text, done[0]))
                    text = done[0]
            nxt = items[i + 1] if i + 1 < len(items) else None
            if (nxt and nxt[2] == "backtranslate" and sep == " " and self.mergeable(text, nxt[0])
                    and rng.random() < run.struct_rate * 0.7):
                merged = text[:-1] + ", and " + self.lower_first(nxt[0])
                edits.append((text[-1:] + " " + nxt[0].split(" ")[0], ", and"))
                out.append([merged, nxt[1], style, edits + nxt[3]])
                i += 2
                continue
            split = self.split(text) if rng.random() < run.struct_rate * 0.7 else None
            if split:
                edits.append((split[2], "."))
                out.append([split[0], " ", style, edits])
                out.append([split[1], sep, style, []])
            else:
                out.append([text, sep, style, edits])
            i += 1
        para.sentences = [
            Sentence(["", text], sep, style=style, edits=[(0, a, b) for a, b in edits])
            if edits else Sentence(["", text], sep, style=style)
            for text, sep, style, edits in out
        ]

    @staticmethod
    def mergeable(a: str, b: str) -> bool:
        if any(c in a + b for c in QUOTE_CHARS) or not a.endswith(".") or len(a) < 3:
            return False
        return a[-2].islower() and len(a.split()) <= 14 and len(b.split()) <= 14

    def split(self, text: str) -> tuple[str, str, str] | None:
        if any(c in text for c in QUOTE_CHARS):
            return None
        for marker in (", and ", "; ", ", but "):
            i = text.find(marker)
            if i < 0:
                continue
            left, right = text[:i], text[i + len(marker):]
            if len(left.split()) >= 6 and len(right.split()) >= 6 and right[:1].isalpha():
                if marker == ", but ":
                    right = "But " + right
                return left + ".", right[0].upper() + right[1:], marker.strip()
        return None
