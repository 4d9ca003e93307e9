"""Align a suspect's tokens with an original's, and name what changed: swaps, fillers, gaps.

Step two of the pipeline, in two passes. First the alignment is anchored on long exact
matches: the longest common subsequence of the two texts' word 4-grams (rapidfuzz's Indel
distance), so a run of identical words counts for as many 4-grams as it holds, and a sentence
that occurs word for word in the original is matched there, not to a caption that shares a
few of its words. Between anchors, rapidfuzz's Levenshtein edit script (about 60 times faster
than difflib on 900-token articles) lines up the rest; this module reads that script the way
a spinner writes: short replacements between verbatim runs are swaps, long ones are gaps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein

from detector.analysis import gram_sequence, token_bounds
from detector.text import Document

MAX_SWAP = 3  # a swap replaces at most this many tokens ("since" -> "considering that")
MAX_INSERT = 2  # an insertion of at most this many tokens is a filler, not new text
MIN_ANCHOR = 4  # identical runs of at least this many tokens anchor the alignment


BLOCK_KINDS = ("gap", "equal", "swap", "insert", "delete")  # a block kind's code is its index
GAP, EQUAL, SWAP = 0, 1, 2
_CODE = {kind: code for code, kind in enumerate(BLOCK_KINDS)}

PASSAGE_KINDS = {"equal": "verbatim", "swap": "swapped", "insert": "inserted",
                 "delete": "deleted"}  # block kind -> passage kind; gaps are not passages


class Passage(NamedTuple):
    """An aligned stretch as character offsets: `suspect` and `original` are (start, end) into
    each Document's `text`; a side with no words (an insertion's original) is an empty range
    where they would stand. `kind` is verbatim, swapped, inserted or deleted."""

    kind: str
    suspect: tuple[int, int]
    original: tuple[int, int]


class Block(NamedTuple):
    """One stretch of the alignment: original tokens [i1, i2) against suspect tokens [j1, j2).

    `kind` is `equal` (verbatim), `swap` (short replacement), `insert` (short addition to the
    suspect), `delete` (short removal), or `gap` (text with no counterpart on one side).
    """

    kind: str
    i1: int
    i2: int
    j1: int
    j2: int


@dataclass(frozen=True)
class Alignment:
    """Token alignment of a suspect against an original."""

    original: Document
    suspect: Document
    blocks: tuple[Block, ...]

    @cached_property
    def swaps(self) -> list[tuple[str, str]]:
        """Swapped phrases as (original, suspect) pairs in suspect order."""
        o, s = self.original.token_columns.texts, self.suspect.token_columns.texts
        return [
            (" ".join(o[b.i1 : b.i2]), " ".join(s[b.j1 : b.j2]))
            for b in self.blocks
            if b.kind == "swap"
        ]

    @cached_property
    def suspect_state(self) -> list[str]:
        """Per suspect token, the kind of block it falls in."""
        state = ["gap"] * len(self.suspect.words)
        for b in self.blocks:
            for j in range(b.j1, b.j2):
                state[j] = b.kind
        return state

    @cached_property
    def original_state(self) -> list[str]:
        """Per original token, the kind of block it falls in."""
        state = ["gap"] * len(self.original.words)
        for b in self.blocks:
            for i in range(b.i1, b.i2):
                state[i] = b.kind
        return state

    @cached_property
    def suspect_codes(self) -> np.ndarray:
        """Per suspect token, the code of its block's kind (index in BLOCK_KINDS)."""
        return self._codes(3, 4, len(self.suspect.words))

    @cached_property
    def original_codes(self) -> np.ndarray:
        """Per original token, the code of its block's kind (index in BLOCK_KINDS)."""
        return self._codes(1, 2, len(self.original.words))

    def _codes(self, lo: int, hi: int, n: int) -> np.ndarray:
        """Block kind codes over one side's tokens, the blocks' [lo, hi) fields giving spans."""
        if not self.blocks:
            return np.zeros(n, dtype=np.int8)
        spans = np.array([(b[lo], b[hi]) for b in self.blocks], dtype=np.int64)
        kinds = np.array([_CODE[b.kind] for b in self.blocks], dtype=np.int8)
        lengths = spans[:, 1] - spans[:, 0]
        codes = np.zeros(n, dtype=np.int8)
        codes[np.repeat(spans[:, 0] - np.cumsum(lengths) + lengths, lengths)
              + np.arange(int(lengths.sum()))] = np.repeat(kinds, lengths)
        return codes

    @cached_property
    def suspect_to_original_array(self) -> np.ndarray:
        """Per suspect token, the original token it aligns with (-1 if none)."""
        out = np.full(len(self.suspect.words), -1, dtype=np.int64)
        spans = np.array([b[1:] for b in self.blocks if b.kind in ("equal", "swap")],
                         dtype=np.int64).reshape(-1, 4)
        i1, i2, j1, j2 = spans.T
        lengths = j2 - j1
        block = np.repeat(np.arange(lengths.size), lengths)
        step = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        span = np.maximum(i2 - i1, 1)[block]
        out[j1[block] + step] = np.minimum(i1[block] + step * span // lengths[block],
                                           i2[block] - 1)
        return out

    @cached_property
    def suspect_to_original(self) -> list[int]:
        """Per suspect token, the original token it aligns with (-1 if none)."""
        return self.suspect_to_original_array.tolist()

    def passages(self) -> list[Passage]:
        """The aligned stretches (not the gaps) in order, as character offsets into both texts.

        One passage a block, so tokens of one kind in a row make one passage (`align` merges
        neighbouring edits). A verbatim passage's two slices hold the same words, up to case and
        spelling (`detector.spelling`: "jewellery" and "jewelry").
        """
        new = tuple.__new__
        return [new(Passage, (kind, (a, z), (c, e)))
                for kind, a, z, c, e in zip(*self.passage_columns(), strict=True)]

    @cached_property
    def passage_blocks(self) -> list[Block]:
        """The blocks that are passages (not gaps), in order: one passage each."""
        return [b for b in self.blocks if b.kind in PASSAGE_KINDS]

    def passage_columns(self) -> tuple[list[str], list[int], list[int], list[int], list[int]]:
        """`passages` column by column: (kinds, suspect starts, suspect ends, original starts,
        original ends), for callers that write them out rather than read them one by one."""
        kept = self.passage_blocks
        spans = np.array([b[1:] for b in kept], dtype=np.int64).reshape(-1, 4)
        s_start, s_end = _spans(self.suspect, spans[:, 2], spans[:, 3])
        o_start, o_end = _spans(self.original, spans[:, 0], spans[:, 1])
        return [PASSAGE_KINDS[b.kind] for b in kept], s_start, s_end, o_start, o_end

    def aligned_share(self, side: str = "suspect") -> float:
        """Share of one side's tokens that are verbatim or swapped (not gaps)."""
        codes = self.suspect_codes if side == "suspect" else self.original_codes
        if not codes.size:
            return 0.0
        return int(np.count_nonzero(codes)) / codes.size


