"""Storage of the reference index: originals in one SQLite file, and the transactions on it.

Each original is stored with a stable integer id (never reused), its path, the SHA-256 of its
bytes and its normalised text (zlib-compressed), so a scan scores against the stored text and
does not depend on the original files staying where they were. Beside them, an inverted index
over anchor hashes (`detector.index.anchors`): one row per term with its document frequency
and a blob of the ids of the documents holding it, which `detector.index.rank` turns into the
top k candidates for a suspect. Files are read and analysed in `detector.index.ingest`.

Every change runs in one transaction: an interrupted `add` or `remove` (even by kill -9)
leaves the index as it was before. A writer waits up to BUSY_TIMEOUT_S for another one to
finish. Opening checks the format and the tables' columns; an SQLite or zlib error while the
index is used becomes one `InputError` that says what is wrong (locked, damaged: PRAGMA
quick_check decides) and how to fix it, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detector import terms, testhook
from detector.display import name_before
from detector.errors import (
    IndexDamagedError,
    IndexLockedError,
    InputError,
    OutputError,
    SpundetectError,
)
from detector.index import anchors as anchor_mod
from detector.index import rank
from detector.text import Document

if TYPE_CHECKING:
    from detector.index.ingest import Prepared

# 2: clock times in one spelling ("11:52 p.m." is "11.52 pm", `detector.spelling`); a format-1
# index hashed them as written, so its anchors would miss a suspect's: rebuilt, not read
FORMAT_VERSION = 2
BUSY_TIMEOUT_S = 30.0  # how long a write waits for another process's write to finish
REBUILD = "rebuild it with `spundetect index build`"
# Postings are collected in memory and merged into SQLite in one sorted pass per this many
# (12 bytes each: ~250 MB): one pass writes the term rows in key order, where merging
# every few thousand documents would revisit most of a large table each time.
FLUSH_POSTINGS = 20_000_000
_IN_CHUNK = 900  # SQL parameters per IN (...) query
_ROWS_PER_INSERT = 300  # term rows per INSERT: 900 parameters, under SQLite's oldest limit

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    added REAL NOT NULL,
    n_words INTEGER NOT NULL,
    n_anchors INTEGER NOT NULL,
    text BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS postings (
    term INTEGER PRIMARY KEY,
    df INTEGER NOT NULL,
    docs BLOB NOT NULL
);
"""
TABLES = ("meta", "docs", "postings")


@dataclass(frozen=True)
class Candidate:
    """An original retrieved for a suspect, with its retrieval score (summed IDF)."""

    id: int
    path: str
    score: float


@dataclass(frozen=True)
class AddReport:
    """What an `add` did: ids of new and replaced documents, unchanged paths, errors."""

    added: list[int]
    replaced: list[int]
    unchanged: list[str]
    errors: list[dict]


def build_params() -> dict:
    """The anchor settings this code extracts with; an index records the ones it was built with."""
    return {
        "kinds": list(anchor_mod.KINDS),
        "skeleton_n": anchor_mod.SKELETON_N,
        "rare_min_length": terms.RARE_MIN_LENGTH,
        "not_names": "stopwords+calendar",  # terms.NOT_NAMES; indexes from before it differ
        "hash": anchor_mod.HASH,
        "max_df": rank.MAX_DF,
        "max_df_share": rank.MAX_DF_SHARE,
        "min_df_cap": rank.MIN_DF_CAP,
    }


def same_settings(params: dict) -> bool:
    """Whether an index built with `params` is read by this code: the same anchor settings,
    its terms hashed either way this code can (`anchors.HASH` or `anchors.LEGACY_HASH`)."""
    current = build_params()
    return ({k: params.get(k) for k in current if k != "hash"}
            == {k: v for k, v in current.items() if k != "hash"}
            and params.get("hash") in (anchor_mod.HASH, anchor_mod.LEGACY_HASH))


def _guarded(method):
    """Turn an SQLite or zlib error inside `method` into the one-line InputError it means."""

    @functools.wraps(method)
    def wrapper(self: ReferenceIndex, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, zlib.error) as err:
            raise self.explain(err) from err

    return wrapper


