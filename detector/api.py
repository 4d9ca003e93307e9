"""The Python API: score a suspect against originals, one pair or a whole batch; build, open
and scan reference indexes; write the HTML report. The command line is a thin layer over it.

    >>> from detector import score_files
    >>> result = score_files("suspect.txt", ["original.txt"])
    >>> result.verdict, round(result.score, 2), result.evidence["swaps"][:3]

Suspects and originals may be `http(s)://` URLs wherever files are read (`detector.fetch`).
Scoring needs numpy and rapidfuzz only; the trained model and lexicon load lazily, once.
Folder and index scans (`scan_folder`, `scan_index`) are in `detector.batch`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from detector.features import Pair, pair_features
from detector.fetch import Fetcher, read_input
from detector.lexicon import Lexicon, load_lexicon
from detector.model import CompactModel, load_model
from detector.results import (
    DERIVED,
    PairResult,
    SuspectResult,
    evidence_of,
    segment_kinds,
    skeleton_matches,
)
from detector.text import Document
from detector.verdict import pair_verdict, paraphrase_probability

if TYPE_CHECKING:
    from detector.index import AddReport, ReferenceIndex
    from detector.index.partitioned import PartitionedIndex


class Detector:
    """A loaded model and lexicon; reuse one to score many pairs."""

    def __init__(self, model: CompactModel | None = None, lexicon: Lexicon | None = None):
        self.model = model or load_model()
        self.lexicon = lexicon or load_lexicon()

    def score_pairs(self, pairs: Sequence[tuple[Document, Document]]) -> list[PairResult]:
        """Score (suspect, original) document pairs in one batch."""
        return self._score([Pair(s, o, self.lexicon) for s, o in pairs])

    def _score(self, built: list[Pair], passages: bool = True) -> list[PairResult]:
        if not built:
            return []
        X = np.vstack([pair_features(p, self.model.features) for p in built])
        proba = self.model.predict_proba(X)
        classes = self.model.classes
        results = []
        for p, row in zip(built, proba, strict=True):
            probabilities = {c: float(v) for c, v in zip(classes, row, strict=True)}
            evidence = evidence_of(p, passages)
            results.append(
                PairResult(
                    suspect=p.suspect.name,
                    original=p.original.name,
                    score=paraphrase_probability(probabilities),
                    verdict=pair_verdict(probabilities, evidence["segments"],
                                         evidence["n_swaps"]),
                    probabilities=probabilities,
                    evidence=evidence,
                    suspect_sha256=p.suspect.sha256 or None,
                    original_sha256=p.original.sha256 or None,
                    language=p.suspect.language,
                    segment_kinds=segment_kinds(p),
                )
            )
        return results

    def score_pair(self, suspect: Document | str, original: Document | str) -> PairResult:
        """Score one pair of documents or raw texts."""
        s = Document(suspect, "suspect") if isinstance(suspect, str) else suspect
        o = Document(original, "original") if isinstance(original, str) else original
        return self.score_pairs([(s, o)])[0]

    def score_suspect(
        self, suspect: Document, originals: Iterable[Document], *,
        passages: Literal["all", "best"] = "all",
    ) -> SuspectResult:
        """Score one suspect against each original.

        With `passages="best"`, only the likeliest source's evidence lists the aligned
        passages, the only ones a suspect's record carries; the other candidates' evidence
        leaves them out (`evidence_of`), which makes a scan faster."""
        built = [Pair(suspect, o, self.lexicon) for o in originals]
        results = self._score(built, passages == "all")
        found = SuspectResult(suspect.name, results, suspect_sha256=suspect.sha256 or None,
                              language=suspect.language)
        if len(results) > 1 and found.verdict in DERIVED:
            # which other candidates a sentence spun past word alignment names as sources too
            # (`PairResult.skeleton_matches`): asked only of a derived suspect, the one that
            # names sources, so a scan of pages that derive from nothing pays nothing for it
            results = [r if r is found.best else
                       replace(r, skeleton_matches=skeleton_matches(p, r.segment_kinds))
                       for p, r in zip(built, results, strict=True)]
            found = replace(found, candidates=results)
        if passages == "best" and found.best is not None:
            k = next(k for k, r in enumerate(results) if r is found.best)
            results = [*results[:k], replace(results[k], evidence=evidence_of(built[k])),
                       *results[k + 1:]]
            found = replace(found, candidates=results)
        return found


def score_texts(suspect: str, original: str) -> PairResult:
    """Score a suspect text against an original text with the shipped model."""
    return Detector().score_pair(suspect, original)


def score_files(suspect: str | Path, originals: Sequence[str | Path], *,
                detector: Detector | None = None, fetcher: Fetcher | None = None
                ) -> SuspectResult:
    """Score a suspect file (or URL) against original files (or URLs); raises `InputError`
    for an input that cannot be read or fetched."""
    s = read_input(suspect, fetcher)
    originals = [read_input(p, fetcher) for p in originals]
    return (detector or Detector()).score_suspect(s, originals)


def score_with_index(suspect: str | Path | Document, index: ReferenceIndex | str | Path, *,
                     top_k: int | None = None, detector: Detector | None = None,
                     fetcher: Fetcher | None = None) -> SuspectResult:
    """Score a suspect (a file, a URL or a `Document`) against its top-k candidates in a
    reference index (`spundetect score --index`; `top_k` None: `scan.DEFAULT_TOP_K`). The
    result's record also carries each candidate's index `id` and `retrieval` score."""
    from detector.index.scan import DEFAULT_TOP_K, check_top_k, own_path, retrieve, score_retrieved

    top_k = DEFAULT_TOP_K if top_k is None else top_k
    check_top_k(top_k)
    doc = suspect if isinstance(suspect, Document) else read_input(suspect, fetcher)
    own = None if isinstance(suspect, Document) else own_path(suspect)  # never its own match
    with _opened(index) as reference:
        retrieved = retrieve(doc, reference, top_k, own)
    return score_retrieved(detector or Detector(), doc, retrieved)


def build_index(originals: str | Path | Sequence[str | Path], location: str | Path = ":memory:",
                *, jobs: int | None = None, scheduler: str | None = None,
                progress=None, format: str = "sqlite", docs_per_part: int | None = None,
                anchor_parts: int | None = None,
                ) -> tuple[ReferenceIndex | PartitionedIndex, AddReport]:
    """A new reference index of `originals` (a folder, searched recursively, or a list of
    files) at `location` (a new file; ":memory:" for one that lives as long as the object).

    Returns the open index and what was added; originals that could not be read, and
    subfolders that could not be listed, are in `report.errors`, not raised.
    `spundetect index build`; `add_to_index` extends an index, `index.remove` shrinks it.
    `format="parquet"` writes a partitioned index to the folder or URL `location` instead
    (`detector.index.partitioned`; built whole, not extended), which `scan_partitioned` reads,
    in parts of `docs_per_part` originals and `anchor_parts` parts of the anchors.
    """
    from detector.batch import list_text_files
    from detector.index import build

    unlisted: dict[Path, str] = {}
    if isinstance(originals, str | Path):
        paths = list_text_files(originals, onerror=unlisted.__setitem__)
    else:
        paths = [p if isinstance(p, Path) else Path(p) for p in originals]
    if format == "parquet":
        from detector.index.partitioned import DOCS_PER_PART, build_partitioned

        index, report = build_partitioned(paths, location, jobs=jobs, scheduler=scheduler,
                                          docs_per_part=docs_per_part or DOCS_PER_PART,
                                          buckets=anchor_parts)
        if progress is not None:
            progress(len(paths))
    else:
        index, report = build(paths, location, jobs=jobs, scheduler=scheduler,
                              progress=progress)
    report.errors[:0] = [{"original": str(folder), "error": error}
                         for folder, error in unlisted.items()]
    return index, report


def add_to_index(index: ReferenceIndex | str | Path,
                 originals: str | Path | Sequence[str | Path], *,
                 jobs: int | None = None, scheduler: str | None = None,
                 progress=None) -> AddReport:
    """Add originals (files, and folders searched recursively) to an SQLite index, open or
    at a path: `spundetect index add`. A file already there with the same bytes is left as
    it is, one with new bytes replaced; originals that could not be read, and subfolders
    that could not be listed, are in the report's `errors`, not raised."""
    from detector.batch import list_originals
    from detector.index import ReferenceIndex, add_files
    from detector.index.ingest import clear_dead_builds
    from detector.index.partitioned import is_partitioned, written_whole

    if not isinstance(index, ReferenceIndex):
        if is_partitioned(index):
            raise written_whole(index)
        clear_dead_builds(index)  # what a killed build of it left (its journal) goes first
    paths, unlisted = list_originals([originals] if isinstance(originals, str | Path)
                                     else originals)
    with contextlib.ExitStack() as stack:
        opened = index if isinstance(index, ReferenceIndex) else stack.enter_context(
            ReferenceIndex.open(index))
        report = add_files(opened, paths, jobs=jobs, scheduler=scheduler, progress=progress)
    report.errors[:0] = [{"original": str(folder), "error": error}
                         for folder, error in unlisted.items()]
    return report


