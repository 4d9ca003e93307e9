"""`make train`: generate pairs, extract features, validate on held-out topics, fit, save.

Validation is honest by construction: folds split by topic (every pair of a topic is on one
side), and each spinner style is also scored by a model that never saw that style. The
shipped model is then fitted on all topics; the metrics in its metadata are the held-out ones.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from detector import segments as segments_mod
from detector.classify import build_booster, build_pipeline
from detector.features import FEATURE_NAMES, Pair, make_pair, pair_features
from detector.lexicon import load_lexicon
from detector.model import save_model
from detector.resources import lexicon_path, model_dir
from detector.results import PairResult, SuspectResult, segment_kinds, skeleton_matches
from detector.training import evaluate, plots
from detector.training.config import KIND_WEIGHTS, STYLE_WEIGHTS, TrainConfig
from detector.training.dataset import (
    Article,
    LabelledPair,
    corpus_hash,
    corpus_key,
    generate_draws,
    load_corpus,
    load_shared_source,
)
from detector.verdict import (
    DERIVED,
    NOT_DERIVED,
    PARAPHRASE,
    derived_probability,
    pair_verdict,
    paraphrase_probability,
)

MODEL_VERSION = "1"


def pair_evidence(pair: Pair) -> dict:
    """What the decision rules read besides the probabilities (as `detector.api` gives them):
    the segment counts, the number of swaps, the kind of every suspect sentence
    (`detector.results.segment_kinds`) and those with a skeleton of the original's
    (`detector.results.skeleton_matches`)."""
    segments = pair.segments
    kinds = segment_kinds(pair)
    return {"segments": segments_mod.summary(segments), "n_swaps": len(pair.alignment.swaps),
            "segment_kinds": kinds, "skeleton_matches": skeleton_matches(pair, kinds)}


def _extract_chunk(chunk: list[tuple[str, str]]) -> tuple[np.ndarray, list[dict]]:
    lexicon = load_lexicon()
    pairs = [make_pair(suspect, original, lexicon) for suspect, original in chunk]
    return (np.vstack([pair_features(p, FEATURE_NAMES) for p in pairs]),
            [pair_evidence(p) for p in pairs])


def featurise(pairs: list[LabelledPair], jobs: int = 2,
              chunk: int = 64) -> tuple[np.ndarray, list[dict]]:
    """Feature matrix of the pairs and each pair's `pair_evidence`, computed in parallel, in
    order."""
    items = [(p.suspect, p.original) for p in pairs]
    chunks = [items[k : k + chunk] for k in range(0, len(items), chunk)]
    parts = Parallel(n_jobs=jobs)(delayed(_extract_chunk)(c) for c in chunks)
    return np.vstack([x for x, _ in parts]), [e for _, part in parts for e in part]


def sample_weights(pairs: list[LabelledPair]) -> np.ndarray:
    """Each pair's weight in fitting: `KIND_WEIGHTS` by kind times `STYLE_WEIGHTS` by the start
    of its style's name, each 1 where none applies."""
    return np.array([KIND_WEIGHTS.get(p.stratum.get("kind", ""), 1.0)
                     * style_weight(p.stratum.get("style", "")) for p in pairs])


def style_weight(style: str) -> float:
    """`STYLE_WEIGHTS`' weight for a style whose name starts with one of its keys, else 1."""
    return next((w for name, w in STYLE_WEIGHTS.items() if style.startswith(name)), 1.0)


def _fit(X, y, groups, seed: int, folds: int = 3, weights=None):
    """Fit the pipeline's classifier on precomputed features (the featurizer is stateless)."""
    n_groups = len(set(groups))
    cv = 2  # too few topics to hold one out: plain stratified folds
    if n_groups >= 2:  # calibrate on held-out topics, as validation does
        cv = list(GroupKFold(n_splits=min(folds, n_groups)).split(X, y, groups))
    pipeline = build_pipeline(random_state=seed, cv=cv)
    pipeline.named_steps["features"].fit(None)
    pipeline.named_steps["classify"].fit(X, y, sample_weight=weights)
    return pipeline