def _spans(doc: Document, lo: np.ndarray, hi: np.ndarray) -> tuple[list[int], list[int]]:
    """Character offsets (starts, ends) of token ranges [lo, hi) of `doc`; a range with no
    tokens is the empty range where token `lo` would start (after the last token at the end
    of the text)."""
    starts, ends = token_bounds(doc)
    end_of_text = int(ends[-1]) if ends.size else 0
    starts = np.append(starts, end_of_text)  # where a token after the last would start
    first = starts[lo]
    last = np.where(hi > lo, ends[np.maximum(hi - 1, 0)] if ends.size else first, first)
    return first.tolist(), last.tolist()


def anchors(original: Sequence[str], suspect: Sequence[str], size: int = MIN_ANCHOR,
            grams: tuple[Sequence, Sequence] | None = None) -> list[tuple[int, int, int]]:
    """Identical runs of at least `size` tokens as (i, j, length), in order on both sides.

    The runs are the longest common subsequence of the two sequences of `size`-grams, so the
    chosen runs cover as much text as possible: a long run beats a few scattered words.
    `grams` may give both sequences of `size`-grams, each gram as one key
    (`detector.analysis.gram_sequence`: faster to build and to compare than tuples of words).
    """
    if len(original) < size or len(suspect) < size:
        return []
    if grams is not None:
        grams_o, grams_s = grams
    else:
        grams_o = list(zip(*(original[k:] for k in range(size)), strict=False))
        grams_s = list(zip(*(suspect[k:] for k in range(size)), strict=False))
    out: list[tuple[int, int, int]] = []
    end_i = end_j = 0
    for m in Indel.opcodes(grams_o, grams_s).as_matching_blocks():
        if not m.size:
            continue
        # n matched grams in a row are a run of n + size - 1 tokens; a run may overlap the tail
        # of the one before, so it starts where that one ends
        skip = max(end_i - m.a, end_j - m.b, 0)
        length = m.size + size - 1 - skip
        if length > 0:
            out.append((m.a + skip, m.b + skip, length))
            end_i, end_j = m.a + skip + length, m.b + skip + length
    return out


