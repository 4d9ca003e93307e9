"""Score many pairs: a PAN-style pairs file, or a folder of suspects against a folder of originals.

Either side of a pairs line may be an `http(s)://` URL (fetched by `detector.fetch`), and a
list file (`read_list_file`) names suspects by URL or path, one a line.

Lines -> `detector.parallel.pmap` (the one parallel engine of pairs, scan and index); pairs
results stream back in input order (folder scans, in `detector.index.scan`, as suspects
finish). A file that cannot be read becomes an error record and the run goes on; callers count
records to pick an exit code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from detector.api import Detector
from detector.errors import InputError, SpundetectError
from detector.fetch import Fetcher, read_input
from detector.parallel import pmap
from detector.results import error_record
from detector.text import Document, read_utf8

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ""}


@lru_cache(maxsize=256)
def _cached_document(path: str, fetcher: Fetcher | None = None) -> Document:
    """Originals recur across lines of a pairs file: read (or fetch) each once per worker,
    and keep its per-document analysis (`detector.analysis`) for its next pairs."""
    return read_input(path, fetcher)


@lru_cache(maxsize=32)
def _cached_suspect(path: str, fetcher: Fetcher | None = None) -> Document:
    """A suspect on consecutive lines (one suspect against its candidate sources) is read and
    analysed once; a cache of its own, so suspects never push originals out of theirs."""
    return read_input(path, fetcher)


def parse_pairs_file(path: str | Path) -> Iterator[tuple[int, str, str] | dict]:
    """Yield (line number, suspect, original) per line, or an error record for a bad line.

    Blank lines and lines starting with `#` are skipped; relative paths resolve against the
    current directory.
    """
    text = read_utf8(path, kind="pairs file")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            yield error_record(
                f"line {number}: expected 'suspect<TAB>original'", line=number,
                suspect=None, original=None,
            )
            continue
        yield number, parts[0].strip(), parts[1].strip()


def pairs_inputs(path: str | Path) -> Iterator[str]:
    """The suspects and originals a pairs file names, as written (URLs too)."""
    for item in parse_pairs_file(path):
        if not isinstance(item, dict):
            yield from item[1:]


class _PairsContext(NamedTuple):
    detector: Detector
    fetcher: Fetcher | None
    encode: Callable[[dict], Any] | None = None


LINES_PER_TASK = 8  # lines a worker scores per task: one model call and one message for all


def _score_lines(chunk: list[tuple[int, str, str] | dict], context: _PairsContext) -> list[dict]:
    """Records for consecutive lines of a pairs file, in order. Each line's files are read on
    their own, so a file that cannot be read is that line's error record; the pairs that
    were read are scored together."""
    records: list[dict | None] = []
    pairs, read = [], []  # the documents read, and (record index, suspect, original) of each
    for item in chunk:
        if isinstance(item, dict):
            records.append(item)
            continue
        _, suspect, original = item
        try:
            pairs.append((_cached_suspect(suspect, context.fetcher),
                          _cached_document(original, context.fetcher)))
            read.append((len(records), suspect, original))
            records.append(None)
        except SpundetectError as err:
            records.append(error_record(str(err), suspect=suspect, original=original))
    try:
        results = [r.to_record() for r in context.detector.score_pairs(pairs)]
    except SpundetectError:  # one pair failed: score each alone, to know which
        results = [_score_one(pair, line, context) for pair, (_, *line) in
                   zip(pairs, read, strict=True)]
    for (k, _, _), record in zip(read, results, strict=True):
        records[k] = record
    if context.encode is not None:
        return [context.encode(r) for r in records]  # type: ignore[arg-type]
    return records  # type: ignore[return-value]


def _score_one(pair: tuple[Document, Document], line: list[str], context: _PairsContext) -> dict:
    """One pair's record, or the error record naming its line's suspect and original."""
    try:
        return context.detector.score_pairs([pair])[0].to_record()
    except SpundetectError as err:
        return error_record(str(err), suspect=line[0], original=line[1])


def score_pairs_file(
    path: str | Path, *, detector: Detector | None = None, jobs: int | None = None,
    fetcher: Fetcher | None = None, encode: Callable[[dict], Any] | None = None,
) -> Iterator[Any]:
    """Records for each line of a pairs file, in input order (URLs fetched with `fetcher`).

    With `encode` (a module-level function), each record is passed through it in the worker
    that scored it and what it returns is yielded instead: the command line writes a record's
    JSON line there, so the process that collects the results only copies text.
    """
    items = list(parse_pairs_file(path))
    _cached_document.cache_clear()  # a file may have changed since an earlier call (forked
    _cached_suspect.cache_clear()  # workers inherit the caches too): each call reads afresh
    chunks = [items[k : k + LINES_PER_TASK] for k in range(0, len(items), LINES_PER_TASK)]
    for records in pmap(_score_lines, chunks,
                        context=_PairsContext(detector or Detector(), fetcher, encode),
                        jobs=jobs, ordered=True):
        yield from records


def read_list_file(path: str | Path) -> list[str]:
    """The suspects a list file names, one URL or path a line, in order, each once.

    Blank lines and lines starting with `#` are skipped; relative paths resolve against the
    current directory. `InputError` if the file cannot be read or names nothing.
    """
    text = read_utf8(path, kind="list file")
    entries = [line.strip() for line in text.splitlines()]
    listed = list(dict.fromkeys(e for e in entries if e and not e.startswith("#")))
    if not listed:
        raise InputError(f"{path}: lists no suspects; expected one URL or path a line")
    return listed


def list_text_files(
    directory: str | Path, *, onerror: Callable[[Path, str], None] | None = None
) -> list[Path]:
    """The text files in a folder and its subfolders, sorted by path.

    Names starting with "." (files and folders) are skipped, and links to folders are not
    followed (so a link loop cannot hang a walk). Every other entry with a text suffix is
    listed whatever it is (a link, broken or not, a FIFO, a file we may not read), so that
    reading it says what is wrong and a batch records it. A subfolder that cannot be listed
    goes to `onerror(folder, message)`; without `onerror` it raises `InputError`, as the
    folder itself does when it is missing or cannot be listed.
    """
    root = Path(directory)
    if not root.exists():
        raise InputError(f"{root}: no such directory")
    if not root.is_dir():
        raise InputError(f"{root}: is not a directory")

    def unlisted(err: OSError) -> None:
        folder = Path(err.filename) if err.filename else root
        reason = "permission denied" if isinstance(err, PermissionError) else (
            err.strerror or str(err))
        if folder == root:
            raise InputError(f"{root}: cannot list this folder ({reason})") from err
        message = f"{folder}: cannot list this folder ({reason}); its files were left out"
        if onerror is None:
            raise InputError(message) from err
        onerror(folder, message)

    # Sorted as `Path`s sort, part by part, but on tuples of strings, and each file's Path
    # made from its folder's: a million Paths parsed and compared one by one took 15-20 s,
    # during which a build's workers wait.
    found: list[tuple[tuple[str, ...], Path, str]] = []
    for folder, subfolders, names in os.walk(root, onerror=unlisted):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        kept = [name for name in names if not name.startswith(".")
                and os.path.splitext(name)[1].lower() in TEXT_SUFFIXES]
        if kept:
            at = Path(folder)
            found.extend([((*at.parts, name), at, name) for name in kept])
    found.sort(key=itemgetter(0))
    return [at.joinpath(name) for _, at, name in found]


def list_originals(given: Iterable[str | Path]) -> tuple[list[Path], dict[Path, str]]:
    """The files `given` names, each folder's text files in place of the folder (as
    `index add` takes them), and the subfolders that could not be listed, with why. (A file
    given twice, or by another name, is added once: `ReferenceIndex.add_prepared`.)"""
    unlisted: dict[Path, str] = {}
    paths: list[Path] = []
    for name in given:
        path = name if isinstance(name, Path) else Path(name)
        paths.extend(list_text_files(path, onerror=unlisted.__setitem__) if path.is_dir()
                     else [path])
    return paths, unlisted


def list_suspects(suspects: str | Path | Iterable[str | Path]
                  ) -> tuple[list[Path | str], Path | None, dict[Path, str]]:
    """What a scan reads: (suspects, the folder they were listed from, unlisted subfolders).

    `suspects` is a folder (its text files, named inside it) or an iterable of paths and URLs
    (a list file's lines: `read_list_file`), each named as given.
    """
    if isinstance(suspects, str | Path):
        unlisted: dict[Path, str] = {}
        return list_text_files(suspects, onerror=unlisted.__setitem__), Path(suspects), unlisted
    return list(dict.fromkeys(suspects)), None, {}


def unlisted_record(folder: Path, error: str, root: Path | None) -> dict:
    """The error record of a subfolder of the suspects that could not be listed."""
    from detector.index.scan import suspect_name

    return error_record(error, suspect=str(folder), name=suspect_name(folder, root), source=None)


def in_memory_reference(originals: str | Path, paths: Sequence[Path],
                        unlisted: dict[Path, str], *, jobs: int | None = None,
                        scheduler: str | None = None,
                        progress: Callable[[int], None] | None = None):
    """The in-memory index a scan against the folder `originals` scores with (its text files
    `paths`, listed without the subfolders `unlisted`), and an error record for each such
    subfolder and each original that could not be read; `InputError` if none could."""
    from detector.index import build

    reference, report = build(paths, ":memory:", jobs=jobs, scheduler=scheduler,
                              progress=progress)
    if not len(reference):
        raise InputError(f"{originals}: no readable original articles")
    errors = [error_record(error, original=str(folder)) for folder, error in unlisted.items()]
    errors += [error_record(e["error"], original=e["original"]) for e in report.errors]
    return reference, errors


def scan_folder(
    suspects: str | Path | Iterable[str | Path],
    originals: str | Path,
    *,
    detector: Detector | None = None,
    jobs: int | None = None,
    top_k: int | None = None,
    scheduler: str | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[dict]:
    """Each suspect against its top-k candidates among the originals, indexed in memory.

    The API form of `spundetect scan --against`; `suspects` is a folder or a list of paths
    and URLs; `top_k` None scores `detector.index.scan.DEFAULT_TOP_K` candidates a suspect.
    `scan_index` scans a stored index.
    """
    from detector.index.scan import DEFAULT_TOP_K, check_top_k

    top_k = DEFAULT_TOP_K if top_k is None else top_k
    check_top_k(top_k)  # before the originals are indexed
    found = list_suspects(suspects)  # fails before any work
    unlisted: dict[Path, str] = {}
    paths = list_text_files(originals, onerror=unlisted.__setitem__)
    reference, errors = in_memory_reference(originals, paths, unlisted, jobs=jobs,
                                            scheduler=scheduler)
    yield from errors
    yield from _scan_listed(found, reference, detector, top_k=top_k, jobs=jobs,
                            scheduler=scheduler, fetcher=fetcher)


def scan_index(
    suspects: str | Path | Iterable[str | Path],
    index,
    *,
    detector: Detector | None = None,
    jobs: int | None = None,
    top_k: int | None = None,
    scheduler: str | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[dict]:
    """Each suspect against its top-k candidates in a reference index (a `ReferenceIndex`, or
    the path of one, opened read-only for the scan): `spundetect scan --index`.

    `suspects` is a folder or a list of paths and URLs; one record per suspect, as each
    finishes, plus an error record for each subfolder that could not be listed. A
    partitioned index (a folder or URL) is scanned as a distributed join on Dask
    (`detector.index.distributed`), its records in suspect order. `top_k` as `scan_folder`.
    """
    from detector.index import ReferenceIndex
    from detector.index.partitioned import is_partitioned
    from detector.index.scan import DEFAULT_TOP_K

    top_k = DEFAULT_TOP_K if top_k is None else top_k

    found = list_suspects(suspects)  # fails before any work
    if not isinstance(index, ReferenceIndex) and is_partitioned(index):
        from detector.index.distributed import scan_partitioned

        items, root, unlisted = found
        yield from (unlisted_record(folder, error, root) for folder, error in unlisted.items())
        yield from scan_partitioned(items, index, (detector or Detector()).model, top_k=top_k,
                                    scheduler=scheduler, jobs=jobs, root=root,
                                    fetcher=fetcher)
        return
    if isinstance(index, ReferenceIndex):
        yield from _scan_listed(found, index, detector, top_k=top_k, jobs=jobs,
                                scheduler=scheduler, fetcher=fetcher)
        return
    with ReferenceIndex.open(index, readonly=True) as opened:
        yield from _scan_listed(found, opened, detector, top_k=top_k, jobs=jobs,
                                scheduler=scheduler, fetcher=fetcher)


def _scan_listed(found, reference, detector, **options) -> Iterator[dict]:
    from detector.index import scan

    items, root, unlisted = found
    yield from (unlisted_record(folder, error, root) for folder, error in unlisted.items())
    yield from scan.scan(items, reference, detector or Detector(), root=root, **options)
