import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from detector.classify import build_pipeline
from detector.cli import main
from detector.errors import ModelError
from detector.features import FEATURE_NAMES
from detector.model import compact_from_pipeline, load_model, load_pipeline, save_model


@pytest.fixture(scope="module")
def fitted():
    """A tiny pipeline fitted on synthetic feature rows (the featurizer is stateless)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURE_NAMES)))
    y = np.array(["copy", "independent", "spun", "unrelated"])[
        (X[:, 0] > 0).astype(int) + 2 * (X[:, 1] > 0).astype(int)]
    pipeline = build_pipeline(cv=3)
    pipeline.named_steps["features"].fit(None)
    pipeline.named_steps["classify"].fit(X, y)
    return pipeline, X


def test_compact_model_matches_the_pipeline(fitted):
    pipeline, X = fitted
    compact = compact_from_pipeline(pipeline)
    expected = pipeline.named_steps["classify"].predict_proba(X)
    np.testing.assert_allclose(compact.predict_proba(X), expected, atol=1e-9)
    assert compact.classes == ("copy", "independent", "spun", "unrelated")


def test_trees_in_any_order_give_the_same_scores(fitted):
    """Boosting stores one tree per class per round; a model whose trees come in another
    order is summed class by class, with the same result."""
    pipeline, X = fitted
    compact = compact_from_pipeline(pipeline)
    order = np.argsort(compact.tree_class, kind="stable")  # all of class 0 first, ...
    shuffled = replace(compact, tree_class=compact.tree_class[order], roots=compact.roots[order])
    assert compact._round_robin and not shuffled._round_robin
    np.testing.assert_allclose(shuffled.predict_proba(X), compact.predict_proba(X), atol=1e-12)


def test_save_and_load_round_trip(fitted, tmp_path):
    pipeline, X = fitted
    save_model(pipeline, {"model_version": "test"}, tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["features"] == list(FEATURE_NAMES) and meta["model_version"] == "test"
    loaded = load_model(tmp_path)
    np.testing.assert_allclose(
        loaded.predict_proba(X), pipeline.named_steps["classify"].predict_proba(X), atol=1e-9)
    assert load_pipeline(tmp_path).named_steps["features"].feature_names_ == FEATURE_NAMES


def test_refuses_model_with_other_features(fitted, tmp_path):
    pipeline, _ = fitted
    save_model(pipeline, {}, tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    meta["features"] = [*meta["features"][:-1], "no_such_feature"]
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"other features.*make train"):
        load_model(tmp_path)


def test_refuses_pipeline_from_other_sklearn(fitted, tmp_path):
    pipeline, _ = fitted
    save_model(pipeline, {}, tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    meta["sklearn_version"] = "0.1"
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.1"):
        load_pipeline(tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing", "not_a_pipeline"])
def test_a_damaged_pipeline_file_is_one_model_error(fitted, tmp_path, damage):
    import joblib

    pipeline, _ = fitted
    save_model(pipeline, {}, tmp_path)
    path = tmp_path / "pipeline.joblib"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x04not a pickle at all")
    elif damage == "missing":
        path.unlink()
    else:
        joblib.dump({"a": 1}, path)
    with pytest.raises(ModelError, match="make train"):
        load_pipeline(tmp_path)


def test_missing_model_says_how_to_train(tmp_path):
    with pytest.raises(ModelError, match="make train"):
        load_model(tmp_path / "none")


def test_readme_quotes_the_shipped_models_held_out_metrics():
    """The accuracy the README claims is the one `make train` measured, to four places."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    metrics = json.loads((root / "models" / "metrics.json").read_text())
    text = (root / "README.md").read_text(encoding="utf-8").split("## Measured accuracy")[1]
    quoted = {
        "roc_auc": r"spun against pairs that do not derive: ROC-AUC\s+(\d\.\d{4})",
        "tpr_at_1pct_fpr": r"caught at 1% false positives\s+\(spun\) (\d\.\d{4})",
        "roc_auc_rewritten": r"rewritten against pairs that do not derive: ROC-AUC\s+(\d\.\d{4})",
        "tpr_at_1pct_fpr_rewritten":
            r"caught at 1% false positives\s+\(rewritten\) (\d\.\d{4})",
        "baseline_stopword_8gram_roc_auc":
            r"stopword 8-gram containment[^:]*measured the same way: ROC-AUC\s+(\d\.\d{4})",
        "baseline_stopword_8gram_tpr_at_1pct_fpr":
            r"stopword 8-gram containment[^:]*measured the same way: ROC-AUC \S+ caught\s+"
            r"(\d\.\d{4})",
        "macro_f1_paraphrase_copy_not_derived":
            r"macro-F1 over paraphrase / copy / not derived\s+(\d\.\d{4})",
        "n_pairs": r"(\d+) generated pairs",
    }
    for key, pattern in quoted.items():
        found = re.search(pattern, text)
        assert found, key
        assert float(found.group(1)) == round(metrics[key], 4), key


def damaged_copy(model_dir: Path, tmp_path: Path, damage: str) -> Path:
    """A copy of a working model with one kind of damage."""
    out = tmp_path / "model"
    shutil.copytree(model_dir, out)
    npz, meta_file = out / "compact.npz", out / "metadata.json"
    arrays = dict(np.load(npz))
    meta = json.loads(meta_file.read_text())
    if damage == "truncated npz":
        npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
    elif damage == "metadata without classes":
        del meta["classes"]
    elif damage == "object array":
        arrays["value"] = np.array([{"x": 1}] * arrays["value"].size, dtype=object)
    elif damage == "array of the wrong shape":
        arrays["left"] = arrays["left"][:-3]
    elif damage == "node index out of range":
        inner = np.flatnonzero(~arrays["is_leaf"])[0]
        arrays["right"][inner] = arrays["feature"].size + 5
    elif damage == "child before its parent":  # a walk that would never reach a leaf
        inner = np.flatnonzero(~arrays["is_leaf"])[0]
        arrays["left"][inner] = inner
    elif damage == "missing array":
        del arrays["roots"]
    if damage != "truncated npz":
        np.savez(npz, **arrays)  # pickles the object array; loading must not unpickle it
    meta_file.write_text(json.dumps(meta))
    return out


DAMAGES = {
    "truncated npz": "is unreadable",
    "metadata without classes": r"does not fit this code \(metadata.json has no classes\)",
    "object array": "is unreadable .*pickle",
    "array of the wrong shape": r"does not fit this code \(arrays of different lengths",
    "node index out of range": r"does not fit this code \(right holds node or feature indices",
    "child before its parent": r"does not fit this code \(left holds node or feature indices",
    "missing array": r"does not fit this code \(compact.npz has no roots\)",
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_model_is_refused_with_one_line(damage, tiny_model_dir, tmp_path, capsys):
    model = damaged_copy(tiny_model_dir, tmp_path, damage)
    with pytest.raises(ModelError, match=DAMAGES[damage] + r".*retrain with `make train`"):
        load_model(model)
    assert main(["--model", str(model), "info"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"spundetect: error: model in {model.resolve()} ")


def test_the_undamaged_copy_loads(tiny_model_dir, tmp_path):
    model = damaged_copy(tiny_model_dir, tmp_path, "none")
    assert load_model(model).classes == ("copy", "independent", "spun", "unrelated")