def open_index(location: str | Path, *, readonly: bool = False) -> ReferenceIndex:
    """An existing reference index; use it as a context manager to close it. `InputError`
    (`IndexDamagedError`) for a file that is not a spundetect index or is damaged."""
    from detector.index import ReferenceIndex

    return ReferenceIndex.open(location, readonly=readonly)


@contextlib.contextmanager
def _opened(index: ReferenceIndex | str | Path) -> Iterator[ReferenceIndex]:
    """The index itself, or the one at a path opened read-only for the call."""
    from detector.index import ReferenceIndex

    if isinstance(index, ReferenceIndex):
        yield index
        return
    with ReferenceIndex.open(index, readonly=True) as opened:
        yield opened


def open_any_index(location: str | Path) -> ReferenceIndex | PartitionedIndex:
    """An index opened read-only: an SQLite file, or a partitioned one (a folder or a URL).
    Both give the stored originals by id (`documents(ids)`)."""
    from detector.index.partitioned import PartitionedIndex, is_partitioned

    if is_partitioned(location):
        return PartitionedIndex.open(location)
    return open_index(location, readonly=True)


@contextlib.contextmanager
def _texts_of(index: ReferenceIndex | str | Path):
    """What the report reads originals' texts from: the index given, or the one at a path."""
    from detector.index import ReferenceIndex

    if isinstance(index, ReferenceIndex):
        yield index
        return
    with open_any_index(index) as opened:
        yield opened


