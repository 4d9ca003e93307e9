"""Results files read back: JSON Lines of `pairs` or `scan`, or `score --json`, checked record by
record and merged into one entry per suspect for the report."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from detector.errors import InputError
from detector.results import DERIVED, VERDICTS
from detector.text import Document, read_utf8


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
    text = read_utf8(path, kind="results file")
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
