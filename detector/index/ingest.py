"""Filling the reference index: read originals, analyse them in parallel, add them at once.

Files are read in this process in chunks; decoding, normalising and anchor extraction run
where the chunks are sent (local processes or a Dask cluster); the writes come back here and
go into the index in one transaction, in the order of the paths. `build` writes a new file
next to its final name (without a rollback journal: a failed build is removed, not rolled
back) and renames it into place, so an interrupted build leaves nothing but that file after a
`kill -9`; the next build or add to the same name removes those of builds whose process is
gone (and the journals older versions left).
"""

from __future__ import annotations

import glob
import os
import re
import socket
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector import text as text_mod
from detector.display import name_of
from detector.errors import InputError, SpundetectError
from detector.index import anchors as anchor_mod
from detector.index.store import AddReport, ReferenceIndex
from detector.text import Document, decode


@dataclass(frozen=True)
class Prepared:
    """An original read and analysed (in a worker): what `add` writes for it."""

    path: str
    sha256: str = ""
    text: bytes = b""  # zlib-compressed normalised text
    n_words: int = 0
    anchors: np.ndarray | None = None
    error: str | None = None


def prepare(path: str, data: bytes | None, error: str | None = None,
            scheme: str = anchor_mod.HASH) -> Prepared:
    """Decode, normalise and extract anchors from one original's bytes (runs in workers),
    their terms hashed as the index they go into hashes them (`scheme`)."""
    if error is not None:
        return Prepared(path, error=error)
    try:
        text = decode(data or b"", path)
    except SpundetectError as err:
        return Prepared(path, error=str(err))
    hashes, n_words = anchor_mod.anchors_and_words(Document(text, name=path), scheme=scheme)
    return Prepared(
        path=path,
        sha256=text_mod.sha256_of(data or b""),
        text=zlib.compress(text.encode("utf-8"), 6),
        n_words=n_words,
        anchors=hashes,
    )


def prepare_many(items: Sequence[tuple[str, bytes | None, str | None]],
                 scheme: str = anchor_mod.HASH) -> list[Prepared]:
    """`prepare` over a chunk, the unit of work sent to a process or a Dask worker."""
    return [prepare(*item, scheme=scheme) for item in items]


def _read(path: Path) -> tuple[bytes | None, str | None]:
    """A file's bytes, or None and the one-line reason it cannot be read."""
    try:
        return text_mod.read_bytes(path), None
    except InputError as err:
        return None, str(err)


def stored_path(path: Path) -> str:
    """How the index names an original: its absolute path, written as `display.name_of`
    writes names (a name that is not UTF-8 or holds control characters is escaped, so it fits
    a SQLite text column and prints safely: `caf\\xe9.txt` for a name with the byte 0xe9; a
    backslash doubled, so that no two files share a name). A link that loops is named by its
    own absolute path: reading it says what is wrong, in its error record."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a link loop (RuntimeError up to Python 3.12)
        resolved = Path(os.path.abspath(path))
    return name_of(resolved)


def keys_for(key: Callable[[Path], str]) -> Callable[[Path], str]:
    """The function that names many originals: `stored_path` resolving each folder once (the
    same names), any other `key` as it is."""
    return _stored_paths() if key is stored_path else key


def _stored_paths() -> Callable[[Path], str]:
    """`stored_path`, resolving each folder once: a file that is not a link resolves to its
    folder's resolved path and its own name (one lstat, not one per path component)."""
    folders: dict[str, str] = {}  # folder as given -> resolved (strings: a Path hashes slowly)

    def key(path: Path) -> str:
        text, name = os.fspath(path), path.name
        try:
            if name in ("", ".", "..") or os.path.islink(text):
                return stored_path(path)
        except OSError:
            return stored_path(path)
        folder = os.path.dirname(text)
        if folder not in folders:
            folders[folder] = str(path.parent.resolve())
        return name_of(os.path.join(folders[folder], name))

    return key


def _chunks(paths: Sequence[Path], key: Callable[[Path], str], size: int) -> Iterator[list]:
    """Chunks of (key, bytes, error), read lazily: the items sent to workers."""
    for start in range(0, len(paths), size):
        yield [(key(path), *_read(path)) for path in paths[start : start + size]]


# Originals in flight (read, being analysed, or analysed and not yet written): while this
# process merges postings into the index (20-40 s at a time in a build of a million), the
# workers go on with these, instead of waiting for the next few. ~4 KB each, read or analysed.
IN_FLIGHT = 65_536


def _prepare_chunk(chunk: list, scheme: str) -> list[Prepared]:
    return prepare_many(chunk, scheme)


