"""Format results for people (a short summary) and for programs (JSON, JSON Lines).

The last step of the pipeline: nothing here computes a score, it only says one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import IO, NamedTuple

from detector.align import Alignment, align
from detector.display import count, needs_escape, shown
from detector.report.evidence import match_paragraphs, segments
from detector.results import DERIVED, SuspectResult
from detector.text import Document
from detector.verdict import derived_probability

VERDICT_TEXT = {
    "spun": "SPUN: machine-paraphrased from the original (words swapped, skeleton kept)",
    "rewritten": "REWRITTEN: the original's story reworded sentence by sentence or restructured",
    "copy": "COPY: the original's text, copied (possibly with edits or page furniture)",
    "independent": "INDEPENDENT: about the same subject, but not derived from the original",
    "unrelated": "UNRELATED: not about the same subject",
}


def summary(result: SuspectResult, *, max_swaps: int = 10, max_others: int = 10) -> str:
    """A few lines a person reads: verdict, how likely derived, how much of each text matches,
    top swaps, and the other candidates, likeliest source first."""
    best = result.best
    if best is None:
        return f"{shown(result.suspect)}: no originals to compare with"
    ev = best.evidence
    lines = [
        f"suspect:   {shown(result.suspect)}",
        f"verdict:   {VERDICT_TEXT.get(best.verdict, best.verdict)}",
        f"derived:   {best.derived:.3f}  (probability the suspect is taken from the original, "
        "word for word or reworded)",
        f"score:     {best.score:.3f}  (probability the suspect is a paraphrase of the original: "
        "spun or rewritten)",
        f"original:  {shown(best.original)}"
        + ("" if result.source else "  (best match, not a source)"),
        f"matches:   {ev['aligned_share']:.0%} of the suspect matches the original, "
        f"{ev['verbatim_share']:.0%} word for word, {count(ev['n_swaps'], 'swap')} "
        f"({ev['substitution_rate']:.0%} of aligned words)",
    ]
    if "original_aligned_share" in ev:
        lines.append(f"uses:      {ev['original_aligned_share']:.0%} of the original "
                     "appears in the suspect")
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
    others = [r for r in result.ranked if r is not best]
    if others:
        lines.append("others:    likeliest source first")
        rows = [("derived", "score", "verdict", "matches", "uses", "original")]
        rows += [(f"{r.derived:.3f}", f"{r.score:.3f}", r.verdict,
                  _share(r.evidence.get("aligned_share")),
                  _share(r.evidence.get("original_aligned_share")), shown(r.original))
                 for r in others[:max_others]]
        lines += ["  " + line for line in table(rows, right=(0, 1, 3, 4))]
        if len(others) > max_others:
            lines.append(f"  (+{len(others) - max_others} more)")
    return "\n".join(lines)


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def table(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    """Rows as lines of aligned columns two spaces apart; columns in `right` right-aligned."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if k in right else cell.ljust(w)
                 for k, (cell, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
    return out


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
    alignment: Alignment, *, color: bool = False, max_chars: int | None = TEXT_CHARS,
    unmatched: bool = False,
) -> str:
    """The suspect's text with every swap written `satisfy[meet]` and every addition `+word`.

    Paragraphs with no counterpart in the original are no evidence: each run of them is left
    out and counted (`[12 paragraphs with no match left out]`), or with `unmatched` shown,
    starting with `[no match]` (and dim in colour). Stops after the paragraph that passes
    `max_chars` (None: the whole text) and says how many paragraphs were left out.
    """

    def style(kind: str, text: str) -> str:
        return f"{_STYLE[kind]}{text}{_RESET}" if color else text

    matches = match_paragraphs([alignment])
    out: list[str] = []
    shown_chars, skipped = 0, 0

    def left_out() -> None:
        nonlocal skipped
        if skipped:
            out.append(style("gap", f"[{count(skipped, 'paragraph')} with no match left out]"))
            skipped = 0

    for k, m in enumerate(matches):
        if max_chars is not None and shown_chars >= max_chars:
            left_out()
            rest = len(matches) - k
            out.append(f"... {count(rest, 'more paragraph', 'more paragraphs')} "
                       "(--full shows all)")
            break
        if m.original is None and not unmatched:
            skipped += 1
            continue
        left_out()
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
        shown_chars += len(alignment.suspect.paragraphs[m.suspect])
    else:
        left_out()
    return "\n\n".join(out)


def text_block(
    suspect: Document, original: Document, *, color: bool = False,
    max_chars: int | None = TEXT_CHARS, unmatched: bool = False,
) -> str:
    """A legend line, then the suspect's text highlighted against one original."""
    no_match = (f"{UNMATCHED.strip()} = paragraph with no counterpart" if unmatched else
                "paragraphs with no counterpart are left out (--full shows them)")
    legend = (f"text:      the suspect against {shown(original.name)}; swapped[original word], "
              f"+added word; {no_match}")
    return legend + "\n\n" + highlighted_text(align(original, suspect), color=color,
                                                max_chars=max_chars, unmatched=unmatched)


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


