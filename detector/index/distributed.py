"""A batch scan against a partitioned index, as a distributed join on Dask.

No machine loads the whole index. For each round of suspects the graph is:

1. read: batches of suspects are read on workers and their anchors extracted;
2. route: each batch's distinct anchor hashes are split by anchor part (`bucket_of`);
3. join: each anchor part is read once and looked up for the hashes every batch sent it
   (the shuffle by hash); the postings found go back to the batches that asked;
4. rank: per suspect, `rank.top_k` over its postings, in term order as SQLite returns them,
   so the candidates, scores and ties are those of the single-machine scan;
5. texts: each document part is read once for the candidate ids every batch needs;
6. score: each batch's suspects are scored against their candidates' texts with the model
   (sent to every worker once) and come back as the records `scan` writes.

Records come back per batch, in input order. Errors (an unreadable suspect) become records
as in `detector.index.scan`; a damaged or missing part stops the scan with one error.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator, Sequence
from operator import getitem
from pathlib import Path

import numpy as np

from detector.errors import InputError, SpundetectError
from detector.fetch import Fetcher, read_input
from detector.index import anchors as anchor_mod
from detector.index import rank
from detector.index.partitioned import PartitionedIndex, bucket_of
from detector.index.scan import (
    DEFAULT_TOP_K,
    ScanTask,
    check_top_k,
    own_path,
    score_task,
    suspect_name,
)
from detector.model import CompactModel

BATCH = 32  # suspects per task, at least
MAX_BATCHES = 256  # batches per round, at most: a round's graph has batches x parts tasks
ROUND = 4096  # suspects per graph: each round reads every anchor part once


def _read(items: list[tuple[Path | str, str | None]], kinds: tuple[str, ...],
          fetcher: Fetcher | None = None, scheme: str = anchor_mod.HASH
          ) -> tuple[list[tuple[str, str | None, str | None, str, str | None]], list[np.ndarray]]:
    """Read a batch of suspects (URLs with `fetcher`): (suspect, text, error, sha256, name)
    and anchors of each."""
    out, hashes = [], []
    for path, name in items:
        try:
            doc = read_input(path, fetcher)
        except SpundetectError as err:
            out.append((str(path), None, str(err), "", name))
            hashes.append(np.empty(0, dtype=np.int64))
            continue
        out.append((str(path), doc.text, None, doc.sha256, name))
        hashes.append(anchor_mod.anchors(doc, kinds, scheme))
    return out, hashes


def _route(hashes: list[np.ndarray], n_buckets: int) -> tuple[np.ndarray, ...]:
    """A batch's distinct anchor hashes, split by the anchor part that holds each."""
    terms = np.unique(np.concatenate(hashes)) if hashes else np.empty(0, dtype=np.int64)
    buckets = bucket_of(terms, n_buckets)
    return tuple(terms[buckets == b] for b in range(n_buckets))


def _join(index: PartitionedIndex, bucket: int, wanted: list[np.ndarray]
          ) -> tuple[dict[int, tuple[int, bytes]], ...]:
    """One anchor part looked up for the hashes of every batch: per batch, what it holds."""
    every = np.unique(np.concatenate(wanted)) if wanted else np.empty(0, dtype=np.int64)
    found = index.postings(bucket, every, rank.df_cap(index.n_docs)) if every.size else {}
    return tuple({t: found[t] for t in w.tolist() if t in found} for w in wanted)


def _rank(index: PartitionedIndex, hashes: list[np.ndarray],
          found: list[dict[int, tuple[int, bytes]]], top_k: int) -> list[list[tuple[int, float]]]:
    """Each suspect's top k (id, retrieval score), as `ReferenceIndex.candidates_for_anchors`."""
    postings: dict[int, tuple[int, bytes]] = {}
    for part in found:
        postings.update(part)
    out = []
    for terms in hashes:  # sorted and distinct: the order SQLite returns the rows in
        rows = [postings[t] for t in terms.tolist() if t in postings]
        try:
            out.append(rank.top_k(rows, index.n_docs, top_k, max_id=index.n_docs)
                       if terms.size else [])
        except ValueError as err:
            raise InputError(f"{index.location}: the postings are damaged ({err})") from err
    return out


