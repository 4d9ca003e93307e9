"""`make bench`: measured speed, memory and retrieval quality, printed; targets are checked
here, not in tests. Each benchmark is a function returning its figures, and `main` runs them.

Pairwise scoring:
- `bench_cold_start`: seconds of one `spundetect score` (a fresh process, model and lexicon).
- `bench_pairs`: pairs/s of `spundetect pairs` on 2 worker processes over generated pairs.

Reference index and folder scans:
- `bench_index`: index build docs/s, size on disk, peak memory, query latency p50/p95.
- `bench_retrieval`: recall@1 and @10 of the true source for spun suspects of held-out
  topics, by swap rate, against the real originals plus synthetic distractors.
- `bench_scan`: suspects/s of a scan with the model, how per-suspect cost grows, and that
  cost split into retrieval and scoring.
- `bench_no_source`: how often suspects whose text is in no original are flagged, per size.
- `bench_heldout_scan`: the acceptance scan: ~400 suspects (spun, copied, independent
  reports of indexed events) against ~2,500 originals, with a model that never saw them.

Reference corpora of 10,000 and 100,000 originals (and 1,000,000 with `--size 1000000`) are
the real ones plus synthetic articles (`bench.synthetic`); they are written once under
`--workdir` (build/bench-cache), keyed by the generator's version, and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from bench.memory import PeakPss
from bench.synthetic import GENERATOR_VERSION, SyntheticCorpus, sentences_of, write_corpus
from detector.index import ReferenceIndex, build
from detector.text import Document
from detector.training.config import CORPUS_DIR
from detector.training.dataset import Article, generate_pairs, group_paragraphs, load_corpus

ROOT = Path(__file__).resolve().parent.parent


def _command() -> list[str]:
    exe = Path(sys.executable).parent / "spundetect"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB of this process, or with RUSAGE_CHILDREN of its largest
    finished child process (Linux reports kB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def long_articles(articles: list[Article], min_words: int = 500) -> list[Article]:
    """Join consecutive reports of one topic until each has `min_words` words, the size of a
    typical news article (the corpus' own reports are shorter). A joined text is named after
    all its reports, so no rewrite or edited copy of one of them is paired with it."""
    out: list[Article] = []
    pending: Article | None = None
    for article in articles:
        if pending and pending.topic == article.topic:
            article = Article(f"{pending.path}+{Path(article.path).name}", article.topic,
                              article.subcorpus, pending.text + "\n\n" + article.text)
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
    """Throughput of the `pairs` command, start-up included, and once running: the same
    command on the first quarter of the pairs and on all of them, the difference divided out
    (the rate a long pairs file sees, start-up and the last stragglers aside)."""
    with tempfile.TemporaryDirectory() as tmp:
        path, mean_words = make_pairs_file(Path(tmp), n_pairs)
        lines = path.read_text().splitlines(keepends=True)
        quarter = Path(tmp) / "quarter.tsv"
        quarter.write_text("".join(lines[: max(len(lines) // 4, 1)]))
        runs = [_run_pairs(p, jobs) for p in (quarter, path)]
    (n_q, s_q, _), (n, seconds, cpu) = runs
    running = (n - n_q) / (seconds - s_q) if seconds > s_q and n > n_q else float("nan")
    return {"pairs": n, "jobs": jobs, "seconds": seconds, "pairs_per_s": n / seconds,
            "pairs_per_s_running": running, "cpu_seconds": cpu, "pairs_per_cpu_s": n / cpu,
            "mean_words_per_article": mean_words}


def _run_pairs(path: Path, jobs: int) -> tuple[int, float, float]:
    """(records, wall seconds, CPU seconds of all its processes) of one `spundetect pairs`."""
    cpu_before = _children_cpu_s()
    start = time.perf_counter()
    proc = subprocess.run([*_command(), "pairs", str(path), "--jobs", str(jobs)],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip())
    return len(proc.stdout.splitlines()), seconds, _children_cpu_s() - cpu_before


def _children_cpu_s() -> float:
    """CPU seconds (user and system) of the finished child processes and theirs: on a shared
    machine a steadier measure of work than wall time, which waits for other people's jobs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


HELD_OUT_TOPICS = ("41", "43", "44", "45", "5", "6", "8", "9")
# Held-out topics left out of the reference corpora altogether: suspects made from them have
# no source among the originals (`bench_no_source`). The others are indexed (`bench_retrieval`).
NO_SOURCE_TOPICS = ("44", "9")
INDEXED_HELD_OUT = tuple(t for t in HELD_OUT_TOPICS if t not in NO_SOURCE_TOPICS)
RATES = (0.1, 0.3, 0.5, 0.7)
WORKDIR = ROOT / "build" / "bench-cache"


# --- corpora ----------------------------------------------------------------------------------


def topic_files(topics: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()
                ) -> list[Path]:
    """Real originals (one sentence a line) of the given topics, or of all but `exclude`."""
    return sorted(p for p in CORPUS_DIR.glob("*/*.txt")
                  if (topics is None or p.parent.name in topics)
                  and p.parent.name not in exclude and len(sentences_of(p)) >= 3)


def article_text(path: Path) -> str:
    """A corpus file as an article: sentences grouped into paragraphs of one to three."""
    rng = random.Random(path.name)
    return "\n\n".join(group_paragraphs(sentences_of(path), rng)) + "\n"


def synthetic_files(n: int, workdir: Path, *, exclude: tuple[str, ...] = (), seed: int = 1
                    ) -> list[Path]:
    """`n` synthetic originals recombined from the topics not excluded (cached on disk)."""
    if n <= 0:
        return []
    tag = "all" if not exclude else "without-" + "-".join(exclude)
    sources = [sentences_of(p) for p in topic_files(exclude=exclude)]
    corpus = SyntheticCorpus(sources, seed=seed)
    return write_corpus(corpus, workdir / f"synthetic-{tag}-{seed}-v{GENERATOR_VERSION}", n)


def real_as_articles(paths: list[Path], workdir: Path) -> list[Path]:
    """The real originals written as paragraphed articles (what a newsroom would index)."""
    out = []
    for path in paths:
        target = workdir / "real" / path.parent.name / path.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(article_text(path), encoding="utf-8")
        out.append(target)
    return out


def reference_corpus(n: int, workdir: Path) -> list[Path]:
    """The real originals (but those of `NO_SOURCE_TOPICS`) plus synthetic ones up to `n`.

    The synthetic ones recombine sentences of the other topics only: a distractor built
    from a held-out article's own sentences would be a partial copy of it, not a distractor.
    """
    real = real_as_articles(topic_files(exclude=NO_SOURCE_TOPICS), workdir)
    return real + synthetic_files(n - len(real), workdir, exclude=HELD_OUT_TOPICS)


# --- measuring ---------------------------------------------------------------------------------


def _child(func: Callable, args: tuple, kwargs: dict, queue) -> None:
    try:
        result = func(*args, **kwargs)
    except BaseException:
        import traceback

        queue.put({"failed": traceback.format_exc()})
        raise
    result["peak_rss_main_mb"] = round(peak_mb(), 1)
    result["peak_rss_worker_mb"] = round(peak_mb(resource.RUSAGE_CHILDREN), 1)
    queue.put(result)


def in_child(func: Callable, *args, **kwargs) -> dict:
    """Run a benchmark in a fresh forked process so its peak memory is its own."""
    ctx = get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(func, args, kwargs, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if "failed" in result:
        raise RuntimeError(f"{func.__name__} failed:\n{result['failed']}")
    return result


def _percentiles(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2)}


# --- benchmarks --------------------------------------------------------------------------------


def bench_index(n: int, workdir: Path = WORKDIR, *, jobs: int = 2, queries: int = 300,
                log=print) -> dict:
    """Build an index of `n` originals from files; size, build rate and query latency."""
    paths = reference_corpus(n, workdir)
    location = workdir / f"index-{n}.sqlite"
    location.unlink(missing_ok=True)
    start = time.perf_counter()
    with PeakPss() as memory:
        index, report = build(paths, location, jobs=jobs)
    seconds = time.perf_counter() - start
    info = index.info()
    rng = random.Random(n)
    sample = [Document(p.read_text(encoding="utf-8")) for p in rng.sample(paths, queries)]
    from detector.training.spinner import random_spin

    suspects = [Document(random_spin(d.text, seed=k).text) for k, d in enumerate(sample)]
    latencies = []
    for doc in suspects:
        t = time.perf_counter()
        index.candidates(doc, 10)
        latencies.append(time.perf_counter() - t)
    index.close()
    result = {
        "originals": len(paths), "errors": len(report.errors),
        "build_seconds": round(seconds, 1), "build_docs_per_s": round(len(paths) / seconds, 1),
        "size_mb": round(info["size_bytes"] / 1e6, 1), "terms": info["terms"],
        "postings": info["postings"], "query": _percentiles(latencies),
        "build_pss_mb": None if memory.peak_mb is None else round(memory.peak_mb, 1),
        "index": str(location),
    }
    log(f"index {n}: {result}")
    return result


def bench_retrieval(index_path: Path, workdir: Path = WORKDIR, *, per_rate: int = 250,
                    seed: int = 0, log=print) -> dict:
    """Recall@1/@10 of the true source for spun held-out articles, by swap rate."""
    from detector.training.spinner import STYLES, spin

    with ReferenceIndex.open(index_path, readonly=True) as index:
        ids = index.paths()
        held_out = real_as_articles(topic_files(INDEXED_HELD_OUT), workdir)
        rng = random.Random(seed)
        result: dict = {"index_documents": len(index),
                        "held_out_topics": list(INDEXED_HELD_OUT)}
        misses = []
        for rate in RATES:
            at1 = at10 = 0
            chosen = [rng.choice(held_out) for _ in range(per_rate)]
            for k, path in enumerate(chosen):
                style = rng.choice(STYLES)
                text = spin(path.read_text(encoding="utf-8"), style=style, rate=rate,
                            seed=seed * 7919 + k).text
                found = [c.id for c in index.candidates(Document(text), 10)]
                want = ids[str(path.resolve())]
                at1 += found[:1] == [want]
                at10 += want in found
                if found[:1] != [want]:
                    misses.append((path.name, rate, style))
            result[f"rate_{rate}"] = {"suspects": per_rate, "recall_at_1": at1 / per_rate,
                                      "recall_at_10": at10 / per_rate}
        n = per_rate * len(RATES)
        result["overall"] = {
            "suspects": n,
            "recall_at_1": sum(result[f"rate_{r}"]["recall_at_1"] for r in RATES) / len(RATES),
            "recall_at_10": sum(result[f"rate_{r}"]["recall_at_10"] for r in RATES) / len(RATES),
        }
        result["misses_at_1"] = misses[:20]
    log(f"retrieval: {result}")
    return result


def make_suspects(originals: list[Path], directory: Path, n: int, seed: int = 0) -> list[Path]:
    """Spun copies (random style and rate up to 0.7) of `n` originals, written to a folder."""
    from detector.training.spinner import random_spin

    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    for k, path in enumerate(rng.sample(originals, n)):
        target = directory / f"spun{k:05d}_{path.stem}.txt"
        if not target.exists():
            target.write_text(random_spin(path.read_text(encoding="utf-8"), seed=k).text,
                              encoding="utf-8")
        out.append(target)
    return out


def split_costs(suspects: list[Path], index: ReferenceIndex, detector, top_k: int) -> dict:
    """A scan's cost per suspect in one process, split: retrieval (anchors, top-k query and
    the candidates' stored texts) and scoring (the pairwise model on the k candidates, the
    passages of the likeliest only, as in a scan)."""
    from detector.index.scan import retrieve, score_retrieved

    retrieval, scoring = [], []
    for path in suspects:
        doc = Document(path.read_text(encoding="utf-8"))
        t = time.perf_counter()
        found = retrieve(doc, index, top_k)
        retrieval.append(time.perf_counter() - t)
        t = time.perf_counter()
        score_retrieved(detector, doc, found, passages="best")  # as a scan's workers do
        scoring.append(time.perf_counter() - t)
    return {"retrieval": _percentiles(retrieval),
            "retrieval_ms_mean": round(1000 * statistics.fmean(retrieval), 2),
            "scoring_ms_mean": round(1000 * statistics.fmean(scoring), 1)}


def no_source_suspects(workdir: Path, n: int = 300, seed: int = 0) -> dict[str, list[Path]]:
    """Suspects whose text is in no original of the reference corpora, by kind: articles of
    `NO_SOURCE_TOPICS` spun, synthetic articles recombined from those topics, and those spun.
    """
    from detector.training.spinner import random_spin

    real = real_as_articles(topic_files(NO_SOURCE_TOPICS), workdir)
    synthetic = SyntheticCorpus([sentences_of(p) for p in topic_files(NO_SOURCE_TOPICS)],
                                seed=seed + 11)
    rng = random.Random(seed)
    per_kind = n // 3
    folder = workdir / f"no-source-v{GENERATOR_VERSION}-{seed}-{n}"
    made: dict[str, list[Path]] = {"spun_real": [], "synthetic": [], "spun_synthetic": []}
    for k in range(per_kind):
        texts = {"spun_real": random_spin(rng.choice(real).read_text(encoding="utf-8"),
                                          seed=seed * 7_919 + k).text,
                 "synthetic": synthetic.article(2 * k),
                 "spun_synthetic": random_spin(synthetic.article(2 * k + 1),
                                               seed=seed * 7_919 + k).text}
        for kind, text in texts.items():
            path = folder / f"{kind}{k:04d}.txt"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            made[kind].append(path)
    return made


def bench_no_source(index_path: Path, workdir: Path = WORKDIR, *, n: int = 300, jobs: int = 2,
                    top_k: int = 10, model: Path | None = None, log=print) -> dict:
    """Share of suspects with no source in the index that a scan flags: paraphrase (`spun`,
    `rewritten`) and derived at all (`copy` too), by kind. It must not grow with the index."""
    from detector.api import Detector
    from detector.index.scan import scan
    from detector.model import load_model
    from detector.verdict import DERIVED, PARAPHRASE

    made = no_source_suspects(workdir, n)
    kind_of = {str(p): kind for kind, paths in made.items() for p in paths}
    with ReferenceIndex.open(index_path, readonly=True) as index:
        detector = Detector(model=load_model(model))
        records = list(scan(sorted(kind_of), index, detector, top_k=top_k, jobs=jobs))
        n_docs = len(index)
    result: dict = {"index_documents": n_docs, "suspects": len(records)}
    for kind in (*made, "all"):
        rows = [r for r in records if kind in ("all", kind_of[r["suspect"]])]
        result[kind] = {
            "suspects": len(rows),
            "flagged_paraphrase": round(sum(r["verdict"] in PARAPHRASE for r in rows)
                                        / len(rows), 4),
            "flagged_derived": round(sum(r["verdict"] in DERIVED for r in rows) / len(rows), 4)}
    result["flagged"] = sorted(
        ({"suspect": Path(r["suspect"]).name, "verdict": r["verdict"],
          "derived": r["derived"], "original": Path(r["original"] or "").name,
          "aligned_share": r["evidence"].get("aligned_share")}
         for r in records if r["verdict"] in DERIVED), key=lambda f: f["suspect"])
    log(f"no source {n_docs}: {result}")
    return result


def bench_scan(index_path: Path, n_suspects: int, workdir: Path = WORKDIR, *, jobs: int = 2,
               top_k: int = 10, model: Path | None = None, log=print) -> dict:
    """Scan spun suspects of indexed originals with the model: suspects/s and cost per suspect."""
    from detector.api import Detector
    from detector.index.scan import scan
    from detector.model import load_model

    with ReferenceIndex.open(index_path, readonly=True) as index:
        originals = [Path(p) for p in index.paths()]
        folder = workdir / f"suspects-{len(index)}-{n_suspects}"
        suspects = make_suspects(originals, folder, n_suspects)
        detector = Detector(model=load_model(model))
        start = time.perf_counter()
        records = list(scan(suspects, index, detector, top_k=top_k, jobs=jobs))
        seconds = time.perf_counter() - start
        costs = split_costs(suspects[:100], index, detector, top_k)
    right = sum(1 for r in records if r["source"] and Path(r["source"]).stem in r["suspect"])
    result = {
        "index_documents": len(originals), "suspects": len(records), "jobs": jobs,
        "top_k": top_k, "seconds": round(seconds, 1),
        "suspects_per_s": round(len(records) / seconds, 1),
        "ms_per_suspect_per_core": round(1000 * seconds * jobs / len(records), 1),
        **costs,
        "spun_flagged": sum(r["verdict"] == "spun" for r in records) / len(records),
        "right_source": right / len(records),
    }
    log(f"scan {len(originals)}: {result}")
    return result


def heldout_model(workdir: Path, *, jobs: int = 2, log=print) -> Path:
    """A model trained without the held-out topics (trained once, then reused from workdir)."""
    from detector.training.config import TrainConfig
    from detector.training.dataset import corpus_hash
    from detector.training.train import train

    corpus = workdir / "corpus-without-held-out"
    corpus.mkdir(parents=True, exist_ok=True)
    for topic in sorted(p for p in CORPUS_DIR.iterdir() if p.is_dir()):
        link = corpus / topic.name
        if topic.name not in HELD_OUT_TOPICS and not link.exists():
            link.symlink_to(topic.resolve(), target_is_directory=True)
    out = workdir / "model-without-held-out"
    meta = out / "metadata.json"
    digest = corpus_hash(corpus, TrainConfig().shared_source)  # as `train` records it
    if meta.exists() and json.loads(meta.read_text()).get("training_data_sha256") == digest:
        return out
    log(f"training a model without topics {', '.join(HELD_OUT_TOPICS)} (once) ...")
    train(corpus=corpus, out=out, jobs=jobs, folds=3, spins_per_article=2,
          negatives_per_article=3, draws=1, style_holdout=False, log=log)
    return out


def _overlapping(files: list[Path], threshold: float) -> set[frozenset[str]]:
    """Pairs of same-topic files where one has `threshold` of its words aligned with the other
    (`dataset.syndicated`)."""
    from detector.training.dataset import syndicated

    articles = [Article(str(p), p.parent.name, "ecbplus" if "plus" in p.stem else "ecb",
                        p.read_text(encoding="utf-8")) for p in files]
    return syndicated(articles, threshold)


def _wire_groups(files: list[Path], pairs: set[frozenset[str]]) -> list[tuple[Path, ...]]:
    """The files grouped by shared wire story (linked by `pairs`); most stand alone."""
    parent = {str(p): str(p) for p in files}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for pair in pairs:
        a, b = sorted(pair)
        parent[root(b)] = root(a)
    groups: dict[str, list[Path]] = {}
    for p in files:
        groups.setdefault(root(str(p)), []).append(p)
    return [tuple(sorted(g)) for g in groups.values()]


def heldout_suspects(workdir: Path, seed: int = 0, *, n_spun: int = 240, n_copies: int = 100,
                     n_independent: int = 100) -> tuple[list[Path], list[Path], dict]:
    """Originals and suspects for the acceptance scan, all from held-out topics.

    Within each event (topic and sub-corpus) half the reports are indexed; spun and copied
    suspects derive from those, and the other half are independent reports whose sibling
    reports are in the index. Copies of one wire story in several papers stay together on
    one side (as in training), and each is a right source for a suspect made from another.
    Returns (indexed originals, suspects, suspect -> expectation).
    """
    from detector.training.dataset import make_copy
    from detector.training.spinner import random_spin

    rng = random.Random(seed)
    files = real_as_articles(topic_files(HELD_OUT_TOPICS), workdir)
    groups = _wire_groups(files, _overlapping(files, 0.5))  # copies stay on one side
    events: dict[tuple[str, bool], list[tuple[Path, ...]]] = {}
    for group in groups:
        first = group[0]
        events.setdefault((first.parent.name, "plus" in first.stem), []).append(group)
    indexed, kept_out = [], []
    twins: dict[Path, tuple[Path, ...]] = {}
    for key in sorted(events):
        members = sorted(events[key])
        rng.shuffle(members)
        target = (sum(len(g) for g in members) + 1) // 2
        placed = 0
        for group in members:
            side = indexed if placed < target else kept_out
            placed += len(group) if side is indexed else 0
            side.extend(group)
            for path in group:
                twins[path] = group
    folder = workdir / f"heldout-suspects-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict = {}

    def write(name: str, text: str, kind: str, source: Path | None) -> None:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        sources = sorted(str(p.resolve()) for p in twins[source]) if source else []
        expect[str(path)] = {"kind": kind, "sources": sources}

    for k in range(n_spun):
        source = indexed[k % len(indexed)]
        write(f"spun{k:03d}_{source.stem}.txt",
              random_spin(source.read_text(encoding="utf-8"), seed=seed * 10_007 + k).text,
              "spun", source)
    for k, source in enumerate(rng.sample(indexed, min(n_copies, len(indexed)))):
        donor = rng.choice(kept_out).read_text(encoding="utf-8")
        kind, text = make_copy(source.read_text(encoding="utf-8"), donor, rng)
        write(f"copy{k:03d}_{kind}_{source.stem}.txt", text, "copy", source)
    for k, path in enumerate(rng.sample(kept_out, min(n_independent, len(kept_out)))):
        write(f"independent{k:03d}_{path.stem}.txt", path.read_text(encoding="utf-8"),
              "independent", None)
    return indexed, sorted(Path(p) for p in expect), expect


def bench_heldout_scan(workdir: Path = WORKDIR, *, n_originals: int = 2500, jobs: int = 2,
                       model: Path | None = None, splits: tuple[int, ...] = (0, 1, 2, 3),
                       log=print) -> dict:
    """The acceptance scan: flag rates and right-source rates per kind of suspect.

    Each split (a seed) indexes another half of every held-out event among synthetic
    distractors up to `n_originals`, and scans 60 spun and 25 copied suspects and every
    kept-out report (~60): one split alone has too few independent reports to measure a
    rate near 2%. Flagged independent reports are listed with how much of their text lines
    up with the original they were flagged against.
    """
    from detector.api import Detector
    from detector.index.scan import scan
    from detector.model import load_model

    model = model or heldout_model(workdir, jobs=jobs, log=log)
    detector = Detector(model=load_model(model))
    counts: dict[str, dict] = {}
    flagged_independent = []
    seconds, n_records = 0.0, 0
    for split in splits:
        indexed, suspects, expect = heldout_suspects(workdir, split, n_spun=60, n_copies=25,
                                                     n_independent=1000)
        distractors = synthetic_files(n_originals - len(indexed), workdir,
                                      exclude=HELD_OUT_TOPICS)
        location = workdir / f"index-heldout-{split}.sqlite"
        location.unlink(missing_ok=True)
        index, _ = build(indexed + distractors, location, jobs=jobs)
        start = time.perf_counter()
        records = list(scan(suspects, index, detector, jobs=jobs))
        seconds += time.perf_counter() - start
        n_records += len(records)
        index.close()
        for record in records:
            want = expect[record["suspect"]]
            row = counts.setdefault(want["kind"], {"suspects": 0, "flagged_spun": 0,
                                                   "called_copy": 0, "right_source": 0})
            row["suspects"] += 1
            row["flagged_spun"] += record["verdict"] == "spun"
            row["called_copy"] += record["verdict"] == "copy"
            row["right_source"] += bool(want["sources"]) and record["source"] in want["sources"]
            if want["kind"] == "independent" and record["verdict"] == "spun":
                flagged_independent.append({
                    "suspect": Path(record["suspect"]).name,
                    "flagged_against": Path(record["source"]).name,
                    "score": record["score"],
                    "aligned_share": record["evidence"]["aligned_share"],
                    "verbatim_share": record["evidence"]["verbatim_share"]})
    kinds = {kind: {"suspects": row["suspects"],
                    **{k: round(v / row["suspects"], 4) for k, v in row.items()
                       if k != "suspects"}}
             for kind, row in sorted(counts.items())}
    result = {"originals_per_split": n_originals, "splits": len(splits),
              "suspects": n_records, "model": str(model), "scan_seconds": round(seconds, 1),
              "by_kind": kinds, "flagged_independent": flagged_independent}
    log(f"held-out scan: {result}")
    return result


def _print_pairwise(cold: dict, pairs: dict) -> None:
    print(f"score cold start: median {cold['median_s']:.2f} s, max {cold['max_s']:.2f} s "
          f"over {cold['runs']} runs (target <= 1.5 s)")
    print(f"pairs: {pairs['pairs']} pairs in {pairs['seconds']:.1f} s = "
          f"{pairs['pairs_per_s']:.0f} pairs/s on {pairs['jobs']} processes, start-up included, "
          f"{pairs['pairs_per_s_running']:.0f} pairs/s once running; "
          f"{pairs['mean_words_per_article']:.0f} words per article (target >= 1,000 pairs/s); "
          f"{pairs['cpu_seconds']:.1f} CPU s in all processes, start-up included = "
          f"{pairs['pairs_per_cpu_s']:.0f} pairs per CPU second")
    print(f"peak memory of one spundetect process: {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")


def _print_index(figures: dict, sizes: list[int]) -> None:
    for n in sizes:
        b, sc, r = figures[f"index_{n}"], figures[f"scan_{n}"], figures[f"retrieval_{n}"]
        print(f"index {b['originals']}: build {b['build_docs_per_s']:.0f} docs/s "
              f"({b['build_seconds']:.0f} s, target >= 3000 at 1M), {b['size_mb']:.0f} MB on "
              f"disk, peak RSS {b['peak_rss_main_mb']:.0f} MB main + "
              f"{b['peak_rss_worker_mb']:.0f} MB per worker, which count pages shared with "
              f"main; in all, summed PSS {b['build_pss_mb'] or 0:.0f} MB (target <= 4 GB); "
              f"query p50 {b['query']['p50_ms']:.1f} ms, p95 {b['query']['p95_ms']:.1f} ms")
        print(f"scan against {sc['index_documents']}: {sc['suspects_per_s']:.1f} suspects/s "
              f"on {sc['jobs']} processes, top {sc['top_k']} (target >= 100 at 1M), "
              f"{sc['ms_per_suspect_per_core']:.0f} ms per suspect per core; in one process "
              f"retrieval {sc['retrieval_ms_mean']:.1f} ms (p50 {sc['retrieval']['p50_ms']:.1f}, "
              f"p95 {sc['retrieval']['p95_ms']:.1f}) + scoring {sc['scoring_ms_mean']:.0f} ms "
              f"per suspect; right source first {sc['right_source']:.3f}; peak RSS "
              f"{sc['peak_rss_main_mb']:.0f} MB main + {sc['peak_rss_worker_mb']:.0f} MB per "
              f"worker")
        print(f"retrieval against {r['index_documents']}: recall@1 "
              f"{r['overall']['recall_at_1']:.3f}, recall@10 {r['overall']['recall_at_10']:.3f} "
              f"({r['overall']['suspects']} spun held-out suspects, swap rates "
              f"{', '.join(map(str, RATES))})")
        ns = figures[f"no_source_{n}"]
        print(f"no source against {ns['index_documents']}: flagged paraphrase "
              f"{ns['all']['flagged_paraphrase']:.3f}, derived {ns['all']['flagged_derived']:.3f}"
              f" of {ns['suspects']} (target <= 0.01 at every size); "
              + ", ".join(f"{k} {v['flagged_derived']:.3f}" for k, v in ns.items()
                          if isinstance(v, dict) and k != "all"))
    g = figures["growth"]
    print(f"per-suspect cost {g['sizes'][1]} vs {g['sizes'][0]}: x{g['per_suspect_cost_ratio']} "
          f"(target <= 1.5 at 1M vs 100k), retrieval mean x{g['retrieval_mean_ratio']}")
    h = figures.get("heldout_scan", {})
    for kind, row in sorted(h.get("by_kind", {}).items()):
        print(f"held-out scan, {kind}: {row}")


def run_index(args: argparse.Namespace, figures: dict) -> None:
    """The index benchmarks at each size (`--sizes`, plus `--size`), then the acceptance scan."""
    sizes = args.sizes or ([2000, 10000] if args.quick else [10000, 100000])
    sizes = sorted(set(sizes + args.size))
    per_rate = args.per_rate or (100 if args.quick else 250)
    n_suspects = args.suspects or (100 if args.quick else 400)
    args.workdir.mkdir(parents=True, exist_ok=True)
    quiet = {"log": lambda *_: None}
    for n in sizes:
        figures[f"index_{n}"] = in_child(bench_index, n, args.workdir, jobs=args.jobs)
        path = Path(figures[f"index_{n}"]["index"])
        figures[f"retrieval_{n}"] = bench_retrieval(path, args.workdir, per_rate=per_rate,
                                                    **quiet)
        figures[f"scan_{n}"] = in_child(bench_scan, path, n_suspects, args.workdir,
                                        jobs=args.jobs, model=args.model, **quiet)
        figures[f"no_source_{n}"] = in_child(bench_no_source, path, args.workdir,
                                             n=args.no_source, jobs=args.jobs,
                                             model=args.model, **quiet)
    figures["retrieval"] = figures[f"retrieval_{max(sizes)}"]
    if not args.skip_acceptance:
        figures["heldout_scan"] = in_child(bench_heldout_scan, args.workdir, jobs=args.jobs,
                                           model=args.heldout_model, **quiet)
    # the target compares a million with 100,000: the largest size with the one below it
    base, top = (sizes[-2] if len(sizes) > 1 else sizes[0]), sizes[-1]  # sizes are sorted
    small, large = figures[f"scan_{base}"], figures[f"scan_{top}"]
    figures["growth"] = {
        "sizes": [base, top],
        "per_suspect_cost_ratio": round(large["ms_per_suspect_per_core"]
                                        / small["ms_per_suspect_per_core"], 2),
        "retrieval_mean_ratio": round(large["retrieval_ms_mean"] / small["retrieval_ms_mean"],
                                      2),
    }
    _print_index(figures, sizes)
    if args.cluster:
        from bench.cluster import bench_cluster, print_cluster

        for n in sizes:
            figures[f"cluster_{n}"] = in_child(bench_cluster, n, args.workdir, jobs=args.jobs,
                                               n_suspects=n_suspects, model=args.model, **quiet)
        print_cluster(figures, sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="a smaller run: fewer pairs and runs; 2,000 and 10,000 originals")
    parser.add_argument("--only", choices=("pairs", "index"), default=None,
                        help="run only the pairwise or only the index and scan benchmarks")
    parser.add_argument("--pairs", type=int, default=800)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="reference corpus sizes (default 10000 100000)")
    parser.add_argument("--size", type=int, action="append", default=[],
                        help="a size measured besides those (e.g. --size 1000000; the "
                             "generated corpus is kept under --workdir for re-runs)")
    parser.add_argument("--no-source", type=int, default=300,
                        help="suspects with no source scanned at each size (default 300)")
    parser.add_argument("--skip-acceptance", action="store_true",
                        help="leave out the acceptance scan (it trains a model once)")
    parser.add_argument("--workdir", type=Path, default=WORKDIR,
                        help=f"where corpora and indexes are written (default {WORKDIR})")
    parser.add_argument("--per-rate", type=int, default=None,
                        help="spun suspects per swap rate for recall (default 250, quick 100)")
    parser.add_argument("--suspects", type=int, default=None,
                        help="suspects per scan benchmark (default 400, quick 100)")
    parser.add_argument("--model", type=Path, default=None, help="model for the scans")
    parser.add_argument("--heldout-model", type=Path, default=None,
                        help="model for the acceptance scan (default: trained without the "
                             "held-out topics, once)")
    parser.add_argument("--cluster", action="store_true",
                        help="also the Dask-partitioned mode (bench/cluster.py) at each size")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args(argv)
    figures: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}

    if args.only in (None, "pairs"):
        n_pairs = 100 if args.quick else args.pairs
        figures["cold_start"] = bench_cold_start(3 if args.quick else 5)
        figures["pairs"] = bench_pairs(n_pairs, args.jobs)
        _print_pairwise(figures["cold_start"], figures["pairs"])

    if args.only in (None, "index"):
        run_index(args, figures)
    print(f"cores: {os.cpu_count()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