def _in_parallel(func, tasks: list, jobs: int) -> list:
    """Run `func(*task)` for each task on `jobs` processes, one OpenMP thread each.

    Gradient boosting's OpenMP threads spin while they wait; with more threads than cores
    (several fits at once, or a busy machine) a fit slows down tenfold or more.
    """

    def single_threaded(*args):
        with threadpool_limits(limits=1):
            return func(*args)

    return Parallel(n_jobs=jobs)(delayed(single_threaded)(*task) for task in tasks)


def _fold(X, y, groups, train_idx, test_idx, seed, weights):
    model = _fit(X[train_idx], y[train_idx], groups[train_idx], seed,
                 weights=None if weights is None else weights[train_idx])
    classify = model.named_steps["classify"]
    return list(classify.classes_), classify.predict_proba(X[test_idx])


def cross_validate(
    X, y, groups, *, seed: int, folds: int, jobs: int = 1, weights=None
) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold class probabilities, each from a model that never saw that pair's topic."""
    splits = list(GroupKFold(n_splits=folds).split(X, y, groups))
    results = _in_parallel(_fold, [(X, y, groups, tr, te, seed, weights) for tr, te in splits],
                           jobs)
    proba = np.zeros((len(y), len(results[0][0])))
    for (_, test_idx), (_, fold_proba) in zip(splits, results, strict=True):
        proba[test_idx] = fold_proba
    return proba, results[0][0]


def _style_fold(X, y, train_idx, test_idx, is_style, seed, weights):
    keep = train_idx[~is_style[train_idx]]
    booster = build_booster(random_state=seed).fit(
        X[keep], y[keep], sample_weight=None if weights is None else weights[keep])
    classes = list(booster.classes_)
    paraphrase = [classes.index(c) for c in PARAPHRASE if c in classes]
    proba = booster.predict_proba(X[test_idx])
    score = proba[:, paraphrase].sum(axis=1)
    target = is_style[test_idx]
    negative = np.isin(y[test_idx], NOT_DERIVED)
    flagged = np.isin(np.asarray(classes)[proba.argmax(axis=1)[target]], PARAPHRASE)
    return score[target], flagged, score[negative]


def held_out_styles(X, y, groups, pairs, *, seed: int, folds: int, jobs: int = 1,
                    weights=None) -> dict:
    """Each spinner style scored by models trained without that style (nor the test topics).

    Calibration leaves the argmax alone, so the bare trees give the verdicts here; the
    true-positive rate is read at 1% of the same folds' negatives (`evaluate.tpr_at_fpr`).
    """
    styles = sorted({p.stratum["style"] for p in pairs if p.label == "spun"})
    style_of = np.array([p.stratum.get("style", "") for p in pairs])
    splits = list(GroupKFold(n_splits=folds).split(X, y, groups))
    tasks = [(X, y, tr, te, style_of == style, seed, weights)
             for style in styles for tr, te in splits]
    results = iter(_in_parallel(_style_fold, tasks, jobs))
    out = {}
    for style in styles:
        scores, flagged, negatives = map(np.concatenate, zip(*[next(results) for _ in splits],
                                                             strict=True))
        is_style = np.r_[np.ones(scores.size, bool), np.zeros(negatives.size, bool)]
        out[style] = {
            "n": int(scores.size),
            "recall_unseen_style": float(flagged.mean()) if scores.size else 0.0,
            "tpr_at_1pct_fpr_unseen_style": evaluate.tpr_at_fpr(is_style,
                                                                np.r_[scores, negatives]),
        }
    return out


