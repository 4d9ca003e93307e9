"""The reference index: originals in one SQLite file, retrieved by the anchors a spinner keeps.

Each original is stored with a stable integer id (never reused), its path, the SHA-256 of its
bytes and its normalised text (zlib-compressed), so a scan scores against the stored text and
does not depend on the original files staying where they were. Candidate retrieval is an
inverted index over anchor hashes (`detector.index.anchors`): one row per term with its document
frequency and a blob of the ids of the documents holding it; a query sums the IDF of the
terms a suspect shares with each original and keeps the top k.

Every change runs in one transaction: an interrupted `add` or `remove` (even by kill -9)
leaves the index as it was before; `build` writes a new file and renames it into place.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector import terms
from detector.errors import InputError, SpundetectError
from detector.index import anchors as anchor_mod
from detector.text import Document, decode

FORMAT_VERSION = 1
# A term in more than MAX_DF originals (or MAX_DF_SHARE of them, if fewer) says little about
# which one a suspect came from and is skipped at query time, which also bounds a query's
# cost as the index grows; small indexes keep terms in up to MIN_DF_CAP originals.
MAX_DF = 1000
MAX_DF_SHARE = 0.05
MIN_DF_CAP = 50
# Postings are collected in memory and merged into SQLite in one sorted pass per this many
# (12 bytes each: ~250 MB): one pass writes the term rows in key order, where merging
# every few thousand documents would revisit most of a large table each time.
FLUSH_POSTINGS = 20_000_000
_IN_CHUNK = 900  # SQL parameters per IN (...) query

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


@dataclass(frozen=True)
class Prepared:
    """An original read and analysed (in a worker): what `add` writes for it."""

    path: str
    sha256: str = ""
    text: bytes = b""  # zlib-compressed normalised text
    n_words: int = 0
    anchors: np.ndarray | None = None
    error: str | None = None


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
        "hash": "blake2b-64",
        "max_df": MAX_DF,
        "max_df_share": MAX_DF_SHARE,
        "min_df_cap": MIN_DF_CAP,
    }


def prepare(path: str, data: bytes | None, error: str | None = None) -> Prepared:
    """Decode, normalise and extract anchors from one original's bytes (runs in workers)."""
    if error is not None:
        return Prepared(path, error=error)
    try:
        text = decode(data or b"", path)
    except SpundetectError as err:
        return Prepared(path, error=str(err))
    return Prepared(
        path=path,
        sha256=hashlib.sha256(data or b"").hexdigest(),
        text=zlib.compress(text.encode("utf-8"), 6),
        n_words=len(anchor_mod.TOKEN.findall(text)),
        anchors=anchor_mod.anchors(Document(text, name=path)),
    )


def prepare_many(items: Sequence[tuple[str, bytes | None, str | None]]) -> list[Prepared]:
    """`prepare` over a chunk, the unit of work sent to a process or a Dask worker."""
    return [prepare(*item) for item in items]


def read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """A file's bytes, or a one-line reason it cannot be read."""
    from detector.text import MAX_BYTES

    try:
        if path.stat().st_size > MAX_BYTES:
            return None, f"{path}: too large for an article"
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, f"{path}: no such file"
    except IsADirectoryError:
        return None, f"{path}: is a directory, expected a text file"
    except PermissionError:
        return None, f"{path}: permission denied"
    except OSError as err:
        return None, f"{path}: cannot read ({err.strerror or err})"


