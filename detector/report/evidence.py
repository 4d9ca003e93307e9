"""What a person can check, in any output format: the suspect's text cut into marked stretches
(verbatim, swapped, added, unmatched), each suspect paragraph paired with the original paragraph
it came from, results files read back and grouped per suspect, and the numbers behind a verdict
said in plain words.

`detector.report.html` (HTML) and `detector.report.terminal` (terminal) only format what
this module finds.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from detector.align import Alignment
from detector.errors import InputError
from detector.lexicon import FILLERS
from detector.results import DERIVED, VERDICTS
from detector.text import Document

MIN_PARAGRAPH_SHARE = 0.5  # a suspect paragraph "comes from" an original paragraph above this


# --- stretches of text ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of one paragraph.

    `kind` is an alignment block kind (`equal`, `swap`, `insert`, `delete`, `gap`) for words,
    or "" for the spaces and punctuation between them; `other` is, for a swap, the other side's
    words (what the suspect replaced, or what replaced the original's).
    """

    text: str
    kind: str = ""
    other: str = ""

    @property
    def is_filler(self) -> bool:
        """An inserted stretch made only of padding words ("actually", "really")."""
        words = self.text.lower().split()
        return self.kind == "insert" and bool(words) and all(w in FILLERS for w in words)


def paragraph_spans(doc: Document) -> list[tuple[int, int]]:
    """(start, end) character offsets of each paragraph in `doc.text`."""
    spans, offset = [], 0
    for paragraph in doc.paragraphs:
        offset = doc.text.find(paragraph, offset)
        spans.append((offset, offset + len(paragraph)))
        offset += len(paragraph)
    return spans


def _block_of_token(alignment: Alignment, side: str) -> list[int]:
    n = len((alignment.suspect if side == "suspect" else alignment.original).tokens)
    out = [-1] * n
    for k, b in enumerate(alignment.blocks):
        lo, hi = (b.j1, b.j2) if side == "suspect" else (b.i1, b.i2)
        for t in range(lo, hi):
            out[t] = k
    return out


def segments(alignment: Alignment, paragraph: int, side: str = "suspect") -> list[Segment]:
    """One paragraph of the suspect (or original) as marked stretches, text exactly as written.

    Neighbouring tokens of one alignment block form one stretch, so "considering that" is one
    swap and a verbatim run is one stretch, punctuation inside it included.
    """
    doc = alignment.suspect if side == "suspect" else alignment.original
    other_tokens = (alignment.original if side == "suspect" else alignment.suspect).tokens
    memo = alignment.__dict__.setdefault("_segment_memo", {})
    if side not in memo:  # computed once per side, not once per paragraph
        by_paragraph: list[list[int]] = [[] for _ in doc.paragraphs]
        for k, t in enumerate(doc.tokens):
            by_paragraph[t.paragraph].append(k)
        memo[side] = (_block_of_token(alignment, side), paragraph_spans(doc), by_paragraph)
    block_of, spans, by_paragraph = memo[side]
    start, end = spans[paragraph]
    indices = by_paragraph[paragraph]
    out: list[Segment] = []
    cursor = start
    for block, group in groupby(indices, key=block_of.__getitem__):
        toks = [doc.tokens[k] for k in group]
        first, last = toks[0], toks[-1]
        if first.start > cursor:
            out.append(Segment(doc.text[cursor : first.start]))
        stop = last.start + len(last.text)
        b = alignment.blocks[block] if block >= 0 else None
        kind = b.kind if b else "gap"
        other = ""
        if b and kind == "swap":
            lo, hi = (b.i1, b.i2) if side == "suspect" else (b.j1, b.j2)
            other = " ".join(t.text for t in other_tokens[lo:hi])
        out.append(Segment(doc.text[first.start : stop], kind, other))
        cursor = stop
    if cursor < end:
        out.append(Segment(doc.text[cursor:end]))
    return out


# --- paragraph to paragraph ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphMatch:
    """A suspect paragraph and the original paragraph most of its aligned tokens map to.

    `original` is None when no original paragraph gets at least `MIN_PARAGRAPH_SHARE` of the
    paragraph's tokens (text with no counterpart); `source` says which of several alignments
    (a stitched suspect's sources) it came from.
    """

    suspect: int
    original: int | None
    share: float
    source: int = 0


