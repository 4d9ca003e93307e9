"""Format results for people (a short summary) and for programs (JSON, JSON Lines).

The last step of the pipeline: nothing here computes a score, it only says one.
"""

from __future__ import annotations

import json
import os
from typing import IO

from detector.align import Alignment, align
from detector.display import shown
from detector.report.evidence import match_paragraphs, segments
from detector.results import DERIVED, SuspectResult
from detector.text import Document

VERDICT_TEXT = {
    "spun": "SPUN: machine-paraphrased from the original (words swapped, skeleton kept)",
    "rewritten": "REWRITTEN: the original's story reworded sentence by sentence or restructured",
    "copy": "COPY: the original's text, copied (possibly with edits or page furniture)",
    "independent": "INDEPENDENT: about the same subject, but not derived from the original",
    "unrelated": "UNRELATED: not about the same subject",
}


def summary(result: SuspectResult, *, max_swaps: int = 10) -> str:
    """A few lines a person reads: verdict, score, best source, top swaps, other candidates."""
    best = result.best
    if best is None:
        return f"{shown(result.suspect)}: no originals to compare with"
    ev = best.evidence
    lines = [
        f"suspect:   {shown(result.suspect)}",
        f"verdict:   {VERDICT_TEXT.get(best.verdict, best.verdict)}",
        f"score:     {best.score:.3f}  (probability the suspect is a paraphrase of the original:"
        f" spun or rewritten; derived at all: {best.derived:.3f})",
        f"original:  {shown(best.original)}"
        + ("" if result.source else "  (best match, not a source)"),
        f"aligned:   {ev['aligned_share']:.0%} of the suspect lines up with the original, "
        f"{ev['verbatim_share']:.0%} verbatim, {ev['n_swaps']} swaps "
        f"({ev['substitution_rate']:.0%} of aligned words)",
    ]
    segments = ev.get("segments")
    if segments:
        lines.append(
            f"sentences: {segments['verbatim']} verbatim, {segments['swapped']} word-swapped, "
            f"{segments['rewritten']} rewritten, {segments['new']} not from the original")
    if len(result.sources) > 1:
        lines.append("sources:   " + ", ".join(
            f"{shown(s['original'])} ({s['share']:.0%}, {s['verdict']})" for s in result.sources))
    if ev["swaps"] and best.verdict in DERIVED:
        swaps = ", ".join(f"{a} -> {b}" for a, b in ev["swaps"][:max_swaps])
        more = ev["n_swaps"] - min(max_swaps, len(ev["swaps"]))
        lines.append(f"swaps:     {swaps}" + (f" (+{more} more)" if more > 0 else ""))
    others = [r for r in result.candidates if r is not best]
    if others:
        lines.append("others:")
        for r in sorted(others, key=lambda r: -r.derived)[:10]:
            lines.append(f"  {r.score:.3f} {r.verdict:<11} {shown(r.original)}")
    return "\n".join(lines)


# ANSI styles for the highlighted text: swaps stand out, what they replaced and what has no
# counterpart recede, fillers are dim and underlined.
_STYLE = {
    "swap": "\033[1;33m",
    "was": "\033[2;36m",
    "insert": "\033[2;4m",
    "gap": "\033[2m",
}
_RESET = "\033[0m"
UNMATCHED = "[no match] "
TEXT_CHARS = 1500  # about the first screenful of the suspect; `--full` shows all of it


def use_color(stream: IO[str], no_color: bool = False) -> bool:
    """Colour only for a terminal, and never with --no-color, NO_COLOR set or TERM=dumb."""
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def highlighted_text(
    alignment: Alignment, *, color: bool = False, max_chars: int | None = TEXT_CHARS
) -> str:
    """The suspect's text with every swap written `satisfy[meet]` and every addition `+word`.

    Paragraphs with no counterpart in the original start with `[no match]` (and are dim in
    colour). Stops after the paragraph that passes `max_chars` (None: the whole text) and says
    how many paragraphs were left out.
    """

    def style(kind: str, text: str) -> str:
        return f"{_STYLE[kind]}{text}{_RESET}" if color else text

    matches = match_paragraphs([alignment])
    out: list[str] = []
    shown = 0
    for m in matches:
        if max_chars is not None and shown >= max_chars:
            rest = len(matches) - len(out)
            out.append(f"... {rest} more paragraph{'s' if rest != 1 else ''} (--full shows all)")
            break
        parts = []
        for seg in segments(alignment, m.suspect):
            if m.original is None:
                parts.append(seg.text)
            elif seg.kind == "swap":
                parts.append(style("swap", seg.text) + style("was", f"[{seg.other}]"))
            elif seg.kind == "insert":
                parts.append(style("insert", "+" + seg.text.replace(" ", " +")))
            elif seg.kind == "gap":
                parts.append(style("gap", seg.text))
            else:
                parts.append(seg.text)
        line = "".join(parts)
        if m.original is None:
            line = style("gap", UNMATCHED + line)
        out.append(line)
        shown += len(alignment.suspect.paragraphs[m.suspect])
    return "\n\n".join(out)


def text_block(
    suspect: Document, original: Document, *, color: bool = False,
    max_chars: int | None = TEXT_CHARS,
) -> str:
    """A legend line, then the suspect's text highlighted against one original."""
    legend = (f"text:      the suspect against {shown(original.name)}; swapped[original word], "
              f"+added word, {UNMATCHED.strip()} = paragraph with no counterpart")
    return legend + "\n\n" + highlighted_text(align(original, suspect), color=color,
                                                max_chars=max_chars)


def _shown_strings(value):
    """`value` with every string in it through `display.shown`: names from a file system (not
    UTF-8, control characters, bidi marks) are written escaped, never raw, into JSON."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {_shown_strings(k): _shown_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shown_strings(v) for v in value]
    return value


def write_json(record: dict, out: IO[str]) -> None:
    """One JSON object on one line (easy to pipe into `jq`)."""
    out.write(json.dumps(_shown_strings(record), ensure_ascii=False) + "\n")


def write_jsonl(record: dict, out: IO[str]) -> None:
    """One record a line, flushed so a reader sees it at once."""
    out.write(json.dumps(_shown_strings(record), ensure_ascii=False) + "\n")
    out.flush()