def train(config: TrainConfig | None = None, *, log=print, **overrides) -> dict:
    """Build the data, validate, fit on everything, save; returns the held-out metrics.

    `config` defaults to `TrainConfig()` (what `make train` runs); keyword `overrides` replace
    single fields, e.g. `train(max_topics=3, folds=2)`.
    """
    config = replace(config or TrainConfig(), **overrides)
    corpus, seed, jobs, folds = config.corpus, config.seed, config.jobs, config.folds
    spins_per_article = config.spins_per_article
    negatives_per_article = config.negatives_per_article
    max_topics = config.max_topics
    out = Path(config.out or model_dir())
    start = time.perf_counter()
    shared = load_shared_source(config.shared_source)

    @cache  # the first draw's articles are also what the log and the metadata count
    def articles_of(draw_seed: int) -> list[Article]:
        articles = load_corpus(corpus, seed=draw_seed) + shared
        if max_topics:  # the corpus' topics first (shorter names), then the shared-source events
            keep = sorted({a.topic for a in articles}, key=lambda t: (len(t), t))[:max_topics]
            articles = [a for a in articles if a.topic in keep]
        return articles

    n_articles = len(articles_of(seed))
    pairs = list(generate_draws(articles_of, seed=seed, draws=config.draws,
                                spins_per_article=spins_per_article,
                                negatives_per_article=negatives_per_article))
    log(f"{n_articles} articles, {len(pairs)} pairs in {config.draws} draws "
        f"({time.perf_counter() - start:.0f} s)")
    X, evidence = featurise(pairs, jobs=jobs)
    y = np.array([p.label for p in pairs])
    groups = np.array([p.topic for p in pairs])
    weights = sample_weights(pairs)
    log(f"features {X.shape} ({time.perf_counter() - start:.0f} s)")

    folds = min(folds, len(set(groups)))
    proba, classes = cross_validate(X, y, groups, seed=seed, folds=folds, jobs=jobs,
                                    weights=weights)
    results = pair_results(pairs, proba, list(classes), evidence)
    report = evaluate.summarise(list(y), proba, classes, [p.stratum for p in pairs],
                                decided=[r.verdict for r in results])
    report["sibling_scans"] = sibling_scans(pairs, proba, list(classes), results)
    report["source_scans"] = source_scans(pairs, results)
    baseline = X[:, FEATURE_NAMES.index("stopword_8gram_containment")]  # as the model's figure
    (report["baseline_stopword_8gram_roc_auc"],
     report["baseline_stopword_8gram_tpr_at_1pct_fpr"]) = evaluate.ranking(list(y), baseline,
                                                                            ("spun",))
    if config.style_holdout:
        report["unseen_spinner_style"] = held_out_styles(X, y, groups, pairs, seed=seed,
                                                         folds=folds, jobs=jobs, weights=weights)
    log(f"held-out topics: ROC-AUC {report['roc_auc']:.4f}, "
        f"TPR@1%FPR {report['tpr_at_1pct_fpr']:.4f}, "
        f"macro-F1 {report['macro_f1_paraphrase_copy_not_derived']:.4f}")

    with threadpool_limits(limits=1):
        pipeline = _fit(X, y, groups, seed, weights=weights)
    metadata = {
        "model_version": MODEL_VERSION,
        "training_data_sha256": corpus_hash(corpus, config.shared_source),
        "lexicon_sha256": _sha256(lexicon_path()),
        "training": {"seed": seed, "articles": n_articles, "pairs": len(pairs),
                     "topics": len(set(groups)), "folds": folds, "draws": config.draws,
                     "spins_per_article": spins_per_article,
                     "negatives_per_article": negatives_per_article,
                     "kind_weights": KIND_WEIGHTS,
                     "style_weights": STYLE_WEIGHTS},
        "validation": {k: v for k, v in report.items() if k not in ("strata", "confusion")},
    }
    save_model(pipeline, metadata, out)
    (out / "metrics.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    (out / "metrics.md").write_text(evaluate.markdown(report) + _styles_md(report)
                                    + _siblings_md(report) + _sources_md(report))
    scores = plots.save_scores(out / plots.SCORES_FILE, list(y), [p.stratum for p in pairs],
                               list(groups), proba, classes,
                               originals=[corpus_key(p.original_path) if p.original_path
                                          else "" for p in pairs])
    plots.write_plots(scores, out / plots.PLOTS_DIR)
    log(f"saved {out} ({time.perf_counter() - start:.0f} s)")
    return report


