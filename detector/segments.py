"""Segment-level attribution: each suspect sentence, the original sentence it comes from, and
how it was made (verbatim, swapped, rewritten or new).

Word alignment shows copying and word spinning; a rewrite restructures sentences and breaks it.
A sentence's content words (names and numbers included, cut to a crude stem) survive
rewording, so a suspect sentence whose words mostly align is `verbatim` or `swapped`, one that
shares enough content with one original sentence is `rewritten`, and the rest is `new`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

KINDS = ("verbatim", "swapped", "rewritten", "new")
ALIGNED_MIN = 0.6  # a sentence this much aligned comes from the original word by word
VERBATIM_MIN = 0.9  # ... and verbatim when this much of it is copied as is
CONTENT_MIN = 0.35  # content-word overlap (Dice) that makes a reworded sentence a rewrite


@dataclass(frozen=True)
class Segment:
    """One suspect sentence: where it comes from in the original, and how."""

    suspect: int  # sentence index in the suspect
    original: int | None  # sentence index in the original, None for new text
    kind: str  # one of KINDS
    similarity: float  # content-word overlap with that original sentence


def attribute(sentence_tokens: list[int], states: list[str], to_original: list[int],
              original_sentence_of: list[int], content: np.ndarray) -> list[Segment]:
    """Label each suspect sentence.

    `sentence_tokens[j]` is the sentence of suspect token j, `states[j]` its alignment state
    (equal, swap, insert, gap), `to_original[j]` the original token it aligns to (-1 if none),
    `original_sentence_of[i]` the sentence of original token i, and `content` the suspect x
    original sentence matrix of content-word overlap.
    """
    n_sentences = content.shape[0]
    size: Counter[int] = Counter()
    aligned: Counter[int] = Counter()
    equal: Counter[int] = Counter()
    votes: dict[int, Counter[int]] = {}
    for j, sent in enumerate(sentence_tokens):
        size[sent] += 1
        if states[j] != "gap":
            aligned[sent] += 1
        if states[j] == "equal":
            equal[sent] += 1
        if to_original[j] >= 0:
            votes.setdefault(sent, Counter())[original_sentence_of[to_original[j]]] += 1
    out = []
    for s in range(n_sentences):
        best = int(content[s].argmax()) if content.shape[1] else None
        similarity = float(content[s, best]) if best is not None else 0.0
        share = aligned[s] / size[s] if size[s] else 0.0
        if share >= ALIGNED_MIN and s in votes:
            origin = votes[s].most_common(1)[0][0]
            kind = "verbatim" if equal[s] / size[s] >= VERBATIM_MIN else "swapped"
            out.append(Segment(s, origin, kind, similarity))
        elif best is not None and similarity >= CONTENT_MIN:
            out.append(Segment(s, best, "rewritten", similarity))
        else:
            out.append(Segment(s, None, "new", similarity))
    return out


def summary(segments: list[Segment]) -> dict:
    """Counts per kind and the share of suspect sentences that come from the original."""
    counts = Counter(s.kind for s in segments)
    n = len(segments)
    matched = n - counts["new"]
    return {
        **{kind: counts[kind] for kind in KINDS},
        "matched_share": round(matched / n, 4) if n else 0.0,
        "original_sentences_used": len({s.original for s in segments if s.original is not None}),
    }
