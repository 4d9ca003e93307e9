"""The reference index as partitioned Parquet files, for clusters where no machine holds it all.

A folder (local, or any fsspec URL such as `s3://bucket/ref`) holding:

- `documents/part-NNNNN.parquet`: originals in contiguous id ranges (path, sha256, n_words,
  n_anchors, zlib-compressed text, as the SQLite index stores them); the part's first id
  and row count are in the metadata, so ids are never stored twice;
- `anchors/part-NNNNN.parquet`: the inverted index split by term hash (`bucket_of`), one row
  per term (term, df, docs: the little-endian uint32 ids holding it, as SQLite's postings),
  sorted by term;
- `metadata.json`: format version, anchor settings (`store.build_params`), counts and parts.

Terms, hashes and ids are those `index build` gives the same files (path order, unreadable
files skipped), so `detector.index.rank` ranks the same candidates from either format.
`build_partitioned` writes it in two rounds of tasks (local processes or Dask): chunks of
originals are analysed into document parts plus per-bucket anchor pairs, then each bucket's
pairs are merged into its anchor part (the shuffle by hash).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import posixpath
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector import testhook
from detector.display import shown
from detector.errors import IndexDamagedError, InputError
from detector.index.ingest import Prepared, gone, keys_for, machine, prepare, stored_path
from detector.index.store import AddReport, build_params, same_settings
from detector.text import Document

FORMAT = "spundetect-partitioned"
FORMAT_VERSION = 2  # 2 for the reason `store.FORMAT_VERSION` is: clock times in one spelling
META = "metadata.json"
REBUILD = "rebuild it with `spundetect index build --format parquet`"
DOCS_PER_PART = 5_000  # originals per document part (~15 MB of Parquet at 1 kB a text)
TERMS_PER_BUCKET = 2_000_000  # aim for about this many term rows per anchor part


def _pa():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise InputError("the parquet index format needs pyarrow: "
                         "pip install 'spundetect[dask]'") from err
    return pa, pq


def filesystem(location: str | Path):
    """(fsspec filesystem, path in it) of a local folder or a URL such as s3://bucket/ref."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(str(location))
    except (ImportError, ValueError) as err:
        raise InputError(f"{location}: cannot open that storage ({err})") from err
    return fs, path


def is_partitioned(location: str | Path) -> bool:
    """Whether `location` names a partitioned index (a folder or a URL) rather than a file."""
    return "://" in str(location) or Path(location).is_dir()


def bucket_of(terms: np.ndarray, n_buckets: int) -> np.ndarray:
    """The anchor part each term hash belongs to (its unsigned value modulo the bucket count)."""
    return (terms.view(np.uint64) % np.uint64(n_buckets)).astype(np.int64)


def default_buckets(n_docs: int) -> int:
    """Anchor parts for `n_docs` originals (~60 distinct terms each, TERMS_PER_BUCKET a part)."""
    return max(2, math.ceil(n_docs * 60 / TERMS_PER_BUCKET))


@dataclass(frozen=True)
class DocPart:
    """A document part: its file name, first id and number of rows."""

    file: str
    first_id: int
    rows: int


@dataclass(frozen=True)
class AnchorPart:
    """The term rows of one anchor part: sorted terms, their dfs, and their id blobs as one
    byte array cut by offsets (Arrow's own layout of the `docs` column)."""

    terms: np.ndarray
    dfs: np.ndarray
    offsets: np.ndarray
    data: np.ndarray

    def find(self, wanted: np.ndarray) -> np.ndarray:
        """The row of each wanted term, -1 where the part does not hold it."""
        if not self.terms.size:
            return np.full(wanted.size, -1)
        at = np.searchsorted(self.terms, wanted)
        at[at >= self.terms.size] = 0
        return np.where(self.terms[at] == wanted, at, -1)

    def blob(self, row: int) -> bytes:
        """The little-endian uint32 ids of the originals holding the term of `row`."""
        return self.data[self.offsets[row] : self.offsets[row + 1]].tobytes()