def pair_results(pairs: list[LabelledPair], proba: np.ndarray, classes: list[str],
                 evidence: list[dict]) -> list[PairResult]:
    """Each pair's held-out result as `detector.api` would give it: the verdict after the
    evidence floor (`detector.verdict.pair_verdict`)."""
    results = []
    for pair, row, ev in zip(pairs, proba, evidence, strict=True):
        probabilities = {c: float(v) for c, v in zip(classes, row, strict=True)}
        results.append(PairResult(
            suspect=pair.suspect_id or pair.suspect_path, original=pair.original_path,
            score=paraphrase_probability(probabilities),
            verdict=pair_verdict(probabilities, ev["segments"], ev["n_swaps"]),
            probabilities=probabilities,
            evidence={"segments": ev["segments"], "n_swaps": ev["n_swaps"]},
            segment_kinds=ev["segment_kinds"],
            skeleton_matches=tuple(ev.get("skeleton_matches", ()))))
    return results


def _scan(rows: list[int], results: list[PairResult]) -> SuspectResult:
    """A scan of one suspect against the originals of `rows`, decided as `spundetect scan`
    decides it (`detector.results.SuspectResult`)."""
    return SuspectResult(results[rows[0]].suspect, [results[k] for k in rows])


def sibling_scans(pairs: list[LabelledPair], proba: np.ndarray, classes: list[str],
                  results: list[PairResult]) -> dict:
    """An independent report scanned against the K reports of its event it was paired with
    (held-out probabilities): how often the best of K would be flagged as derived by the
    plain argmax, and by the scan's verdict (evidence floor and the bar for K candidates),
    as derived at all (copy included) and as a paraphrase (spun or rewritten)."""
    groups: dict[str, dict[str, int]] = {}
    for k, pair in enumerate(pairs):
        if pair.stratum.get("kind") in ("same_event", "similar_event") and pair.suspect_path:
            groups.setdefault(pair.suspect_path, {}).setdefault(pair.original_path, k)
    buckets: dict[str, list[tuple[bool, str]]] = {}
    for rows in groups.values():
        probabilities = [dict(zip(classes, proba[k], strict=True)) for k in rows.values()]
        best = max(probabilities, key=derived_probability)
        naive = max(best, key=best.get) in DERIVED
        decided = _scan(list(rows.values()), results).verdict
        size = len(rows)
        bucket = "K=1" if size == 1 else "K=2-3" if size <= 3 else "K=4+"
        buckets.setdefault(bucket, []).append((naive, decided))
    return {b: {"suspects": len(v), "flagged_best_of_k": float(np.mean([n for n, _ in v])),
                "flagged_with_bar": float(np.mean([d in DERIVED for _, d in v])),
                "paraphrase_with_bar": float(np.mean([d in PARAPHRASE for _, d in v]))}
            for b, v in sorted(buckets.items())}


def source_scans(pairs: list[LabelledPair], results: list[PairResult]) -> dict:
    """Suspects scanned against several originals (held-out probabilities, the scan's verdict
    and `sources`): a stitched page against both of its sources (caught as a paraphrase; both
    named), and a spun copy against its original and a sibling of it (caught; the sibling
    wrongly named a source)."""
    groups: dict[str, list[int]] = {}
    for k, pair in enumerate(pairs):
        if pair.suspect_id:
            groups.setdefault(pair.suspect_id, []).append(k)
    stitched, spun = [], []
    for rows in groups.values():
        if len(rows) < 2:
            continue
        scan = _scan(rows, results)
        named = {s["original"] for s in scan.sources}
        originals = {pairs[k].original_path for k in rows}
        if pairs[rows[0]].stratum.get("style") == "stitched":
            stitched.append((scan.verdict in PARAPHRASE, originals <= named))
        else:
            sibling = {pairs[k].original_path for k in rows if pairs[k].label != "spun"}
            spun.append((scan.verdict in PARAPHRASE, bool(sibling & named)))
    out = {}
    if stitched:
        out["stitched"] = {"suspects": len(stitched),
                           "caught": float(np.mean([c for c, _ in stitched])),
                           "both_sources_named": float(np.mean([b for _, b in stitched]))}
    if spun:
        out["spun_with_sibling"] = {"suspects": len(spun),
                                    "caught": float(np.mean([c for c, _ in spun])),
                                    "sibling_named": float(np.mean([s for _, s in spun]))}
    return out


