"""Candidate ranking: the originals sharing the most IDF-weighted anchors with a suspect.

Input is what the index stores for the suspect's anchor terms: one (df, ids blob) row per
term, the blob holding the little-endian uint32 ids of the originals with that term. Each
term adds log(1 + N / df) to the score of every original holding it; the top k win.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

# A term in more than MAX_DF originals (or MAX_DF_SHARE of them, if fewer) says little about
# which one a suspect came from and is skipped at query time, which also bounds a query's
# cost as the index grows; small indexes keep terms in up to MIN_DF_CAP originals.
MAX_DF = 1000
MAX_DF_SHARE = 0.05
MIN_DF_CAP = 50


def df_cap(n_docs: int) -> float:
    """The most originals a term may be in and still count, in an index of `n_docs`."""
    return max(min(MAX_DF_SHARE * n_docs, MAX_DF), MIN_DF_CAP)


def idf(df: int, n_docs: int) -> float:
    """The weight of a term held by `df` of `n_docs` originals."""
    return math.log(1.0 + n_docs / df)


def top_k(rows: Iterable[tuple[int, bytes]], n_docs: int, k: int,
          max_id: int | None = None) -> list[tuple[int, float]]:
    """(id, summed IDF) of the k best-scoring originals, best first (equal scores by id).

    ValueError if a blob is not whole ids or (given `max_id`) names an id beyond it: damage.
    """
    if n_docs == 0 or k <= 0:
        return []
    cap = df_cap(n_docs)
    id_parts, weight_parts = [], []
    for df, blob in rows:
        if df > cap:
            continue
        ids = np.frombuffer(blob, dtype="<u4")
        id_parts.append(ids)
        weight_parts.append(np.full(ids.size, idf(df, n_docs)))
    if not id_parts:
        return []
    ids = np.concatenate(id_parts)
    if max_id is not None and ids.size and int(ids.max()) > max_id:
        raise ValueError(f"a posting names document {int(ids.max())}; the last id is {max_id}")
    # summed over the distinct ids the postings name, not over every id of the index: the
    # cost follows the suspect's postings, not the size of the index
    held, slot = np.unique(ids, return_inverse=True)
    scores = np.bincount(slot, weights=np.concatenate(weight_parts), minlength=held.size)
    hit = np.flatnonzero(scores)
    if hit.size > k:
        hit = hit[np.argpartition(-scores[hit], k - 1)[:k]]
    chosen = hit[np.lexsort((held[hit], -scores[hit]))]
    return [(int(held[i]), float(scores[i])) for i in chosen]
