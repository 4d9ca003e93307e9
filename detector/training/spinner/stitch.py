"""Suspects stitched from paragraphs of two sources, as content farms combine spun articles."""

from __future__ import annotations

import random

from detector.training.spinner.parse import PARA_SPLIT

STITCH_MODES = ("concat", "interleave", "insert")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in PARA_SPLIT.split(text)[::2] if p.strip()]


def stitch(a: str, b: str, *, seed: int, mode: str | None = None) -> str:
    """A suspect stitched from two (already spun) sources.

    Some paragraphs of a, then some of b (`concat`), both interleaved, or a block of b inside a."""
    rng = random.Random(seed)
    pa, pb = _paragraphs(a), _paragraphs(b)
    if not pa or not pb:
        return "\n\n".join(pa or pb)
    mode = mode or rng.choice(STITCH_MODES)
    if mode not in STITCH_MODES:
        raise ValueError(f"unknown stitch mode {mode!r}; choose one of {', '.join(STITCH_MODES)}")
    if mode == "concat":
        head = pa[: rng.randint(1, len(pa))]
        start = rng.randint(0, len(pb) - 1)
        tail = pb[start: rng.randint(start + 1, len(pb))]
        out = head + tail
    elif mode == "interleave":
        out, i, j = [], 0, 0
        while i < len(pa) or j < len(pb):
            take_a = j >= len(pb) or (i < len(pa) and rng.random() < 0.5)
            if take_a:
                out.append(pa[i])
                i += 1
            else:
                out.append(pb[j])
                j += 1
            if i and j and rng.random() < 0.15:
                break
    else:
        cut = rng.randint(1, max(1, len(pa) - 1))
        start = rng.randint(0, len(pb) - 1)
        block = pb[start: start + rng.randint(1, max(1, min(3, len(pb) - start)))]
        out = pa[:cut] + block + pa[cut:]
    if not any(p in pa for p in out):
        out.insert(0, pa[0])
    if not any(p in pb for p in out):
        out.append(pb[0])
    return "\n\n".join(out)
