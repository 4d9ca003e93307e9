"""Where the shipped model and lexicon live: inside the installed package, found by import.

In a source checkout they stay in `models/` and `data/`; `detector/shipped/model` and
`detector/shipped/lexicon` link to those folders and `pyproject.toml` packages what the links
hold, so a wheel, a plain `pip install .` and an editable install find them the same way.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

LEXICON_FILE = "lexicon.json.gz"


def _shipped(name: str) -> Path:
    return Path(str(resources.files("detector") / "shipped" / name))


def model_dir() -> Path:
    """The folder of the shipped trained model (`models/` in a checkout)."""
    return _shipped("model")


def lexicon_path() -> Path:
    """The shipped WordNet lexicon (`data/lexicon.json.gz` in a checkout)."""
    return _shipped("lexicon") / LEXICON_FILE
