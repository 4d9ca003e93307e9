"""Scan a folder of suspects against a reference index: retrieve candidates, then score them.

For each suspect this process reads the file, retrieves the top-k originals from the index
(a few milliseconds) and ships the suspect's text with the candidates' stored texts as one
task; workers (local processes or a Dask cluster) run the pairwise model on those k pairs and
return one record. Records stream back as suspects finish. Workers need neither the index
nor the files, only spundetect itself, so a cluster needs no shared filesystem.

Suspects may also be given as a list of paths and `http(s)://` URLs (`scan --urls`): URLs are
fetched here, in this process, one at a time (`detector.fetch`).

Every suspect record carries `name`, the suspect's path inside the scanned folder, or the
path or URL as listed (undecodable bytes and controls escaped as `display.name_of` writes
them). That is what `--resume` matches on, so a scan can be continued from any working
folder. `resume_state` reads what an earlier, killed scan wrote and refuses a file that scan
did not write, changing nothing; `cut_torn_line` then drops an incomplete last line, so each
remaining suspect is scored once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from detector.api import Detector
from detector.display import name_of
from detector.errors import InputError, SpundetectError
from detector.fetch import Fetcher, is_url, read_input
from detector.index.store import Candidate, ReferenceIndex
from detector.model import CompactModel
from detector.results import SuspectResult, error_record
from detector.text import Document, read_bytes

DEFAULT_TOP_K = 10  # candidates scored a suspect: the originals that share most anchors


def check_top_k(top_k: int) -> None:
    """Refuse a number of candidates below one (`--top-k`, `top_k=`)."""
    if top_k < 1:
        raise InputError(f"top k (--top-k) must be at least 1, got {top_k}")


@dataclass(frozen=True)
class ScanTask:
    """One suspect and its candidates' stored texts: everything a worker needs to score it."""

    suspect: str
    text: str | None
    error: str | None = None
    candidates: tuple[tuple[int, str, str, float], ...] = ()  # (id, path, text, retrieval)
    sha256: str = ""  # of the suspect's bytes
    candidate_sha256: tuple[str, ...] = ()  # of each candidate's bytes when it was indexed
    name: str | None = None  # the path inside the scanned folder (`suspect_name`)


@dataclass
class ResumeState:
    """What an earlier run of the same scan already wrote."""

    done: set[str] = field(default_factory=set)  # `name` of each suspect with a record
    originals_reported: set[str] = field(default_factory=set)  # unreadable originals recorded
    records: list[Earlier] = field(default_factory=list)  # what each record said, in order
    complete_bytes: int = 0  # length of the complete lines
    torn: bytes = b""  # the incomplete last line (`cut_torn_line` drops it; an undo puts it back)

    @property
    def torn_bytes(self) -> int:
        return len(self.torn)

    def of(self, names: set[str]) -> list[Earlier]:
        """The records of the suspects named `names` (those of a scan resumed with other
        suspects are left out), and those of unreadable originals."""
        return [r for r in self.records if r.name is None or r.name in names]


class Earlier(NamedTuple):
    """What a record an earlier run wrote says, for a resumed scan's counts and table."""

    name: str | None  # the suspect's `name`; None for an unreadable original's error record
    verdict: str
    language: str | None
    entry: object = None  # `entry(record)` (`resume_state`), when given


@dataclass(frozen=True)
class IndexedResult(SuspectResult):
    """A suspect scored against originals retrieved from an index; its record also gives
    `source_id` and, per candidate, the index `id` and `retrieval` score."""

    retrieved: dict[str, tuple[int, float]] = field(default_factory=dict)  # path -> (id, score)

    def to_record(self) -> dict:
        record = super().to_record()
        ids = self.retrieved
        record["source_id"] = ids[record["source"]][0] if record["source"] in ids else None
        for cand in record["candidates"]:
            cand["id"], cand["retrieval"] = ids.get(cand["original"], (None, None))
        return record


def suspect_name(path: Path | str, root: Path | None) -> str:
    """A suspect's path inside the scanned folder, as records write it: the same from any
    working folder and for any spelling of the folder (`suspects/`, `../a/suspects`). A
    suspect from a list (a string: a URL or a path) is named as listed.

    It is what `--resume` matches on, so two files never share one: a backslash is doubled
    before `shown` escapes controls, and a file literally named `a\\x1b.txt` is not taken
    for `a<ESC>.txt` (shown `a\\x1b.txt`)."""
    text = str(path) if isinstance(path, str) or root is None \
        else path.relative_to(root).as_posix()
    return name_of(text)


