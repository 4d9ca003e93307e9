"""What a person can check, in any output format: the suspect's text cut into marked stretches
(verbatim, swapped, added, unmatched), each suspect paragraph paired with the original
paragraph it came from, laid out side by side, and each suspect sentence with the source
sentence it was made from and how (verbatim, swapped, rewritten, new), reordering included.

`detector.report.html` (HTML) and `detector.report.terminal` (terminal) only format what
this module finds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from detector.align import Alignment
from detector.lexicon import FILLERS
from detector.text import Document

if TYPE_CHECKING:
    from detector.features import Pair

MIN_PARAGRAPH_SHARE = 0.5  # a suspect paragraph "comes from" an original paragraph above this


# --- stretches of text ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of one paragraph.

    `kind` is an alignment block kind (`equal`, `swap`, `insert`, `delete`, `gap`) for words,
    or "" for the spaces and punctuation between them; `other` is, for a swap, the other side's
    words (what the suspect replaced, or what replaced the original's).
    """

    text: str
    kind: str = ""
    other: str = ""

    @property
    def is_filler(self) -> bool:
        """An inserted stretch made only of padding words ("actually", "really")."""
        words = self.text.lower().split()
        return self.kind == "insert" and bool(words) and all(w in FILLERS for w in words)


def paragraph_spans(doc: Document) -> list[tuple[int, int]]:
    """(start, end) character offsets of each paragraph in `doc.text`."""
    spans, offset = [], 0
    for paragraph in doc.paragraphs:
        offset = doc.text.find(paragraph, offset)
        spans.append((offset, offset + len(paragraph)))
        offset += len(paragraph)
    return spans


def _block_of_token(alignment: Alignment, side: str) -> list[int]:
    n = len((alignment.suspect if side == "suspect" else alignment.original).tokens)
    out = [-1] * n
    for k, b in enumerate(alignment.blocks):
        lo, hi = (b.j1, b.j2) if side == "suspect" else (b.i1, b.i2)
        for t in range(lo, hi):
            out[t] = k
    return out


def segments(alignment: Alignment, paragraph: int, side: str = "suspect") -> list[Segment]:
    """One paragraph of the suspect (or original) as marked stretches, text exactly as written.

    Neighbouring tokens of one alignment block form one stretch, so "considering that" is one
    swap and a verbatim run is one stretch, punctuation inside it included.
    """
    doc = alignment.suspect if side == "suspect" else alignment.original
    other_tokens = (alignment.original if side == "suspect" else alignment.suspect).tokens
    memo = alignment.__dict__.setdefault("_segment_memo", {})
    if side not in memo:  # computed once per side, not once per paragraph
        by_paragraph: list[list[int]] = [[] for _ in doc.paragraphs]
        for k, t in enumerate(doc.tokens):
            by_paragraph[t.paragraph].append(k)
        memo[side] = (_block_of_token(alignment, side), paragraph_spans(doc), by_paragraph)
    block_of, spans, by_paragraph = memo[side]
    start, end = spans[paragraph]
    indices = by_paragraph[paragraph]
    out: list[Segment] = []
    cursor = start
    for block, group in groupby(indices, key=block_of.__getitem__):
        toks = [doc.tokens[k] for k in group]
        first, last = toks[0], toks[-1]
        if first.start > cursor:
            out.append(Segment(doc.text[cursor : first.start]))
        stop = last.start + len(last.text)
        b = alignment.blocks[block] if block >= 0 else None
        kind = b.kind if b else "gap"
        other = ""
        if b and kind == "swap":
            lo, hi = (b.i1, b.i2) if side == "suspect" else (b.j1, b.j2)
            other = " ".join(t.text for t in other_tokens[lo:hi])
        out.append(Segment(doc.text[first.start : stop], kind, other))
        cursor = stop
    if cursor < end:
        out.append(Segment(doc.text[cursor:end]))
    return out


# --- paragraph to paragraph ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphMatch:
    """A suspect paragraph and the original paragraph most of its aligned tokens map to.

    `original` is None when no original paragraph gets at least `MIN_PARAGRAPH_SHARE` of the
    paragraph's tokens (text with no counterpart); `source` says which of several alignments
    (a stitched suspect's sources) it came from.
    """

    suspect: int
    original: int | None
    share: float
    source: int = 0


