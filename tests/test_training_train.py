import json

import numpy as np

from detector.training.train import cross_validate, held_out_styles


def test_tiny_training_run_writes_model_and_honest_metrics(tiny_model):
    meta = json.loads((tiny_model / "metadata.json").read_text())
    assert (tiny_model / "compact.npz").exists() and (tiny_model / "pipeline.joblib").exists()
    validation = meta["validation"]
    assert 0.5 <= validation["roc_auc"] <= 1.0
    assert meta["training"]["topics"] == 3 and meta["training"]["folds"] == 2
    assert len(meta["training_data_sha256"]) == 64
    metrics = json.loads((tiny_model / "metrics.json").read_text())
    assert any(k.startswith("kind=same_event") for k in metrics["strata"])
    assert "Validation on held-out topics" in (tiny_model / "metrics.md").read_text()


def _toy(n_topics=4, per_topic=60, seed=0, spread=1.0):
    rng = np.random.default_rng(seed)
    labels = np.array(["copy", "independent", "spun", "unrelated"])
    X, y, groups = [], [], []
    for t in range(n_topics):
        cls = rng.integers(0, 4, per_topic)
        X.append(rng.normal(scale=spread, size=(per_topic, 5)) + cls[:, None])
        y.extend(labels[cls])
        groups.extend([f"t{t}"] * per_topic)
    return np.vstack(X), np.array(y), np.array(groups)