class ReferenceIndex:
    """An open reference index (a SQLite file, or in memory for `scan --against`)."""

    def __init__(self, con: sqlite3.Connection, location: str):
        self.con = con
        self.location = location
        self.params = json.loads(self._meta("params") or "{}")
        self._kinds = tuple(self.params.get("kinds", anchor_mod.KINDS))

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, location: str | Path = ":memory:") -> ReferenceIndex:
        """A new, empty index at `location` (a path that must not exist yet, or `:memory:`)."""
        location = str(location)
        if location != ":memory:" and Path(location).exists():
            raise InputError(f"{location}: already exists")
        con = _connect(location)
        with con:
            con.executescript(SCHEMA)
            con.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            now = str(time.time())
            con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("params", json.dumps(build_params(), sort_keys=True)),
                ("created", now), ("updated", now),
            ])
        return cls(con, location)

    @classmethod
    def open(cls, location: str | Path, *, readonly: bool = False) -> ReferenceIndex:
        """Open an existing index file, refusing a missing, foreign or incompatible one."""
        path = Path(location)
        if not path.is_file():
            raise InputError(f"{path}: no such index; create one with `spundetect index build`")
        if Path(f"{path}-journal").exists():
            readonly = False  # a killed add left its journal: reading must roll it back first
        try:
            con = _connect(str(path), readonly=readonly)
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as err:
            raise InputError(f"{path}: not a spundetect index ({err})") from err
        if not {"meta", "docs", "postings"} <= tables:
            raise InputError(f"{path}: not a spundetect index")
        if version != FORMAT_VERSION:
            raise InputError(
                f"{path}: index format {version}, this version reads {FORMAT_VERSION}; "
                "rebuild it with `spundetect index build`"
            )
        index = cls(con, str(path))
        current = build_params()
        if {k: index.params.get(k) for k in current} != current:
            raise InputError(
                f"{path}: built with other anchor settings ({index.params}); rebuild it with "
                "`spundetect index build`"
            )
        return index

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ReferenceIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.con.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def _meta(self, key: str) -> str | None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def ids(self) -> list[int]:
        return [r[0] for r in self.con.execute("SELECT id FROM docs ORDER BY id")]

    def paths(self) -> dict[str, int]:
        """Stored path -> id of every document."""
        return {p: i for i, p in self.con.execute("SELECT id, path FROM docs")}

    def documents(self, ids: Iterable[int]) -> dict[int, Document]:
        """The stored texts of the given ids as documents named by their paths."""
        out: dict[int, Document] = {}
        ids = list(ids)
        for k in range(0, len(ids), _IN_CHUNK):
            chunk = ids[k : k + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for doc_id, path, blob in self.con.execute(
                f"SELECT id, path, text FROM docs WHERE id IN ({marks})", chunk
            ):
                out[doc_id] = Document(zlib.decompress(blob).decode("utf-8"), name=path)
        return out

    def texts(self, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """id -> (path, normalised text), the form shipped to scoring workers."""
        return {i: (d.name, d.text) for i, d in self.documents(ids).items()}

    def candidates(self, doc: Document, k: int = 10) -> list[Candidate]:
        """The k originals sharing the most IDF-weighted anchors with `doc`, best first."""
        return self.candidates_for_anchors(anchor_mod.anchors(doc, self._kinds), k)

    def candidates_for_anchors(self, hashes: np.ndarray, k: int = 10) -> list[Candidate]:
        """Top-k retrieval for precomputed anchor hashes."""
        n_docs = len(self)
        if n_docs == 0 or hashes.size == 0 or k <= 0:
            return []
        cap = max(min(MAX_DF_SHARE * n_docs, MAX_DF), MIN_DF_CAP)
        id_parts, weight_parts = [], []
        terms = hashes.tolist()
        for start in range(0, len(terms), _IN_CHUNK):
            chunk = terms[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for df, blob in self.con.execute(
                f"SELECT df, docs FROM postings WHERE term IN ({marks})", chunk
            ):
                if df > cap:
                    continue
                ids = np.frombuffer(blob, dtype="<u4")
                id_parts.append(ids)
                weight_parts.append(np.full(ids.size, math.log(1.0 + n_docs / df)))
        if not id_parts:
            return []
        scores = np.bincount(np.concatenate(id_parts), weights=np.concatenate(weight_parts))
        hit = np.flatnonzero(scores)
        if hit.size > k:
            hit = hit[np.argpartition(-scores[hit], k - 1)[:k]]
        chosen = [int(i) for i in hit[np.lexsort((hit, -scores[hit]))]]
        paths = self._paths_of(chosen)
        return [Candidate(i, paths[i], float(scores[i])) for i in chosen if i in paths]

    def _paths_of(self, ids: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(ids))
        return dict(self.con.execute(f"SELECT id, path FROM docs WHERE id IN ({marks})", ids))

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

    def add_prepared(
        self, prepared: Iterable[Prepared], *, on_doc: Callable[[Prepared], None] | None = None
    ) -> AddReport:
        """Write analysed originals in one transaction: all of them, or (on any failure) none.

        A path already in the index keeps its id: unchanged bytes are skipped, changed bytes
        replace the stored text and anchors.
        """
        report = AddReport([], [], [], [])
        known = {p: (i, sha) for i, p, sha in self.con.execute("SELECT id, path, sha256 FROM docs")}
        pending: list[tuple[int, np.ndarray]] = []
        n_pending = 0
        self.con.execute("BEGIN IMMEDIATE")
        try:
            for item in prepared:
                if on_doc is not None:
                    on_doc(item)
                if item.error is not None:
                    report.errors.append({"original": item.path, "error": item.error})
                    continue
                assert item.anchors is not None
                old = known.get(item.path)
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
                pending.append((doc_id, item.anchors))
                n_pending += item.anchors.size
                if n_pending >= FLUSH_POSTINGS:
                    self._post(pending)
                    pending, n_pending = [], 0
            self._post(pending)
            self._touch()
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return report

    def remove(self, ids_or_paths: Sequence[str | int]) -> list[int]:
        """Remove documents by id or stored path, in one transaction; returns the removed ids."""
        paths = self.paths()
        existing = set(paths.values())
        ids: list[int] = []
        for key in ids_or_paths:
            text = str(key)
            if text in paths:
                ids.append(paths[text])
            elif text.isdigit() and int(text) in existing:
                ids.append(int(text))
            else:
                raise InputError(f"{key}: no such document id or path in {self.location}")
        ids = sorted(set(ids))
        self.con.execute("BEGIN IMMEDIATE")
        try:
            for doc_id in ids:
                self._unpost(doc_id)
                self.con.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
            self._touch()
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return ids

    def _touch(self) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('updated', ?)", (str(time.time()),))

    def _post(self, pending: list[tuple[int, np.ndarray]]) -> None:
        """Merge the postings of newly written documents into the term rows."""
        if not pending:
            return
        terms = np.concatenate([a for _, a in pending])
        owners = np.concatenate([np.full(a.size, i, dtype="<u4") for i, a in pending])
        order = np.argsort(terms, kind="stable")
        terms, owners = terms[order], owners[order]
        starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
        ends = np.r_[starts[1:], terms.size]
        raw = owners.tobytes()
        del owners, order
        step = 100_000  # term rows made per batch: Python ints for all of them cost ~100 B each
        rows = (
            (t, b - a, raw[4 * a : 4 * b])
            for k in range(0, starts.size, step)
            for t, a, b in zip(terms[starts[k : k + step]].tolist(),
                               starts[k : k + step].tolist(), ends[k : k + step].tolist(),
                               strict=True)
        )
        self.con.executemany(
            "INSERT INTO postings (term, df, docs) VALUES (?, ?, ?) ON CONFLICT (term) DO "
            "UPDATE SET df = df + excluded.df, docs = CAST(docs || excluded.docs AS BLOB)",
            rows,
        )

    def _unpost(self, doc_id: int) -> None:
        """Take a document out of the postings of its anchors (recomputed from its text)."""
        doc = self.documents([doc_id])[doc_id]
        hashes = anchor_mod.anchors(doc, self._kinds)
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


def _connect(location: str, readonly: bool = False) -> sqlite3.Connection:
    if readonly and location != ":memory:":
        con = sqlite3.connect(f"file:{location}?mode=ro", uri=True, isolation_level=None)
    else:
        con = sqlite3.connect(location, isolation_level=None)
    con.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache
    con.execute("PRAGMA temp_store = MEMORY")
    return con


def _iso(stamp: str | None) -> str | None:
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(stamp)))


def _chunks(paths: Sequence[Path], key: Callable[[Path], str], size: int) -> Iterator[list]:
    """Chunks of (key, bytes, error), read lazily: the items sent to workers."""
    for start in range(0, len(paths), size):
        chunk = []
        for path in paths[start : start + size]:
            data, error = read_bytes(path)
            chunk.append((key(path), data, error))
        yield chunk


def _prepare_chunk(chunk: list, _context=None) -> list[Prepared]:
    return prepare_many(chunk)


def add_files(
    index: ReferenceIndex,
    paths: Sequence[Path],
    *,
    key: Callable[[Path], str] = lambda p: str(p.resolve()),
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 32,
) -> AddReport:
    """Read and analyse files in parallel (local processes or Dask), then add them at once.

    Analysis runs where the work is sent; the writes stay in this process, in one
    transaction, in the order of `paths`, so ids are the same whatever the parallelism.
    """
    from detector.parallel import pmap

    batches = pmap(_prepare_chunk, _chunks(paths, key, chunk), jobs=jobs, scheduler=scheduler,
                   ordered=True)
    prepared = (item for batch in batches for item in batch)
    return index.add_prepared(prepared, on_doc=(lambda _: progress(1)) if progress else None)


def build(
    originals: Sequence[Path],
    location: str | Path,
    *,
    key: Callable[[Path], str] = lambda p: str(p.resolve()),
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
    final = Path(location)
    if final.exists():
        raise InputError(f"{final}: already exists; use `index add` to extend it, or remove it")
    tmp = final.with_name(f".{final.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        index = ReferenceIndex.create(tmp)
        report = add_files(index, originals, key=key, jobs=jobs, scheduler=scheduler,
                           progress=progress)
        index.close()
        os.replace(tmp, final)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    return ReferenceIndex.open(final), report