def match_paragraphs(
    alignments: Sequence[Alignment], min_share: float = MIN_PARAGRAPH_SHARE
) -> list[ParagraphMatch]:
    """Pair each suspect paragraph with its original paragraph, among one or several sources.

    All alignments share the same suspect; each paragraph goes to the source whose best
    paragraph takes the largest share of its tokens.
    """
    suspect = alignments[0].suspect
    sizes = Counter(t.paragraph for t in suspect.tokens)
    best: dict[int, ParagraphMatch] = {}
    for source, alignment in enumerate(alignments):
        votes: dict[int, Counter[int]] = {}
        o_tokens = alignment.original.tokens
        for j, i in enumerate(alignment.suspect_to_original):
            if i >= 0:
                votes.setdefault(suspect.tokens[j].paragraph, Counter())[o_tokens[i].paragraph] += 1
        for p, counter in votes.items():
            o_par, n = counter.most_common(1)[0]
            share = n / sizes[p]
            if p not in best or share > best[p].share:
                best[p] = ParagraphMatch(p, o_par, share, source)
    out = []
    for p in range(len(suspect.paragraphs)):
        m = best.get(p)
        if m is None or m.share < min_share:
            out.append(ParagraphMatch(p, None, m.share if m else 0.0, m.source if m else 0))
        else:
            out.append(m)
    return out


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side view: a suspect paragraph, an original paragraph, or both.

    `repeated` marks an original paragraph already shown on an earlier row (two suspect
    paragraphs made from one original paragraph).
    """

    suspect: int | None
    source: int | None
    original: int | None
    repeated: bool = False


def side_by_side(matches: Sequence[ParagraphMatch], n_original: Sequence[int]) -> list[Row]:
    """Rows in suspect order, with each source's unused paragraphs slotted in where they stand.

    `n_original` is the number of paragraphs of each source.
    """
    used = {(m.source, m.original) for m in matches if m.original is not None}
    shown: set[tuple[int, int]] = set()
    next_unused = [0] * len(n_original)
    rows: list[Row] = []

    def unused_until(source: int, stop: int) -> None:
        for o in range(next_unused[source], stop):
            if (source, o) not in used and (source, o) not in shown:
                rows.append(Row(None, source, o))
                shown.add((source, o))
        next_unused[source] = max(next_unused[source], stop)

    for m in matches:
        if m.original is None:
            rows.append(Row(m.suspect, None, None))
            continue
        unused_until(m.source, m.original)
        rows.append(Row(m.suspect, m.source, m.original, (m.source, m.original) in shown))
        shown.add((m.source, m.original))
    for source, n in enumerate(n_original):
        unused_until(source, n)
    return rows


# --- results files ------------------------------------------------------------------------------


@dataclass
class SuspectEntry:
    """Every result about one suspect, merged: its verdict, best original and the evidence.

    `sources` lists every candidate the suspect derives from (spun or copied); more than one
    means a stitched suspect, made from several articles.
    """

    suspect: str
    verdict: str
    score: float
    original: str | None
    probabilities: dict[str, float] = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)

    @property
    def derived(self) -> bool:
        return self.verdict in DERIVED

    @property
    def source(self) -> str | None:
        """The best original when the suspect derives from it."""
        return self.original if self.derived else None

    @property
    def sources(self) -> list[str]:
        found = [c["original"] for c in self.candidates if c.get("verdict") in DERIVED]
        if self.source and self.source not in found:
            found.insert(0, self.source)
        return found


def load_results(path: str | Path) -> list[dict]:
    """Records from a results file: JSON Lines (`pairs`, `scan`) or one JSON object or list
    (`score --json`). Raises `InputError` with a one-line reason for an unusable file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such results file") from err
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a directory, expected a results file") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: results file is not valid UTF-8") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    if not text.strip():
        raise InputError(f"{path}: results file is empty")
    try:
        whole = json.loads(text)
        records = whole if isinstance(whole, list) else [whole]
        numbered = list(enumerate(records, start=1))
        where = "record" if isinstance(whole, list) else "line"
    except ValueError:
        numbered, where = [], "line"
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((number, json.loads(line)))
            except ValueError:
                raise InputError(
                    f"{path}: line {number} is not JSON; expected the JSON Lines that "
                    "`spundetect pairs` or `spundetect scan` write"
                ) from None
    for number, record in numbered:
        _check_record(record, f"{path}: {where} {number}")
    return [record for _, record in numbered]


def _check_record(record: object, where: str) -> None:
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, not {type(record).__name__}")
    if record.get("verdict") == "error":
        return
    for key, kind in (("suspect", str), ("verdict", str), ("score", (int, float))):
        if not isinstance(record.get(key), kind):
            raise InputError(f"{where}: not a spundetect result (no valid {key!r})")
    if not math.isfinite(record["score"]):
        raise InputError(f"{where}: score is not a number")


def _derived_probability(record: dict) -> float:
    probabilities = record.get("probabilities") or {}
    if probabilities:
        return sum(float(probabilities.get(k, 0.0)) for k in DERIVED)
    return 1.0 if record.get("verdict") in DERIVED else 0.0


def _candidate(record: dict) -> dict:
    score = record.get("score")
    return {"original": str(record.get("original")),
            "score": float(score) if isinstance(score, int | float) else 0.0,
            "verdict": str(record.get("verdict", ""))}