def add_files(
    index: ReferenceIndex,
    paths: Sequence[Path],
    *,
    key: Callable[[Path], str] = stored_path,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 128,
) -> AddReport:
    """Read and analyse files in parallel (local processes or Dask), then add them at once.

    Analysis runs where the work is sent; the writes stay in this process, in one
    transaction, in the order of `paths`, so ids are the same whatever the parallelism.
    """
    from detector.parallel import pmap

    key = keys_for(key)
    batches = pmap(_prepare_chunk, _chunks(paths, key, chunk), context=index.scheme,
                   jobs=jobs, scheduler=scheduler,
                   ordered=True, window=max(IN_FLIGHT // chunk, 1))
    prepared = (item for batch in batches for item in batch)
    return index.add_prepared(prepared, on_doc=(lambda _: progress(1)) if progress else None)


BUILDING = ".{name}.building-"  # the temporary file of a build: this, then `builder()`


def machine() -> str:
    """This machine's name as a build records it (in a file name, or a partitioned build's
    marker)."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname()) or "localhost"


def builder() -> str:
    """Who is building, as the temporary file's name ends: this process's pid and this
    machine's name, so that a build on another machine that shares the folder is never taken
    for a dead one here."""
    return f"{os.getpid()}-{machine()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def gone(pid: str, host: str) -> bool:
    """Whether the build that process `pid` on machine `host` started ended unfinished: it
    ran here (an empty `host`, as older versions named it, is taken for here) and its process
    is gone. Another machine's cannot be checked from here, so it is never gone."""
    return ((not host or host == machine()) and pid.isdigit() and int(pid) > 0
            and not _alive(int(pid)))


def clear_dead_builds(location: str | Path) -> list[Path]:
    """Remove what builds of `location` killed before they finished left next to it.

    A build writes `.NAME.building-PID-HOST` (older versions `.NAME.building-PID`, and SQLite
    a `-journal`) and renames it into place when done; `kill -9` leaves them. Those of
    processes still running are kept, and so are those of other machines, which cannot be
    checked from here.
    """
    final = Path(location)
    prefix = BUILDING.format(name=final.name)
    removed = []
    for leftover in sorted(final.parent.glob(glob.escape(prefix) + "*")):
        pid, _, host = leftover.name[len(prefix):].removesuffix("-journal").partition("-")
        if gone(pid, host):
            try:
                leftover.unlink()
            except FileNotFoundError:
                continue  # another build cleared it first
            except OSError as err:
                raise InputError(f"{leftover}: left by an interrupted build and cannot be "
                                 f"removed ({err.strerror}); remove it") from err
            removed.append(leftover)
    return removed


def check_target(location: str | Path) -> Path:
    """The path a new index will have: refused if it exists or its folder does not."""
    final = Path(location)
    if final.is_dir():
        raise InputError(f"{final}: is a folder; an index file needs a name of its own (a "
                         "partitioned index is built with --format parquet)")
    if final.exists():
        raise InputError(f"{final}: already exists; use `index add` to extend it, or remove it")
    if not final.parent.is_dir():
        raise InputError(f"{final.parent}: no such folder for the index; create it first")
    return final


def build(
    originals: Sequence[Path],
    location: str | Path,
    *,
    key: Callable[[Path], str] = stored_path,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ReferenceIndex, AddReport]:
    """A new index of `originals` at `location`: complete, or (if interrupted) not there at all.

    A file index is written next to its final name and renamed into place when done;
    `:memory:` builds the temporary index of `scan --against`.
    """
    location = str(location)
    if location == ":memory:":
        index = ReferenceIndex.create(location)
        report = add_files(index, originals, key=key, jobs=jobs, scheduler=scheduler,
                           progress=progress)
        return index, report
    final = check_target(location)
    clear_dead_builds(final)
    tmp = final.with_name(BUILDING.format(name=final.name) + builder())
    tmp.unlink(missing_ok=True)
    try:
        index = ReferenceIndex.create(tmp)
        # A fresh file that is removed if the build fails needs neither a rollback journal
        # nor syncs until it is complete (the close below writes it out before the rename).
        index.con.execute("PRAGMA journal_mode = OFF")
        index.con.execute("PRAGMA synchronous = OFF")
        report = add_files(index, originals, key=key, jobs=jobs, scheduler=scheduler,
                           progress=progress)
        index.con.execute("PRAGMA journal_mode = DELETE")
        index.close()
        with open(tmp, "rb") as fh:  # synchronous=OFF skipped this: on disk before the rename
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    return ReferenceIndex.open(final), report
