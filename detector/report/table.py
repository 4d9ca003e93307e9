"""The table of suspects: one row per suspect with the figures an editor sorts and filters by,
as HTML for the report (sorted and filtered in the page by a small inline script) and as CSV.

The HTML table reads as a plain table without JavaScript; the script adds sorting by a click
on a header, verdict checkboxes, a "flagged only" toggle and a search by name, all of which
only show or hide rows and reorder them. The script is a constant: the page's
Content-Security-Policy allows exactly it, by hash, and nothing else.
"""

from __future__ import annotations

import base64
import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import IO

from detector.display import shown
from detector.report.records import SuspectEntry
from detector.results import DERIVED, VERDICTS
from detector.verdict import derived_probability

FLAGGED = DERIVED  # the verdicts "flagged only" keeps: the suspect derives from an original

CSV_COLUMNS = ("suspect", "verdict", "score", "derived_probability", "source", "original",
               "suspect_matched_share", "original_used_share", "n_swaps")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TableRow:
    """One suspect as the table lists it.

    `original` is the original the shares and swaps were measured against: the source when
    the suspect derives from one, else the closest original; `sources` lists every article
    the suspect derives from (several for a stitched suspect), `source` first.
    """

    suspect: str
    verdict: str
    score: float
    derived_probability: float | None  # P(spun, rewritten or copy); None when not recorded
    source: str | None
    original: str | None
    sources: tuple[str, ...]
    suspect_share: float | None  # share of the suspect that lines up with the original
    original_share: float | None  # share of the original the suspect uses
    n_swaps: int | None

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED


def table_rows(entries: Sequence[SuspectEntry]) -> list[TableRow]:
    """The table's rows, in the order of `entries` (flagged first, then by score)."""
    rows = []
    for entry in entries:
        ev, p = entry.evidence, entry.probabilities
        rows.append(TableRow(
            suspect=entry.suspect,
            verdict=entry.verdict,
            score=entry.score,
            derived_probability=derived_probability(p) if p else None,
            source=entry.source,
            original=entry.original,
            sources=tuple(entry.sources),
            suspect_share=ev.get("aligned_share"),
            original_share=ev.get("original_aligned_share"),
            n_swaps=ev.get("n_swaps"),
        ))
    return rows


# --- CSV ------------------------------------------------------------------------------------


