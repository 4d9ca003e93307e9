"""Suspects stitched from two sources keep paragraphs of both and nothing else."""

from __future__ import annotations

import pytest

from detector.training.spinner.stitch import STITCH_MODES, stitch

A = "\n\n".join(f"Paragraph {n} of the first report." for n in range(1, 5))
B = "\n\n".join(f"Paragraph {n} of the second report." for n in range(1, 4))


@pytest.mark.parametrize("mode", STITCH_MODES)
def test_stitch_uses_both_sources(mode: str) -> None:
    a, b = A.split("\n\n"), B.split("\n\n")
    for seed in range(5):
        out = stitch(A, B, seed=seed, mode=mode).split("\n\n")
        assert any(p in a for p in out) and any(p in b for p in out)
        assert all(p in a or p in b for p in out)


def test_stitch_is_deterministic_for_a_seed() -> None:
    assert stitch(A, B, seed=1) == stitch(A, B, seed=1)


def test_stitch_with_an_empty_source_returns_the_other() -> None:
    assert stitch(A, "", seed=0) == A


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown stitch mode 'glue'"):
        stitch(A, B, seed=0, mode="glue")
