"""Align a suspect's tokens with an original's, and name what changed: swaps, fillers, gaps.

Step two of the pipeline. First the alignment is anchored on long exact
matches: the longest common subsequence of the two texts' word 4-grams (rapidfuzz's Indel
distance), so a run of identical words counts for as many 4-grams as it holds, and a sentence
that occurs word for word in the original is matched there, not to a caption that shares a
few of its words. Between anchors, rapidfuzz's Levenshtein edit script (about 60 times faster
than difflib on 900-token articles) lines up the rest; this module reads that script the way
a spinner writes: short replacements between verbatim runs are swaps, long ones are gaps.
That pass keeps the order of both texts; a second one aligns the passages the suspect moved
(`moved`: a paragraph put elsewhere, a block stitched in from another report) where they come
from, so a reordered copy is still verbatim and a moved spun paragraph still shows its swaps.
"""

from __future__ import annotations

from collections.abc import Sequence
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
MIN_MOVED = 8  # a moved passage: a gap this long, aligned elsewhere on this many verbatim tokens
MOVED_DENSITY = 0.5  # ... that are this share of its tokens (with a run of MIN_ANCHOR)


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
    """Token alignment of a suspect against an original: blocks in suspect order, each token of
    either side in one block (a gap may hold tokens of one side only, around a moved passage)."""

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
           grams: tuple[Sequence, Sequence] | None = None) -> list[list]:
    """[is_equal, i1, i2, j1, j2] stretches, neighbours of one kind merged: the anchors, and
    the edit script between them (its opcodes read as plain tuples: a tenth of the cost of
    reading each opcode's attributes)."""
    if original == suspect:
        return [[True, 0, len(original), 0, len(suspect)]]
    raw: list[list] = []
    i = j = 0
    for a, b, n in [*anchors(original, suspect, grams=grams), (len(original), len(suspect), 0)]:
        if a > i and b > j and not set(original[i:a]).isdisjoint(suspect[j:b]):
            for tag, i1, i2, j1, j2 in Levenshtein.opcodes(original[i:a], suspect[j:b]).as_list():
                equal = tag == "equal"
                if raw and raw[-1][0] == equal:
                    raw[-1][2], raw[-1][4] = i + i2, j + j2
                else:
                    raw.append([equal, i + i1, i + i2, j + j1, j + j2])
        elif a > i or b > j:  # nothing in common: one stretch, however the script would go
            if raw and not raw[-1][0]:
                raw[-1][2], raw[-1][4] = a, b
            else:
                raw.append([False, i, a, j, b])
        if n:
            if raw and raw[-1][0]:
                raw[-1][2], raw[-1][4] = a + n, b + n
            else:
                raw.append([True, a, a + n, b, b + n])
        i, j = a + n, b + n
    return raw


def align(original: Document, suspect: Document, max_swap: int = MAX_SWAP, *,
          in_order: bool = False) -> Alignment:
    """Align two documents token by token and classify each edit block: in order first, then
    (unless `in_order`) the passages the suspect moved (`moved`)."""
    grams = (gram_sequence(original, MIN_ANCHOR), gram_sequence(suspect, MIN_ANCHOR))
    blocks = _classify(_edits(original.words, suspect.words, grams), max_swap)
    if not in_order:
        blocks = moved(blocks, grams, max_swap, original.words, suspect.words)
    return Alignment(original, suspect, tuple(blocks))


def _classify(raw: list[list], max_swap: int, at: tuple[int, int] = (0, 0)) -> list[Block]:
    """Blocks from merged edit stretches (`_edits`), offsets shifted by `at`."""
    new = tuple.__new__  # a NamedTuple without its Python-level constructor: 2x faster
    di, dj = at
    blocks: list[Block] = []
    alone = len(raw) == 1  # nothing verbatim anywhere: no anchor to call a change a swap
    for equal, i1, i2, j1, j2 in raw:
        n_orig, n_susp = i2 - i1, j2 - j1
        if equal:
            kind = "equal"
        elif alone:
            kind = "gap"
        elif n_orig == 0:
            kind = "insert" if n_susp <= MAX_INSERT else "gap"
        elif n_susp == 0:
            kind = "delete" if n_orig <= MAX_INSERT else "gap"
        else:
            kind = "swap" if max(n_orig, n_susp) <= max_swap else "gap"
        blocks.append(new(Block, (kind, i1 + di, i2 + di, j1 + dj, j2 + dj)))
    return blocks


