"""Scan a folder of suspects against a reference index: retrieve candidates, then score them.

For each suspect this process reads the file, retrieves the top-k originals from the index
(a few milliseconds) and ships the suspect's text with the candidates' stored texts as one
task; workers (local processes or a Dask cluster) run the pairwise model on those k pairs and
return one record. Records stream back as suspects finish. Workers need neither the index
nor the files, only spundetect itself, so a cluster needs no shared filesystem.

`resume_state` reads what an earlier, killed scan wrote (dropping a torn last line), so
`--resume` scores each remaining suspect exactly once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from detector.api import Detector
from detector.errors import InputError, SpundetectError
from detector.index.store import ReferenceIndex
from detector.model import CompactModel
from detector.results import error_record
from detector.text import Document, read_document

DEFAULT_TOP_K = 10


@dataclass(frozen=True)
class ScanTask:
    """One suspect and its candidates' stored texts: everything a worker needs to score it."""

    suspect: str
    text: str | None
    error: str | None = None
    candidates: tuple[tuple[int, str, str, float], ...] = ()  # (id, path, text, retrieval)
    sha256: str = ""  # of the suspect's bytes
    candidate_sha256: tuple[str, ...] = ()  # of each candidate's bytes when it was indexed


@dataclass
class ResumeState:
    """What an earlier run of the same scan already wrote."""

    done: set[str] = field(default_factory=set)  # suspects with a record
    originals_reported: set[str] = field(default_factory=set)  # unreadable originals recorded
    verdicts: dict[str, int] = field(default_factory=dict)
    torn_bytes: int = 0  # length of the incomplete last line that was cut off


def make_tasks(paths: Iterable[Path], index: ReferenceIndex, top_k: int) -> Iterator[ScanTask]:
    """Read each suspect and retrieve its candidates (in this process, lazily)."""
    for path in paths:
        name = str(path)
        try:
            doc = read_document(path)
        except SpundetectError as err:
            yield ScanTask(name, None, str(err))
            continue
        found = index.candidates(doc, top_k)
        stored = index.documents(c.id for c in found)
        kept = [c for c in found if c.id in stored]
        yield ScanTask(name, doc.text, None,
                       tuple((c.id, c.path, stored[c.id].text, round(c.score, 3)) for c in kept),
                       sha256=doc.sha256,
                       candidate_sha256=tuple(stored[c.id].sha256 for c in kept))


_worker_detectors: dict[int, Detector] = {}


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
    if task.error is not None:
        return error_record(task.error, suspect=task.suspect, source=None)
    try:
        suspect = Document(task.text or "", name=task.suspect, sha256=task.sha256)
        hashes = task.candidate_sha256 or ("",) * len(task.candidates)
        originals = [Document(text, name=path, sha256=sha)
                     for (_, path, text, _), sha in zip(task.candidates, hashes, strict=True)]
        record = _detector_for(context).score_suspect(suspect, originals).to_record()
    except SpundetectError as err:
        return error_record(str(err), suspect=task.suspect, source=None)
    except Exception as err:  # a bug on one odd page must not end a scan of thousands
        return error_record(f"{task.suspect}: internal error ({type(err).__name__}: {err})",
                            suspect=task.suspect, source=None)
    ids = {path: (doc_id, retrieval) for doc_id, path, _, retrieval in task.candidates}
    record["source_id"] = ids[record["source"]][0] if record["source"] in ids else None
    for cand in record["candidates"]:
        cand["id"], cand["retrieval"] = ids.get(cand["original"], (None, None))
    return record


def scan(
    paths: Iterable[Path],
    index: ReferenceIndex,
    detector: Detector,
    *,
    top_k: int = DEFAULT_TOP_K,
    jobs: int | None = None,
    scheduler: str | None = None,
) -> Iterator[dict]:
    """One record per suspect path, as each finishes (order is not kept with several jobs)."""
    from detector.parallel import pmap

    if top_k < 1:
        raise InputError("--top-k must be at least 1")
    context = detector.model if scheduler else detector
    yield from pmap(score_task, make_tasks(paths, index, top_k), context=context, jobs=jobs,
                    scheduler=scheduler)


def resume_state(path: Path) -> ResumeState:
    """Read an earlier scan's JSON Lines, cutting off a torn last line so appends stay valid.

    Only the last line can be incomplete (a kill during a write); any other unreadable line
    means the file is not a scan output, and resuming refuses rather than guess.
    """
    state = ResumeState()
    if not path.exists():
        return state
    with open(path, "rb+") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            state.torn_bytes = len(data) - end
            fh.truncate(end)
    for number, line in enumerate(data[:end].splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as err:
            raise InputError(f"{path}: line {number} is not JSON; not a scan output to resume"
                             ) from err
        if not isinstance(record, dict):
            raise InputError(f"{path}: line {number} is not a scan record")
        if record.get("suspect") is not None:
            state.done.add(_key(record["suspect"]))
        elif record.get("original") is not None:
            state.originals_reported.add(record["original"])
        verdict = str(record.get("verdict"))
        state.verdicts[verdict] = state.verdicts.get(verdict, 0) + 1
    return state


def _key(path: str | Path) -> str:
    return os.path.normpath(os.path.abspath(path))


def remaining(paths: Iterable[Path], state: ResumeState) -> list[Path]:
    """The suspects an earlier run has not written a record for."""
    return [p for p in paths if _key(p) not in state.done]
