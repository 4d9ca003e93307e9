"""Shared fixtures: tiny hand-made articles, never the seeds (those are end-to-end checks)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT / "data" / "originals"
FILLER = ("thing stuff matter item piece element factor aspect point issue quantity manner "
          "fashion method approach region zone").split()

ORIGINAL = """The city council voted on Tuesday to approve a new budget for the coming year.

Mayor Linda Park said the plan would fund 12 new teachers and repair three bridges. "This budget keeps our promises to families," Park told reporters after the meeting.

Critics argued that the council had ignored the rising cost of housing. The vote passed seven to two, and the budget takes effect in July.
"""

# The same article through a crude spinner: single-word swaps, a phrase swap, a filler.
SPUN = """The city council elected on Tuesday to accept a fresh budget for the upcoming year.

Mayor Linda Park stated the strategy would finance 12 new instructors and fix three bridges. "This budget maintains our guarantees to households," Park informed press reporters after the conference.

Critics suggested that the council had actually overlooked the increasing expense of real estate. The ballot passed seven to two, and the spending plan takes effect in July.
"""

# Another outlet's own report of the same event: shares names, numbers and the quote.
INDEPENDENT = """Councillors in the city backed Mayor Linda Park's spending plan this week after a long debate.

"This budget keeps our promises to families," Park said. The package adds 12 teaching posts and money for bridge repairs.

Two members opposed it, saying housing costs deserved more attention. It starts in July.
"""

UNRELATED = """A rare comet will be visible from the northern hemisphere next month, astronomers said.

The comet last passed near Earth about 50,000 years ago and can be seen with binoculars before dawn.
"""

# The original's story in German: the model is trained on English, so scoring warns.
GERMAN = """Der Stadtrat hat am Dienstag einen neuen Haushalt für das kommende Jahr beschlossen.

Bürgermeisterin Linda Park sagte, mit dem Plan würden zwölf neue Lehrer bezahlt und drei Brücken repariert. "Dieser Haushalt hält unsere Versprechen an die Familien", sagte Park nach der Sitzung.

Kritiker warfen dem Rat vor, die steigenden Wohnkosten übersehen zu haben. Die Abstimmung ging sieben zu zwei aus, der Haushalt tritt im Juli in Kraft.
"""


@pytest.fixture
def texts() -> dict[str, str]:
    return {"original": ORIGINAL, "spun": SPUN, "independent": INDEPENDENT,
            "unrelated": UNRELATED}


@pytest.fixture
def article_files(tmp_path: Path, texts) -> dict[str, Path]:
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def corpus_files(topics=("1", "13", "16")) -> list[Path]:
    """Real originals of a few topics of the training corpus, sorted by path."""
    return sorted(p for t in topics for p in (CORPUS / t).glob("*.txt"))


def crude_spin(text: str, rate: float, seed: int) -> str:
    """Replace `rate` of the lower-case content words with unrelated words (a blind spinner)."""
    from detector.lexicon import STOPWORDS

    rng = random.Random(seed)

    def swap(m: re.Match) -> str:
        word = m.group()
        if word.lower() in STOPWORDS or not word.islower() or rng.random() >= rate:
            return word
        return rng.choice(FILLER)

    return re.sub(r"[A-Za-z]+", swap, text)


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> tuple[Path, list[Path]]:
    """An index file of `corpus_files()`, built once; tests open it read-only."""
    from detector.index import build

    files = corpus_files()
    location = tmp_path_factory.mktemp("idx") / "ref.sqlite"
    index, report = build(files, location, jobs=1)
    index.close()
    assert not report.errors and len(report.added) == len(files)
    return location, files


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A model trained on three topics in seconds: enough to exercise every code path."""
    from detector.training.train import train

    out = tmp_path_factory.mktemp("model")
    train(out=out, max_topics=3, folds=2, spins_per_article=1, negatives_per_article=1,
          draws=2, style_holdout=False, jobs=1, log=lambda *_: None)
    return out


@pytest.fixture(scope="session")
def detector(tiny_model):
    from detector.api import Detector
    from detector.model import load_model

    return Detector(model=load_model(tiny_model))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A hand-set model in the shipped format: one small tree of plain rules per class.

    Derived when the suspect keeps most of the original (copy if almost nothing was swapped,
    else spun); otherwise independent when it shares names, else unrelated. Commands that
    need a model run end to end with it, in milliseconds and without training.
    """
    import json

    import numpy as np

    from detector.features import FEATURE_NAMES
    from detector.model import FORMAT_VERSION

    classes = ["copy", "independent", "spun", "unrelated"]
    f = FEATURE_NAMES.index
    # node: feature, threshold, left, right (leaves name their class)
    nodes = [(f("aligned_share_original"), 0.4, 1, 2), (f("name_overlap"), 0.3, 3, 4),
             (f("substitution_rate"), 0.05, 5, 6), "unrelated", "independent", "copy", "spun"]
    arrays = {k: [] for k in ("feature", "threshold", "left", "right", "is_leaf", "value")}
    for k, name in enumerate(classes):
        offset = k * len(nodes)
        for node in nodes:
            leaf = isinstance(node, str)
            feature, threshold, left, right = (0, 0.0, 0, 0) if leaf else node
            arrays["feature"].append(feature)
            arrays["threshold"].append(threshold)
            arrays["left"].append(left + offset)
            arrays["right"].append(right + offset)
            arrays["is_leaf"].append(leaf)
            arrays["value"].append(4.0 if node == name else 0.0)
    directory = tmp_path_factory.mktemp("model")
    np.savez(directory / "compact.npz", baseline=np.zeros(4), beta=np.array(1.0),
             tree_class=np.arange(4), roots=np.arange(4) * len(nodes),
             feature=np.array(arrays["feature"]), threshold=np.array(arrays["threshold"]),
             left=np.array(arrays["left"]), right=np.array(arrays["right"]),
             is_leaf=np.array(arrays["is_leaf"]), value=np.array(arrays["value"]))
    meta = {"format_version": FORMAT_VERSION, "classes": classes,
            "features": list(FEATURE_NAMES), "model_version": "test-rules"}
    (directory / "metadata.json").write_text(json.dumps(meta))
    return directory


def deny_listing(monkeypatch, *folders: Path) -> None:
    """Make these folders unlistable, as `chmod 000` does for anyone but root (tests run as root).

    `os.scandir` (what `os.walk` lists with) raises the PermissionError a real refusal raises.
    """
    import os

    real = os.scandir
    denied = {os.path.abspath(folder) for folder in folders}

    def scandir(path="."):
        if isinstance(path, (str, os.PathLike)) and os.path.abspath(path) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