class PartitionedIndex:
    """An open partitioned index: its metadata, and reads of single parts (done on workers)."""

    def __init__(self, location: str, meta: dict):
        self.location = location  # as given, for messages
        fs, root = filesystem(location)
        self.url = fs.unstrip_protocol(root)  # absolute: what workers elsewhere read
        self.meta = meta
        self.n_docs: int = meta["documents"]
        self.n_buckets: int = meta["buckets"]
        self.doc_parts = [DocPart(**p) for p in meta["document_parts"]]
        self.first_ids = np.array([p.first_id for p in self.doc_parts], dtype=np.int64)

    @classmethod
    def open(cls, location: str | Path) -> PartitionedIndex:
        """Read and check `metadata.json`: a foreign, newer or other-settings index is refused."""
        fs, root = filesystem(location)
        meta_path = posixpath.join(root, META)
        try:
            with fs.open(meta_path, "rb") as fh:
                meta = json.loads(fh.read().decode("utf-8"))
        except FileNotFoundError:
            if unfinished(location):
                raise InputError(f"{location}: a build of it did not finish (no {META}); "
                                 "remove it and build it again") from None
            raise InputError(f"{location}: no such partitioned index (no {META}); create one "
                             "with `spundetect index build --format parquet`") from None
        except (OSError, ValueError) as err:
            raise IndexDamagedError(f"{location}: {META} is damaged ({err}); {REBUILD}") from err
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise IndexDamagedError(f"{location}: not a spundetect partitioned index; {REBUILD}")
        if meta.get("format_version") != FORMAT_VERSION:
            raise IndexDamagedError(f"{location}: index format {meta.get('format_version')}, "
                                    f"this version reads {FORMAT_VERSION}; {REBUILD}")
        if not isinstance(meta.get("params"), dict):
            raise IndexDamagedError(f"{location}: {META} is damaged (params is not an object); "
                                    f"{REBUILD}")
        if not same_settings(meta["params"]):
            raise InputError(f"{location}: built with other anchor settings "
                             f"({meta.get('params')}); {REBUILD}")
        wrong = _wrong_in(meta)
        if wrong:
            raise IndexDamagedError(f"{location}: {META} is damaged ({wrong}); {REBUILD}")
        try:
            return cls(str(location), meta)
        except (KeyError, TypeError) as err:
            raise IndexDamagedError(f"{location}: {META} is damaged (no {err}); "
                                    f"{REBUILD}") from err

    def close(self) -> None:
        """Nothing to release (parts are read when needed); for `with` like `ReferenceIndex`."""

    def __enter__(self) -> PartitionedIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def part_of(self, ids: np.ndarray) -> np.ndarray:
        """The document part holding each id."""
        return np.searchsorted(self.first_ids, ids, side="right") - 1

    @contextlib.contextmanager
    def _reading(self, relative: str) -> Iterator[None]:
        """A read of part `relative`: missing or damaged, it is one IndexDamagedError."""
        try:
            yield
        except FileNotFoundError:
            raise IndexDamagedError(f"{self.location}: part {relative} is missing; "
                                    f"{REBUILD}") from None
        except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ... for damage
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise IndexDamagedError(f"{self.location}: part {relative} is damaged ({first}); "
                                    f"{REBUILD}") from err

    def _rows_are(self, relative: str, found: int, rows: int | None) -> None:
        """Refuse a part with other than the `rows` the metadata gives it (None: any)."""
        if rows is not None and found != rows:
            raise IndexDamagedError(f"{self.location}: part {relative} has {found} rows, the "
                                    f"metadata says {rows}; {REBUILD}")

    def _read(self, relative: str, columns: list[str], rows: int | None = None):
        """A part as an Arrow table; a missing, damaged or short file is one IndexDamagedError."""
        _, pq = _pa()
        fs, root = filesystem(self.url)
        with self._reading(relative):
            table = pq.read_table(posixpath.join(root, relative), columns=columns,
                                  filesystem=fs)
        self._rows_are(relative, table.num_rows, rows)
        return table

    def anchor_part(self, bucket: int) -> AnchorPart:
        """One anchor part, its columns as numpy arrays (no Python object per term)."""
        rows = self.meta["anchor_rows"][bucket]
        table = self._read(f"anchors/part-{bucket:05d}.parquet", ["term", "df", "docs"], rows)
        docs = table.column("docs").combine_chunks()
        _, offsets, data = docs.buffers()
        offsets = np.frombuffer(offsets, dtype=np.int32)[docs.offset : docs.offset + rows + 1]
        return AnchorPart(table.column("term").to_numpy(), table.column("df").to_numpy(),
                          offsets, np.frombuffer(data, dtype=np.uint8) if data else
                          np.empty(0, np.uint8))

    def postings(self, bucket: int, wanted: np.ndarray, max_df: float
                 ) -> dict[int, tuple[int, bytes]]:
        """term -> (df, ids blob) of the `wanted` terms this bucket holds, df <= max_df."""
        part = self.anchor_part(bucket)
        at = part.find(wanted)
        return {term: (int(part.dfs[i]), part.blob(i))
                for term, i in zip(wanted.tolist(), at.tolist(), strict=True)
                if i >= 0 and part.dfs[i] <= max_df}

    def part_documents(self, part: int, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        """id -> (path, sha256, text) of the given ids, all in document part `part`."""
        import zlib

        info = self.doc_parts[part]
        table = self._read(info.file, ["path", "sha256", "text"], info.rows)
        paths, shas = table.column("path").to_pylist(), table.column("sha256").to_pylist()
        texts = table.column("text")
        out = {}
        for doc_id in ids:
            row = doc_id - info.first_id
            if not 0 <= row < info.rows:
                raise IndexDamagedError(f"{self.location}: no document {doc_id} in part "
                                        f"{info.file}; {REBUILD}")
            try:
                text = zlib.decompress(texts[row].as_py()).decode("utf-8")
            except (zlib.error, UnicodeDecodeError, TypeError) as err:
                raise IndexDamagedError(f"{self.location}: the stored text of document "
                                        f"{doc_id} is damaged ({err}); {REBUILD}") from err
            out[doc_id] = (paths[row], shas[row], text)
        return out

    def id_of(self, path: str) -> int | None:
        """The id of the document stored under `path`, as `ReferenceIndex.id_of` (each
        document part's paths read: for a rare check, not for every suspect)."""
        for info in self.doc_parts:
            paths = self._read(info.file, ["path"], info.rows).column("path").to_pylist()
            if path in paths:
                return info.first_id + paths.index(path)
        return None

    def documents(self, ids: Iterable[int]) -> dict[int, Document]:
        """id -> the stored original as a Document (its path as name, SHA-256, text), as
        `ReferenceIndex.documents` gives them; ids the index does not hold are left out."""
        ids = [i for i in ids if i > 0]  # (any iterable, as ReferenceIndex.documents takes)
        parts = self.part_of(np.asarray(ids, dtype=np.int64)).tolist() if ids else []
        out: dict[int, Document] = {}
        for part in sorted(set(parts)):
            info = self.doc_parts[part] if 0 <= part < len(self.doc_parts) else None
            wanted = [i for i, p in zip(ids, parts, strict=True) if p == part and info
                      and i - info.first_id < info.rows]
            for doc_id, (path, sha256, text) in (self.part_documents(part, wanted).items()
                                                 if wanted else ()):
                out[doc_id] = Document(text, name=path, sha256=sha256)
        return out

    def info(self) -> dict:
        """Counts, parts, size in storage and build parameters (like `ReferenceIndex.info`);
        every part's footer is read, so a missing, damaged or short part is one error here
        too (`check` reads every row)."""
        _, pq = _pa()
        fs, root = filesystem(self.url)
        parts = [*((p.file, p.rows) for p in self.doc_parts),
                 *((f"anchors/part-{b:05d}.parquet", self.meta["anchor_rows"][b])
                   for b in range(self.n_buckets))]
        size = fs.size(posixpath.join(root, META))
        for relative, rows in parts:
            path = posixpath.join(root, relative)
            with self._reading(relative):
                size += fs.size(path)
                found = pq.read_metadata(path, filesystem=fs).num_rows
            self._rows_are(relative, found, rows)
        return {
            "index": self.location,
            "documents": self.n_docs,
            "words": self.meta["words"],
            "terms": self.meta["terms"],
            "postings": self.meta["postings"],
            "size_bytes": size,
            "format_version": FORMAT_VERSION,
            "document_parts": len(self.doc_parts),
            "anchor_parts": self.n_buckets,
            "created": self.meta["created"],
            "updated": self.meta["created"],
            "params": self.meta["params"],
        }

    def check(self) -> dict:
        """Read every part (every stored text, every posting) and raise on the first damage;
        a part whose bytes are not those the build wrote (its SHA-256 in the metadata; an
        index built before they were kept has none) is damage too."""
        fs, root = filesystem(self.url)
        for relative, digest in self.meta.get("part_sha256", {}).items():
            with self._reading(relative):
                data = fs.cat(posixpath.join(root, relative))
            if hashlib.sha256(data).hexdigest() != digest:
                raise IndexDamagedError(f"{self.location}: part {relative} is not the part the "
                                        f"build wrote (its SHA-256 differs); {REBUILD}")
        n_docs = n_terms = 0
        for k, part in enumerate(self.doc_parts):
            n_docs += len(self.part_documents(k, range(part.first_id,
                                                       part.first_id + part.rows)))
        last = self.n_docs
        if n_docs != last:  # the metadata holds no digest of its own: held to the parts
            raise IndexDamagedError(f"{self.location}: its metadata says {last} documents, its "
                                    f"parts hold {n_docs}; {REBUILD}")
        for b in range(self.n_buckets):
            part = self.anchor_part(b)
            n_terms += part.terms.size
            wrong = bucket_of(part.terms, self.n_buckets) != b
            for row, (term, df) in enumerate(zip(part.terms.tolist(), part.dfs.tolist(),
                                                 strict=True)):
                blob = part.blob(row)
                ids = np.frombuffer(blob, dtype="<u4") if len(blob) % 4 == 0 else None
                if (ids is None or ids.size != df or (ids.size and int(ids.max()) > last)
                        or wrong[row]):
                    raise IndexDamagedError(f"{self.location}: the postings of term {term} are "
                                            f"damaged; {REBUILD}")
        if n_terms != self.meta["terms"]:
            raise IndexDamagedError(f"{self.location}: its metadata says {self.meta['terms']} "
                                    f"terms, its anchor parts hold {n_terms}; {REBUILD}")
        return {"index": self.location, "documents": n_docs, "terms": n_terms}


def _wrong_in(meta: dict) -> str | None:
    """What in an index's metadata is not of the shape a build writes, or None."""
    def count(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    for key in ("documents", "buckets", "words", "terms", "postings"):
        if not count(meta.get(key)):
            return f"{key} is not a count: {meta.get(key)!r}"
    if meta["buckets"] < 1:
        return "buckets is 0"
    rows = meta.get("anchor_rows")
    if not isinstance(rows, list) or len(rows) != meta["buckets"] or not all(map(count, rows)):
        return "anchor_rows is not a count for each anchor part"
    parts = meta.get("document_parts")
    if not isinstance(parts, list) or not all(
            isinstance(p, dict) and isinstance(p.get("file"), str) and count(p.get("first_id"))
            and count(p.get("rows")) for p in parts):
        return "document_parts is not a list of parts"
    files = {f"documents/part-{k:05d}.parquet" for k in range(len(parts))}
    if {p["file"] for p in parts} != files:
        return "document_parts names files that are not the index's parts"
    files |= {f"anchors/part-{b:05d}.parquet" for b in range(meta["buckets"])}
    digests = meta.get("part_sha256", {})  # (none in an index built before they were kept)
    if not isinstance(digests, dict) or not set(digests) <= files or not all(
            isinstance(v, str) for v in digests.values()):
        return "part_sha256 is not a SHA-256 for each part"
    return None


# --- building ------------------------------------------------------------------------------

# In the folder of a build under way: "PID HOST" of the process building it. A `kill -9` leaves
# it, and no metadata.json: `clear_dead_build` then knows the folder for an unfinished build.
BUILDING = ".building"


def _is_local(fs) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def written_whole(location: str | Path) -> InputError:
    """The error of a change asked of a partitioned index (`index add`, `remove`)."""
    return InputError(f"{shown(location)}: a partitioned index is written whole; rebuild it "
                      "with `spundetect index build --format parquet`")


def unfinished(location: str | Path) -> bool:
    """Whether `location` is the folder of a build that never finished (no metadata.json)."""
    fs, root = filesystem(location)
    return (fs.exists(posixpath.join(root, BUILDING))
            and not fs.exists(posixpath.join(root, META)))


def clear_dead_build(location: str | Path) -> bool:
    """Remove the folder a partitioned build killed on this machine left at `location`; True
    if it did. A build still running, or one from another machine, is left alone."""
    fs, root = filesystem(location)
    if not _is_local(fs) or not unfinished(location):
        return False
    try:
        pid, host = fs.cat(posixpath.join(root, BUILDING)).decode().split()
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    if not gone(pid, host):
        return False
    fs.rm(root, recursive=True)
    return True



def _write(table, fs, path: str) -> str:
    """Write a part; returns the SHA-256 of its bytes (what `check` holds it to)."""
    pa, pq = _pa()
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    data = sink.getvalue().to_pybytes()
    fs.makedirs(posixpath.dirname(path), exist_ok=True)
    fs.pipe(path, data)
    return hashlib.sha256(data).hexdigest()


def _doc_table(kept: list[Prepared]):
    pa, _ = _pa()
    return pa.table({
        "path": pa.array([p.path for p in kept], pa.string()),
        "sha256": pa.array([p.sha256 for p in kept], pa.string()),
        "n_words": pa.array([p.n_words for p in kept], pa.int32()),
        "n_anchors": pa.array([len(p.anchors) for p in kept], pa.int32()),
        "text": pa.array([p.text for p in kept], pa.binary()),
    })


def _prepare_part(task: tuple[str, int, list[tuple[str, str]], int], _context=None) -> dict:
    """Round 1 (a worker): read and analyse a chunk of originals, write its document part and,
    per anchor bucket, its (term, row) pairs. Returns the rows kept and the unreadable ones."""
    from detector.index.ingest import _read

    staging, part, items, n_buckets = task
    pa, _ = _pa()
    fs, root = filesystem(staging)
    kept, errors, words = [], [], 0
    for key, path in items:
        prepared = prepare(key, *_read(Path(path)))
        if prepared.error is not None:
            errors.append({"original": key, "error": prepared.error})
        else:
            kept.append(prepared)
            words += prepared.n_words
    digest = _write(_doc_table(kept), fs,
                    posixpath.join(root, "documents", f"part-{part:05d}.parquet"))
    terms = (np.concatenate([p.anchors for p in kept]) if kept
             else np.empty(0, dtype=np.int64))
    rows = np.concatenate([np.full(len(p.anchors), r, dtype=np.uint32)
                           for r, p in enumerate(kept)]) if kept else np.empty(0, np.uint32)
    buckets = bucket_of(terms, n_buckets)
    for b in range(n_buckets):
        mine = buckets == b
        _write(pa.table({"term": terms[mine], "row": rows[mine]}), fs,
               posixpath.join(root, "_pairs", f"bucket-{b:05d}", f"part-{part:05d}.parquet"))
    return {"rows": len(kept), "errors": errors, "words": words, "postings": int(terms.size),
            "sha256": digest}


def _merge_bucket(task: tuple[str, int, list[int]], _context=None) -> dict:
    """Round 2 (a worker): the shuffle's reduce side. Gather one bucket's (term, row) pairs
    of every document part, turn rows into ids, and write the bucket's term rows."""
    staging, bucket, first_ids = task
    pa, pq = _pa()
    fs, root = filesystem(staging)
    folder = posixpath.join(root, "_pairs", f"bucket-{bucket:05d}")
    terms_parts, ids_parts = [], []
    for part, first in enumerate(first_ids):
        table = pq.read_table(posixpath.join(folder, f"part-{part:05d}.parquet"),
                              filesystem=fs)
        terms_parts.append(table.column("term").to_numpy())
        ids_parts.append(table.column("row").to_numpy().astype("<u4") + np.uint32(first))
    terms = np.concatenate(terms_parts) if terms_parts else np.empty(0, np.int64)
    owners = np.concatenate(ids_parts) if ids_parts else np.empty(0, "<u4")
    order = np.argsort(terms, kind="stable")  # ids ascending within a term, as SQLite's
    terms, owners = terms[order], owners[order]
    starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]]) if terms.size else \
        np.empty(0, np.int64)
    ends = np.r_[starts[1:], terms.size].astype(np.int64)
    offsets = (4 * np.r_[starts, terms.size]).astype(np.int32)  # each term's ids, in place
    docs = pa.BinaryArray.from_buffers(pa.binary(), int(starts.size),
                                       [None, pa.py_buffer(offsets), pa.py_buffer(owners)])
    table = pa.table({
        "term": pa.array(terms[starts], pa.int64()),
        "df": pa.array((ends - starts).astype(np.int32), pa.int32()),
        "docs": docs,
    })
    digest = _write(table, fs, posixpath.join(root, "anchors", f"part-{bucket:05d}.parquet"))
    if first_ids:  # (no originals: no pairs were written)
        fs.rm(folder, recursive=True)
    return {"terms": int(starts.size), "sha256": digest}