def _cell_text(value: str | None) -> str:
    """A name for a spreadsheet: controls escaped (`display.shown`), and a leading = + - @
    made inert with a quote, so a file named `=HYPERLINK(...)` is not run as a formula."""
    if value is None:
        return ""
    text = shown(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{round(float(value), digits):g}"


def write_csv(rows: Sequence[TableRow], out: IO[str]) -> None:
    """The table as CSV: a header line, then one line per suspect, in the table's order.

    Lines end in "\n" (a file opened in text mode writes the platform's line ending); no
    field holds a line break, since names go through `display.shown`.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([
            _cell_text(r.suspect), r.verdict, _number(r.score),
            _number(r.derived_probability), _cell_text(r.source), _cell_text(r.original),
            _number(r.suspect_share), _number(r.original_share),
            "" if r.n_swaps is None else r.n_swaps,
        ])


# --- HTML -----------------------------------------------------------------------------------


def esc(value: object) -> str:
    """Anything as HTML text or a quoted attribute's value."""
    return escape(str(value), quote=True)


def esc_name(value: object) -> str:
    """A file name or other string from a results file: controls and bidi marks written as
    escapes (`display.shown`), then HTML-escaped."""
    return esc(shown(value))


def verdict_badge(verdict: str) -> str:
    """A verdict as a coloured label (class = the verdict when it is one spundetect writes)."""
    known = verdict in VERDICTS or verdict == "error"
    css = f"verdict {verdict}" if known else "verdict"
    if verdict in FLAGGED:
        css += " flagged"
    return f'<span class="{css}">{esc(verdict)}</span>'


def _pct(value: float | None) -> str:
    return "" if value is None else f"{float(value):.0%}"


def _probability(value: float | None) -> str:
    return "" if value is None else f"{float(value):.3f}"


def _source_cell(row: TableRow) -> str:
    if row.source:
        cell = f"<span class=path>{esc_name(row.source)}</span>"
        more = len(row.sources) - 1
        return cell + (f" and {more} more" if more > 0 else "")
    if row.original:
        return (f'<span class="note">none (closest: <span class=path>{esc_name(row.original)}'
                "</span>)</span>")
    return '<span class="note">none</span>'


# (key the script sorts by, header, title, numeric); the script's first click on a numeric
# header sorts high to low.
_COLUMNS = (
    ("", "#", "the suspect's place in the report", True),
    ("name", "suspect", "", False),
    ("verdict", "verdict", "", False),
    ("score", "score", "probability that the suspect is a paraphrase of the original: spun "
                       "or rewritten", True),
    ("derived", "derived", "probability that the suspect derives from the original: spun, "
                           "rewritten or copied", True),
    ("", "source", "the original the suspect derives from, or the closest one", False),
    ("", "matched", "share of the suspect that lines up with the original", True),
    ("", "original used", "share of the original that the suspect uses", True),
    ("", "swaps", "words or phrases swapped for others", True),
)


def controls_html(rows: Sequence[TableRow]) -> str:
    """The verdict checkboxes, "flagged only", the search box and the count of rows shown:
    hidden until the script runs, since without it they would do nothing."""
    boxes = []
    for verdict in VERDICTS:
        n = sum(r.verdict == verdict for r in rows)
        boxes.append(f'<label><input type="checkbox" name="verdict" value="{esc(verdict)}" '
                     f"checked> {verdict_badge(verdict)} {n}</label>")
    flagged = ", ".join(FLAGGED)
    return (
        '<div class="controls" id="controls" hidden>'
        f'<span class="verdicts">{"".join(boxes)}</span>'
        f'<label><input type="checkbox" id="flagged-only"> flagged only ({esc(flagged)})</label>'
        '<label>find <input type="search" id="find" placeholder="suspect or original name" '
        'autocomplete="off"></label>'
        '<span class="note" id="shown-count"></span>'
        "</div>"
    )


def table_html(rows: Sequence[TableRow], anchors: Sequence[str]) -> str:
    """The table of suspects (flagged first, then by score), each linking to its section,
    with the controls before it."""
    head = []
    for key, label, title, numeric in _COLUMNS:
        attrs = (' class="num"' if numeric else "") + (f' data-sort="{key}"' if key else "")
        attrs += f' title="{esc(title)}"' if title else ""
        head.append(f"<th{attrs}>{esc(label)}</th>")
    body = []
    for k, (r, anchor) in enumerate(zip(rows, anchors, strict=True), start=1):
        names = "\n".join(esc_name(n) for n in dict.fromkeys(
            n for n in (r.suspect, *r.sources, r.original) if n))
        derived = "" if r.derived_probability is None else f"{r.derived_probability:.4f}"
        rank = VERDICTS.index(r.verdict) if r.verdict in VERDICTS else len(VERDICTS)
        body.append(
            f'<tr data-verdict="{esc(r.verdict)}" data-rank="{rank}" data-score="{r.score:.4f}" '
            f'data-derived="{derived}" data-name="{esc_name(r.suspect)}" data-names="{names}"'
            f'{" data-flagged" if r.flagged else ""}>'
            f'<td class="num">{k}</td>'
            f'<td><a class=path href="#{esc(anchor)}">{esc_name(r.suspect)}</a></td>'
            f"<td>{verdict_badge(r.verdict)}</td>"
            f'<td class="num">{r.score:.3f}</td>'
            f'<td class="num">{_probability(r.derived_probability)}</td>'
            f"<td>{_source_cell(r)}</td>"
            f'<td class="num">{_pct(r.suspect_share)}</td>'
            f'<td class="num">{_pct(r.original_share)}</td>'
            f'<td class="num">{"" if r.n_swaps is None else esc(r.n_swaps)}</td></tr>')
    return (controls_html(rows)
            + f'<table class="summary" id="suspects"><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>'
            '<p class="note" id="no-match" hidden>No suspect matches these filters.</p>')


CSS = """
[hidden] { display: none !important; }
.controls { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; align-items: center;
            margin: .6rem 0 .8rem; }
.controls label { white-space: nowrap; cursor: pointer; }
.controls .verdicts label { margin-right: .8rem; }
.controls input[type=search] { font: inherit; padding: .15rem .4rem; width: 16rem; }
table.summary thead th { position: sticky; top: 0; background: #fff; }
th button.sort { all: unset; cursor: pointer; }
th button.sort:focus-visible { outline: 2px solid #1565c0; }
th[aria-sort=ascending] button.sort::after { content: " \\25B2"; }
th[aria-sort=descending] button.sort::after { content: " \\25BC"; }
h2 a.back { float: right; margin-left: 1rem; font-size: .85rem; font-weight: normal; }
@media print { .controls, a.back { display: none; } }
"""

# The page's only script: sorting, filtering and opening a folded suspect that is linked to.
# It only reads data-* attributes and moves or hides existing rows; it writes no HTML. It runs
# right after the table, before the suspects' sections are parsed; it sets
# <html data-controls="ready"> once the controls work.
SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("suspects");
  var controls = document.getElementById("controls");
  if (table && controls) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, k) {
      row.order = k;
      row.names = (row.getAttribute("data-names") || "").toLowerCase();
    });
    var boxes = Array.prototype.slice.call(controls.querySelectorAll("input[name=verdict]"));
    var flagged = document.getElementById("flagged-only");
    var find = document.getElementById("find");
    var count = document.getElementById("shown-count");
    var none = document.getElementById("no-match");
    var number = function (row, key) {
      var v = row.getAttribute("data-" + key);
      return v === "" || v === null ? null : Number(v);
    };
    var compare = {
      verdict: function (a, b) { return number(a, "rank") - number(b, "rank"); },
      name: function (a, b) {
        return a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"),
                                                         undefined, {numeric: true});
      },
      score: function (a, b) { return number(a, "score") - number(b, "score"); },
      derived: function (a, b) { return number(a, "derived") - number(b, "derived"); }
    };
    var firstDown = {score: true, derived: true};
    var sortBy = function (th, key, down) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
        cell.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var sign = down ? -1 : 1;
      rows.slice().sort(function (a, b) {
        var missing = (number(a, key) === null) - (number(b, key) === null);
        if (key === "derived" && missing) { return missing; }  // last either way
        return sign * compare[key](a, b) || a.order - b.order;
      }).forEach(function (row) { body.appendChild(row); });
      table.setAttribute("data-sorted", key + (down ? " descending" : " ascending"));
    };
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var key = th.getAttribute("data-sort");
      if (!key) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        sortBy(th, key, now ? now === "ascending" : !!firstDown[key]);
      });
    });
    var filter = function () {
      var keep = {};
      boxes.forEach(function (box) { keep[box.value] = box.checked; });
      var query = find.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var verdict = row.getAttribute("data-verdict");
        var visible = keep[verdict] !== false
          && (!flagged.checked || row.hasAttribute("data-flagged"))
          && (query === "" || row.names.indexOf(query) >= 0);
        row.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      count.textContent = "showing " + shown + " of " + rows.length;
      none.hidden = shown > 0;
    };
    boxes.concat([flagged]).forEach(function (box) { box.addEventListener("change", filter); });
    find.addEventListener("input", filter);
    filter();
    var verdictHeader = table.querySelector("th[data-sort=verdict]");
    if (verdictHeader) { verdictHeader.setAttribute("aria-sort", "ascending"); }
    controls.hidden = false;
  }
  var unfold = function (id) {
    var target = id && document.getElementById(id);
    if (!target) { return; }
    Array.prototype.forEach.call(target.querySelectorAll("details.fold"), function (d) {
      d.open = true;
    });
  };
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#suspect-']");
    if (link) { unfold(link.getAttribute("href").slice(1)); }
  });
  window.addEventListener("hashchange", function () { unfold(location.hash.slice(1)); });
  document.addEventListener("DOMContentLoaded", function () { unfold(location.hash.slice(1)); });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.fold"), function (d) {
      if (!d.open) { d.open = true; opened.push(d); }
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  document.documentElement.setAttribute("data-controls", "ready");
})();
"""


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source that allows exactly this inline script: 'sha256-<base64>'."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
