"""Format results for people (a short summary) and for programs (JSON, JSON Lines).

The last step of the pipeline: nothing here computes a score, it only says one.
"""

from __future__ import annotations

import json
from typing import IO

from detector.api import SuspectResult

VERDICT_TEXT = {
    "spun": "SPUN: machine-paraphrased from the original",
    "copy": "COPY: the original's text, copied (possibly with edits or page furniture)",
    "independent": "INDEPENDENT: about the same subject, but not derived from the original",
    "unrelated": "UNRELATED: not about the same subject",
}


def summary(result: SuspectResult, *, max_swaps: int = 10) -> str:
    """A few lines a person reads: verdict, score, best source, top swaps, other candidates."""
    best = result.best
    if best is None:
        return f"{result.suspect}: no originals to compare with"
    ev = best.evidence
    lines = [
        f"suspect:   {result.suspect}",
        f"verdict:   {VERDICT_TEXT.get(best.verdict, best.verdict)}",
        f"score:     {best.score:.3f}  (probability the suspect is spun from the original)",
        f"original:  {best.original}" + ("" if result.source else "  (best match, not a source)"),
        f"aligned:   {ev['aligned_share']:.0%} of the suspect lines up with the original, "
        f"{ev['verbatim_share']:.0%} verbatim, {ev['n_swaps']} swaps "
        f"({ev['substitution_rate']:.0%} of aligned words)",
    ]
    if ev["swaps"] and best.verdict in ("spun", "copy"):
        shown = ", ".join(f"{a} -> {b}" for a, b in ev["swaps"][:max_swaps])
        more = ev["n_swaps"] - min(max_swaps, len(ev["swaps"]))
        lines.append(f"swaps:     {shown}" + (f" (+{more} more)" if more > 0 else ""))
    others = [r for r in result.candidates if r is not best]
    if others:
        lines.append("others:")
        for r in sorted(others, key=lambda r: -r.derived)[:10]:
            lines.append(f"  {r.score:.3f} {r.verdict:<11} {r.original}")
    return "\n".join(lines)


def write_json(record: dict, out: IO[str]) -> None:
    """One JSON object on one line (easy to pipe into `jq`)."""
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_jsonl(record: dict, out: IO[str]) -> None:
    """One record a line, flushed so a reader sees it at once."""
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