def build_partitioned(
    originals: Sequence[Path],
    location: str | Path,
    *,
    key: Callable[[Path], str] = stored_path,
    jobs: int | None = None,
    scheduler: str | None = None,
    docs_per_part: int = DOCS_PER_PART,
    buckets: int | None = None,
) -> tuple[PartitionedIndex, AddReport]:
    """A new partitioned index of `originals` at `location` (a folder that must not exist).

    Workers (local processes, or Dask with `scheduler`) read the originals, so on a cluster
    they must see the same paths (shared storage). Ids run from 1 in the order of
    `originals`, unreadable files skipped, as `index build` gives them. What a build of
    `location` killed on this machine left there is removed first (`clear_dead_build`).
    """
    from detector.parallel import pmap

    if docs_per_part < 1:
        raise InputError("documents per part must be at least 1")
    clear_dead_build(location)
    fs, root = filesystem(location)
    if fs.exists(root):
        raise InputError(f"{location}: already exists; remove it or choose another folder")
    if _is_local(fs) and not Path(root).parent.is_dir():
        raise InputError(f"{location}: no such folder for the index ({Path(root).parent}); "
                         "create it first")
    n_buckets = buckets or default_buckets(len(originals))
    key = keys_for(key)
    items = [(key(p), str(p)) for p in originals]
    chunks = [items[k : k + docs_per_part] for k in range(0, len(items), docs_per_part)]
    staging = fs.unstrip_protocol(root)  # absolute, the same for every worker
    fs.makedirs(root, exist_ok=True)
    marker = posixpath.join(root, BUILDING)
    try:
        fs.pipe(marker, f"{os.getpid()} {machine()}\n".encode())
        done = list(pmap(_prepare_part, [(staging, k, c, n_buckets) for k, c in
                                         enumerate(chunks)], jobs=jobs, scheduler=scheduler,
                         ordered=True))
        kill = testhook.killer(testhook.KILL_AFTER_DOCS)  # a test's kill at a known point
        if kill is not None:
            kill(sum(r["rows"] for r in done))
        parts, first = [], 1
        for k, result in enumerate(done):
            parts.append(DocPart(f"documents/part-{k:05d}.parquet", first, result["rows"]))
            first += result["rows"]
        first_ids = [p.first_id for p in parts]
        merged = list(pmap(_merge_bucket, [(staging, b, first_ids) for b in range(n_buckets)],
                           jobs=jobs, scheduler=scheduler, ordered=True))
        if fs.exists(posixpath.join(root, "_pairs")):  # (no originals: never made)
            fs.rm(posixpath.join(root, "_pairs"), recursive=True)
        meta = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "params": build_params(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "documents": first - 1,
            "words": sum(r["words"] for r in done),
            "terms": sum(r["terms"] for r in merged),
            "postings": sum(r["postings"] for r in done),
            "buckets": n_buckets,
            "anchor_rows": [r["terms"] for r in merged],
            "document_parts": [vars(p) for p in parts],
            "part_sha256": {**{p.file: r["sha256"] for p, r in zip(parts, done, strict=True)},
                            **{f"anchors/part-{b:05d}.parquet": r["sha256"]
                               for b, r in enumerate(merged)}},
        }
        with fs.open(posixpath.join(root, META), "wb") as fh:  # written last: complete or absent
            fh.write(json.dumps(meta, indent=1).encode("utf-8"))
        fs.rm(marker)
    except BaseException:
        if fs.exists(root) and not fs.exists(posixpath.join(root, META)):
            fs.rm(root, recursive=True)
        raise
    errors = [e for r in done for e in r["errors"]]
    added = list(range(1, first))
    return PartitionedIndex.open(location), AddReport(added, [], [], errors)

