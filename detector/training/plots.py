"""Validation plots: ROC and precision-recall curves, scores per kind of pair and per swap rate,
and the confusion matrix, drawn from every pair's out-of-fold scores.

`make train` saves those scores (`validation_scores.csv`, one row a validation pair) and calls
`write_plots`; notebooks/evaluation.ipynb loads the same file to explore. matplotlib is imported
here only, and only when drawing: figures are made on the Agg canvas without pyplot, so drawing
needs no display and leaves a notebook's own backend alone.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detector.training.evaluate import threshold_at_fpr, tpr_at_fpr
from detector.verdict import NOT_DERIVED, PARAPHRASE

SCORES_FILE = "validation_scores.csv"
PLOTS_DIR = "plots"
STRATUM_FIELDS = ("kind", "style", "rate", "partial")
PLOTS = {
    "roc.png": "ROC curve of the paraphrase score on held-out topics, whole and at low false "
               "positives",
    "precision_recall.png": "precision against recall of the paraphrase score",
    "scores_by_kind.png": "paraphrase score distribution for each kind of pair",
    "scores_by_rate.png": "score distribution of spun pairs by share of words swapped",
    "confusion.png": "confusion matrix of the five classes (the likeliest one)",
}


def save_scores(
    path: Path,
    labels: Sequence[str],
    strata: Sequence[dict],
    topics: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    originals: Sequence[str] | None = None,
) -> Path:
    """Write one row per validation pair: label, stratum, topic, the original's corpus path (to
    find which articles a stratum misses), paraphrase score, every probability."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["label", *STRATUM_FIELDS, "topic", "original", "score",
                      *(f"p_{c}" for c in classes)])
        paraphrase = [list(classes).index(c) for c in PARAPHRASE if c in classes]
        originals = [""] * len(labels) if originals is None else originals
        for label, stratum, topic, original, row in zip(labels, strata, topics, originals, proba,
                                                        strict=True):
            out.writerow([label, *(stratum.get(k, "") for k in STRATUM_FIELDS), topic, original,
                          f"{sum(row[k] for k in paraphrase):.6f}", *(f"{v:.6f}" for v in row)])
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


def groups(scores: dict[str, np.ndarray], field: str,
           mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Paraphrase scores split by the values of one column (e.g. `kind`), rows limited to `mask`."""
    mask = np.ones(len(scores["score"]), dtype=bool) if mask is None else mask
    values = scores[field][mask]
    return {g: scores["score"][mask][values == g] for g in sorted(set(values)) if g != ""}


def _figure(width: float, height: float, ncols: int = 1):
    """A figure on the Agg canvas: no pyplot, no display, no global backend switch."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols)
    return fig, axes


def _has_both(scores: dict[str, np.ndarray]) -> bool:
    y = np.isin(scores["label"], PARAPHRASE)
    return bool(y.any() and not y.all())


def roc_figure(scores: dict[str, np.ndarray]):
    """ROC of the paraphrase score (P(spun) + P(rewritten)), whole and zoomed on low
    false-positive rates (log scale)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    fig, (whole, low) = _figure(10, 4.2, ncols=2)
    if _has_both(scores):
        y = np.isin(scores["label"], PARAPHRASE)
        fpr, tpr, _ = roc_curve(y, scores["score"])
        auc = roc_auc_score(y, scores["score"])
        for ax in (whole, low):
            ax.plot(fpr, tpr, color="#c62828", label=f"paraphrase vs rest (AUC {auc:.3f})")
        whole.plot([0, 1], [0, 1], ls=":", color="grey", label="chance")
        low.set_xscale("log")
        low.set_xlim(1e-3, 1)
        at_1pct = tpr_at_fpr(y, scores["score"], 0.01)
        low.axvline(0.01, ls="--", color="grey",
                    label=f"1% false positives: {at_1pct:.1%} of paraphrases caught")
        low.plot([0.01], [at_1pct], "o", color="#c62828")
        floor = float(tpr[fpr >= 1e-3].min()) if (fpr >= 1e-3).any() else 0.0
        low.set_ylim(max(0.0, floor - 0.02), 1.005)  # zoom in: the interesting part is the top
        whole.legend(loc="lower right")
        low.legend(loc="lower right")
    for ax in (whole, low):
        ax.set_xlabel("false-positive rate")
        ax.set_ylabel("true-positive rate")
    whole.set_title("ROC, held-out topics")
    low.set_title("Low false-positive end (log scale)")
    return fig


def precision_recall_figure(scores: dict[str, np.ndarray]):
    """Precision against recall of the paraphrase score."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    fig, ax = _figure(5.5, 4.2)
    if _has_both(scores):
        y = np.isin(scores["label"], PARAPHRASE)
        precision, recall, _ = precision_recall_curve(y, scores["score"])
        ap = average_precision_score(y, scores["score"])
        ax.plot(recall, precision, color="#c62828",
                label=f"paraphrase (average precision {ap:.3f})")
        ax.axhline(y.mean(), ls=":", color="grey", label="share of paraphrases")
        ax.legend(loc="lower left")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_ylim(0, 1.02)
    ax.set_title("Precision-recall, held-out topics")
    return fig


def strip_figure(by_group: dict[str, np.ndarray], title: str, cut: float | None = None):
    """Box plots with every pair's score as a dot, one row per group; `cut` draws the score
    above which 1% of the pairs that do not derive lie."""
    names = list(by_group)
    fig, ax = _figure(8, 0.45 * max(len(names), 3) + 1.4)
    rng = np.random.default_rng(0)
    if names:
        ax.boxplot([by_group[n] for n in names], orientation="horizontal", widths=0.6,
                   showfliers=False)
        for k, name in enumerate(names, start=1):
            values = by_group[name]
            ax.scatter(values, k + rng.uniform(-0.18, 0.18, len(values)), s=6, alpha=0.5,
                       color="#c62828" if name in PARAPHRASE else "#37474f")
        ax.set_yticks(range(1, len(names) + 1), [f"{n} ({len(by_group[n])})" for n in names])
    if cut is not None:
        ax.axvline(cut, ls="--", color="grey",
                   label=f"1% of pairs that do not derive score above {cut:.2f}")
        ax.legend(loc="lower right", fontsize="small")
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("paraphrase score: P(spun) + P(rewritten)")
    ax.set_title(title)
    return fig


def confusion_figure(scores: dict[str, np.ndarray]):
    """Counts of true against predicted class, shaded by share of the true class."""
    classes, matrix = confusion(scores)
    fig, ax = _figure(5.2, 4.5)
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
    return fig


def figures(scores: dict[str, np.ndarray]) -> dict:
    """Every plot in `PLOTS`, by file name."""
    cut = threshold_at_fpr(scores["score"][np.isin(scores["label"], NOT_DERIVED)])
    spun = np.isin(scores["label"], PARAPHRASE)
    return {
        "roc.png": roc_figure(scores),
        "precision_recall.png": precision_recall_figure(scores),
        "scores_by_kind.png": strip_figure(groups(scores, "kind"),
                                           "Paraphrase score per kind of pair", cut),
        "scores_by_rate.png": strip_figure(groups(scores, "rate", spun),
                                           "Spun pairs: score per share of words swapped", cut),
        "confusion.png": confusion_figure(scores),
    }


def write_plots(scores_path: Path, out_dir: Path) -> list[Path]:
    """Draw every plot in `PLOTS` from a saved scores file into `out_dir`; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figures(load_scores(scores_path)).items():
        fig.tight_layout()
        fig.savefig(out_dir / name, dpi=110)
        written.append(out_dir / name)
    return written