def own_path(suspect: Path | str) -> str | None:
    """How an index names the suspect's own file (`ingest.stored_path`), None for a URL: a
    suspect that is also an original of the index is never its own candidate (a folder
    scanned against an index of itself finds each file's sources, not the file)."""
    if isinstance(suspect, str) and is_url(suspect):
        return None
    from detector.index.ingest import stored_path

    return stored_path(Path(suspect))


def retrieve(doc: Document, index: ReferenceIndex, top_k: int, own: str | None = None
             ) -> list[tuple[Candidate, Document]]:
    """The top-k originals of the index for `doc`, each with its stored text, best first;
    the original stored under `own` (the suspect's own file, `own_path`) left out."""
    found = [c for c in index.candidates(doc, top_k + (own is not None))
             if c.path != own][:top_k]
    stored = index.documents(c.id for c in found)
    return [(c, stored[c.id]) for c in found if c.id in stored]


def score_retrieved(detector: Detector, suspect: Document,
                    retrieved: list[tuple[Candidate, Document]], *,
                    passages: Literal["all", "best"] = "all") -> IndexedResult:
    """Score a suspect against what `retrieve` found for it (`passages`: as in
    `Detector.score_suspect`)."""
    result = detector.score_suspect(suspect, [Document(d.text, name=c.path, sha256=d.sha256)
                                              for c, d in retrieved], passages=passages)
    return IndexedResult(result.suspect, result.candidates, result.suspect_sha256,
                         language=result.language,
                         retrieved={c.path: (c.id, round(c.score, 3)) for c, _ in retrieved})


def make_tasks(paths: Iterable[Path | str], index: ReferenceIndex, top_k: int,
               root: Path | None = None, fetcher: Fetcher | None = None) -> Iterator[ScanTask]:
    """Read (or fetch) each suspect and retrieve its candidates (in this process, lazily).

    A suspect is named (`ScanTask.name`) inside `root`, or as listed when it is a string.
    """
    for path in paths:
        suspect = str(path)
        name = suspect_name(path, root) if root is not None or isinstance(path, str) else None
        try:
            doc = read_input(path, fetcher)
        except SpundetectError as err:
            yield ScanTask(suspect, None, str(err), name=name)
            continue
        kept = retrieve(doc, index, top_k, own_path(path))
        yield ScanTask(suspect, doc.text, None,
                       tuple((c.id, c.path, d.text, round(c.score, 3)) for c, d in kept),
                       sha256=doc.sha256, candidate_sha256=tuple(d.sha256 for _, d in kept),
                       name=name)


_worker_detectors: dict[int, Detector] = {}


@lru_cache(maxsize=256)
def _original(path: str, text: str, sha256: str) -> Document:
    """A candidate as a `Document`, one per worker for every suspect it is retrieved for:
    suspects about one story share candidates, and a candidate's per-document analysis
    (`detector.analysis`: tokens, n-grams, sentence bags) is then done once, not per suspect."""
    return Document(text, name=path, sha256=sha256)


def _detector_for(context: Detector | CompactModel) -> Detector:
    """The context itself when a detector was inherited; else one built once per worker."""
    if isinstance(context, Detector):
        return context
    key = id(context)
    if key not in _worker_detectors:
        _worker_detectors.clear()
        _worker_detectors[key] = Detector(model=context)
    return _worker_detectors[key]


def score_task(task: ScanTask, context: Detector | CompactModel) -> dict:
    """Score one suspect against its candidates; errors become error records, never raise."""
    named = {"suspect": task.suspect} | ({"name": task.name} if task.name is not None else {})
    if task.error is not None:
        return error_record(task.error, **named, source=None)
    try:
        suspect = Document(task.text or "", name=task.suspect, sha256=task.sha256)
        hashes = task.candidate_sha256 or ("",) * len(task.candidates)
        originals = [_original(path, text, sha)
                     for (_, path, text, _), sha in zip(task.candidates, hashes, strict=True)]
        result = _detector_for(context).score_suspect(suspect, originals, passages="best")
        ids = {path: (doc_id, retrieval) for doc_id, path, _, retrieval in task.candidates}
        return named | IndexedResult(result.suspect, result.candidates, result.suspect_sha256,
                                     language=result.language, retrieved=ids).to_record()
    except SpundetectError as err:
        return error_record(str(err), **named, source=None)
    except Exception as err:  # a bug on one odd page must not end a scan of thousands
        return error_record(f"{task.suspect}: internal error ({type(err).__name__}: {err})",
                            **named, source=None)


