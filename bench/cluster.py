"""The Dask-partitioned mode of the index benchmark: a partitioned (Parquet) index built and
scanned on a `LocalCluster`, beside the single-machine SQLite figures of `bench.run`.

`bench_cluster` measures build docs/s, size and bytes per original, scan suspects/s,
recall@1 (the spun suspect's own original ranked first) and right source, and the figures
the cost model in docs/index-and-scan.md is derived from: per part, the time and memory of
reading it, and per suspect the bytes the join moves.

    python -m bench.cluster --size 10000        # alone; `python -m bench.run --cluster` too
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import time
from pathlib import Path

import numpy as np

from detector.text import Document


def _dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def join_volume(location: Path, suspects: list[Path], top_k: int = 10) -> dict:
    """Bytes the distributed join moves per suspect, measured by running its steps here:
    anchor hashes sent to the anchor parts, postings sent back, candidate texts sent to
    the scoring task (compressed as stored)."""
    from detector.index import anchors as anchor_mod
    from detector.index.distributed import _join, _rank, _route
    from detector.index.partitioned import PartitionedIndex

    index = PartitionedIndex.open(location)
    kinds = tuple(index.meta["params"]["kinds"])
    hashes = [anchor_mod.anchors(Document(p.read_text(encoding="utf-8")), kinds)
              for p in suspects]
    routed = [_route([h], index.n_buckets) for h in hashes]
    sent = sum(sum(part.nbytes for part in r) for r in routed)
    found = [[_join(index, b, [r[b]])[0] for b in range(index.n_buckets)] for r in routed]
    back = sum(12 + len(blob) for f in found for part in f for _, blob in part.values())
    ranked = [_rank(index, [h], f, top_k)[0] for h, f in zip(hashes, found, strict=True)]
    ids = [i for r in ranked for i, _ in r]
    text_bytes = _mean_text_bytes(index)
    n = len(suspects)
    return {"anchors_per_suspect": round(sum(h.size for h in hashes) / n, 1),
            "hash_bytes_per_suspect": round(sent / n),
            "posting_bytes_per_suspect": round(back / n),
            "candidates_per_suspect": round(len(ids) / n, 1),
            "text_bytes_per_suspect": round(len(ids) / n * text_bytes)}


def _mean_text_bytes(index) -> float:
    """Mean size of a stored (zlib) text, from the first document part."""
    import pyarrow.parquet as pq

    from detector.index.partitioned import filesystem

    fs, root = filesystem(index.url)
    table = pq.read_table(f"{root}/{index.doc_parts[0].file}", columns=["text"], filesystem=fs)
    return float(np.mean([len(t) for t in table.column("text").to_pylist()]))


def part_costs(location: Path) -> dict:
    """Seconds and Arrow memory to read one anchor part and one document part (the first)."""
    from detector.index.partitioned import PartitionedIndex

    index = PartitionedIndex.open(location)
    start = time.perf_counter()
    anchors = index.anchor_part(0)
    anchor_s = time.perf_counter() - start
    anchor_mb = sum(a.nbytes for a in (anchors.terms, anchors.dfs, anchors.offsets,
                                       anchors.data)) / 1e6
    part = index.doc_parts[0]
    start = time.perf_counter()
    index.part_documents(0, range(part.first_id, part.first_id + part.rows))
    doc_s = time.perf_counter() - start
    root = Path(location)
    return {
        "anchor_parts": index.n_buckets, "document_parts": len(index.doc_parts),
        "anchor_part_mb_on_disk": round((root / "anchors/part-00000.parquet").stat().st_size
                                        / 1e6, 2),
        "anchor_part_terms": int(anchors.terms.size), "anchor_part_read_s": round(anchor_s, 2),
        "anchor_part_mb_in_memory": round(anchor_mb, 1),
        "document_part_mb_on_disk": round((root / part.file).stat().st_size / 1e6, 2),
        "document_part_rows": part.rows, "document_part_read_s": round(doc_s, 2),
    }


def bench_cluster(n: int, workdir: Path, *, jobs: int = 2, n_suspects: int = 400,
                  top_k: int = 10, model: Path | None = None, docs_per_part: int | None = None,
                  more_suspects: int | None = None, log=print) -> dict:
    """Build a partitioned index of the `n`-original reference corpus on a LocalCluster of
    `jobs` one-thread worker processes, then scan the spun suspects `bench.run.bench_scan`
    scans (the same files), as a distributed join on the same cluster.

    With `more_suspects`, a second scan of that many suspects in one round follows, and the
    cost of each suspect beyond the first scan's is reported apart from a round's fixed cost
    (reading every part once)."""
    from distributed import Client, LocalCluster

    from bench.run import make_suspects, peak_mb, reference_corpus
    from detector.index.distributed import scan_partitioned
    from detector.index.partitioned import DOCS_PER_PART, build_partitioned
    from detector.model import load_model

    paths = reference_corpus(n, workdir)
    location = workdir / f"index-{n}.parquet"
    shutil.rmtree(location, ignore_errors=True)
    per_part = docs_per_part or min(DOCS_PER_PART, -(-len(paths) // (2 * jobs)))
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster, set_as_default=False) as client:
        address = cluster.scheduler_address
        start = time.perf_counter()
        index, report = build_partitioned(paths, location, scheduler=address,
                                          docs_per_part=per_part)
        build_s = time.perf_counter() - start
        folder = workdir / f"suspects-{n}-{n_suspects}"
        suspects = make_suspects(paths, folder, n_suspects)
        start = time.perf_counter()
        records = list(scan_partitioned(suspects, location, load_model(model), top_k=top_k,
                                        scheduler=address))
        scan_s = time.perf_counter() - start
        larger = None
        if more_suspects:
            more = make_suspects(paths, workdir / f"suspects-{n}-{more_suspects}", more_suspects)
            start = time.perf_counter()
            more_records = list(scan_partitioned(more, location, load_model(model),
                                                 top_k=top_k, scheduler=address,
                                                 round_size=max(more_suspects, 1)))
            more_s = time.perf_counter() - start
            larger = {**_scan_figures(more_records, more_s, jobs), "marginal_ms_per_suspect_"
                      "per_core": round(1000 * jobs * (more_s - scan_s)
                                        / (len(more_records) - len(records)), 1)}
        worker_peaks = sorted(client.run(peak_mb).values())
        scheduler_peak = client.run_on_scheduler(peak_mb)
    size = _dir_bytes(location)
    info = index.info()
    result = {
        "originals": len(paths), "errors": len(report.errors), "jobs": jobs,
        "build_seconds": round(build_s, 1), "build_docs_per_s": round(len(paths) / build_s, 1),
        "size_mb": round(size / 1e6, 1), "bytes_per_original": round(size / len(paths)),
        "anchor_bytes_per_original": round(_dir_bytes(location / "anchors") / len(paths)),
        "text_bytes_per_original": round(_dir_bytes(location / "documents") / len(paths)),
        "terms": info["terms"], "postings": info["postings"],
        "top_k": top_k, **_scan_figures(records, scan_s, jobs),
        **({"larger_scan": larger} if larger else {}),
        "peak_mb": {"main": round(peak_mb()), "scheduler": round(scheduler_peak),
                    "workers": [round(m) for m in worker_peaks]},
        "part": part_costs(location),
        "join": join_volume(location, suspects[:50], top_k),
    }
    log(f"cluster {n}: {result}")
    return result


def _scan_figures(records: list[dict], seconds: float, jobs: int) -> dict:
    """Rate, cost and recall of one scan of spun suspects (each named after its original)."""
    first = sum(1 for r in records if r.get("candidates")
                and Path(r["candidates"][0]["original"]).stem in r["suspect"])
    right = sum(1 for r in records if r["source"] and Path(r["source"]).stem in r["suspect"])
    return {"suspects": len(records), "scan_seconds": round(seconds, 1),
            "suspects_per_s": round(len(records) / seconds, 1),
            "ms_per_suspect_per_core": round(1000 * seconds * jobs / len(records), 1),
            "recall_at_1": first / len(records), "right_source": right / len(records)}


def print_cluster(figures: dict, sizes: list[int]) -> None:
    """The partitioned mode's lines, beside the local ones `bench.run` prints."""
    for n in sizes:
        c = figures.get(f"cluster_{n}")
        if c is None:
            continue
        print(f"partitioned index {c['originals']} on a LocalCluster of {c['jobs']} workers: "
              f"build {c['build_docs_per_s']:.0f} docs/s ({c['build_seconds']:.0f} s), "
              f"{c['size_mb']:.0f} MB ({c['anchor_bytes_per_original']} B anchors + "
              f"{c['text_bytes_per_original']} B text per original); scan "
              f"{c['suspects_per_s']:.1f} suspects/s, recall@1 {c['recall_at_1']:.3f}, "
              f"right source {c['right_source']:.3f}; peak memory: main "
              f"{c['peak_mb']['main']} MB, workers {c['peak_mb']['workers']} MB")
        more = c.get("larger_scan")
        if more:
            print(f"  and {more['suspects']} suspects in one round: {more['suspects_per_s']:.1f} "
                  f"suspects/s, right source {more['right_source']:.3f}; each suspect beyond "
                  f"the first scan's {more['marginal_ms_per_suspect_per_core']:.0f} ms a core")


def main(argv: list[str] | None = None) -> int:
    from bench.run import WORKDIR

    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, nargs="+", default=[10000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--suspects", type=int, default=400)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--more-suspects", type=int, default=None,
                        help="then scan this many in one round, for the cost of a further "
                             "suspect apart from a round's fixed cost (e.g. 2000)")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    figures = {f"cluster_{n}": bench_cluster(n, args.workdir, jobs=args.jobs,
                                             n_suspects=args.suspects, model=args.model,
                                             more_suspects=args.more_suspects)
               for n in args.size}
    print_cluster(figures, args.size)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
