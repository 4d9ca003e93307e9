import numpy as np
import pytest

from detector.training.evaluate import (
    markdown,
    summarise,
    threeway,
    threshold_at_fpr,
    tpr_at_fpr,
)

CLASSES = ["copy", "independent", "spun", "unrelated"]


def onehot(labels, confidence=0.9):
    proba = np.full((len(labels), 4), (1 - confidence) / 3)
    for k, label in enumerate(labels):
        proba[k, CLASSES.index(label)] = confidence
    return proba


def test_tpr_at_fpr_reads_the_roc_curve():
    y = np.array([0] * 100 + [1] * 10)
    scores = np.r_[np.linspace(0, 0.5, 100), np.linspace(0.6, 1, 10)]
    assert tpr_at_fpr(y, scores) == 1.0
    scores[99] = 0.95  # one negative above most positives: at 1% FPR it is allowed...
    assert tpr_at_fpr(y, scores) == 1.0
    scores[98] = 0.97  # ...two are not
    assert tpr_at_fpr(y, scores) == pytest.approx(0.2)


def test_threeway_merges_negatives():
    assert threeway(["spun", "rewritten", "copy", "independent", "unrelated"]) == [
        "paraphrase", "paraphrase", "copy", "not_derived", "not_derived"]


def test_summarise_perfect_and_wrong_predictions():
    labels = ["spun", "spun", "copy", "independent", "unrelated", "independent"]
    strata = [{"kind": "spun", "rate": "0.1-0.2"}, {"kind": "spun", "rate": "0.6-0.7"},
              {"kind": "copy_verbatim"}, {"kind": "same_event"}, {"kind": "unrelated"},
              {"kind": "same_event"}]
    perfect = summarise(labels, onehot(labels), CLASSES, strata)
    assert perfect["roc_auc"] == 1.0 and perfect["macro_f1_paraphrase_copy_not_derived"] == 1.0
    wrong = onehot(["spun", "copy", "copy", "independent", "unrelated", "spun"])
    report = summarise(labels, wrong, CLASSES, strata)
    assert report["strata"]["kind=same_event"]["flagged_paraphrase"] == 0.5
    assert report["strata"]["rate=0.6-0.7"]["correct"] == 0.0
    assert report["macro_f1_paraphrase_copy_not_derived"] < 1.0
    text = markdown(report)
    assert "| kind=same_event | 2 | 0.500 | 0.500 |" in text


def test_threshold_leaves_one_percent_of_negatives_above():
    negatives = np.linspace(0, 1, 1000)
    cut = threshold_at_fpr(negatives, 0.01)
    assert np.mean(negatives > cut) == pytest.approx(0.01, abs=0.002)


def test_tpr_at_fpr_without_both_classes_is_zero():
    assert tpr_at_fpr(np.ones(4, bool), np.arange(4.0)) == 0.0


def test_verdicts_after_the_decision_are_reported_beside_the_argmax():
    labels = ["spun", "spun", "independent"]
    strata = [{"kind": "spun"}, {"kind": "spun"}, {"kind": "same_event"}]
    report = summarise(labels, onehot(labels), CLASSES, strata,
                       decided=["spun", "independent", "independent"])
    spun = report["strata"]["kind=spun"]
    assert (spun["flagged_paraphrase"], spun["decided_paraphrase"]) == (1.0, 0.5)
    assert "| kind=spun | 2 | 1.000 | 1.000 | 0.500 | 0.500 |" in markdown(report)
    plain = summarise(labels, onehot(labels), CLASSES, strata)["strata"]["kind=spun"]
    assert plain["decided_paraphrase"] == plain["flagged_paraphrase"]
