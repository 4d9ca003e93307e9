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
from rapidfuzz import process
from rapidfuzz.distance import Indel

from detector.align import EQUAL, GAP

KINDS = ("verbatim", "swapped", "rewritten", "new")
ALIGNED_MIN = 0.6  # a sentence this much aligned comes from the original word by word
VERBATIM_MIN = 0.9  # ... and verbatim when this much of it is copied as is
CONTENT_MIN = 0.35  # content-word overlap (Dice) that makes a reworded sentence a rewrite
SKELETON_MIN = 5  # stopwords, numbers and names a sentence's skeleton needs to say anything
SKELETON_MATCH = 0.9  # similarity (Indel) of two skeletons that makes one a spin of the other


@dataclass(frozen=True)
class Segment:
    """One suspect sentence: where it comes from in the original, and how."""

    suspect: int  # sentence index in the suspect
    original: int | None  # sentence index in the original, None for new text
    kind: str  # one of KINDS
    similarity: float  # content-word overlap with that original sentence


def top_votes(sentence_of: np.ndarray, to_original: np.ndarray,
              original_sentence_of: np.ndarray) -> dict[int, tuple[int, int]]:
    """Per suspect sentence with aligned tokens: the original sentence most of them point into
    and how many do; a tie goes to the original sentence its tokens point into first.

    `sentence_of[j]` is the sentence of suspect token j, `to_original[j]` the original token
    it aligns to (-1 if none), `original_sentence_of[i]` the sentence of original token i.
    """
    aligned = to_original >= 0
    suspect = sentence_of[aligned]
    if not suspect.size:
        return {}
    original = original_sentence_of[to_original[aligned]]
    width = int(original.max()) + 1
    pairs, first, counts = np.unique(suspect * width + original, return_index=True,
                                     return_counts=True)
    order = np.lexsort((first, -counts, pairs // width))  # by sentence, most votes, earliest
    pairs, counts = pairs[order], counts[order]
    sentences = pairs // width
    leads = np.concatenate(([True], sentences[1:] != sentences[:-1]))
    return {s: (o, n) for s, o, n in zip(sentences[leads].tolist(),
                                         (pairs[leads] % width).tolist(),
                                         counts[leads].tolist(), strict=True)}


def attribute(sentence_of: np.ndarray, codes: np.ndarray, votes: dict[int, tuple[int, int]],
              content: np.ndarray) -> list[Segment]:
    """Label each suspect sentence.

    `sentence_of[j]` is the sentence of suspect token j, `codes[j]` the code of its alignment
    state (`detector.align.BLOCK_KINDS`: gap, equal, swap, insert, delete), `votes` the
    original sentence each sentence's aligned tokens mostly point into (`top_votes`), and
    `content` the suspect x original sentence matrix of content-word overlap.
    """
    n_sentences = content.shape[0]
    size = np.bincount(sentence_of, minlength=n_sentences).tolist()
    aligned = np.bincount(sentence_of[codes != GAP], minlength=n_sentences).tolist()
    equal = np.bincount(sentence_of[codes == EQUAL], minlength=n_sentences).tolist()
    if content.shape[1]:
        bests = content.argmax(axis=1).tolist()
        similarities = content[np.arange(n_sentences), bests].tolist()
    out = []
    for s in range(n_sentences):
        best = bests[s] if content.shape[1] else None
        similarity = similarities[s] if best is not None else 0.0
        share = aligned[s] / size[s] if size[s] else 0.0
        if share >= ALIGNED_MIN and s in votes:
            kind = "verbatim" if equal[s] / size[s] >= VERBATIM_MIN else "swapped"
            out.append(Segment(s, votes[s][0], kind, similarity))
        elif best is not None and similarity >= CONTENT_MIN:
            out.append(Segment(s, best, "rewritten", similarity))
        else:
            out.append(Segment(s, None, "new", similarity))
    return out


def skeleton_matches(suspect: list[str], original: list[str], sentences: list[int]
                     ) -> tuple[int, ...]:
    """Which of the suspect's `sentences` have the skeleton of an original sentence.

    `suspect` and `original` are each sentence's skeleton (`detector.analysis.skeletons`: its
    stopwords, numbers and names in order). A sentence whose every content word a spinner
    swapped neither aligns word by word nor shares content words, yet keeps its skeleton:
    its skeleton and the original sentence's are at least SKELETON_MATCH alike (Indel
    similarity), both of SKELETON_MIN words or more. Two reports written apart seldom share one.
    """
    asked = [k for k in sentences if len(suspect[k]) >= SKELETON_MIN]
    choices = [o for o in original if len(o) >= SKELETON_MIN]
    if not asked or not choices:
        return ()
    best = process.cdist([suspect[k] for k in asked], choices,
                         scorer=Indel.normalized_similarity, score_cutoff=SKELETON_MATCH,
                         dtype=np.float32).max(axis=1)
    return tuple(k for k, score in zip(asked, best.tolist(), strict=True) if score > 0)


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
