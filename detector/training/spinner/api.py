"""The spinning calls: spin, spin_partial and random_spin, checked and returned as a SpinResult."""

from __future__ import annotations

import random
from dataclasses import dataclass

from detector.lexicon import Lexicon
from detector.training.spinner.engine import BASE_STYLES, STYLES, Run
from detector.training.spinner.parse import WORD, name_at, parse, render
from detector.training.spinner.restructure import Restructure
from detector.training.spinner.thesaurus import thesaurus


@dataclass(frozen=True)
class SpinResult:
    """A spun text with its realised swaps (original, replacement), style, rate and share spun."""

    text: str
    swaps: list[tuple[str, str]]
    style: str
    rate: float
    share: float = 1.0


def _check(style: str, rate: float) -> None:
    if style not in STYLES:
        raise ValueError(f"unknown spinner style {style!r}; choose one of {', '.join(STYLES)}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1, got {rate}")


def _spin(text: str, style: str, rate: float, rng: random.Random, lexicon: Lexicon | None,
          share: float | None) -> SpinResult:
    res = thesaurus(lexicon)
    run = Run(res, rng, rate)
    separators, paragraphs, caps = parse(text)
    run.caps = caps
    if text.count("’") > text.count("'"):
        run.apostrophe = "’"
    real = [i for i, p in enumerate(paragraphs) if p.sentences]
    if share is not None and real:
        n = max(1, round(share * len(real)))
        if len(real) > 1:
            n = min(n, len(real) - 1)
        chosen = set(rng.sample(real, n))
        for i, para in enumerate(paragraphs):
            para.spin = i in chosen
    restructure = Restructure(run)
    swaps: list[tuple[str, str]] = []
    for para in paragraphs:
        if not para.spin:
            continue
        for sent in para.sentences:
            sent.names = [name_at(sent, k, caps, res) for k in range(sent.n)]
            sent.done = [False] * sent.n
            sent.style = rng.choice(BASE_STYLES) if style == "mixed" else style
            run.word_pass(sent, sent.style)
            sent.edits.sort(key=lambda e: e[0])
        if any(s.style == "backtranslate" for s in para.sentences):
            restructure.apply(para)
        for sent in para.sentences:
            swaps.extend((old, new) for _, old, new in sent.edits)
    return SpinResult(render(separators, paragraphs), swaps, style, rate,
                      1.0 if share is None else share)


def spin(text: str, *, style: str, rate: float, seed: int,
         lexicon: Lexicon | None = None) -> SpinResult:
    """Spin `text` with one style at roughly `rate` share of eligible words swapped.

    Deterministic for a seed: the same text, style, rate and seed give the same result."""
    _check(style, rate)
    return _spin(text, style, rate, random.Random(f"{style}:{seed}"), lexicon, None)


def spin_partial(text: str, *, style: str, rate: float, seed: int, share: float,
                 lexicon: Lexicon | None = None) -> SpinResult:
    """Spin only a random `share` of the paragraphs, leaving the rest verbatim."""
    _check(style, rate)
    if not 0.0 < share <= 1.0:
        raise ValueError(f"share must be in (0, 1], got {share}")
    return _spin(text, style, rate, random.Random(f"{style}:{seed}"), lexicon, share)


def random_spin(text: str, *, seed: int, lexicon: Lexicon | None = None) -> SpinResult:
    """Spin with a random style and rate in [0.1, 1.0]; a quarter of calls spin some paragraphs.

    A style swaps only words it has a replacement for, so rate 1.0 rewrites roughly a third of
    all words; `detector.training.dataset.heavy_spin` goes further.
    """
    rng = random.Random(seed)
    style = rng.choice(STYLES)
    rate = round(rng.uniform(0.1, 1.0), 3)
    inner = rng.randrange(2**63)
    if rng.random() < 0.25:
        share = round(rng.uniform(0.3, 0.8), 3)
        return spin_partial(text, style=style, rate=rate, seed=inner, share=share, lexicon=lexicon)
    return spin(text, style=style, rate=rate, seed=inner, lexicon=lexicon)


def swap_share(result: SpinResult, original: str) -> float:
    """Realised swaps per word of `original`, a quick check of a spin's strength."""
    words = len(WORD.findall(original)) or 1
    return len(result.swaps) / words
