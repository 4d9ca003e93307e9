"""Validation metrics: ranking quality, the operating point at 1% false positives, and rates
per stratum (swap rate, spinner style, partial spins, kind of negative)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, roc_auc_score, roc_curve


def tpr_at_fpr(y_true: np.ndarray, scores: np.ndarray, fpr_max: float = 0.01) -> float:
    """Highest true-positive rate reachable with at most `fpr_max` false positives.

    The one definition of "caught at 1% false positives" for metrics, plots and benchmarks.
    """
    y_true = np.asarray(y_true, dtype=bool)
    if y_true.all() or not y_true.any():
        return 0.0
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(tpr[fpr <= fpr_max].max())


def threshold_at_fpr(negatives: np.ndarray, fpr_max: float = 0.01) -> float:
    """The score above which `fpr_max` of the negatives lie: the operating point plots mark."""
    negatives = np.asarray(negatives, dtype=float)
    return float(np.quantile(negatives, 1 - fpr_max)) if negatives.size else 1.0


def threeway(labels: Sequence[str]) -> list[str]:
    """spun / copy / not_derived, the classes users act on."""
    return [x if x in ("spun", "copy") else "not_derived" for x in labels]


def summarise(
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    strata: Sequence[dict],
) -> dict:
    """All validation figures for out-of-fold predictions `proba` of pairs with `labels`."""
    labels = list(labels)
    classes = list(classes)
    spun = proba[:, classes.index("spun")]
    predicted = [classes[k] for k in proba.argmax(axis=1)]
    y = np.array([x == "spun" for x in labels])
    report = {
        "n_pairs": len(labels),
        "n_spun": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, spun)),
        "tpr_at_1pct_fpr": tpr_at_fpr(y, spun, 0.01),
        "macro_f1_spun_copy_not_derived": float(
            f1_score(threeway(labels), threeway(predicted), average="macro")
        ),
        "macro_f1_four_classes": float(f1_score(labels, predicted, average="macro")),
        "accuracy": float(np.mean([a == b for a, b in zip(labels, predicted, strict=True)])),
        "confusion": {
            "classes": classes,
            "matrix": confusion_matrix(labels, predicted, labels=classes).tolist(),
        },
    }
    groups: dict[str, list[int]] = defaultdict(list)
    for k, stratum in enumerate(strata):
        groups[f"kind={stratum.get('kind')}"].append(k)
        for key in ("style", "rate", "partial"):
            if key in stratum:
                groups[f"{key}={stratum[key]}"].append(k)
    report["strata"] = {
        name: {
            "n": len(idx),
            "flagged_spun": float(np.mean([predicted[k] == "spun" for k in idx])),
            "correct": float(np.mean([predicted[k] == labels[k] for k in idx])),
            "mean_score": float(np.mean(spun[idx])),
        }
        for name, idx in sorted(groups.items())
    }
    return report


def markdown(report: dict, title: str = "Validation on held-out topics") -> str:
    """The report as a Markdown page (models/metrics.md)."""
    lines = [
        f"# {title}",
        "",
        f"- pairs: {report['n_pairs']} ({report['n_spun']} spun)",
        f"- ROC-AUC (spun vs rest): {report['roc_auc']:.4f}",
        f"- true-positive rate at 1% false positives: {report['tpr_at_1pct_fpr']:.4f}",
        f"- macro-F1 over spun / copy / not derived: "
        f"{report['macro_f1_spun_copy_not_derived']:.4f}",
        f"- macro-F1 over the four classes: {report['macro_f1_four_classes']:.4f}",
        "",
        "| stratum | pairs | flagged spun | correct class | mean score |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s in report["strata"].items():
        lines.append(
            f"| {name} | {s['n']} | {s['flagged_spun']:.3f} | {s['correct']:.3f} "
            f"| {s['mean_score']:.3f} |"
        )
    cm = report["confusion"]
    lines += ["", "Confusion (rows: true, columns: predicted):", "",
              "| | " + " | ".join(cm["classes"]) + " |",
              "|---|" + "---:|" * len(cm["classes"])]
    for name, row in zip(cm["classes"], cm["matrix"], strict=True):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
