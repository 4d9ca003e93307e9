"""Validation plots and the evaluation notebook, on synthetic out-of-fold scores."""

import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from detector.training import evaluate, plots

ROOT = Path(__file__).resolve().parent.parent
CLASSES = ["copy", "independent", "spun", "unrelated"]
KIND = {"spun": "spun", "copy": "copy_verbatim", "independent": "same_event",
        "unrelated": "unrelated"}


def synthetic(n=120, seed=0):
    """Labels, strata, topics and class probabilities that mostly favour the true class."""
    rng = np.random.default_rng(seed)
    labels = [CLASSES[k % 4] for k in range(n)]
    strata, proba = [], []
    for k, label in enumerate(labels):
        logits = rng.normal(0, 1, 4)
        logits[CLASSES.index(label)] += 2.5
        proba.append(np.exp(logits) / np.exp(logits).sum())
        stratum = {"kind": KIND[label]}
        if label == "spun":
            stratum.update(style=("wordnet", "phrase")[k % 2], rate=f"0.{k % 3 + 1}-0.{k % 3 + 2}",
                           partial=False)
        strata.append(stratum)
    return labels, strata, [f"t{k % 5}" for k in range(n)], np.array(proba)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A model folder as `make train` leaves it, minus the model: scores, metrics, plots."""
    out = tmp_path_factory.mktemp("model")
    labels, strata, topics, proba = synthetic()
    path = plots.save_scores(out / plots.SCORES_FILE, labels, strata, topics, proba, CLASSES,
                             originals=[f"{t}/a{k}.txt" for k, t in enumerate(topics)])
    report = evaluate.summarise(labels, proba, CLASSES, strata)
    (out / "metrics.json").write_text(json.dumps(report))
    plots.write_plots(path, out / plots.PLOTS_DIR)
    return out


def test_scores_round_trip(model_dir):
    labels, strata, topics, proba = synthetic()
    scores = plots.load_scores(model_dir / plots.SCORES_FILE)
    assert list(scores["label"]) == labels and list(scores["topic"]) == topics
    assert list(scores["kind"]) == [s["kind"] for s in strata]
    assert scores["original"][3] == f"{topics[3]}/a3.txt"
    assert plots.classes_of(scores) == CLASSES
    np.testing.assert_allclose(scores["score"], proba[:, 2], atol=1e-6)
    np.testing.assert_allclose(scores["p_copy"], proba[:, 0], atol=1e-6)
    assert scores["rate"][2] == "0.3-0.4" and scores["rate"][0] == ""


def test_confusion_matches_the_evaluation_report(model_dir):
    scores = plots.load_scores(model_dir / plots.SCORES_FILE)
    classes, matrix = plots.confusion(scores)
    report = json.loads((model_dir / "metrics.json").read_text())
    assert classes == report["confusion"]["classes"]
    assert matrix.tolist() == report["confusion"]["matrix"]


def test_groups_split_scores_by_a_column(model_dir):
    scores = plots.load_scores(model_dir / plots.SCORES_FILE)
    by_kind = plots.groups(scores, "kind")
    assert sorted(by_kind) == sorted(KIND.values())
    assert sum(len(v) for v in by_kind.values()) == len(scores["label"])
    by_rate = plots.groups(scores, "rate", scores["label"] == "spun")
    assert sorted(by_rate) == ["0.1-0.2", "0.2-0.3", "0.3-0.4"]


def test_write_plots_draws_every_plot_as_png(model_dir):
    written = sorted(p.name for p in (model_dir / plots.PLOTS_DIR).iterdir())
    assert written == sorted(plots.PLOTS)
    for name in written:
        data = (model_dir / plots.PLOTS_DIR / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name


def test_scoring_and_training_import_matplotlib_only_to_draw():
    code = ("import sys, detector.cli, detector.api, detector.training.train, "
            "detector.training.plots, detector.report.html; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_notebook_is_valid_and_its_code_runs(model_dir, monkeypatch, capsys):
    notebook = json.loads((ROOT / "notebooks" / "evaluation.ipynb").read_text())
    assert notebook["nbformat"] == 4 and notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        assert cell["cell_type"] in ("markdown", "code") and isinstance(cell["source"], list)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    shown = []
    display_module = types.ModuleType("IPython.display")
    display_module.display = shown.append
    display_module.Image = lambda data, format: (format, data)
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    monkeypatch.setenv("SPUNDETECT_MODEL_DIR", str(model_dir))
    code = "\n\n".join("".join(c["source"]) for c in notebook["cells"]
                       if c["cell_type"] == "code")
    exec(compile(code, "evaluation.ipynb", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "120 validation pairs, 30 spun" in out
    assert "roc_auc" in out and "recall per class" in out
    assert len(shown) == 6
    assert all(kind == "png" and data[:8] == b"\x89PNG\r\n\x1a\n" for kind, data in shown)
