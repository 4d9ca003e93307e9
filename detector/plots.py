"""Validation plots: ROC and precision-recall curves, scores per kind of pair and per swap rate,
and the confusion matrix, drawn from every pair's out-of-fold scores.

`make train` saves those scores (`validation_scores.csv`, one row a validation pair) and calls
`write_plots`; notebooks/evaluation.ipynb loads the same file to explore. matplotlib is imported
here only, and only when drawing, with the Agg backend (no display needed).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SCORES_FILE = "validation_scores.csv"
PLOTS_DIR = "plots"
STRATUM_FIELDS = ("kind", "style", "rate", "partial")
PLOTS = {
    "roc.png": "ROC curve of the spun score on held-out topics, whole and at low false positives",
    "precision_recall.png": "precision against recall of the spun score",
    "scores_by_kind.png": "score distribution for each kind of pair (spun and every negative)",
    "scores_by_rate.png": "score distribution of spun pairs by share of words swapped",
    "confusion.png": "confusion matrix of the four-class verdicts",
}


def save_scores(
    path: Path,
    labels: Sequence[str],
    strata: Sequence[dict],
    topics: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
) -> Path:
    """Write one row per validation pair: label, stratum, topic, spun score, every probability."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["label", *STRATUM_FIELDS, "topic", "score", *(f"p_{c}" for c in classes)])
        spun = list(classes).index("spun")
        for label, stratum, topic, row in zip(labels, strata, topics, proba, strict=True):
            out.writerow([label, *(stratum.get(k, "") for k in STRATUM_FIELDS), topic,
                          f"{row[spun]:.6f}", *(f"{v:.6f}" for v in row)])
    return path


def load_scores(path: Path) -> dict[str, np.ndarray]:
    """The saved scores as columns: strings for labels and strata, floats for probabilities."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError(f"{path}: no validation scores")
    columns = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        numeric = name == "score" or name.startswith("p_")
        columns[name] = np.array(values, dtype=float if numeric else object)
    return columns


def classes_of(scores: dict[str, np.ndarray]) -> list[str]:
    return [name[2:] for name in scores if name.startswith("p_")]


def confusion(scores: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
    """Rows: true class, columns: predicted (the most probable class), as counts."""
    classes = classes_of(scores)
    proba = np.column_stack([scores[f"p_{c}"] for c in classes])
    predicted = proba.argmax(axis=1)
    matrix = np.zeros((len(classes), len(classes)), dtype=int)
    for label, p in zip(scores["label"], predicted, strict=True):
        if label in classes:
            matrix[classes.index(label), p] += 1
    return classes, matrix


def threshold_at_fpr(scores: dict[str, np.ndarray], fpr: float = 0.01) -> float:
    """The spun score above which `fpr` of the non-spun pairs lie."""
    negatives = scores["score"][scores["label"] != "spun"]
    return float(np.quantile(negatives, 1 - fpr)) if len(negatives) else 1.0


def _groups(scores: dict[str, np.ndarray], field: str, mask: np.ndarray) -> dict[str, np.ndarray]:
    values = scores[field][mask]
    return {g: scores["score"][mask][values == g] for g in sorted(set(values)) if g != ""}


def write_plots(scores_path: Path, out_dir: Path) -> list[Path]:
    """Draw every plot in `PLOTS` from a saved scores file into `out_dir`; returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import (
        average_precision_score,
        precision_recall_curve,
        roc_auc_score,
        roc_curve,
    )

    scores = load_scores(scores_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    y = scores["label"] == "spun"
    s = scores["score"]
    both = y.any() and not y.all()
    cut = threshold_at_fpr(scores)
    written = []

    def save(fig, name: str) -> None:
        fig.tight_layout()
        fig.savefig(out_dir / name, dpi=110)
        plt.close(fig)
        written.append(out_dir / name)

    fig, (whole, low) = plt.subplots(1, 2, figsize=(10, 4.2))
    if both:
        fpr, tpr, _ = roc_curve(y, s)
        auc = roc_auc_score(y, s)
        for ax in (whole, low):
            ax.plot(fpr, tpr, color="#c62828", label=f"spun vs rest (AUC {auc:.3f})")
            ax.set_xlabel("false-positive rate")
            ax.set_ylabel("true-positive rate")
        whole.plot([0, 1], [0, 1], ls=":", color="grey", label="chance")
        low.set_xscale("log")
        low.set_xlim(1e-3, 1)
        low.axvline(0.01, ls="--", color="grey", label="1% false positives")
        whole.legend(loc="lower right")
        low.legend(loc="lower right")
    whole.set_title("ROC, held-out topics")
    low.set_title("low false-positive end (log scale)")
    save(fig, "roc.png")

    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    if both:
        precision, recall, _ = precision_recall_curve(y, s)
        ap = average_precision_score(y, s)
        ax.plot(recall, precision, color="#c62828", label=f"spun (average precision {ap:.3f})")
        ax.axhline(y.mean(), ls=":", color="grey", label="share of spun pairs")
        ax.legend(loc="lower left")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_ylim(0, 1.02)
    ax.set_title("Precision-recall, held-out topics")
    save(fig, "precision_recall.png")

    everything = np.ones(len(s), dtype=bool)
    by_kind = _groups(scores, "kind", everything)
    save(_strip(plt, by_kind, "Spun score per kind of pair", cut), "scores_by_kind.png")
    by_rate = _groups(scores, "rate", y)
    save(_strip(plt, by_rate, "Spun pairs: score per share of words swapped", cut),
         "scores_by_rate.png")

    classes, matrix = confusion(scores)
    fig, ax = plt.subplots(figsize=(5.2, 4.5))
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if shares[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=30)
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix, held-out topics")
    save(fig, "confusion.png")
    return written


def _strip(plt, groups: dict[str, np.ndarray], title: str, cut: float):
    """Box plots with every pair's score as a dot, one row per group."""
    names = list(groups)
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(names), 3) + 1.4))
    rng = np.random.default_rng(0)
    if names:
        ax.boxplot([groups[n] for n in names], vert=False, widths=0.6, showfliers=False)
        for k, name in enumerate(names, start=1):
            values = groups[name]
            ax.scatter(values, k + rng.uniform(-0.18, 0.18, len(values)), s=6, alpha=0.5,
                       color="#c62828" if name == "spun" else "#37474f")
        ax.set_yticks(range(1, len(names) + 1), [f"{n} ({len(groups[n])})" for n in names])
    ax.axvline(cut, ls="--", color="grey", label=f"1% of non-spun pairs score above {cut:.2f}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("probability of spun")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return fig