def match_paragraphs(
    alignments: Sequence[Alignment], min_share: float = MIN_PARAGRAPH_SHARE
) -> list[ParagraphMatch]:
    """Pair each suspect paragraph with its original paragraph, among one or several sources.

    All alignments share the same suspect; each paragraph goes to the source whose best
    paragraph takes the largest share of its tokens.
    """
    suspect = alignments[0].suspect
    sizes = Counter(t.paragraph for t in suspect.tokens)
    best: dict[int, ParagraphMatch] = {}
    for source, alignment in enumerate(alignments):
        votes: dict[int, Counter[int]] = {}
        o_tokens = alignment.original.tokens
        for j, i in enumerate(alignment.suspect_to_original):
            if i >= 0:
                votes.setdefault(suspect.tokens[j].paragraph, Counter())[o_tokens[i].paragraph] += 1
        for p, counter in votes.items():
            o_par, n = counter.most_common(1)[0]
            share = n / sizes[p]
            if p not in best or share > best[p].share:
                best[p] = ParagraphMatch(p, o_par, share, source)
    out = []
    for p in range(len(suspect.paragraphs)):
        m = best.get(p)
        if m is None or m.share < min_share:
            out.append(ParagraphMatch(p, None, m.share if m else 0.0, m.source if m else 0))
        else:
            out.append(m)
    return out


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side view: a suspect paragraph, an original paragraph, or both.

    `repeated` marks an original paragraph already shown on an earlier row (two suspect
    paragraphs made from one original paragraph).
    """

    suspect: int | None
    source: int | None
    original: int | None
    repeated: bool = False


def side_by_side(matches: Sequence[ParagraphMatch], n_original: Sequence[int]) -> list[Row]:
    """Rows in suspect order, with each source's unused paragraphs slotted in where they stand.

    `n_original` is the number of paragraphs of each source.
    """
    used = {(m.source, m.original) for m in matches if m.original is not None}
    shown: set[tuple[int, int]] = set()
    next_unused = [0] * len(n_original)
    rows: list[Row] = []

    def unused_until(source: int, stop: int) -> None:
        for o in range(next_unused[source], stop):
            if (source, o) not in used and (source, o) not in shown:
                rows.append(Row(None, source, o))
                shown.add((source, o))
        next_unused[source] = max(next_unused[source], stop)

    for m in matches:
        if m.original is None:
            rows.append(Row(m.suspect, None, None))
            continue
        unused_until(m.source, m.original)
        rows.append(Row(m.suspect, m.source, m.original, (m.source, m.original) in shown))
        shown.add((m.source, m.original))
    for source, n in enumerate(n_original):
        unused_until(source, n)
    return rows


# --- sentence to sentence -----------------------------------------------------------------------

# How directly a sentence comes from a source: among several sources, the most direct wins.
_DIRECTNESS = {"verbatim": 3, "swapped": 2, "rewritten": 1, "new": 0}


@dataclass(frozen=True)
class SentenceRow:
    """A suspect sentence, the source sentence it was made from (None for new text) and how:
    `kind` is one of `detector.segments.KINDS`, as the features and the record count them."""

    suspect: int
    kind: str
    source: int | None
    original: int | None
    similarity: float


def sentence_rows(pairs: Sequence[Pair]) -> list[SentenceRow]:
    """Each suspect sentence attributed among one or several sources (a stitched suspect).

    `pairs` share one suspect; per sentence the source where it is the most directly copied
    wins (verbatim, then swapped, then rewritten), then the most similar one.
    """
    best: dict[int, SentenceRow] = {}
    for source, pair in enumerate(pairs):
        for seg in pair.segments:
            row = SentenceRow(seg.suspect, seg.kind, None if seg.original is None else source,
                              seg.original, seg.similarity)
            old = best.get(seg.suspect)
            if old is None or ((_DIRECTNESS[row.kind], row.similarity)
                               > (_DIRECTNESS[old.kind], old.similarity)):
                best[seg.suspect] = row
    return [best[k] for k in sorted(best)]


def sentence_texts(doc: Document) -> list[str]:
    """Each sentence of `doc` as written (from its first word to its last)."""
    spans: dict[int, tuple[int, int]] = {}
    for t in doc.tokens:
        start, _ = spans.get(t.sentence, (t.start, 0))
        spans[t.sentence] = (start, t.start + len(t.text))
    out = []
    for k in range(doc.n_sentences):
        start, end = spans.get(k, (0, 0))
        while end < len(doc.text) and doc.text[end] in _CLOSING:  # its full stop, quote mark
            end += 1
        while start > 0 and doc.text[start - 1] in _OPENING:
            start -= 1
        out.append(doc.text[start:end])
    return out


_CLOSING = frozenset(".!?;:,\"'”’)]")
_OPENING = frozenset("\"'“‘([")


def moved(rows: Sequence[SentenceRow]) -> set[int]:
    """Suspect sentences whose source sentence comes before that of the sentence above them
    from the same source: the places where the suspect reorders the original."""
    out, last = set(), {}
    for row in rows:
        if row.source is None or row.original is None:
            continue
        if row.original < last.get(row.source, -1):
            out.add(row.suspect)
        last[row.source] = row.original
    return out