def _edits(original: Sequence[str], suspect: Sequence[str],
           grams: tuple[Sequence, Sequence] | None = None
           ) -> Iterator[tuple[bool, int, int, int, int]]:
    """(is_equal, i1, i2, j1, j2) stretches: the anchors, and the edit script between them."""
    if original == suspect:
        yield True, 0, len(original), 0, len(suspect)
        return
    i = j = 0
    for a, b, n in [*anchors(original, suspect, grams=grams), (len(original), len(suspect), 0)]:
        if a > i and b > j and not set(original[i:a]).isdisjoint(suspect[j:b]):
            for op in Levenshtein.opcodes(original[i:a], suspect[j:b]):
                yield (op.tag == "equal", i + op.src_start, i + op.src_end,
                       j + op.dest_start, j + op.dest_end)
        elif a > i or b > j:  # nothing in common: one stretch, however the script would go
            yield False, i, a, j, b
        if n:
            yield True, a, a + n, b, b + n
        i, j = a + n, b + n


def align(original: Document, suspect: Document, max_swap: int = MAX_SWAP) -> Alignment:
    """Align two documents token by token and classify each edit block."""
    raw: list[list] = []  # [is_equal, i1, i2, j1, j2]; neighbours of one kind merged
    grams = (gram_sequence(original, MIN_ANCHOR), gram_sequence(suspect, MIN_ANCHOR))
    for equal, i1, i2, j1, j2 in _edits(original.words, suspect.words, grams):
        if raw and raw[-1][0] == equal:
            raw[-1][2], raw[-1][4] = i2, j2
        else:
            raw.append([equal, i1, i2, j1, j2])
    new = tuple.__new__  # a NamedTuple without its Python-level constructor: 2x faster
    blocks: list[Block] = []
    for k, (equal, i1, i2, j1, j2) in enumerate(raw):
        n_orig, n_susp = i2 - i1, j2 - j1
        if equal:
            kind = "equal"
        elif not (k > 0 or k + 1 < len(raw)):
            kind = "gap"  # nothing verbatim anywhere: no anchor to call this a swap
        elif n_orig == 0:
            kind = "insert" if n_susp <= MAX_INSERT else "gap"
        elif n_susp == 0:
            kind = "delete" if n_orig <= MAX_INSERT else "gap"
        else:
            kind = "swap" if max(n_orig, n_susp) <= max_swap else "gap"
        blocks.append(new(Block, (kind, i1, i2, j1, j2)))
    return Alignment(original, suspect, tuple(blocks))