def _sources_md(report: dict) -> str:
    scans = report.get("source_scans")
    if not scans:
        return ""
    lines = ["", "Suspects scanned against several originals (held-out topics, the scan's verdict "
             "and `sources`):", "", "| suspects | scanned | caught as a paraphrase | sources |",
             "|---|---:|---:|---|"]
    if "stitched" in scans:
        s = scans["stitched"]
        lines.append(f"| stitched from two spun reports, against both | {s['suspects']} | "
                     f"{s['caught']:.3f} | both named {s['both_sources_named']:.3f} |")
    if "spun_with_sibling" in scans:
        s = scans["spun_with_sibling"]
        lines.append(f"| spun copy, against its original and a sibling report | "
                     f"{s['suspects']} | {s['caught']:.3f} | sibling named "
                     f"{s['sibling_named']:.3f} |")
    return "\n".join(lines) + "\n"


def _siblings_md(report: dict) -> str:
    scans = report.get("sibling_scans")
    if not scans:
        return ""
    lines = ["", "Independent reports scanned against the K same-event reports they were paired "
             "with (held-out topics): flagged as derived by the best of K's likeliest class, "
             "and by the scan's verdict (evidence floor and the bar for K candidates), as "
             "derived at all (copy included) and as a paraphrase (spun or rewritten):", "",
             "| candidates | suspects | best of K | scan verdict derived | "
             "scan verdict paraphrase |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {k} | {v['suspects']} | {v['flagged_best_of_k']:.3f} "
              f"| {v['flagged_with_bar']:.3f} | {v['paraphrase_with_bar']:.3f} |"
              for k, v in scans.items()]
    return "\n".join(lines) + "\n"


def _styles_md(report: dict) -> str:
    styles = report.get("unseen_spinner_style")
    if not styles:
        return ""
    lines = ["", "Each spinner style scored by models that never saw it:", "",
             "| style | pairs | flagged paraphrase | TPR at 1% FPR |", "|---|---:|---:|---:|"]
    lines += [f"| {s} | {v['n']} | {v['recall_unseen_style']:.3f} "
              f"| {v['tpr_at_1pct_fpr_unseen_style']:.3f} |" for s, v in styles.items()]
    return "\n".join(lines) + "\n"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m detector.training.train", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=defaults.corpus)
    parser.add_argument("--out", type=Path, default=defaults.out,
                        help="model folder (default: the shipped one, models/ in a checkout)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--jobs", type=int, default=defaults.jobs)
    parser.add_argument("--folds", type=int, default=defaults.folds)
    parser.add_argument("--spins", type=int, default=defaults.spins_per_article,
                        help="spun copies per article")
    parser.add_argument("--negatives", type=int, default=defaults.negatives_per_article,
                        help="negatives per article")
    parser.add_argument("--draws", type=int, default=defaults.draws,
                        help="times the pairs are drawn (new spins, pages and negatives each)")
    parser.add_argument("--max-topics", type=int, default=defaults.max_topics,
                        help="small run: first N topics")
    parser.add_argument("--no-style-holdout", action="store_true")
    args = parser.parse_args(argv)
    train(TrainConfig(corpus=args.corpus, out=args.out, seed=args.seed, jobs=args.jobs,
                      folds=args.folds, spins_per_article=args.spins,
                      negatives_per_article=args.negatives, draws=args.draws,
                      max_topics=args.max_topics,
                      style_holdout=not args.no_style_holdout))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
