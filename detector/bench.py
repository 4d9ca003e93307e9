"""`make bench`: measured speed and memory, printed; targets are checked here, not in tests.

- pairs/s of `spundetect pairs` on 2 worker processes over generated article pairs,
- cold-start seconds of one `spundetect score` (a fresh process, model and lexicon loaded),
- peak resident memory of those processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from detector.dataset import CORPUS_DIR, Article, generate_pairs, load_corpus

ROOT = Path(__file__).resolve().parent.parent


def _command() -> list[str]:
    exe = Path(sys.executable).parent / "spundetect"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def long_articles(articles: list[Article], min_words: int = 500) -> list[Article]:
    """Join consecutive reports of one topic until each has `min_words` words, the size of a
    typical news article (the corpus' own reports are shorter)."""
    out: list[Article] = []
    pending: Article | None = None
    for article in articles:
        if pending and pending.topic == article.topic:
            article = Article(pending.path, article.topic, article.subcorpus,
                              pending.text + "\n\n" + article.text)
        pending = article
        if len(article.text.split()) >= min_words:
            out.append(article)
            pending = None
    return out


def make_pairs_file(
    directory: Path, n_pairs: int, *, seed: int = 7, min_words: int = 500
) -> tuple[Path, float]:
    """Write `n_pairs` suspect/original files (every kind the model knows) and a pairs file."""
    articles = long_articles(load_corpus(CORPUS_DIR, seed=seed), min_words)
    pairs = []
    for pair in generate_pairs(articles, seed=seed):
        pairs.append(pair)
        if len(pairs) == n_pairs:
            break
    lines, words = [], 0
    for k, pair in enumerate(pairs):
        s, o = directory / f"s{k}.txt", directory / f"o{k}.txt"
        s.write_text(pair.suspect, encoding="utf-8")
        o.write_text(pair.original, encoding="utf-8")
        lines.append(f"{s}\t{o}")
        words += len(pair.suspect.split()) + len(pair.original.split())
    path = directory / "pairs.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, words / (2 * len(pairs))


def bench_pairs(n_pairs: int = 400, jobs: int = 2) -> dict:
    """Throughput of the `pairs` command, start-up included."""
    with tempfile.TemporaryDirectory() as tmp:
        path, mean_words = make_pairs_file(Path(tmp), n_pairs)
        start = time.perf_counter()
        proc = subprocess.run([*_command(), "pairs", str(path), "--jobs", str(jobs)],
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip())
    n = len(proc.stdout.splitlines())
    return {"pairs": n, "jobs": jobs, "seconds": seconds, "pairs_per_s": n / seconds,
            "mean_words_per_article": mean_words}


def bench_cold_start(runs: int = 5) -> dict:
    """Wall time of a fresh `spundetect score` on the seed pair, median of `runs`."""
    suspect = next((ROOT / "seeds").glob("004_*.txt"))
    original = next((ROOT / "seeds").glob("000_*.txt"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*_command(), "score", str(suspect), "--against", str(original)],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return {"runs": runs, "median_s": statistics.median(times), "max_s": max(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.bench", description=__doc__)
    parser.add_argument("--pairs", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="fewer pairs and runs")
    args = parser.parse_args(argv)
    n_pairs = 100 if args.quick else args.pairs

    cold = bench_cold_start(3 if args.quick else 5)
    print(f"score cold start: median {cold['median_s']:.2f} s, max {cold['max_s']:.2f} s "
          f"over {cold['runs']} runs (target <= 1.5 s)")
    pairs = bench_pairs(n_pairs, args.jobs)
    print(f"pairs: {pairs['pairs']} pairs in {pairs['seconds']:.1f} s = "
          f"{pairs['pairs_per_s']:.0f} pairs/s on {pairs['jobs']} processes, "
          f"{pairs['mean_words_per_article']:.0f} words per article (target >= 100 pairs/s)")
    print(f"peak memory of one spundetect process: {_child_peak_mb():.0f} MB")
    print(f"cores: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