def test_cross_validation_predicts_every_pair_out_of_fold():
    X, y, groups = _toy()
    proba, classes = cross_validate(X, y, groups, seed=0, folds=2)
    assert classes == ["copy", "independent", "spun", "unrelated"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    accuracy = np.mean(np.array(classes)[proba.argmax(axis=1)] == y)
    assert accuracy > 0.7  # learnable toy data: a broken fold loop would be near 0.25


def test_cross_validation_never_trains_on_the_topics_it_scores():
    """Each topic has a signature no other topic shares (its own region of feature space, a
    label each): a model that saw a pair's topic would predict it almost perfectly, one that
    did not can only guess. Out of fold, accuracy stays near chance."""
    rng = np.random.default_rng(1)
    labels = np.array(["copy", "independent", "spun", "unrelated"])
    X, y, groups = [], [], []
    for t in range(6):
        cls = rng.integers(0, 4, 80)
        X.append(rng.normal(scale=0.05, size=(80, 5)) + 10 * t + cls[:, None] * 0.5)
        y.extend(labels[(cls + t) % 4])  # the same feature means another label in each topic
        groups.extend([f"t{t}"] * 80)
    X, y, groups = np.vstack(X), np.array(y), np.array(groups)
    proba, classes = cross_validate(X, y, groups, seed=0, folds=3)
    accuracy = np.mean(np.array(classes)[proba.argmax(axis=1)] == y)
    assert accuracy < 0.5  # 1.0 if a fold's model had seen the topics it scores


def test_held_out_style_recall():
    """A style like the others is still found when held out; one unlike any is not."""
    X, y, groups = _toy(spread=0.3)
    style = np.full(len(y), "", dtype=object)
    spun = np.flatnonzero(y == "spun")
    style[spun] = [("s0", "s1", "odd")[k % 3] for k in range(spun.size)]
    X[style == "odd"] += 10  # far from every other pair: only a model that saw it knows it

    class P:
        def __init__(self, label, style):
            self.label, self.stratum = label, {"style": style}

    pairs = [P(label, s) for label, s in zip(y, style, strict=True)]
    out = held_out_styles(X, y, groups, pairs, seed=0, folds=2)
    assert {s: v["n"] for s, v in out.items()} == {s: int(np.sum(style == s))
                                                   for s in ("odd", "s0", "s1")}
    assert out["s0"]["recall_unseen_style"] > 0.5 and out["s1"]["recall_unseen_style"] > 0.5
    assert out["odd"]["recall_unseen_style"] == 0.0  # it was left out of the training


def test_source_scans_decide_as_a_scan_does():
    """Held-out results of one suspect against several originals, scored by the scan rules."""
    from detector.results import PairResult
    from detector.training.dataset import LabelledPair
    from detector.training.train import source_scans

    def result(original, verdict, derived, kinds):
        p = {"spun": derived, "copy": 0.0, "independent": 1 - derived, "unrelated": 0.0}
        return PairResult("s", original, derived, verdict, p,
                          {"segments": {"matched_share": 0.5}}, segment_kinds=kinds)

    stitched = {"kind": "spun", "style": "stitched"}
    pairs = [LabelledPair("s", "a", "spun", stitched, "t", "a.txt", suspect_id="x"),
             LabelledPair("s", "b", "spun", stitched, "t", "b.txt", suspect_id="x"),
             LabelledPair("z", "c", "spun", {"kind": "spun"}, "t", "c.txt", suspect_id="y"),
             LabelledPair("z", "d", "independent", {"kind": "spun_sibling"}, "t", "d.txt",
                          suspect_id="y")]
    results = [result("a.txt", "spun", 0.9, ("swapped", "swapped", "new")),
               result("b.txt", "independent", 0.3, ("new", "new", "swapped")),
               result("c.txt", "spun", 0.95, ("swapped", "swapped", "swapped")),
               result("d.txt", "independent", 0.1, ("swapped", "new", "new"))]
    out = source_scans(pairs, results)
    assert out["stitched"] == {"suspects": 1, "caught": 1.0, "both_sources_named": 1.0}
    assert out["spun_with_sibling"] == {"suspects": 1, "caught": 1.0, "sibling_named": 0.0}


def test_sibling_scans_count_derived_and_paraphrase_verdicts_apart():
    """An independent report scanned against its same-event siblings: a copy verdict is
    derived but not a paraphrase; a best candidate under the bar for K is not flagged."""
    from detector.results import PairResult
    from detector.training.dataset import LabelledPair
    from detector.training.train import sibling_scans

    classes = ["copy", "independent", "rewritten", "spun", "unrelated"]

    def pair(suspect, original):
        return LabelledPair("s", "o", "independent", {"kind": "same_event"}, "t", original,
                            suspect_path=suspect)

    def result(suspect, original, verdict, p):
        probabilities = dict(zip(classes, p, strict=True))
        return PairResult(suspect, original, p[2] + p[3], verdict, probabilities,
                          {"segments": {"matched_share": 0.5}}, segment_kinds=("verbatim",))

    sure_copy, sure_rewrite = (0.9, 0.1, 0, 0, 0), (0, 0.1, 0.9, 0, 0)
    unsure_rewrite, plain = (0, 0.3, 0.7, 0, 0), (0, 1.0, 0, 0, 0)
    pairs = [pair("a", "x"), pair("b", "x"), pair("c", "x"), pair("c", "y"),
             pair("d", "x"), pair("d", "y")]
    results = [result("a", "x", "copy", sure_copy), result("b", "x", "rewritten", sure_rewrite),
               result("c", "x", "rewritten", unsure_rewrite),  # 0.7 < the bar for 2: 0.75
               result("c", "y", "independent", plain),
               result("d", "x", "independent", plain), result("d", "y", "independent", plain)]
    proba = np.array([[r.probabilities[c] for c in classes] for r in results])
    out = sibling_scans(pairs, proba, classes, results)
    assert out["K=1"] == {"suspects": 2, "flagged_best_of_k": 1.0, "flagged_with_bar": 1.0,
                          "paraphrase_with_bar": 0.5}
    assert out["K=2-3"] == {"suspects": 2, "flagged_best_of_k": 0.5, "flagged_with_bar": 0.0,
                            "paraphrase_with_bar": 0.0}


def test_sample_weights_multiply_kind_and_style_weights():
    """Edited syndication weighs by kind, a free rewrite and its variants by style, others 1."""
    from detector.training.config import KIND_WEIGHTS, STYLE_WEIGHTS
    from detector.training.dataset import LabelledPair
    from detector.training.train import sample_weights

    strata = [{"kind": "copy_syndicated"},
              {"kind": "rewritten", "style": "rewrite_free"},
              {"kind": "rewritten", "style": "rewrite_free_shared_source_restructured"},
              {"kind": "rewritten", "style": "rewrite_close"},
              {"kind": "same_event"}]
    pairs = [LabelledPair("s", "o", "x", stratum) for stratum in strata]
    free = STYLE_WEIGHTS["rewrite_free"]
    assert free != 1.0 and KIND_WEIGHTS["copy_syndicated"] != 1.0
    assert list(sample_weights(pairs)) == [KIND_WEIGHTS["copy_syndicated"], free, free, 1.0, 1.0]
