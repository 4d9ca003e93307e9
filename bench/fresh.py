"""Text the model never saw in any form: how the shipped model judges it.

`data/fresh/` holds twelve fictional news events (`facts/`, one fact sheet each) and the texts
written for them (`data/fresh/README.md` says how): each event reported three times by writers
who never saw each other's text (`articles/a/`, a wire story from the fact sheet; `articles/b/`,
a regional daily's report from the same sheet; `articles/c/`, a paper's own reporting that uses
about half the sheet and quotes of its own), and the wire story rewritten, paraphrased and
edited as other outlets and tools do (`rewrites/<style>/`, `edited/`). None of it is in the
training corpus, so unlike `models/metrics.md` (held-out topics of the same corpus) this checks
new articles, new writing and new events together. Spun, half-spun and stitched pages are made
here from the reports by the training spinners (seeded).

    .venv/bin/python -m bench.fresh
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from detector.api import Detector
from detector.text import Document, read_document
from detector.verdict import DERIVED, PARAPHRASE

FRESH_DIR = Path(__file__).resolve().parent.parent / "data" / "fresh"
REWRITE_STYLES = ("close", "free", "contentfarm", "fluency", "condensed")
EXPECTED = {  # the verdicts that are right for each kind of suspect
    "independent, own reporting": ("independent", "unrelated"),
    "independent, same facts": ("independent", "unrelated"),
    "edited": ("copy",),
    "spun": ("spun",),
    "half-spun": ("spun",),
    "stitched": ("spun",),
    **{f"rewrite {s}": PARAPHRASE for s in REWRITE_STYLES},
}


class Case(NamedTuple):
    kind: str
    suspect: Document
    original: Document  # the report it comes from (or, for an independent one, its sibling)
    also: Document | None = None  # a stitched page's second source


def events(root: Path = FRESH_DIR) -> list[str]:
    """The event numbers that have a fact sheet ("01" ... "12")."""
    return sorted(p.stem for p in (root / "facts").glob("*.md"))


def cases(root: Path = FRESH_DIR, *, spins: bool = True) -> Iterator[Case]:
    """Every suspect with the report it derives from (or its independent sibling)."""
    for event in events(root):
        a, b, c = (read_document(root / "articles" / side / f"{event}.txt") for side in "abc")
        yield Case("independent, own reporting", c, a)
        yield Case("independent, own reporting", c, b)
        yield Case("independent, same facts", b, a)
        yield Case("independent, same facts", a, b)
        yield Case("edited", read_document(root / "edited" / f"{event}.txt"), a)
        for style in REWRITE_STYLES:
            yield Case(f"rewrite {style}",
                       read_document(root / "rewrites" / style / f"{event}.txt"), a)
        if spins:
            yield from _spun(a, b, int(event))


def _spun(a: Document, b: Document, seed: int) -> Iterator[Case]:
    """Spun, half-spun and stitched pages made from the two reports by the training spinners,
    each with a style and strength of its own (seeded by the event)."""
    from detector.training.spinner import STYLES, spin, spin_partial, stitch

    style = STYLES[seed % len(STYLES)]
    whole = spin(a.text, style=style, rate=0.6, seed=seed)
    half = spin_partial(a.text, style=style, rate=0.6, seed=seed, share=0.5)
    other = spin(b.text, style=STYLES[(seed + 1) % len(STYLES)], rate=0.6, seed=seed)
    yield Case("spun", Document(whole.text, f"{a.name}#spun"), a)
    yield Case("half-spun", Document(half.text, f"{a.name}#half-spun"), a)
    yield Case("stitched", Document(stitch(whole.text, other.text, seed=seed, mode="insert"),
                                    f"{a.name}#stitched"), a, b)  # paragraphs of b inside a


class Judged(NamedTuple):
    """How one kind of suspect was judged: pair verdicts, and scans that came out right."""

    pair_verdicts: Counter[str]
    scans_right: int

    @property
    def n(self) -> int:
        return sum(self.pair_verdicts.values())

    def share(self, verdicts: tuple[str, ...]) -> float:
        return sum(self.pair_verdicts[v] for v in verdicts) / self.n


def reports_of(found: list[Case]) -> list[Document]:
    """The reports among `found`: both sides of the independent pairs, each once."""
    return list({d.name: d for c in found if c.kind.startswith("independent")
                 for d in (c.suspect, c.original)}.values())


def judge(found: list[Case], detector: Detector | None = None) -> dict[str, Judged]:
    """Each kind of suspect scanned against every report of every event, its verdict as a pair
    with its own report read from the scan's candidates (a scan is right with the expected
    verdict and, for a derived one, the report it comes from as its source; for a stitched
    page, both reports among `sources`)."""
    detector = detector or Detector()
    reports = reports_of(found)
    pair_verdicts: dict[str, Counter[str]] = {}
    scans_right: Counter[str] = Counter()
    for case in found:
        scanned = detector.score_suspect(
            case.suspect, [r for r in reports if r.name != case.suspect.name], passages="best")
        pair = next(r for r in scanned.candidates if r.original == case.original.name)
        pair_verdicts.setdefault(case.kind, Counter())[pair.verdict] += 1
        named = {source["original"] for source in scanned.sources}
        source_right = ({case.original.name, case.also.name} <= named if case.also is not None
                        else scanned.source == case.original.name)
        scans_right[case.kind] += scanned.verdict in EXPECTED[case.kind] and (
            scanned.verdict not in DERIVED or source_right)
    return {kind: Judged(verdicts, scans_right[kind]) for kind, verdicts in pair_verdicts.items()}


def main() -> int:
    found = list(cases())
    judged = judge(found)
    n_reports = len(reports_of(found))
    print(f"{len(events())} fictional events, {n_reports} reports. Each suspect scored as a pair "
          "with its report, and scanned against all reports (right: the expected verdict and, "
          "if derived, the right source; for a stitched page, both)")
    print(f"{'suspects':<28}{'n':>4}  {'paraphrase':>10}  {'derived':>8}  {'scan right':>10}  "
          "pair verdicts")
    for kind, found_kind in judged.items():
        listed = ", ".join(f"{v} {c}" for v, c in found_kind.pair_verdicts.most_common())
        print(f"{kind:<28}{found_kind.n:>4}  {found_kind.share(PARAPHRASE):>10.2f}  "
              f"{found_kind.share(DERIVED):>8.2f}  "
              f"{found_kind.scans_right / found_kind.n:>10.2f}  {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
