"""Results files read back: JSON Lines of `pairs` or `scan`, or `score --json`, checked record by
record and merged into one entry per suspect for the report."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from detector.display import unshown
from detector.errors import InputError
from detector.fetch import PageCache, default_cache_dir, is_url
from detector.results import DERIVED, VERDICTS
from detector.text import Document, decode, read_bytes, read_utf8, sha256_of
from detector.verdict import derived_probability


@dataclass
class SuspectEntry:
    """Every result about one suspect, merged: its verdict, best original and the evidence.

    `sources` lists every candidate the suspect derives from (spun, rewritten or copied); more
    than one means a stitched suspect, made from several articles. `suspect_sha256` and `hashes`
    (original -> SHA-256) are the files' hashes when they were scored; `ids` maps an original
    to its id in the reference index a scan used.
    """

    suspect: str
    verdict: str
    score: float
    original: str | None
    probabilities: dict[str, float] = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)
    suspect_sha256: str | None = None
    hashes: dict[str, str | None] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

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


@dataclass
class Results:
    """A results file read back: the usable records, and one line per record skipped."""

    records: list[dict]
    problems: list[str] = field(default_factory=list)  # "line 7: evidence is not an object"


def load_results(path: str | Path) -> Results:
    """Records from a results file: JSON Lines (`pairs`, `scan`) or one JSON object or list
    (`score --json`), each checked against the fields the report uses.

    A record that is not JSON, nested too deeply or not of the shape spundetect writes is
    skipped and named in `problems`. Raises `InputError` with a one-line reason for a file that
    cannot be read, is empty, or holds no usable record at all.
    """
    path = Path(path)
    text = read_utf8(path, kind="results file")
    if not text.strip():
        raise InputError(f"{path}: results file is empty")
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        numbered = [(f"line {number}", *_parse(line))
                    for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    else:
        items = whole if isinstance(whole, list) else [whole]
        where = "record" if isinstance(whole, list) else "line"
        numbered = [(f"{where} {k}", item, None) for k, item in enumerate(items, start=1)]
    results = check_records(numbered)
    if not results.records:
        raise InputError(f"{path}: no spundetect result in it{_why(results.problems)}; "
                         "expected the JSON Lines that `spundetect pairs` or `spundetect scan` "
                         "write")
    return results


def check_records(numbered: Iterable[tuple[str, object, str | None]]) -> Results:
    """Of (where, record, problem found reading it) triples, the records that pass
    `check_record`, and the others in `problems` ("line 3: not JSON")."""
    records, problems = [], []
    for where, record, problem in numbered:
        problem = problem or check_record(record)
        if problem:
            problems.append(f"{where}: {problem}")
        else:
            records.append(record)
    return Results(records, problems)


def no_records(what: str, problems: list[str]) -> InputError:
    """The error for records of which none passed: `what` ("no spundetect result among the
    records given") and the first problem."""
    return InputError(f"{what}{_why(problems)}")


def _why(problems: list[str]) -> str:
    """" (line 1: not JSON and 2 more)", or "" for no problem."""
    if not problems:
        return ""
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return f" ({problems[0]}{more})"


def _parse(line: str) -> tuple[object, str | None]:
    """One line's JSON value, or None and why it cannot be read."""
    try:
        return json.loads(line), None
    except ValueError:
        return None, "not JSON"
    except RecursionError:
        return None, "nested too deeply to read"


# --- the shape of a record: each field the report reads, and what it must be -------------------

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_share(value: object) -> bool:
    return _is_number(value) and 0 <= value <= 1


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_name(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _or_null(check):
    return lambda value: value is None or check(value)


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _is_probabilities(value: object) -> bool:
    return isinstance(value, dict) and all(_is_share(v) for v in value.values())


def _is_swaps(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(w, str) for w in s)
        for s in value)


# (field, required, check, what it must be); checked in this order, the first failure named.
RESULT_FIELDS = (
    ("suspect", True, _is_name, "a file name"),
    ("verdict", True, lambda v: v in VERDICTS, f"one of {', '.join(VERDICTS)} or error"),
    ("score", True, _is_share, "a number from 0 to 1"),
    ("original", False, _or_null(_is_name), "a file name or null"),
    ("source", False, _or_null(_is_name), "a file name or null"),
    ("probabilities", False, _is_probabilities, "an object of numbers from 0 to 1"),
    ("evidence", False, lambda v: isinstance(v, dict), "an object"),
    ("candidates", False, lambda v: isinstance(v, list), "a list"),
    ("suspect_sha256", False, _or_null(_is_sha256), "a SHA-256 in hex or null"),
    ("original_sha256", False, _or_null(_is_sha256), "a SHA-256 in hex or null"),
    ("source_id", False, _or_null(_is_count), "an index id or null"),
)
EVIDENCE_FIELDS = (
    ("swaps", False, _is_swaps, "a list of [from, to] pairs of strings"),
    ("n_swaps", False, _is_count, "a whole number of at least 0"),
    *((share, False, _is_share, "a number from 0 to 1") for share in (
        "aligned_share", "original_aligned_share", "verbatim_share", "substitution_rate",
        "synonym_share", "paragraphs_derived")),
)
CANDIDATE_FIELDS = (
    ("original", True, _is_name, "a file name"),
    ("score", True, _is_share, "a number from 0 to 1"),
    ("verdict", True, lambda v: v in VERDICTS, f"one of {', '.join(VERDICTS)}"),
    ("sha256", False, _or_null(_is_sha256), "a SHA-256 in hex or null"),
    ("id", False, _or_null(_is_count), "an index id or null"),
)
ERROR_FIELDS = (
    ("error", True, lambda v: isinstance(v, str), "a string"),
    ("suspect", False, _or_null(lambda v: isinstance(v, str)), "a file name or null"),
    ("original", False, _or_null(lambda v: isinstance(v, str)), "a file name or null"),
)


def _check_fields(record: dict, fields: tuple, prefix: str = "") -> str | None:
    for name, required, check, what in fields:
        if name not in record:
            if required:
                return f"{prefix}{name} is missing"
        elif not check(record[name]):
            return f"{prefix}{name} is not {what}"
    return None


def check_record(record: object) -> str | None:
    """What is wrong with a results record, in a few words ("evidence is not an object"), or
    None when it has the shape spundetect writes. Only fields the report reads are checked."""
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("verdict") == "error":
        return _check_fields(record, ERROR_FIELDS)
    problem = _check_fields(record, RESULT_FIELDS)
    if problem:
        return problem
    problem = _check_fields(record.get("evidence", {}), EVIDENCE_FIELDS, "evidence.")
    if problem:
        return problem
    for k, candidate in enumerate(record.get("candidates", []), start=1):
        if not isinstance(candidate, dict):
            return f"candidates[{k}] is not an object"
        problem = _check_fields(candidate, CANDIDATE_FIELDS, f"candidates[{k}].")
        if problem:
            return problem
    return None


def _derived_probability(record: dict) -> float:
    probabilities = record.get("probabilities") or {}
    if probabilities:
        return derived_probability(probabilities)
    return 1.0 if record.get("verdict") in DERIVED else 0.0


def _candidate(record: dict, sha256_key: str = "sha256") -> dict:
    """A candidate original as the report lists it (from a `scan` candidate or a `pairs`
    record, whose original's hash is `original_sha256`)."""
    return {"original": record["original"], "score": float(record["score"]),
            "verdict": record["verdict"], "sha256": record.get(sha256_key),
            "id": record.get("id")}


def group_results(records: Iterable[dict]) -> tuple[list[SuspectEntry], list[dict]]:
    """One entry per suspect (best first, in the order of `VERDICTS`; then by score),
    and the error records, in file order. The records must have passed `check_record`.

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
        listed = record.get("candidates") or (
            [_candidate(record, "original_sha256")] if record.get("original") else [])
        for c in listed:
            known.setdefault(c["original"], _candidate(c))
        best = tops.get(name)
        if best is None or (_derived_probability(record), record["score"]) > (
            _derived_probability(best), best["score"]
        ):
            tops[name] = record
    entries = []
    for name, top in tops.items():
        ranked = sorted(candidates[name].values(),
                        key=lambda c: (_rank(c["verdict"]), -c["score"]))
        hashes = {c["original"]: c["sha256"] for c in ranked}
        if top.get("original") and hashes.get(top["original"]) is None:
            hashes[top["original"]] = top.get("original_sha256")
        entries.append(SuspectEntry(
            suspect=name,
            verdict=top["verdict"],
            score=float(top["score"]),
            original=top.get("original"),
            probabilities={k: float(v) for k, v in (top.get("probabilities") or {}).items()},
            evidence=top.get("evidence") or {},
            candidates=ranked,
            suspect_sha256=top.get("suspect_sha256"),
            hashes=hashes,
            ids={c["original"]: c["id"] for c in ranked if c["id"] is not None},
        ))
    entries.sort(key=lambda e: (_rank(e.verdict), -e.score, e.suspect))
    return entries, errors


def _rank(verdict: str) -> int:
    return VERDICTS.index(verdict) if verdict in VERDICTS else len(VERDICTS)


def named_files(records: Iterable[dict], base: Path | None = None) -> Iterator[Path]:
    """Every file the records name (suspects, originals, candidates), where `open_document`
    looks for it: as written (and the name it escapes), and relative to `base`."""
    for record in records:
        names = [record.get("suspect"), record.get("original"),
                 *(c.get("original") for c in record.get("candidates") or ()
                   if isinstance(c, dict))]
        for name in names:
            if isinstance(name, str) and name and not is_url(name):
                yield from _places(name, base)


def _places(path: str, base: Path | None) -> list[Path]:
    """Where a file a record names is looked for: as written, and the name it escapes
    (`display.unshown`), each relative to the current folder and then to `base`."""
    places: list[Path] = []
    for spelt in dict.fromkeys((path, unshown(path))):
        given = Path(spelt)
        places += [given] if given.is_absolute() or base is None else [given, base / given]
    return places


def open_document(path: str, base: Path | None = None, sha256: str | None = None) -> Document:
    """The file a results record names, only if it is the file that was scored.

    `sha256` is the hash the record holds for it: the file's bytes must still hash to it, so a
    results file from elsewhere cannot put a local file (`/etc/passwd`) into a report. A
    relative path is tried as given, then relative to `base` (the results file's folder).
    Raises `InputError` saying why the text is not shown.
    """
    if not sha256:
        raise InputError(f"{path}: the results hold no SHA-256 of the file scored (written "
                         "by an older spundetect); score it again to see it")
    if is_url(path):  # a fetched page: shown from the page cache, never fetched again here
        cached = PageCache(default_cache_dir()).document(path, sha256)
        if cached is None:
            raise InputError(f"{path}: not in the page cache as it was scored; score it "
                             "again to see it")
        return cached
    seen: InputError | None = None
    for place in _places(path, base):
        if not place.exists():
            continue
        if not place.is_file():  # a FIFO or a device could block or never end
            seen = InputError(f"{path}: not a regular file")
            continue
        try:
            data = read_bytes(place)
        except InputError as err:
            seen = err
            continue
        if sha256_of(data) == sha256:
            return Document(decode(data, path), name=path, sha256=sha256)
        seen = InputError(f"{path}: file changed or not the one scored (its SHA-256 is not "
                          "the one in the results)")
    raise seen or InputError(f"{path}: no such file")
