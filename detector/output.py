"""Where results are written: a file a user names is never overwritten without `force`, never
one of the command's own inputs, and created only at the first write, so a run that fails
early leaves nothing behind. The command line and the Python API write through here."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from detector.errors import InputError, OutputError


class LazyFile:
    """An output file created at its first write, so a run that fails before writing anything
    leaves no empty file behind (and, with --force, the file it would replace untouched)."""

    def __init__(self, path: Path, mode: str):
        self.path, self.mode = path, mode
        self._fh: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self._fh is None:
            try:
                self._fh = open(self.path, self.mode, encoding="utf-8")  # noqa: SIM115
            except FileExistsError as err:
                raise InputError(f"{self.path}: already exists; use --force to "
                                 "overwrite it") from err
            except OSError as err:
                raise InputError(f"{self.path}: cannot write ({err.strerror})") from err
        return self._fh

    def write(self, text: str) -> int:
        fh = self._open()
        try:
            return fh.write(text)
        except OSError as err:
            raise cannot_write(self.path, err) from err

    def flush(self) -> None:
        if self._fh is not None:
            try:
                self._fh.flush()
            except OSError as err:
                raise cannot_write(self.path, err) from err

    def close(self, *, create: bool) -> None:
        if create:
            self._open()
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError as err:
                raise cannot_write(self.path, err) from err

    def undo(self, size: int | None) -> None:
        """Take back what this run wrote: the file it created, or what it appended past `size`."""
        if self._fh is None:
            return
        self._fh.close()
        self._fh = None
        if size is None:
            self.path.unlink(missing_ok=True)
        else:
            os.truncate(self.path, size)


def cannot_write(path: Path, err: OSError) -> OutputError:
    """The one-line error of a write to `path` that failed (a full disk, say)."""
    return OutputError(f"{path}: cannot write ({err.strerror or err})")


def is_stream(path: Path) -> bool:
    """Whether `path` is a FIFO, a device or a socket (`/dev/stdout`, through its links): a
    stream written into, never a file replaced, so --force is not needed to write it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def check_writable(path: Path, *, replace: bool) -> None:
    """Refuse at once an --out that could not be written, without creating it."""
    folder = path.parent
    if is_stream(path):
        return
    if (path.exists() or path.is_symlink()) and not replace:  # a dangling link is there too
        raise InputError(f"{path}: already exists; use --force to overwrite it")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file to write")
    if not folder.is_dir():
        raise InputError(f"{path}: cannot write (no such directory {folder})")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise InputError(f"{path}: cannot write (permission denied)")


# What SQLite keeps beside a database while it writes: an --out named so would be taken for
# its own (deleted as a stale journal by the next read).
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


def not_an_input(out: Path | None, given: str | Path | None, what: str,
                  option: str = "--out", *, sqlite: bool = False) -> None:
    """Refuse an --out that is one of the command's inputs (the index a scan reads...), or,
    for an SQLite file (`sqlite`), a file SQLite keeps beside it."""
    if out is None or given is None:
        return
    for side in SQLITE_SIDE_FILES if sqlite else ():
        if os.path.abspath(out) == os.path.abspath(f"{given}{side}"):
            raise InputError(f"{out}: is where SQLite keeps a file of {what} ({given}); "
                             f"{option} takes a file of its own (nothing was changed)")
    not_one_of(out, [given], what, option)
    if os.path.isdir(given):  # a folder input (a partitioned index): nothing inside it either
        inside = Path(os.path.realpath(out)).parent
        folder = Path(os.path.realpath(given))
        if inside == folder or folder in inside.parents:
            raise InputError(f"{out}: is inside {what} ({given}); {option} takes a file "
                             "of its own (nothing was changed)")


def not_one_of(out: Path | None, inputs: Iterable[str | Path], what: str,
               option: str = "--out") -> None:
    """Refuse an --out that is one of `inputs`, the articles a command reads (`what`: "a
    suspect this scan reads"), even with --force: only a file that is there can be one, so
    nothing is looked at unless `out` exists, and then each input once."""
    if out is None:
        return
    try:
        found = os.stat(out)
    except OSError:
        return
    for given in inputs:
        try:
            there = os.stat(given)
        except (OSError, ValueError):  # not a file here (a URL), or a name no file can have
            continue
        if (there.st_dev, there.st_ino) == (found.st_dev, found.st_ino):
            raise InputError(f"{out}: is {what} ({given}); {option} takes a file of its own "
                             "(nothing was changed)")


@contextlib.contextmanager
def output(path: Path | None, force: bool, *, append: bool = False
            ) -> Iterator[IO[str] | LazyFile]:
    """stdout, or a file created at the first write (appended to with `append`); an existing
    file is never overwritten without --force. A run that fails before writing anything
    leaves no file; a successful run with nothing to write leaves an empty one."""
    if path is None:
        yield sys.stdout
        return
    check_writable(path, replace=force or append)
    out = LazyFile(path, "a" if append else "w" if force or is_stream(path) else "x")
    try:
        yield out
    except BaseException:
        out.close(create=False)
        raise
    out.close(create=True)


@contextlib.contextmanager
def whole_file(path: Path, force: bool) -> Iterator[IO[str]]:
    """A file that appears only complete (a report page, a CSV): written next to `path` under
    a temporary name and renamed into place when the block ends without error, so a full disk
    or a failure leaves the file that was there (with --force), or none, never part of one."""
    check_writable(path, replace=force)
    if is_stream(path):  # a FIFO or a device (`/dev/stdout`): written into, not replaced
        with output(path, force) as out:
            yield out  # type: ignore[misc]
        return
    target = Path(os.path.realpath(path))  # through a link, as opening it would write
    partial = target.with_name(f".spundetect-partial-{os.getpid()}")
    try:
        fh = open(partial, "w", encoding="utf-8")  # noqa: SIM115
    except PermissionError:  # a file the user may write, in a folder they may not: in place
        with output(path, force) as out:
            yield out  # type: ignore[misc]
        return
    except OSError as err:
        raise cannot_write(path, err) from err
    try:
        with fh:
            yield fh
        if not force and (path.exists() or path.is_symlink()):
            raise InputError(f"{path}: already exists; use --force to overwrite it")
        with contextlib.suppress(OSError):  # the file it replaces keeps its permissions
            os.chmod(partial, os.stat(target).st_mode & 0o7777)
        os.replace(partial, target)
    except OSError as err:
        raise cannot_write(path, err) from err
    finally:
        partial.unlink(missing_ok=True)