def _wanted(index: PartitionedIndex, ranked: list[list[tuple[int, float]]]
            ) -> tuple[list[int], ...]:
    """A batch's candidate ids, split by the document part that holds each."""
    ids = np.unique(np.array([i for found in ranked for i, _ in found], dtype=np.int64))
    parts = index.part_of(ids)
    return tuple(ids[parts == p].tolist() for p in range(len(index.doc_parts)))


def _texts(index: PartitionedIndex, part: int, wanted: list[list[int]]
           ) -> tuple[dict[int, tuple[str, str, str]], ...]:
    """One document part read for the candidate ids of every batch: per batch, its texts."""
    every = sorted({i for w in wanted for i in w})
    found = index.part_documents(part, every) if every else {}
    return tuple({i: found[i] for i in w} for w in wanted)


def _score(read: list, ranked: list[list[tuple[int, float]]],
           texts: list[dict[int, tuple[str, str, str]]], model: CompactModel,
           top_k: int) -> list[dict]:
    """Score a batch of suspects against their top-k candidates, each suspect's own file
    left out (`scan.own_path`, as `scan.retrieve` does): the records `scan` writes."""
    stored: dict[int, tuple[str, str, str]] = {}
    for part in texts:
        stored.update(part)
    records = []
    for (suspect, text, error, sha256, name), found in zip(read, ranked, strict=True):
        own = own_path(suspect) if error is None else None
        kept = [(i, score) for i, score in found if i in stored and stored[i][0] != own]
        kept = kept[:top_k]
        task = ScanTask(suspect, text, error,
                        tuple((i, stored[i][0], stored[i][2], round(s, 3)) for i, s in kept),
                        sha256=sha256, candidate_sha256=tuple(stored[i][1] for i, _ in kept),
                        name=name)
        records.append(score_task(task, model))
    return records


def round_graph(index: PartitionedIndex, items: Sequence[tuple[Path | str, str | None]],
                model, top_k: int, batch: int = BATCH, shared=None,
                fetcher: Fetcher | None = None) -> tuple[dict, list]:
    """The task graph of one round of suspects in Dask's graph spec (a dict of key -> task
    tuple), and the keys of its batches' records, in input order.

    `shared` is the index as the tasks receive it (a future of it scattered once), by
    default `index` itself; `fetcher` reads the suspects that are URLs.

    Written as a plain graph, not with `dask.delayed`: a delayed call re-optimises the graphs
    of all its arguments, so a round's graph took time quadratic in its batches times parts
    to build (over 15 minutes for 2,000 suspects against 200 document parts).
    """
    shape, index = index, (index if shared is None else shared)
    kinds = list(shape.meta["params"]["kinds"])
    scheme = shape.meta["params"]["hash"]
    # items as lists: in the graph spec a tuple whose first element is callable is a task
    batches = [[[path, name] for path, name in items[k : k + batch]]
               for k in range(0, len(items), batch)]
    n_s, n_b, n_p = len(batches), shape.n_buckets, len(shape.doc_parts)
    token = uuid.uuid4().hex  # this round's keys are its own
    read, hashes, route, join = (f"read-{token}", f"hashes-{token}", f"route-{token}",
                                 f"join-{token}")
    ranked, wanted, texts, scored = (f"rank-{token}", f"wanted-{token}", f"texts-{token}",
                                     f"score-{token}")
    graph: dict = {}

    def split(key: tuple, n: int) -> None:
        """Task `key`'s result, a tuple of `n`, as `n` tasks `(*key, i)`: split where it ran,
        so only the piece a later task needs travels."""
        for i in range(n):
            graph[(*key, i)] = (getitem, key, i)

    def shuffle(name: str, func, n_parts: int, source: str) -> None:
        """One task per part over what every batch sent it (`(source, s, part)`), its result
        split back per batch: the join by anchor part and the texts by document part."""
        for part in range(n_parts):
            graph[(name, part)] = (func, index, part, [(source, s, part) for s in range(n_s)])
            split((name, part), n_s)

    for s, b in enumerate(batches):
        graph[(read, s)] = (_read, b, kinds, fetcher, scheme)
        graph[(hashes, s)] = (getitem, (read, s), 1)
        graph[(route, s)] = (_route, (hashes, s), n_b)
        split((route, s), n_b)  # what each batch sends each anchor part
    shuffle(join, _join, n_b, route)
    for s in range(n_s):
        graph[(ranked, s)] = (_rank, index, (hashes, s), [(join, b_, s) for b_ in range(n_b)],
                              top_k + 1)  # one more: a suspect's own file is left out below
        graph[(wanted, s)] = (_wanted, index, (ranked, s))
        split((wanted, s), n_p)  # the ids each batch wants of each document part
    shuffle(texts, _texts, n_p, wanted)
    for s in range(n_s):
        graph[(scored, s)] = (_score, (getitem, (read, s), 0), (ranked, s),
                              [(texts, p, s) for p in range(n_p)], model, top_k)
    return graph, [(scored, s) for s in range(n_s)]