def write_report(records: Iterable[dict] | str | Path, path: str | Path, *,
                 index: ReferenceIndex | str | Path | None = None,
                 force: bool = False) -> list[str]:
    """Write the HTML report (`spundetect report`) of result records to `path`.

    `records` are the dicts `scan_index`, `scan_folder` and `score_pairs_file` yield (or
    `SuspectResult.to_record()`), or the path of a results file they were written to. A
    malformed record is left out, named on the page and in the list returned ("record 3:
    ..."). With `index`, originals' texts come from the index a scan used. An existing
    `path` is kept unless `force`, and is never the results file or the index read.
    """
    from detector.output import check_writable, not_an_input, not_one_of, whole_file
    from detector.report.records import check_records, load_results, named_files, no_records

    path = Path(path)
    check_writable(path, replace=force)  # before the work
    if isinstance(index, str | Path):
        not_an_input(path, index, "the index", "the report", sqlite=True)
    if isinstance(records, str | Path):
        not_an_input(path, records, "the results file", "the report")
        results = load_results(records)
        good, problems = results.records, results.problems
        base, name = Path(records).parent, str(records)
    else:
        results = check_records((f"record {k}", record, None)
                                for k, record in enumerate(records, start=1))
        good, problems = results.records, results.problems
        if not good:
            raise no_records("no spundetect result among the records given", problems)
        base, name = None, ""
    not_one_of(path, named_files(good, base), "an article the results name", "the report")
    page = report_page(good, base=base, results_name=name, problems=problems, index=index)
    with whole_file(path, force) as fh:
        fh.write(page)
    return problems


def report_page(records: Sequence[dict], *, base: Path | None = None, results_name: str = "",
                problems: Sequence[str] = (),
                index: ReferenceIndex | str | Path | None = None) -> str:
    """The HTML report page of checked result records (`write_report`, `spundetect report`).

    `base` is the folder relative paths in the records are read against, `problems` names the
    records left out; with `index` (open, or the path of an SQLite or a partitioned index,
    opened read-only), originals' texts come from the index a scan used.
    """
    from detector.report.html import report_html

    with contextlib.ExitStack() as stack:
        opened = None if index is None else stack.enter_context(_texts_of(index))
        return report_html(records, base=base, results_name=results_name, problems=problems,
                           index=opened)
