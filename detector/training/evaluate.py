"""Validation metrics: ranking quality, the operating point at 1% false positives, and rates
per stratum (swap rate, spinner style, partial spins, kind of negative)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, roc_auc_score, roc_curve

from detector.verdict import DERIVED, NOT_DERIVED, PARAPHRASE


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


def ranking(labels: Sequence[str], score: np.ndarray, positive: Sequence[str]
            ) -> tuple[float, float]:
    """(ROC-AUC, caught at 1% false positives) of `score` for pairs labelled one of `positive`
    against pairs that do not derive (independent, unrelated); the others (copies, say) are
    neither. The one population every ranking figure, a baseline's too, is measured on."""
    label_arr = np.asarray(labels)
    is_positive = np.isin(label_arr, positive)
    keep = is_positive | np.isin(label_arr, NOT_DERIVED)
    if not is_positive.any() or is_positive[keep].all():
        return 0.0, 0.0
    score = np.asarray(score)
    return (float(roc_auc_score(is_positive[keep], score[keep])),
            tpr_at_fpr(is_positive[keep], score[keep], 0.01))


def threeway(labels: Sequence[str]) -> list[str]:
    """paraphrase / copy / not_derived, the classes users act on."""
    return ["paraphrase" if x in PARAPHRASE else "copy" if x == "copy" else "not_derived"
            for x in labels]


def summarise(
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    strata: Sequence[dict],
    decided: Sequence[str] | None = None,
) -> dict:
    """All validation figures for out-of-fold predictions `proba` of pairs with `labels`.

    Ranking figures use the paraphrase score (P(spun) + P(rewritten)) on paraphrases against
    pairs that do not derive (independent, unrelated); copies are neither. `decided` are the
    verdicts users get (`detector.verdict.pair_verdict`: the evidence floor on top of the
    argmax); without them the argmax stands in.
    """
    labels = list(labels)
    classes = list(classes)
    score = sum(proba[:, classes.index(c)] for c in PARAPHRASE if c in classes)
    predicted = [classes[k] for k in proba.argmax(axis=1)]
    decided = list(decided) if decided is not None else predicted

    report = {"n_pairs": len(labels),
              "n_spun": labels.count("spun"), "n_rewritten": labels.count("rewritten")}
    report["roc_auc"], report["tpr_at_1pct_fpr"] = ranking(labels, score, ("spun",))
    report["roc_auc_rewritten"], report["tpr_at_1pct_fpr_rewritten"] = ranking(
        labels, score, ("rewritten",))
    report["roc_auc_paraphrase"], report["tpr_at_1pct_fpr_paraphrase"] = ranking(
        labels, score, PARAPHRASE)
    report.update({
        "macro_f1_paraphrase_copy_not_derived": float(
            f1_score(threeway(labels), threeway(predicted), average="macro")
        ),
        "macro_f1_classes": float(f1_score(labels, predicted, average="macro")),
        "accuracy": float(np.mean([a == b for a, b in zip(labels, predicted, strict=True)])),
        "confusion": {
            "classes": classes,
            "matrix": confusion_matrix(labels, predicted, labels=classes).tolist(),
        },
    })
    groups: dict[str, list[int]] = defaultdict(list)
    for k, stratum in enumerate(strata):
        groups[f"kind={stratum.get('kind')}"].append(k)
        for key in ("style", "rate", "partial", "stitched"):
            if key in stratum:
                groups[f"{key}={stratum[key]}"].append(k)
    report["strata"] = {
        name: {
            "n": len(idx),
            "flagged_paraphrase": float(np.mean([predicted[k] in PARAPHRASE for k in idx])),
            "flagged_derived": float(np.mean([predicted[k] in DERIVED for k in idx])),
            "decided_paraphrase": float(np.mean([decided[k] in PARAPHRASE for k in idx])),
            "decided_derived": float(np.mean([decided[k] in DERIVED for k in idx])),
            "correct": float(np.mean([predicted[k] == labels[k] for k in idx])),
            "mean_score": float(np.mean(score[idx])),
        }
        for name, idx in sorted(groups.items())
    }
    return report


def markdown(report: dict, title: str = "Validation on held-out topics") -> str:
    """The report as a Markdown page (models/metrics.md)."""
    lines = [
        f"# {title}",
        "",
        f"- pairs: {report['n_pairs']} ({report['n_spun']} spun, "
        f"{report['n_rewritten']} rewritten)",
        f"- spun vs not derived: ROC-AUC {report['roc_auc']:.4f}, caught at 1% false "
        f"positives {report['tpr_at_1pct_fpr']:.4f}",
        f"- rewritten vs not derived: ROC-AUC {report['roc_auc_rewritten']:.4f}, caught at 1% "
        f"false positives {report['tpr_at_1pct_fpr_rewritten']:.4f}",
        f"- macro-F1 over paraphrase / copy / not derived: "
        f"{report['macro_f1_paraphrase_copy_not_derived']:.4f}",
        f"- macro-F1 over the classes: {report['macro_f1_classes']:.4f}",
        "",
        "Scores are P(spun) + P(rewritten). `flagged` columns are the likeliest class (argmax); "
        "`verdict` columns are what a user gets for the pair, after the evidence floor "
        "(`detector.verdict.pair_verdict`, which only withdraws flags); correct class is the "
        "argmax's. `partial=True` are half-spun pages (some paragraphs spun, the rest "
        "verbatim); stitched pages are under `stitched=`. `kind=same_event` are the corpus' "
        "reports of one event; `kind=shared_source` reports of invented events written apart "
        "from one shared source (`data/samesource/`), and `*_shared_source` rewrites of one of "
        "them, against it or (`rewrite_sibling_shared_source`) against the event's other "
        "reports; whole topics and events are held out alike.",
        "",
        "| stratum | pairs | flagged paraphrase | flagged derived | verdict paraphrase "
        "| verdict derived | correct class | mean score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in report["strata"].items():
        lines.append(
            f"| {name} | {s['n']} | {s['flagged_paraphrase']:.3f} | "
            f"{s['flagged_derived']:.3f} | {s.get('decided_paraphrase', 0.0):.3f} | "
            f"{s.get('decided_derived', 0.0):.3f} | {s['correct']:.3f} | "
            f"{s['mean_score']:.3f} |"
        )
    cm = report["confusion"]
    lines += ["", "Confusion (rows: true, columns: predicted):", "",
              "| | " + " | ".join(cm["classes"]) + " |",
              "|---|" + "---:|" * len(cm["classes"])]
    for name, row in zip(cm["classes"], cm["matrix"], strict=True):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