@contextlib.contextmanager
def client_for(scheduler: str | None, jobs: int | None) -> Iterator:
    """A Dask client of the scheduler at `scheduler`, or of a cluster inside this process
    (`jobs` one-thread workers, 1 by default) that ends with the block.

    The local cluster uses threads, not processes, so no worker can outlive this process; as
    scoring holds the GIL it runs on about one core: it is for trying the format out, and a
    SQLite index scans faster on one machine.
    """
    from detector.parallel import connect

    if scheduler:
        client = connect(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise InputError("a parquet index is scanned with Dask: "
                         "pip install 'spundetect[dask]'") from err
    # Dask serves its status page in any case; a free port on loopback never clashes.
    with LocalCluster(n_workers=jobs or 1, threads_per_worker=1, processes=False,
                      dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster, set_as_default=False) as client:
        yield client


def scan_partitioned(
    paths: Sequence[Path | str],
    location: str | Path,
    model: CompactModel,
    *,
    top_k: int = DEFAULT_TOP_K,
    scheduler: str | None = None,
    jobs: int | None = None,
    root: Path | None = None,
    batch: int | None = None,
    round_size: int = ROUND,
    fetcher: Fetcher | None = None,
) -> Iterator[dict]:
    """One record per suspect, in the order of `paths`, scanned against a partitioned index.
    Suspects that are URLs are fetched with `fetcher` (limits, cache) on the workers.

    Records are those `detector.index.scan.scan` writes for the same suspects against a SQLite
    index of the same originals (named inside `root` as there). Suspects go `batch` to a task
    (by default BATCH, or more so that a round has at most MAX_BATCHES batches).
    """
    check_top_k(top_k)
    index = PartitionedIndex.open(location)
    items = [(p, suspect_name(p, root) if root is not None or isinstance(p, str) else None)
             for p in paths]
    if not items:
        return
    batch = batch or max(BATCH, -(-min(round_size, len(items)) // MAX_BATCHES))
    with client_for(scheduler, jobs) as client:
        model_ref, index_ref = client.scatter([model, index], broadcast=True)
        for start in range(0, len(items), round_size):
            graph, keys = round_graph(index, items[start : start + round_size], model_ref,
                                      top_k, batch, shared=index_ref, fetcher=fetcher)
            futures = client.get(graph, keys, sync=False)
            try:
                for future in futures:
                    yield from future.result()
            finally:
                client.cancel(futures)