def _json_shown(record: dict) -> str:
    """`record` as JSON with its strings through `display.shown`. Most records hold no
    character to escape: then the plain encoding is the same text, and walking a record's
    thousands of passages is skipped (JSON writes a control character with a backslash)."""
    text = json.dumps(record, ensure_ascii=False)
    if "\\" in text or needs_escape(text):
        text = json.dumps(_shown_strings(record), ensure_ascii=False)
    return text


def write_json(record: dict, out: IO[str]) -> None:
    """One JSON object on one line (easy to pipe into `jq`)."""
    out.write(_json_shown(record) + "\n")


def write_jsonl(record: dict, out: IO[str]) -> None:
    """One record a line, flushed so a reader sees it at once."""
    write_line(jsonl_line(record), out)


class Line(NamedTuple):
    """A record as `write_jsonl` writes it (`text`, newline included), with the two fields a
    batch's summary counts: made where the record was scored, so only text travels back."""

    verdict: str | None
    language: str | None
    text: str


def jsonl_line(record: dict) -> Line:
    """The `Line` of a record."""
    return Line(record.get("verdict"), record.get("language"), _json_shown(record) + "\n")


def write_line(line: Line, out: IO[str]) -> None:
    """A `Line` written and flushed, as `write_jsonl` writes a record."""
    out.write(line.text)
    out.flush()


# --- the table a scan ends with ---------------------------------------------------------------

TABLE_ROWS = 20  # rows of a scan's table when its records are kept elsewhere


def record_derived(record: dict) -> float:
    """A record's probability of being derived (older records: summed from probabilities)."""
    if isinstance(record.get("derived"), int | float):
        return float(record["derived"])
    return derived_probability(record.get("probabilities") or {})


def table_entry(record: dict) -> dict | None:
    """What `scan_table` needs of a flagged or error record (not its kilobytes of evidence);
    None for a record that is neither."""
    verdict = record.get("verdict")
    if verdict == "error":
        return {k: record.get(k) for k in ("suspect", "name", "verdict", "error")}
    if verdict not in DERIVED:
        return None
    ev = record.get("evidence") or {}
    return {"suspect": record.get("suspect"), "name": record.get("name"), "verdict": verdict,
            "derived": record_derived(record), "source": record.get("source"),
            "evidence": {k: ev.get(k) for k in ("aligned_share", "original_aligned_share",
                                                "n_swaps")}}


def scan_table(records: Sequence[dict], scanned: int, *, limit: int | None = None,
               kept_in: str | None = None) -> str:
    """The flagged suspects of a scan (copied, spun...), likeliest first, then its errors.

    `records` are the flagged and error records; `scanned` counts every suspect. With `limit`,
    at most that many rows of each, and a line saying the rest are in `kept_in`.
    """
    flagged = sorted((r for r in records if r.get("verdict") in DERIVED),
                     key=lambda r: (-record_derived(r), shown(r.get("name") or r["suspect"])))
    errors = [r for r in records if r.get("verdict") == "error"]
    if not flagged:
        lines = [f"flagged: none of the {count(scanned, 'suspect')}"]
    else:
        lines = [f"flagged: {len(flagged)} of {count(scanned, 'suspect')}, likeliest copy first"]
        rows = [("derived", "verdict", "matches", "uses", "swaps", "suspect", "source")]
        for r in flagged[:limit]:
            ev = r.get("evidence") or {}
            rows.append((f"{record_derived(r):.3f}", r["verdict"], _share(ev.get("aligned_share")),
                         _share(ev.get("original_aligned_share")),
                         "-" if ev.get("n_swaps") is None else str(ev["n_swaps"]),
                         shown(r.get("name") or r["suspect"]), shown(r.get("source") or "-")))
        lines += ["  " + line for line in table(rows, right=(0, 2, 3, 4))]
        lines += _more(len(flagged), limit, kept_in)
        lines.append("  derived: probability the suspect is taken from the source; matches: "
                     "share of the suspect found in it; uses: share of it the suspect uses")
    if errors:
        lines.append(f"errors: {len(errors)}")
        lines += [f"  {shown(r.get('error', ''))}" for r in errors[:limit]]
        lines += _more(len(errors), limit, kept_in)
    return "\n".join(lines)


def _more(n: int, limit: int | None, kept_in: str | None) -> list[str]:
    if limit is None or n <= limit:
        return []
    return [f"  (+{n - limit} more{f' in {shown(kept_in)}' if kept_in else ''})"]