def moved(blocks: list[Block], grams: tuple[Sequence[int], Sequence[int]], max_swap: int,
          original: Sequence[str], suspect: Sequence[str]) -> list[Block]:
    """`blocks` with the passages the suspect moved aligned where they come from.

    The first pass keeps the order of both texts, so a paragraph the suspect moved (a stitched
    page's block of another report, a spun copy with its paragraphs reordered) is a gap there,
    or a few stray words the edit script matched. Each stretch of `MIN_MOVED` suspect tokens
    or more with no anchor (no verbatim run of `MIN_ANCHOR` tokens) and a gap in it is aligned
    again, in the same way, with the anchorless stretch of the original that shares most of
    its word 4-grams on one diagonal (`_place`); the pieces of that alignment dense enough in
    verbatim words to be moved text rather than chance are kept (`_dense`), and what is left
    of the stretch is placed again. Blocks of the first pass that a kept piece overlaps, on
    either side, leave what it does not cover as gaps. Blocks come in suspect order.
    """
    weak = _weak(blocks)
    stretches = [(blocks[a].j1, blocks[b - 1].j2) for a, b in weak
                 if blocks[b - 1].j2 - blocks[a].j1 >= MIN_MOVED]
    if not stretches:
        return blocks
    free = np.zeros(len(original) + 1, dtype=bool)  # original tokens no anchor holds
    for a, b in weak:
        for block in blocks[a:b]:
            free[block.i1 : block.i2] = True
    keys_o = np.asarray(grams[0], dtype=np.uint64)
    if not keys_o.size or not free.any():
        return blocks
    keys_s = np.asarray(grams[1], dtype=np.uint64)
    grams_o = _free_grams(keys_o, free)
    found: list[Block] = []
    while stretches:
        j1, j2 = stretches.pop()
        placed = _place(grams_o, keys_s, free, j1, j2)
        if placed is None:
            continue
        o1, o2 = placed
        sub = _classify(_edits(original[o1:o2], suspect[j1:j2],
                               (grams[0][o1 : max(o1, o2 - MIN_ANCHOR + 1)],
                                grams[1][j1 : max(j1, j2 - MIN_ANCHOR + 1)])),
                        max_swap, (o1, j1))
        kept = _dense(sub)
        covered = np.zeros(j2 - j1, dtype=bool)
        for piece in kept:
            found.extend(piece)
            free[piece[0].i1 : piece[-1].i2] = False
            covered[piece[0].j1 - j1 : piece[-1].j2 - j1] = True
        if kept:  # what is left of the stretch may come from elsewhere again
            stretches.extend((j1 + lo, j1 + hi) for lo, hi in _runs(~covered)
                             if hi - lo >= MIN_MOVED)
    if not found:
        return blocks
    return _with_moved(blocks, found, len(original), len(suspect))


def _dense(blocks: list[Block]) -> list[list[Block]]:
    """The passages of a realigned stretch that were moved there, not matched by chance: split
    at its gaps, each piece cut to its first and last verbatim block and kept when it holds an
    anchor, `MIN_MOVED` verbatim tokens and `MOVED_DENSITY` of its suspect tokens verbatim (a
    copied or spun paragraph; two reports of one event share a phrase here and there, and
    the edit script between them matches stray words)."""
    pieces: list[list[Block]] = [[]]
    for b in blocks:
        if b.kind == "gap":
            pieces.append([])
        else:
            pieces[-1].append(b)
    kept = []
    for piece in pieces:
        equal = [k for k, b in enumerate(piece) if b.kind == "equal"]
        if not equal:
            continue
        piece = piece[equal[0] : equal[-1] + 1]
        runs = [b.j2 - b.j1 for b in piece if b.kind == "equal"]
        if (max(runs) >= MIN_ANCHOR and sum(runs) >= MIN_MOVED
                and sum(runs) >= MOVED_DENSITY * (piece[-1].j2 - piece[0].j1)):
            kept.append(piece)
    return kept