def scan(
    paths: Iterable[Path | str],
    index: ReferenceIndex,
    detector: Detector,
    *,
    top_k: int = DEFAULT_TOP_K,
    jobs: int | None = None,
    scheduler: str | None = None,
    root: Path | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[dict]:
    """One record per suspect, as each finishes (order is not kept with several jobs).

    With `root`, the folder the paths were listed from, each record carries the suspect's
    `name` inside it (what `--resume` matches on); a suspect given as a string (a URL or a
    path from a list) is named as given. URLs are fetched with `fetcher`.
    """
    from detector.parallel import pmap

    check_top_k(top_k)
    context = detector.model if scheduler else detector
    yield from pmap(score_task, make_tasks(paths, index, top_k, root, fetcher), context=context,
                    jobs=jobs, scheduler=scheduler)


def resume_state(path: Path, entry: Callable[[dict], object] | None = None) -> ResumeState:
    """What an earlier scan wrote to `path`, read without changing a byte of it; with `entry`,
    what it makes of each record is kept with it (`Earlier.entry`: what a table lists).

    Every complete line must be a record `scan` writes: a suspect's (with its `name`) or an
    unreadable original's error record. Anything else (notes, an index, `pairs` output, a
    scan written before records had a `name`) is refused with an `InputError`. Only the last
    line may be incomplete (a kill during a write); `cut_torn_line` drops it.
    """
    state = ResumeState()
    if not path.exists():
        return state
    if not path.is_file():
        raise InputError(f"{path}: not a file; --resume continues the file a scan wrote")
    data = read_bytes(path, kind="scan output", limit=sys.maxsize)  # a long scan's, however big
    end = data.rfind(b"\n") + 1
    state.complete_bytes, state.torn = end, data[end:]
    lines = data[:end].splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:  # also bytes that are not UTF-8
            raise _not_a_scan(path, number, "not JSON") from None
        if not isinstance(record, dict) or record.get("verdict") is None:
            raise _not_a_scan(path, number, "not a result record")
        if "suspect" in record:
            if not isinstance(record.get("name"), str):
                raise _not_a_scan(path, number, "a result without the `name` scan records "
                                                "carry (`pairs` output, or an older scan)")
            state.done.add(record["name"])
        elif record.get("verdict") == "error" and isinstance(record.get("original"), str):
            state.originals_reported.add(record["original"])
        else:
            raise _not_a_scan(path, number, "neither a suspect's record nor an original's "
                                            "error record")
        language = record.get("language")
        state.records.append(Earlier(
            record["name"] if "suspect" in record else None, str(record.get("verdict")),
            language if isinstance(language, str) else None,
            entry(record) if entry is not None else None))
    torn = state.torn
    if torn and not any(torn.startswith(s) or s.startswith(torn) for s in _RECORD_STARTS):
        raise _not_a_scan(path, len(lines) + 1, "not a whole line and not the start of a record")
    return state


# How a record `scan` writes begins (json.dumps of a suspect's or an original's error record).
_RECORD_STARTS = (b'{"suspect": ', b'{"original": ')


def _not_a_scan(path: Path, number: int, why: str) -> InputError:
    return InputError(f"{path}: line {number} is {why}; --resume continues only a file "
                      "`spundetect scan --out` wrote (the file was left unchanged)")


def cut_torn_line(path: Path, state: ResumeState) -> None:
    """Drop the incomplete last line `resume_state` found, so appended records stay whole."""
    if state.torn_bytes:
        with open(path, "r+b") as fh:
            fh.truncate(state.complete_bytes)


def remaining(paths: Iterable[Path | str], state: ResumeState, root: Path | None
              ) -> list[Path | str]:
    """The suspects (in `root`, or listed) an earlier run has not written a record for."""
    return [p for p in paths if suspect_name(p, root) not in state.done]
