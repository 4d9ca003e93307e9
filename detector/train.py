"""`make train`: generate pairs, extract features, validate on held-out topics, fit, save.

Validation is honest by construction: folds split by topic (every pair of a topic is on one
side), and each spinner style is also scored by a model that never saw that style. The
shipped model is then fitted on all topics; the metrics in its metadata are the held-out ones.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold

from detector import evaluate, plots
from detector.classify import build_pipeline
from detector.dataset import CORPUS_DIR, LabelledPair, corpus_hash, generate_pairs, load_corpus
from detector.features import FEATURE_NAMES, extract
from detector.lexicon import LEXICON_PATH
from detector.model import MODEL_DIR, save_model

MODEL_VERSION = "1"


def _extract_chunk(chunk: list[tuple[str, str]]) -> np.ndarray:
    return extract(chunk)


def featurise(pairs: list[LabelledPair], jobs: int = 2, chunk: int = 64) -> np.ndarray:
    """Feature matrix of the pairs, computed in parallel, in order."""
    items = [(p.suspect, p.original) for p in pairs]
    chunks = [items[k : k + chunk] for k in range(0, len(items), chunk)]
    parts = Parallel(n_jobs=jobs)(delayed(_extract_chunk)(c) for c in chunks)
    return np.vstack(parts)


def _fit(X, y, groups, seed: int, folds: int):
    """Fit the pipeline's classifier on precomputed features (the featurizer is stateless)."""
    n_folds = min(folds, len(set(groups)))
    cv = list(GroupKFold(n_splits=n_folds).split(X, y, groups))
    pipeline = build_pipeline(random_state=seed, cv=cv)
    pipeline.named_steps["features"].fit(None)
    pipeline.named_steps["classify"].fit(X, y)
    return pipeline


def cross_validate(X, y, groups, *, seed: int, folds: int) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold class probabilities, each from a model that never saw that pair's topic."""
    proba = np.zeros((len(y), 4))
    classes: list[str] = []
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, groups):
        model = _fit(X[train_idx], y[train_idx], groups[train_idx], seed, folds - 1)
        classes = list(model.named_steps["classify"].classes_)
        proba[test_idx] = model.named_steps["classify"].predict_proba(X[test_idx])
    return proba, classes


def held_out_styles(X, y, groups, pairs, *, seed: int, folds: int) -> dict:
    """Recall on each spinner style from models trained without that style (and topic)."""
    styles = sorted({p.stratum["style"] for p in pairs if p.label == "spun"})
    style_of = np.array([p.stratum.get("style", "") for p in pairs])
    out = {}
    for style in styles:
        flagged, total = 0, 0
        for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, groups):
            keep = train_idx[style_of[train_idx] != style]
            model = _fit(X[keep], y[keep], groups[keep], seed, folds - 1)
            test = test_idx[style_of[test_idx] == style]
            if len(test):
                pred = model.named_steps["classify"].predict(X[test])
                flagged += int((pred == "spun").sum())
                total += len(test)
        out[style] = {"n": total, "recall_unseen_style": flagged / total if total else 0.0}
    return out


def train(
    *,
    corpus: Path = CORPUS_DIR,
    out: Path = MODEL_DIR,
    seed: int = 0,
    jobs: int = 2,
    folds: int = 5,
    spins_per_article: int = 3,
    negatives_per_article: int = 4,
    max_topics: int | None = None,
    style_holdout: bool = True,
    log=print,
) -> dict:
    """Build the data, validate, fit on everything, save; returns the metrics."""
    start = time.perf_counter()
    articles = load_corpus(corpus, seed=seed)
    if max_topics:
        keep = sorted({a.topic for a in articles}, key=lambda t: (len(t), t))[:max_topics]
        articles = [a for a in articles if a.topic in keep]
    pairs = list(generate_pairs(articles, seed=seed, spins_per_article=spins_per_article,
                                negatives_per_article=negatives_per_article))
    log(f"{len(articles)} articles, {len(pairs)} pairs ({time.perf_counter() - start:.0f} s)")
    X = featurise(pairs, jobs=jobs)
    y = np.array([p.label for p in pairs])
    groups = np.array([p.topic for p in pairs])
    log(f"features {X.shape} ({time.perf_counter() - start:.0f} s)")

    folds = min(folds, len(set(groups)))
    proba, classes = cross_validate(X, y, groups, seed=seed, folds=folds)
    report = evaluate.summarise(list(y), proba, classes, [p.stratum for p in pairs])
    baseline = X[:, FEATURE_NAMES.index("stopword_8gram_containment")]
    report["baseline_stopword_8gram_tpr_at_1pct_fpr"] = evaluate.tpr_at_fpr(y == "spun", baseline)
    if style_holdout:
        report["unseen_spinner_style"] = held_out_styles(X, y, groups, pairs, seed=seed,
                                                         folds=folds)
    log(f"held-out topics: ROC-AUC {report['roc_auc']:.4f}, "
        f"TPR@1%FPR {report['tpr_at_1pct_fpr']:.4f}, "
        f"macro-F1 {report['macro_f1_spun_copy_not_derived']:.4f}")

    pipeline = _fit(X, y, groups, seed, folds)
    metadata = {
        "model_version": MODEL_VERSION,
        "training_data_sha256": corpus_hash(corpus),
        "lexicon_sha256": _sha256(LEXICON_PATH),
        "training": {"seed": seed, "articles": len(articles), "pairs": len(pairs),
                     "topics": len(set(groups)), "folds": folds,
                     "spins_per_article": spins_per_article,
                     "negatives_per_article": negatives_per_article},
        "validation": {k: v for k, v in report.items() if k not in ("strata", "confusion")},
    }
    save_model(pipeline, metadata, out)
    (out / "metrics.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    (out / "metrics.md").write_text(evaluate.markdown(report) + _styles_md(report))
    scores = plots.save_scores(out / plots.SCORES_FILE, list(y), [p.stratum for p in pairs],
                               list(groups), proba, classes)
    plots.write_plots(scores, out / plots.PLOTS_DIR)
    log(f"saved {out} ({time.perf_counter() - start:.0f} s)")
    return report


def _styles_md(report: dict) -> str:
    styles = report.get("unseen_spinner_style")
    if not styles:
        return ""
    lines = ["", "Recall on each spinner style by models that never saw it:", "",
             "| style | pairs | recall |", "|---|---:|---:|"]
    lines += [f"| {s} | {v['n']} | {v['recall_unseen_style']:.3f} |" for s, v in styles.items()]
    return "\n".join(lines) + "\n"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.train", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--spins", type=int, default=3, help="spun copies per article")
    parser.add_argument("--negatives", type=int, default=4, help="negatives per article")
    parser.add_argument("--max-topics", type=int, default=None, help="small run: first N topics")
    parser.add_argument("--no-style-holdout", action="store_true")
    args = parser.parse_args(argv)
    train(corpus=args.corpus, out=args.out, seed=args.seed, jobs=args.jobs, folds=args.folds,
          spins_per_article=args.spins, negatives_per_article=args.negatives,
          max_topics=args.max_topics, style_holdout=not args.no_style_holdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
