"""The HTML report: each suspect beside its original, paragraph to paragraph, every swap marked.

Plain functions from results records to one self-contained page: inline CSS, one inline
script of ours (`table.SCRIPT`: sorting and filtering the table of suspects), no external
assets, and a Content-Security-Policy that allows that one script by its hash and refuses
anything else. The page reads the same without the script. Every string that comes from an
article or a results file goes through `html.escape`, so a suspect holding `<script>` shows
that text and runs nothing; every name and string from a results file also goes through
`display.shown`, so control and bidi characters cannot change how it reads. An article's text
is shown only when the file still has the SHA-256 the record holds for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from detector import __version__
from detector.align import Alignment
from detector.display import count
from detector.errors import SpundetectError
from detector.features import Pair
from detector.lexicon import load_lexicon
from detector.report.evidence import (
    Row,
    Segment,
    SentenceRow,
    match_paragraphs,
    moved,
    segments,
    sentence_rows,
    sentence_texts,
    side_by_side,
)
from detector.report.explain import explain
from detector.report.records import SuspectEntry, group_results, open_document
from detector.report.table import CSS as TABLE_CSS
from detector.report.table import (
    SCRIPT,
    esc,
    esc_name,
    script_hash,
    table_html,
    table_rows,
    verdict_badge,
)
from detector.results import VERDICTS
from detector.text import Document

if TYPE_CHECKING:
    from detector.index.store import ReferenceIndex

COLLAPSE_UNUSED = 3  # runs of this many unused original paragraphs fold into one line
MAX_PROBLEMS_LISTED = 1000  # skipped records named on the page; the rest are counted
OPEN_SECTIONS = 20  # suspects whose side-by-side view is open; the rest fold (a faster page)
SOURCE_TAGS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

CSS = """
:root { --ink: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .4rem; border-top: 2px solid var(--line);
     padding-top: 1rem; overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.meta, .note { color: var(--muted); }
.note { font-size: .9rem; }
.warning { color: #8a4b00; }
table { border-collapse: collapse; }
table.summary td, table.summary th, table.candidates td, table.candidates th,
table.errors td, table.errors th { padding: .3rem .7rem; border-bottom: 1px solid var(--line);
  text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em;
        overflow-wrap: anywhere; }
.verdict { display: inline-block; padding: .05rem .5rem; border-radius: .7rem; color: #fff;
           font-size: .85rem; font-weight: 600; background: #757575; }
.verdict.flagged { background: #ad1457; }
.verdict.spun { background: #c62828; } .verdict.rewritten { background: #6a1b9a; }
.verdict.copy { background: #e65100; }
.verdict.independent { background: #2e7d32; } .verdict.unrelated { background: #757575; }
.verdict.error { background: #37474f; }
.legend > span { margin-right: 1rem; white-space: nowrap; }
ul.why li { margin: .2rem 0; }
table.sbs { width: 100%; table-layout: fixed; margin-top: .6rem; }
table.sbs th { text-align: left; padding: .4rem .8rem; background: #f3f3f6;
               border-bottom: 2px solid var(--line); font-weight: 600; overflow-wrap: anywhere; }
table.sbs td { width: 50%; vertical-align: top; padding: .45rem .8rem;
               border-bottom: 1px solid #ececf0; font-family: Georgia, "Times New Roman", serif;
               font-size: 1rem; line-height: 1.6; overflow-wrap: anywhere; }
table.sbs td p { margin: 0; }
.same { background: #e4f3e6; }
mark.swap { background: #ffd54f; color: inherit; font-weight: 600; border-radius: 2px; }
mark.swapped { background: #ffe8c2; color: inherit; text-decoration: underline dotted #b26a00; }
mark.swap, mark.swapped { position: relative; }
mark.swap:hover::before, mark.swapped:hover::before { position: absolute; left: 0;
  bottom: 100%; z-index: 1; padding: .1rem .4rem; border-radius: .2rem; white-space: nowrap;
  background: #1d1d1f; color: #fff; font: 400 .8rem/1.4 system-ui, sans-serif; }
mark.swap:hover::before { content: "original: " attr(data-orig); }
mark.swapped:hover::before { content: "the suspect has: " attr(data-repl); }
ins.added { background: #e6dcf7; text-decoration: underline dotted #6a3fb5; }
ins.added.filler { font-style: italic; }
.new, .unused { color: #8d8d92; }
del { color: #a33; }
tr.unmatched td, tr.unused td { background: #f6f6f8; color: #8d8d92; }
tr.unmatched .same, tr.unused .same { background: none; }
tr.pair .same .new, tr.pair .same .unused, tr.pair .same del { background: #fff; }
td.empty { font-family: system-ui, sans-serif; font-size: .85rem; font-style: italic; }
.tag { display: inline-block; min-width: 1.4em; margin-right: .4rem; padding: 0 .3rem;
       border-radius: .3rem; color: #fff; font: 600 .75rem/1.4 system-ui, sans-serif;
       text-align: center; vertical-align: .1em; }
.src-0 { background: #1565c0; } .src-1 { background: #6a1b9a; } .src-2 { background: #00838f; }
.src-3 { background: #ad1457; } .src-4 { background: #4e342e; } .src-5 { background: #558b2f; }
.repeat { font-family: system-ui, sans-serif; font-size: .8rem; color: var(--muted); }
details > summary { cursor: pointer; color: var(--muted); }
table.sentences { width: 100%; table-layout: fixed; margin-top: .6rem; }
table.sentences td, table.sentences th { padding: .35rem .6rem; border-bottom: 1px solid #ececf0;
  vertical-align: top; text-align: left; overflow-wrap: anywhere; }
table.sentences td.text { font-family: Georgia, "Times New Roman", serif; }
table.sentences col.c-how { width: 8.5rem; } table.sentences col.c-at { width: 5.5rem; }
.how { display: inline-block; padding: 0 .4rem; border-radius: .3rem;
       font: 600 .75rem/1.5 system-ui, sans-serif; }
.how.verbatim { background: #e4f3e6; } .how.swapped { background: #ffe8c2; }
.how.rewritten { background: #e6dcf7; } .how.new { background: #ececf0; color: #6b6b70; }
.moved { font: .75rem system-ui, sans-serif; color: #8a4b00; }
@media screen {  /* sections off screen are laid out only once scrolled to: opens fast */
  section.suspect { content-visibility: auto; contain-intrinsic-size: auto 1200px; }
}
body:has(#inline-originals:checked) mark.swap::after { content: " [" attr(data-orig) "]";
  font-weight: normal; color: #8a4b00; }
@media print {
  p.toggle { display: none; }
  mark.swap:hover::before, mark.swapped:hover::before { content: none; }
  mark.swap::after { content: " [" attr(data-orig) "]"; font-weight: normal; }
  mark.swapped::after { content: " [" attr(data-repl) "]"; }
  main { max-width: none; padding: 0; }
  section.suspect { break-before: page; }
  tr { break-inside: avoid; }
}
"""


# --- paragraphs ---------------------------------------------------------------------------------


def paragraph_html(parts: Iterable[Segment], side: str = "suspect", lead: str = "") -> str:
    """One paragraph's stretches as marked-up HTML (escaped); `lead` is markup put first.

    A paragraph with verbatim stretches is one `span.same` (the verbatim background) holding
    the marked stretches, which draw their own background: one element per paragraph rather
    than one per verbatim run keeps a report of hundreds of suspects small.
    """
    parts = list(parts)
    out = []
    for seg in parts:
        text = esc(seg.text)
        if seg.kind in ("", "equal"):
            out.append(text)
        elif seg.kind == "swap" and side == "suspect":
            out.append(f'<mark class=swap data-orig="{esc(seg.other)}">{text}</mark>')
        elif seg.kind == "swap":
            out.append(f'<mark class=swapped data-repl="{esc(seg.other)}">{text}</mark>')
        elif seg.kind == "insert":
            css = '"added filler"' if seg.is_filler else "added"
            out.append(f"<ins class={css}>{text}</ins>")
        elif seg.kind == "delete":
            out.append(f"<del>{text}</del>")
        elif side == "suspect":
            out.append(f"<span class=new>{text}</span>")
        else:
            out.append(f"<span class=unused>{text}</span>")
    inner = "".join(out)
    if any(seg.kind == "equal" for seg in parts):
        inner = f"<span class=same>{inner}</span>"
    return f"<p>{lead}{inner}</p>"


def _tag(source: int | None, several: bool) -> str:
    if not several or source is None:
        return ""
    return f'<span class="tag src-{source % 6}">{SOURCE_TAGS[source % 26]}</span>'


def side_by_side_html(alignments: Sequence[Alignment], rows: Sequence[Row],
                      source_names: Sequence[str]) -> str:
    """The two-column table: suspect paragraphs left, the original paragraphs they came from
    right, unmatched paragraphs greyed, each source tagged when there are several."""
    several = len(alignments) > 1
    suspect = alignments[0].suspect
    if several:
        right = "Originals: " + "; ".join(
            f"{_tag(k, True)}<span class=path>{esc_name(n)}</span>"
            for k, n in enumerate(source_names))
    else:
        right = f"Original: <span class=path>{esc_name(source_names[0])}</span>"
    head = (f"<thead><tr><th>Suspect: <span class=path>{esc_name(suspect.name)}</span></th>"
            f"<th>{right}</th></tr></thead>")
    body: list[str] = []
    pending: list[Row] = []

    def original_cell(row: Row) -> str:
        assert row.source is not None and row.original is not None
        note = '<span class="repeat">(the same paragraph as above) </span>' if row.repeated else ""
        return paragraph_html(segments(alignments[row.source], row.original, "original"),
                              "original", _tag(row.source, several) + note)

    def flush() -> None:
        if not pending:
            return
        if len(pending) >= COLLAPSE_UNUSED:
            inner = "".join(original_cell(r) for r in pending)
            body.append(
                f'<tr class="unused"><td class="s empty">—</td><td class="o"><details><summary>'
                f"{len(pending)} paragraphs of the original{'s' if several else ''} that are not "
                "in the suspect"
                f"</summary>{inner}</details></td></tr>")
        else:
            body.extend(f'<tr class=unused><td class="s empty">not in the suspect</td>'
                        f"<td class=o>{original_cell(r)}</td></tr>" for r in pending)
        pending.clear()

    for row in rows:
        if row.suspect is None:
            pending.append(row)
            continue
        flush()
        source = row.source if row.source is not None else 0
        left = paragraph_html(segments(alignments[source], row.suspect, "suspect"), "suspect")
        if row.original is None:
            body.append(f'<tr class=unmatched><td class=s>{left}</td>'
                        f'<td class="o empty">no counterpart in the original</td></tr>')
        else:
            body.append(f"<tr class=pair><td class=s>{left}</td>"
                        f"<td class=o>{original_cell(row)}</td></tr>")
    flush()
    return f'<table class="sbs">{head}<tbody>{"".join(body)}</tbody></table>'


HOW = {"verbatim": "verbatim", "swapped": "words swapped", "rewritten": "rewritten",
       "new": "not from the original"}


def sentences_html(rows: Sequence[SentenceRow], pairs: Sequence[Pair], *, open_: bool = False,
                   fold: bool = False) -> str:
    """Every suspect sentence beside the original sentence it was made from and how, in suspect
    order: the original's sentence number shows reordering (marked where the order goes back),
    and each source is tagged when there are several. Open with `open_`; with `fold`, folded
    as a long report's later side-by-side views are (opened by a link to it, and for print)."""
    several = len(pairs) > 1
    suspect_text = sentence_texts(pairs[0].suspect)
    original_text = [sentence_texts(p.original) for p in pairs]
    back = moved(rows)
    body = []
    for row in rows:
        if row.source is None or row.original is None:
            where, made_from = "", '<td class="text empty">—</td>'
        else:
            note = "<br><span class=moved>moved up</span>" if row.suspect in back else ""
            where = f"{_tag(row.source, several)}{row.original + 1}{note}"
            made_from = f"<td class=text>{esc(original_text[row.source][row.original])}</td>"
        body.append(f'<tr class="{row.kind}"><td class=num>{row.suspect + 1}</td>'
                    f'<td><span class="how {row.kind}">{HOW[row.kind]}</span></td>'
                    f"<td class=text>{esc(suspect_text[row.suspect])}</td>"
                    f"<td class=num>{where}</td>{made_from}</tr>")
    counts = ", ".join(f"{sum(r.kind == k for r in rows)} {k}" for k in HOW)
    right = ("the originals" if several else "the original")
    state = " open" if open_ else ' class="fold"' if fold else ""  # fold: opened by the
    return (f"<details{state}><summary>Sentence by sentence ({counts})"  # link, and in print
            '</summary><table class="sentences"><colgroup><col class=c-at><col class=c-how><col>'
            '<col class=c-at><col></colgroup><thead><tr><th class=num>suspect</th><th>how</th>'
            f"<th>suspect sentence</th><th class=num>{right}</th><th>made from</th></tr>"
            f"</thead><tbody>{''.join(body)}</tbody></table></details>")


# --- one suspect --------------------------------------------------------------------------------


# (name, SHA-256 the record holds for it, index id or None) -> the text that was scored
DocumentLoader = Callable[[str, str | None, int | None], Document]


def suspect_html(entry: SuspectEntry, anchor: str, load: DocumentLoader, *,
                 fold: bool = False) -> str:
    """A suspect's section: verdict, best source, the reasons in words, the side-by-side view.

    The texts are shown only when `load` finds the files that were scored; otherwise the
    section keeps the record's numbers and says why the texts are not there. With `fold`, the
    side-by-side view of a derived suspect starts folded too (the page's script opens it when
    the table links to it, and before printing).
    """
    out = [f'<section class="suspect" id="{esc(anchor)}">',
           '<h2><a class="back" href="#summary">&uarr; table of suspects</a>'
           f"{verdict_badge(entry.verdict)} <span class=path>{esc_name(entry.suspect)}</span></h2>"]
    if entry.original is None:
        out.append('<p class="note">No original to compare with.</p></section>')
        return "".join(out)
    relation = "source" if entry.derived else "closest original (not a source)"
    out.append(f'<p class="meta">Score {entry.score:.3f} (probability of a paraphrase: spun '
               f'or rewritten); {relation}: <span class=path>{esc_name(entry.original)}</span></p>')
    names = entry.sources if len(entry.sources) > 1 else [entry.original]
    try:
        suspect = load(entry.suspect, entry.suspect_sha256, None)
        lexicon = load_lexicon()
        pairs = [Pair(suspect, load(name, entry.hashes.get(name), entry.ids.get(name)), lexicon)
                 for name in names]
        alignments = [pair.alignment for pair in pairs]
    except SpundetectError as err:
        out.append("<h3>Why</h3>" + _why(explain(entry)))
        out.append(f'<p class="warning">Text not shown: {esc_name(err)}</p>')
        if len(entry.candidates) > 1:
            out.append(_candidates(entry.candidates))
        out.append("</section>")
        return "".join(out)
    matches = match_paragraphs(alignments)
    labels = [f"{SOURCE_TAGS[k % 26]} ({name})" for k, name in enumerate(names)]
    out.append("<h3>Why</h3>" + _why(explain(entry, matches, labels)))
    best = alignments[names.index(entry.original)] if entry.original in names else alignments[0]
    expected = entry.evidence.get("n_swaps")
    if isinstance(expected, int) and expected != len(best.swaps):
        out.append(f'<p class="warning">The texts no longer give the swaps in the results '
                   f"({count(len(best.swaps), 'swap')} now, {expected} then): spundetect's "
                   "alignment changed since they were scored. The marks below are this "
                   "version's.</p>")
    rows = side_by_side(matches, [len(a.original.paragraphs) for a in alignments])
    table = side_by_side_html(alignments, rows, names)
    if entry.derived and not fold:
        out.append("<h3>Side by side</h3>" + table)
    elif entry.derived:
        out.append('<details class="fold"><summary>Side by side (folded to keep a long report '
                   f"quick to open)</summary>{table}</details>")
    else:
        out.append("<details><summary>Side by side with the closest original</summary>"
                   f"{table}</details>")
    if entry.derived:  # for a report it does not derive from, shared content is not reuse
        rewritten = entry.verdict == "rewritten"  # the sentences are its evidence
        out.append(sentences_html(sentence_rows(pairs), pairs, open_=rewritten and not fold,
                                  fold=rewritten and fold))
    if len(entry.candidates) > 1:
        out.append(_candidates(entry.candidates))
    out.append("</section>")
    return "".join(out)


def _why(lines: Sequence[str]) -> str:
    return '<ul class="why">' + "".join(f"<li>{esc_name(line)}</li>" for line in lines) + "</ul>"


def _candidates(candidates: Sequence[dict]) -> str:
    rows = "".join(
        f'<tr><td class="num">{c["score"]:.3f}</td><td>{verdict_badge(c["verdict"])}</td>'
        f'<td class=path>{esc_name(c["original"])}</td></tr>' for c in candidates)
    return ('<details><summary>Every original it was scored against</summary>'
            '<table class="candidates"><tr><th class="num">score</th><th>verdict</th>'
            f"<th>original</th></tr>{rows}</table></details>")


# --- the page -----------------------------------------------------------------------------------


def errors_html(errors: Sequence[dict]) -> str:
    """The inputs a run could not score, with the reason."""
    rows = "".join(
        f"<tr><td class=path>{esc_name(r.get('suspect') or r.get('original') or '?')}</td>"
        f"<td>{esc_name(r.get('error', 'unknown error'))}</td></tr>" for r in errors)
    return ('<section id="errors"><h2>Inputs that could not be scored</h2>'
            f'<table class="errors"><tr><th>file</th><th>reason</th></tr>{rows}</table></section>')


def problems_html(problems: Sequence[str]) -> str:
    """The records of the results file that were skipped, each with what is wrong with it."""
    items = "".join(f"<li>{esc_name(p)}</li>" for p in problems[:MAX_PROBLEMS_LISTED])
    more = len(problems) - MAX_PROBLEMS_LISTED
    if more > 0:
        items += f"<li>and {more} more</li>"
    return ('<section id="problems"><h2>Records skipped: not of the shape spundetect writes</h2>'
            f'<ul class="problems">{items}</ul></section>')


LEGEND = (
    '<p class="legend"><span><span class="same">verbatim</span> '
    'copied word for word (spelling aside)</span> '
    '<span><mark class=swap data-orig="meet">satisfy</mark> '
    "swapped (hover to see the original word)</span> "
    "<span><ins class=added>added</ins> not in the original "
    '(<ins class="added filler">actually</ins>: a filler word)</span> '
    "<span><span class=new>grey</span> no counterpart on the other side</span> "
    "<span><del>struck</del> left out of the suspect</span></p>"
)


def report_html(records: Iterable[dict], *, base: Path | None = None,
                results_name: str = "", problems: Sequence[str] = (),
                index: ReferenceIndex | None = None) -> str:
    """The whole report page for results records (`spundetect pairs`/`scan` output) that
    passed `records.check_record`; `problems` names the records that did not.

    Articles are re-read from the paths the records name (relative ones also against `base`,
    the results file's folder), each only if its SHA-256 is the one in the record, and
    re-aligned to mark every swap. With `index`, an original the record gives an index id for
    is taken from the index when its stored SHA-256 matches.
    """
    entries, errors = group_results(records)
    cache: dict[tuple, Document | SpundetectError] = {}

    def read(path: str, sha256: str | None, doc_id: int | None) -> Document:
        if index is not None and doc_id is not None and sha256:
            stored = index.documents([doc_id]).get(doc_id)
            if stored is not None and stored.name == path and stored.sha256 == sha256:
                return stored
        return open_document(path, base, sha256)

    def load(path: str, sha256: str | None, doc_id: int | None) -> Document:
        key = (path, sha256, doc_id)
        if key not in cache:
            try:
                cache[key] = read(path, sha256, doc_id)
            except SpundetectError as err:
                cache[key] = err
        found = cache[key]
        if isinstance(found, SpundetectError):
            raise found
        return found

    anchors = [f"suspect-{k}" for k in range(1, len(entries) + 1)]
    rows = table_rows(entries)
    plural = {"copy": "copies"}
    counts = []
    for v in VERDICTS:
        n = sum(e.verdict == v for e in entries)
        counts.append(f"{n} {plural.get(v, v) if n != 1 else v}")
    title = f"spundetect report: {len(entries)} suspect{'' if len(entries) == 1 else 's'}"
    source = f" from <span class=path>{esc_name(results_name)}</span>" if results_name else ""
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" "
        f"content=\"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}\">",
        f"<title>{esc(title)}</title><style>{CSS}{TABLE_CSS}</style></head><body>",
        "<main>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Made by spundetect {esc(__version__)}{source}: '
        f"{', '.join(counts)}; {len(errors)} input{'' if len(errors) == 1 else 's'} "
        "could not be scored"
        + (f"; {len(problems)} record{'' if len(problems) == 1 else 's'} of the results "
           "skipped as malformed" if problems else "") + ".</p>",
        problems_html(problems) if problems else "",
        LEGEND,
        '<p class="toggle"><input type="checkbox" id="inline-originals"> '
        '<label for="inline-originals">write the original word after every swap '
        "(printing always does)</label></p>",
        '<section id="summary"><h2>Suspects</h2>', table_html(rows, anchors), "</section>",
        # right after the table, so that it sorts and filters before the rest has loaded
        f"<script>{SCRIPT}</script>",
    ]
    if errors:
        parts.append(errors_html(errors))
    parts.extend(suspect_html(e, a, load, fold=k >= OPEN_SECTIONS)
                 for k, (e, a) in enumerate(zip(entries, anchors, strict=True)))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
