"""Shared fixtures: tiny hand-made articles, never the seeds (those are end-to-end checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

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


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A model fitted in a second on the four fixture pairs, for end-to-end tests of commands."""
    from detector.classify import build_pipeline
    from detector.model import save_model

    pairs = [(SPUN, ORIGINAL), (ORIGINAL, ORIGINAL), (INDEPENDENT, ORIGINAL),
             (UNRELATED, ORIGINAL)]
    pipeline = build_pipeline(cv=2).fit(pairs * 6, ["spun", "copy", "independent",
                                                    "unrelated"] * 6)
    return save_model(pipeline, {"model_version": "test"}, tmp_path_factory.mktemp("model"))