def group_results(records: Iterable[dict]) -> tuple[list[SuspectEntry], list[dict]]:
    """One entry per suspect (best first: spun, copy, independent, unrelated; then by score),
    and the error records, in file order.

    Records from `pairs` (one per suspect/original line) are merged by suspect; a `scan`
    record already carries its candidates.
    """
    errors: list[dict] = []
    tops: dict[str, dict] = {}
    candidates: dict[str, dict[str, dict]] = {}
    for record in records:
        if record.get("verdict") == "error":
            errors.append(record)
            continue
        name = record["suspect"]
        known = candidates.setdefault(name, {})
        for c in record.get("candidates") or [_candidate(record)]:
            if isinstance(c, dict) and c.get("original") is not None:
                known.setdefault(str(c["original"]), _candidate(c))
        best = tops.get(name)
        if best is None or (_derived_probability(record), record["score"]) > (
            _derived_probability(best), best["score"]
        ):
            tops[name] = record
    entries = []
    for name, top in tops.items():
        ranked = sorted(candidates[name].values(),
                        key=lambda c: (_rank(c["verdict"]), -c["score"]))
        entries.append(SuspectEntry(
            suspect=name,
            verdict=top["verdict"],
            score=float(top["score"]),
            original=top.get("original"),
            probabilities={k: float(v) for k, v in (top.get("probabilities") or {}).items()
                           if isinstance(v, int | float)},
            evidence=top.get("evidence") or {},
            candidates=ranked,
        ))
    entries.sort(key=lambda e: (_rank(e.verdict), -e.score, e.suspect))
    return entries, errors


def _rank(verdict: str) -> int:
    return VERDICTS.index(verdict) if verdict in VERDICTS else len(VERDICTS)


def open_document(path: str, base: Path | None = None) -> Document:
    """Read a file a results record names: as given, else relative to the results file."""
    from detector.text import read_document

    candidate = Path(path)
    if not candidate.exists() and base is not None and not candidate.is_absolute():
        alt = base / candidate
        if alt.exists():
            return Document(read_document(alt).text, name=path)
    return read_document(candidate)


# --- the numbers in plain words -----------------------------------------------------------------

_VERDICT_WORDS = {
    "spun": "a machine-spun copy",
    "copy": "a plain copy",
    "independent": "an independent report of the same news",
    "unrelated": "an unrelated article",
}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _probability(x: float) -> str:
    """A percentage that never rounds a doubt away: 0.996 is "over 99%", not "100%"."""
    if 0 < x < 0.005:
        return "under 1%"
    if 0.995 <= x < 1:
        return "over 99%"
    return _pct(x)


def explain(entry: SuspectEntry, matches: Sequence[ParagraphMatch] | None = None,
            source_names: Sequence[str] = ()) -> list[str]:
    """The numbers behind a verdict as sentences a non-specialist can check against the text.

    `matches` (from `match_paragraphs`) adds the paragraph counts seen in the side-by-side view;
    `source_names` names the sources of a stitched suspect.
    """
    ev, lines = entry.evidence, []
    p = entry.probabilities
    if p:
        ranked = sorted(((v, k) for k, v in p.items() if k in _VERDICT_WORDS), reverse=True)
        said = ", ".join(f"{_probability(v)} {_VERDICT_WORDS[k]}" for v, k in ranked)
        lines.append(f"The model's probabilities: {said}.")
    if not ev:
        return lines
    aligned = ev.get("aligned_share", 0.0)
    sentence = f"{_pct(aligned)} of the suspect's words line up with the original in the same order"
    if aligned < 0.5:
        sentence += ("; an article written independently shares names, numbers and quotes "
                     "but few stretches of text")
    lines.append(sentence + ".")
    n_swaps = ev.get("n_swaps", len(ev.get("swaps", [])))
    if aligned >= 0.2:
        verbatim = ev.get("verbatim_share", 0.0)
        rate = ev.get("substitution_rate", 0.0)
        lines.append(
            f"Of the original's words that line up, {_pct(rate)} were swapped for other words "
            f"({n_swaps} swap{'' if n_swaps == 1 else 's'}), leaving {_pct(verbatim)} of the "
            "suspect word for word as in the original. A plain copy swaps next to nothing; "
            "article spinners swap roughly 10% to 70%."
        )
        if n_swaps:
            synonyms = ev.get("synonym_share", 0.0)
            example = next((f"“{a}” became “{b}”" for a, b in ev.get("swaps", [])
                            if " " not in a and " " not in b), "")
            lines.append(
                f"{_pct(synonyms)} of the one-word swaps are dictionary synonyms (WordNet), "
                "the mark of a thesaurus run over the text rather than a rewrite by a person"
                + (f"; for example {example}." if example else ".")
            )
    if matches:
        n = len(matches)
        kept = sum(m.original is not None for m in matches)
        lines.append(
            f"{kept} of the suspect's {n} paragraphs match a paragraph of the original; "
            f"{n - kept} have no counterpart there (greyed below)."
        )
        if len(source_names) > 1:
            counts = Counter(m.source for m in matches if m.original is not None)
            parts = [f"{counts.get(k, 0)} from {name}" for k, name in enumerate(source_names)]
            lines.append("The paragraphs come from several articles: " + ", ".join(parts) + ".")
    elif "paragraphs_derived" in ev:
        lines.append(f"{_pct(ev['paragraphs_derived'])} of the suspect's paragraphs come mostly "
                     "from the original.")
    return lines