def _weak(blocks: list[Block]) -> list[tuple[int, int]]:
    """[a, b) index ranges of the runs of blocks with no anchor (a verbatim block of
    `MIN_ANCHOR` tokens or more) and at least one gap: what the first pass did not place."""
    out, start, gap = [], 0, False
    for k, b in enumerate([*blocks, None]):
        if b is None or (b.kind == "equal" and b.j2 - b.j1 >= MIN_ANCHOR):
            if gap:
                out.append((start, k))
            start, gap = k + 1, False
        elif b.kind == "gap":
            gap = True
    return out


class _Grams(NamedTuple):
    """The original's word 4-grams that lie in free tokens, sorted by key once: a 4-gram
    stays usable while its four tokens are free, and tokens only ever stop being free."""

    positions: np.ndarray  # the start of each such gram, in key order
    keys: np.ndarray  # its key, sorted


def _free_grams(keys: np.ndarray, free: np.ndarray) -> _Grams:
    """`_Grams` of the original's 4-gram `keys` whose four tokens are `free`."""
    n = keys.size
    usable = free[:n].copy()
    for k in range(1, MIN_ANCHOR):
        usable &= free[k : n + k]
    positions = np.flatnonzero(usable)
    order = np.argsort(keys[positions], kind="stable")
    return _Grams(positions[order], keys[positions][order])


def _place(grams_o: _Grams, keys_s: np.ndarray, free: np.ndarray, j1: int, j2: int
           ) -> tuple[int, int] | None:
    """Where in the original's free tokens the suspect's tokens [j1, j2) come from: the free
    run around the diagonal (original position less suspect position) with most shared
    4-grams, cut to the stretch's length on that diagonal widened by a quarter for words the
    suspect added or dropped; None if no diagonal holds two shared 4-grams."""
    grams = keys_s[j1 : max(j1, j2 - MIN_ANCHOR + 1)]
    lo = np.searchsorted(grams_o.keys, grams, side="left")
    hi = np.searchsorted(grams_o.keys, grams, side="right")
    hits = np.flatnonzero(hi > lo)
    if hits.size < 2:
        return None
    diagonals: dict[int, list[int]] = {}  # diagonal -> original positions of its shared grams
    for j in hits.tolist():
        for i in grams_o.positions[lo[j] : hi[j]].tolist():
            if free[i : i + MIN_ANCHOR].all():  # still free: no moved passage took it
                diagonals.setdefault(i - j - j1, []).append(i)
    if not diagonals:
        return None
    diagonal = max(diagonals, key=lambda d: (len(diagonals[d]), -abs(d)))
    if len(diagonals[diagonal]) < 2:
        return None
    start = end = diagonals[diagonal][0]  # the free run around the diagonal's first gram
    while start > 0 and free[start - 1]:
        start -= 1
    while free[end]:  # free[-1], past the last token, is never free
        end += 1
    pad = (j2 - j1) // 4 + MIN_ANCHOR
    return max(start, j1 + diagonal - pad), min(end, j2 + diagonal + pad)


def _with_moved(blocks: list[Block], found: list[Block], n_original: int, n_suspect: int
                ) -> list[Block]:
    """The first pass' blocks with the moved passages `found` in place: a block that one
    overlaps, on either side, is cut to what no moved passage covers, each side a gap of its
    own; blocks in suspect order."""
    taken_o = np.zeros(n_original, dtype=bool)
    taken_s = np.zeros(n_suspect, dtype=bool)
    for b in found:
        taken_o[b.i1 : b.i2] = True
        taken_s[b.j1 : b.j2] = True
    new = tuple.__new__
    out = list(found)
    for b in blocks:
        if not (taken_s[b.j1 : b.j2].any() or taken_o[b.i1 : b.i2].any()):
            out.append(b)
            continue
        for lo, hi in _runs(~taken_s[b.j1 : b.j2]):
            out.append(new(Block, ("gap", b.i1, b.i1, b.j1 + lo, b.j1 + hi)))
        for lo, hi in _runs(~taken_o[b.i1 : b.i2]):
            out.append(new(Block, ("gap", b.i1 + lo, b.i1 + hi, b.j1, b.j1)))
    return sorted(out, key=lambda b: (b.j1, b.j2, b.i1))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in `mask`."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
