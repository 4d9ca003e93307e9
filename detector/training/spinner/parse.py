"""Text as the spinners see it: sentences of words and gaps, with quote, start and name flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from detector.terms import is_number
from detector.text import split_sentences
from detector.training.spinner.thesaurus import Thesaurus

WORD = re.compile(
    r"([A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*|\d+(?:[.,:]\d+)*)"
)
POSSESSIVE = re.compile(r"^(.*[A-Za-z])(['’]s|['’])$")
PARA_SPLIT = re.compile(r"(\n\s*\n)")
QUOTE_CHARS = "\"“”"
_START_GAP = re.compile(r"[“\"(:\n]\s*$|^\s*[“\"(]")


@dataclass
class Sentence:
    """A sentence as alternating gaps and words (`parts[2k + 1]` is word k) plus word flags."""

    parts: list[str]
    sep: str
    quoted: list[bool] = field(default_factory=list)
    starts: list[bool] = field(default_factory=list)
    names: list[bool] = field(default_factory=list)
    done: list[bool] = field(default_factory=list)
    style: str = ""
    edits: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.parts) // 2

    def word(self, k: int) -> str:
        return self.parts[2 * k + 1]

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class Paragraph:
    lead: str
    sentences: list[Sentence]
    spin: bool = True


def _sentence_spans(paragraph: str) -> tuple[str, list[tuple[str, str]]]:
    """Leading whitespace and (sentence, following separator) pairs that rebuild `paragraph`."""
    sentences = split_sentences(paragraph)
    starts, pos = [], 0
    for sent in sentences:
        i = paragraph.find(sent, pos)
        if i < 0:
            return "", [(paragraph, "")]
        starts.append(i)
        pos = i + len(sent)
    if not sentences:
        return paragraph, []
    out = []
    for j, (sent, i) in enumerate(zip(sentences, starts, strict=True)):
        end = starts[j + 1] if j + 1 < len(starts) else len(paragraph)
        out.append((sent, paragraph[i + len(sent):end]))
    return paragraph[: starts[0]], out


def _quote_state(gap: str, inside: bool) -> bool:
    for ch in gap:
        if ch == '"':
            inside = not inside
        elif ch == "“":
            inside = True
        elif ch == "”":
            inside = False
    return inside


def parse(text: str) -> tuple[list[str], list[Paragraph], set[str]]:
    """Split text into blank-line separators and paragraphs, and collect mid-sentence capitals."""
    chunks = PARA_SPLIT.split(text)
    paragraphs: list[Paragraph] = []
    caps: set[str] = set()
    for chunk in chunks[::2]:
        lead, spans = _sentence_spans(chunk)
        inside = _quote_state(lead, False)
        sentences = []
        for sent_text, sep in spans:
            parts = WORD.split(sent_text)
            sent = Sentence(parts, sep)
            for k in range(len(parts) // 2):
                gap, word = parts[2 * k], parts[2 * k + 1]
                if gap == " " and k:
                    start = False
                else:
                    inside = _quote_state(gap, inside)
                    start = k == 0 or bool(_START_GAP.search(gap))
                sent.quoted.append(inside)
                sent.starts.append(start)
                if not start and word[0].isupper():
                    caps.add(word)
            inside = _quote_state(parts[-1] + sep, inside)
            sentences.append(sent)
        paragraphs.append(Paragraph(lead, sentences))
    return chunks[1::2], paragraphs, caps


def looks_like_name(word: str, start: bool, caps: set[str], res: Thesaurus) -> bool:
    """Capitalised mid-sentence, all-caps, camel-case, or a capitalised start we cannot read.

    Wider than `detector.terms.is_name`, which leaves out "I" and calendar words: a spinner
    keeps those as they are too.
    """
    rest = word[1:]
    if rest != rest.lower():
        return True
    if not word[0].isupper():
        return False
    if not start or word == "I":
        return True
    stem = POSSESSIVE.sub(r"\1", word)
    return stem in caps or word in caps or not res.known(stem.lower())


def name_at(sent: Sentence, k: int, caps: set[str], res: Thesaurus) -> bool:
    """Whether word k is (part of) a name; a capitalised start before a name is a title."""
    word = sent.parts[2 * k + 1]
    if is_number(word):
        return False
    if word[0].islower():
        return word[1:] != word[1:].lower()
    if looks_like_name(word, sent.starts[k], caps, res):
        return True
    return (word[0].isupper() and k + 1 < sent.n and sent.parts[2 * k + 2] == " "
            and sent.word(k + 1)[0].isupper())


def render(separators: list[str], paragraphs: list[Paragraph]) -> str:
    """The text again, from the (possibly rewritten) paragraphs and their separators."""
    out: list[str] = []
    for i, para in enumerate(paragraphs):
        if i:
            out.append(separators[i - 1])
        out.append(para.lead)
        out.extend(s.text() + s.sep for s in para.sentences)
    return "".join(out)