class ReferenceIndex:
    """An open reference index (a SQLite file, or in memory for `scan --against`)."""

    def __init__(self, con: sqlite3.Connection, location: str, timeout: float | None = None):
        self.con = con
        self.location = location
        self.timeout = BUSY_TIMEOUT_S if timeout is None else timeout
        self.params = json.loads(self._meta("params") or "{}")
        self._kinds = tuple(self.params.get("kinds", anchor_mod.KINDS))
        self.scheme = self.params.get("hash", anchor_mod.HASH)  # how its terms are hashed
        self._count: tuple[tuple[int, int] | None, int] | None = None  # (version, documents)

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, location: str | Path = ":memory:") -> ReferenceIndex:
        """A new, empty index at `location` (a path that must not exist yet, or `:memory:`)."""
        location = str(location)
        if location != ":memory:" and Path(location).exists():
            raise InputError(f"{location}: already exists")
        try:
            con = _connect(location)
            with con:
                con.executescript(SCHEMA)
                con.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
                now = str(time.time())
                con.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("format", str(FORMAT_VERSION)),
                    ("params", json.dumps(build_params(), sort_keys=True)),
                    ("created", now), ("updated", now),
                ])
        except sqlite3.Error as err:
            raise InputError(f"{location}: cannot create an index there ({err})") from err
        return cls(con, location)

    @classmethod
    def open(cls, location: str | Path, *, readonly: bool = False,
             timeout: float | None = None) -> ReferenceIndex:
        """Open an existing index file, refusing a missing, foreign or incompatible one.

        A writer waits up to `timeout` seconds (default BUSY_TIMEOUT_S) for another one.
        """
        path = Path(location)
        if not path.is_file():
            if path.exists():
                raise InputError(f"{path}: not a regular file; an index is a file that "
                                 "`spundetect index build` wrote")
            raise InputError(f"{path}: no such index; create one with `spundetect index build`")
        if Path(f"{path}-journal").exists():
            readonly = False  # a killed add left its journal: reading must roll it back first
        timeout = BUSY_TIMEOUT_S if timeout is None else timeout
        con = None
        try:
            con = _connect(str(path), readonly=readonly, timeout=timeout)
            _check_format(con, path)
            index = cls(con, str(path), timeout)
        except (sqlite3.DatabaseError, ValueError) as err:
            explained = _explain(err, str(path), con, timeout)
            if con is not None:
                con.close()
            raise explained from err
        except BaseException:
            if con is not None:
                con.close()
            raise
        if not same_settings(index.params):
            index.close()
            raise InputError(
                f"{path}: built with other anchor settings ({index.params}); {REBUILD}")
        return index

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ReferenceIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- checking --------------------------------------------------------------------------

    def explain(self, err: Exception) -> SpundetectError:
        """The one-line error an SQLite or zlib error met while using this index stands for."""
        return _explain(err, self.location, self.con, self.timeout)

    def quick_check(self) -> str | None:
        """None when SQLite's PRAGMA quick_check finds the file sound, else its first complaint."""
        return _pragma_check(self.con)

    @_guarded
    def check(self) -> dict:
        """Look for damage everywhere: the file's structure, every stored text, every posting.

        Raises `IndexDamagedError` naming the first problem; returns what was read. SQLite's
        integrity check, not the quick one: it also holds the index of the paths to the table
        (as fast on a warm file: 0.6 s for 100,000 originals).
        """
        problem = _pragma_check(self.con, "integrity_check")
        if problem is not None:
            raise IndexDamagedError(f"{self.location}: the index file is damaged ({problem}); "
                                    f"{REBUILD}")
        n_docs = 0
        for doc_id, blob in self.con.execute("SELECT id, text FROM docs"):
            self._text(doc_id, blob)
            n_docs += 1
        last = self._last_id()
        n_terms = 0
        for term, df, blob in self.con.execute("SELECT term, df, docs FROM postings"):
            n_terms += 1
            ids = np.frombuffer(blob, dtype="<u4") if len(blob) % 4 == 0 else None
            if ids is None or ids.size != df or (ids.size and int(ids.max()) > last):
                raise IndexDamagedError(f"{self.location}: the postings of term {term} are "
                                        f"damaged; {REBUILD}")
        return {"index": self.location, "documents": n_docs, "terms": n_terms}

    # --- reading ---------------------------------------------------------------------------

    @_guarded
    def __len__(self) -> int:
        """The number of documents, counted again only when the index has changed since: a
        count reads every entry of an index of the paths (8 ms at a million), and each query
        needs it for the IDF."""
        # data_version moves when another connection commits, total_changes with our writes;
        # inside a transaction there is no version (our writes may yet be rolled back)
        version = None if self.con.in_transaction else (
            self.con.execute("PRAGMA data_version").fetchone()[0], self.con.total_changes)
        if version is None or self._count is None or self._count[0] != version:
            self._count = (version, self.con.execute("SELECT COUNT(*) FROM docs").fetchone()[0])
        return self._count[1]

    def _meta(self, key: str) -> str | None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def _last_id(self) -> int:
        """The largest document id ever given (ids are never reused)."""
        row = self.con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'docs'").fetchone()
        return max(int(row[0]) if row else 0,
                   self.con.execute("SELECT COALESCE(MAX(id), 0) FROM docs").fetchone()[0])

    @_guarded
    def ids(self) -> list[int]:
        return [r[0] for r in self.con.execute("SELECT id FROM docs ORDER BY id")]

    @_guarded
    def paths(self) -> dict[str, int]:
        """Stored path -> id of every document."""
        return {p: i for i, p in self.con.execute("SELECT id, path FROM docs")}

    @_guarded
    def id_of(self, path: str) -> int | None:
        """The id of the document stored under `path` (as `ingest.stored_path` names it)."""
        row = self.con.execute("SELECT id FROM docs WHERE path = ?", (path,)).fetchone()
        return None if row is None else int(row[0])

    @_guarded
    def documents(self, ids: Iterable[int]) -> dict[int, Document]:
        """The stored texts of the given ids as documents named by their paths (each with
        the SHA-256 of the file's bytes when it was indexed)."""
        out: dict[int, Document] = {}
        ids = list(ids)
        for k in range(0, len(ids), _IN_CHUNK):
            chunk = ids[k : k + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for doc_id, path, sha256, blob in self.con.execute(
                f"SELECT id, path, sha256, text FROM docs WHERE id IN ({marks})", chunk
            ):
                out[doc_id] = Document(self._text(doc_id, blob), name=path, sha256=sha256)
        return out

    def _text(self, doc_id: int, blob: bytes) -> str:
        try:
            return zlib.decompress(blob).decode("utf-8")
        except (zlib.error, UnicodeDecodeError, TypeError) as err:
            raise IndexDamagedError(f"{self.location}: the stored text of document {doc_id} is "
                                    f"damaged ({err}); {REBUILD}") from err

    def candidates(self, doc: Document, k: int = 10) -> list[Candidate]:
        """The k originals sharing the most IDF-weighted anchors with `doc`, best first."""
        return self.candidates_for_anchors(anchor_mod.anchors(doc, self._kinds, self.scheme),
                                          k)

    @_guarded
    def candidates_for_anchors(self, hashes: np.ndarray, k: int = 10) -> list[Candidate]:
        """Top-k retrieval for precomputed anchor hashes (ranked by `detector.index.rank`)."""
        if hashes.size == 0:
            return []
        try:
            n_docs = len(self)
            ranked = rank.top_k(self.postings(hashes, max_df=rank.df_cap(n_docs)), n_docs, k,
                                max_id=self._last_id())
        except ValueError as err:  # a postings blob that cannot hold the ids it should
            raise IndexDamagedError(f"{self.location}: the postings are damaged ({err}); "
                                    f"{REBUILD}") from err
        if not ranked:
            return []
        paths = self._paths_of([i for i, _ in ranked])
        return [Candidate(i, paths[i], score) for i, score in ranked if i in paths]

    def postings(self, hashes: np.ndarray, max_df: float | None = None
                 ) -> Iterator[tuple[int, bytes]]:
        """(df, ids blob) of each of the given terms that the index holds (only those in at
        most `max_df` originals, if given: the blobs of frequent terms are then not read)."""
        wanted = hashes.tolist()
        cap = "" if max_df is None else f" AND df <= {int(max_df)}"
        try:
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                yield from self.con.execute(
                    f"SELECT df, docs FROM postings WHERE term IN ({marks}){cap}", chunk)
        except (sqlite3.DatabaseError, zlib.error) as err:
            raise self.explain(err) from err

    def _paths_of(self, ids: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(ids))
        return dict(self.con.execute(f"SELECT id, path FROM docs WHERE id IN ({marks})", ids))

    @_guarded
    def info(self) -> dict:
        """Documents, terms, size on disk and the parameters the index was built with."""
        size = 0
        if self.location != ":memory:":
            size = sum(os.path.getsize(p) for p in (self.location, self.location + "-journal",
                                                   self.location + "-wal")
                       if os.path.exists(p))
        n_docs, n_words = self.con.execute(
            "SELECT COUNT(*), COALESCE(SUM(n_words), 0) FROM docs").fetchone()
        n_terms, n_postings = self.con.execute(
            "SELECT COUNT(*), COALESCE(SUM(df), 0) FROM postings").fetchone()
        return {
            "index": self.location,
            "documents": n_docs,
            "words": n_words,
            "terms": n_terms,
            "postings": n_postings,
            "size_bytes": size,
            "format_version": FORMAT_VERSION,
            "created": _iso(self._meta("created")),
            "updated": _iso(self._meta("updated")),
            "params": self.params,
        }

    # --- writing ---------------------------------------------------------------------------

    @_guarded
    def add_prepared(
        self, prepared: Iterable[Prepared], *, on_doc: Callable[[Prepared], None] | None = None
    ) -> AddReport:
        """Write analysed originals in one transaction: all of them, or (on any failure) none.

        A path already in the index keeps its id: unchanged bytes are skipped, changed bytes
        replace the stored text and anchors. Another process's add or remove in progress is
        waited for (up to `timeout` seconds); the paths it wrote count as already there.
        """
        # Test hook (SPUNDETECT_TEST_KILL_AFTER=N): SIGKILL this process once N documents are
        # written inside the open transaction, so a test can check what a kill -9 leaves.
        kill = testhook.killer(testhook.KILL_AFTER_DOCS)
        report = AddReport([], [], [], [])
        pending: list[tuple[int, np.ndarray]] = []
        n_pending = 0
        with self._writing():
            known = {p: (i, sha)
                     for i, p, sha in self.con.execute("SELECT id, path, sha256 FROM docs")}
            seen: set[str] = set()  # each file once, however often or by whatever name given
            for item in prepared:
                if on_doc is not None:
                    on_doc(item)
                if item.path in seen:
                    continue
                seen.add(item.path)
                if item.error is not None:
                    report.errors.append({"original": item.path, "error": item.error})
                    continue
                assert item.anchors is not None
                old = known.get(item.path)
                if old is None and "\\" in item.path:  # as an older spundetect named it
                    old = known.get(name_before(item.path))
                    if old is not None:  # named as now from here on
                        self.con.execute("UPDATE docs SET path = ? WHERE id = ?",
                                         (item.path, old[0]))
                if old is not None and old[1] == item.sha256:
                    report.unchanged.append(item.path)
                    continue
                if old is not None:
                    self._unpost(old[0])
                    self.con.execute(
                        "UPDATE docs SET sha256 = ?, added = ?, n_words = ?, n_anchors = ?, "
                        "text = ? WHERE id = ?",
                        (item.sha256, time.time(), item.n_words, item.anchors.size, item.text,
                         old[0]))
                    doc_id = old[0]
                    report.replaced.append(doc_id)
                else:
                    cur = self.con.execute(
                        "INSERT INTO docs (path, sha256, added, n_words, n_anchors, text) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (item.path, item.sha256, time.time(), item.n_words, item.anchors.size,
                         item.text))
                    doc_id = int(cur.lastrowid)
                    report.added.append(doc_id)
                known[item.path] = (doc_id, item.sha256)
                if kill is not None:
                    kill(len(report.added) + len(report.replaced))
                pending.append((doc_id, item.anchors))
                n_pending += item.anchors.size
                if n_pending >= FLUSH_POSTINGS:
                    self._post(pending)
                    pending, n_pending = [], 0
            self._post(pending)
        return report

    @_guarded
    def remove(self, ids_or_paths: Sequence[str | int]) -> list[int]:
        """Remove documents by id or stored path, in one transaction; returns the removed ids."""
        from detector.index.ingest import stored_path  # (ingest imports this module)

        with self._writing():
            paths = self.paths()
            existing = set(paths.values())
            ids: list[int] = []
            for key in ids_or_paths:
                text = str(key)
                if text in paths:
                    ids.append(paths[text])
                elif text.isdigit() and int(text) in existing:
                    ids.append(int(text))
                elif (named := stored_path(Path(text))) in paths:  # the file, as named
                    ids.append(paths[named])  # when added (its name escaped, a link resolved)
                else:
                    raise InputError(f"{key}: no such document id or path in {self.location}")
            ids = sorted(set(ids))
            for doc_id in ids:
                self._unpost(doc_id)
                self.con.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        return ids

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction: the write lock first (before reading what is there), then
        all of the change and the `updated` stamp, or (on any failure, a kill too) none."""
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._touch()
            self.con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already (it does on some errors)."""
        if self.con.in_transaction:
            # the error being raised says more; SQLite rolls back when the file is next opened
            with contextlib.suppress(sqlite3.Error):
                self.con.execute("ROLLBACK")

    def _touch(self) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('updated', ?)", (str(time.time()),))

    def _post(self, pending: list[tuple[int, np.ndarray]]) -> None:
        """Merge the postings of newly written documents into the term rows, emptying
        `pending`: its arrays are let go once copied, and each sorted copy replaces the
        unsorted one, so the merge holds at most ~28 bytes a posting, not 40."""
        if not pending:
            return
        terms = np.concatenate([a for _, a in pending])
        owners = np.concatenate([np.full(a.size, i, dtype="<u4") for i, a in pending])
        pending.clear()
        order = np.argsort(terms, kind="stable")
        terms = terms[order]
        raw = owners[order].tobytes()
        del owners, order
        starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
        ends = np.r_[starts[1:], terms.size]
        # Many rows per statement: one execute per row (`executemany`) costs more in binding
        # and stepping than SQLite spends inserting the row. Python ints are made a
        # statement's rows at a time: for all the rows of a flush they would cost ~100 B each.
        per = _ROWS_PER_INSERT
        for first in range(0, starts.size, per):
            some = slice(first, first + per)
            params = [value for t, a, b in zip(terms[starts[some]].tolist(), starts[some].tolist(),
                                               ends[some].tolist(), strict=True)
                      for value in (t, b - a, raw[4 * a : 4 * b])]
            self.con.execute(_upsert(len(params) // 3), params)

    def _unpost(self, doc_id: int) -> None:
        """Take a document out of the postings of its anchors (recomputed from its text)."""
        doc = self.documents([doc_id])[doc_id]
        hashes = anchor_mod.anchors(doc, self._kinds, self.scheme)
        for term in hashes.tolist():
            row = self.con.execute("SELECT df, docs FROM postings WHERE term = ?",
                                   (term,)).fetchone()
            if row is None:
                continue
            ids = np.frombuffer(row[1], dtype="<u4")
            kept = ids[ids != doc_id]
            if kept.size == 0:
                self.con.execute("DELETE FROM postings WHERE term = ?", (term,))
            else:
                self.con.execute("UPDATE postings SET df = ?, docs = ? WHERE term = ?",
                                 (int(kept.size), kept.tobytes(), term))


@functools.lru_cache(maxsize=4)
def _upsert(rows: int) -> str:
    """The statement that adds `rows` term rows to the postings, appending to existing ones."""
    return ("INSERT INTO postings (term, df, docs) VALUES " + ", ".join(["(?, ?, ?)"] * rows)
            + " ON CONFLICT (term) DO UPDATE SET df = df + excluded.df, "
            "docs = CAST(docs || excluded.docs AS BLOB)")


def _connect(location: str, readonly: bool = False,
             timeout: float | None = None) -> sqlite3.Connection:
    timeout = BUSY_TIMEOUT_S if timeout is None else timeout
    if readonly and location != ":memory:":
        uri = f"file:{urllib.parse.quote(os.fsencode(os.path.abspath(location)))}?mode=ro"
        con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
    else:
        con = sqlite3.connect(location, isolation_level=None, timeout=timeout)
    con.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache
    con.execute("PRAGMA temp_store = MEMORY")
    return con


@functools.cache
def _expected_columns() -> dict[str, list[tuple]]:
    con = sqlite3.connect(":memory:")
    con.executescript(SCHEMA)
    expected = {table: _columns(con, table) for table in TABLES}
    con.close()
    return expected


def _columns(con: sqlite3.Connection, table: str) -> list[tuple]:
    """(name, declared type, not null, primary key) of each column of `table`."""
    return [(name, kind.upper(), notnull, pk)
            for _, name, kind, notnull, _, pk in con.execute(f"PRAGMA table_info({table})")]


def _check_format(con: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not a spundetect index of this format: tables, columns, version."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not set(TABLES) <= tables:
        missing = ", ".join(t for t in TABLES if t not in tables)
        raise IndexDamagedError(f"{path}: not a spundetect index (no table {missing}); "
                                "build one with `spundetect index build`")
    for table, expected in _expected_columns().items():
        found = _columns(con, table)
        if found != expected:
            raise IndexDamagedError(
                f"{path}: not a spundetect index (table {table} has columns "
                f"{', '.join(c[0] for c in found)}; expected {', '.join(c[0] for c in expected)})"
                "; build one with `spundetect index build`")
    version = con.execute("PRAGMA user_version").fetchone()[0]
    row = con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if version != FORMAT_VERSION or (row is not None and row[0] != str(FORMAT_VERSION)):
        stated = version if row is None or row[0] == str(version) else f"{version}/{row[0]}"
        raise IndexDamagedError(f"{path}: index format {stated}, this version reads "
                                f"{FORMAT_VERSION}; {REBUILD}")
    if con.execute("SELECT value FROM meta WHERE key = 'params'").fetchone() is None:
        raise IndexDamagedError(f"{path}: not a spundetect index (no build parameters); "
                                f"{REBUILD}")


_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_NOT_A_DATABASE = 26  # SQLITE_NOTADB
_CORRUPT = 11  # SQLITE_CORRUPT: "database disk image is malformed" (a copy cut short, say)
_FULL = 13  # SQLITE_FULL: the disk (or a quota) is full
_READONLY = 8  # SQLITE_READONLY: "attempt to write a readonly database"
_CANNOT_OPEN = 14  # SQLITE_CANTOPEN: "unable to open database file"


def _explain(err: Exception, location: str, con: sqlite3.Connection | None,
             timeout: float) -> SpundetectError:
    """The one-line error that an SQLite or zlib error met in an index stands for."""
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(err).splitlines()[0] if str(err) else type(err).__name__
    if primary in _BUSY or (primary is None and "database is locked" in message):
        return IndexLockedError(
            f"{location}: another process is writing to the index and did not finish within "
            f"{timeout:g} s; try again when it has")
    if primary == _NOT_A_DATABASE:
        return IndexDamagedError(f"{location}: not a spundetect index, or damaged ({message}); "
                                 f"{REBUILD}")
    if primary == _CANNOT_OPEN and os.path.exists(location) and not os.access(location, os.R_OK):
        return InputError(f"{location}: cannot open the index (permission denied)")
    if primary == _READONLY:
        return InputError(f"{location}: cannot write to the index (the file or its folder is "
                          f"read-only: {message})")
    if primary == _FULL:
        return OutputError(f"{location}: cannot write ({message}); free some space and run "
                           "the command again (nothing of this run was kept)")
    if primary == _CORRUPT:
        return IndexDamagedError(f"{location}: the index file is damaged ({message}); {REBUILD}")
    if isinstance(err, (zlib.error, ValueError)):
        return IndexDamagedError(f"{location}: the index is damaged ({message}); {REBUILD}")
    # A stored name that is not UTF-8 (names are written escaped), or a second document at a
    # path the index of paths did not know (an add looks each path up first): damage.
    if "Could not decode to UTF-8" in message or (
            isinstance(err, sqlite3.IntegrityError) and "UNIQUE constraint failed" in message):
        return IndexDamagedError(f"{location}: the index file is damaged ({message}); {REBUILD}")
    problem = _pragma_check(con) if con is not None else None
    if problem is not None:
        return IndexDamagedError(f"{location}: the index file is damaged ({problem}); {REBUILD}")
    return InputError(f"{location}: {message}")


def _pragma_check(con: sqlite3.Connection, pragma: str = "quick_check") -> str | None:
    """None when PRAGMA quick_check (or `pragma`, integrity_check) finds the file sound, else
    its first complaint."""
    try:
        if con.in_transaction:
            con.execute("ROLLBACK")  # the failed change is abandoned; check what is on disk
        rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}(10)")]
    except sqlite3.Error as err:
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    if rows == ["ok"]:
        return None
    lines = [line.strip() for row in rows for line in row.splitlines()
             if line.strip() and not line.startswith("***")]
    return lines[0] if lines else f"PRAGMA {pragma} failed"


def _iso(stamp: str | None) -> str | None:
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(stamp)))
