import json
import os
import subprocess
import sys
import zlib

import numpy as np
import pytest

from detector.batch import list_text_files
from detector.cli import main
from detector.errors import IndexDamagedError, InputError
from detector.index import build
from detector.index.partitioned import (
    FORMAT_VERSION,
    META,
    PartitionedIndex,
    bucket_of,
    build_partitioned,
    is_partitioned,
)
from tests.conftest import corpus_files


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same originals (one unreadable) in a SQLite index and a partitioned one."""
    base = tmp_path_factory.mktemp("parts")
    originals = base / "originals"
    originals.mkdir()
    for path in corpus_files(("1",))[:15]:
        (originals / path.name).write_text(path.read_text())
    (originals / "0_broken.txt").write_bytes(b"Caf\xe9\n")
    paths = list_text_files(originals)
    sqlite, _ = build(paths, base / "ref.sqlite", jobs=1)
    sqlite.close()
    _, report = build_partitioned(paths, base / "ref-parts", jobs=1, docs_per_part=4,
                                  buckets=3)
    return {"base": base, "paths": paths, "sqlite": base / "ref.sqlite",
            "parts": base / "ref-parts", "report": report}


def _copy(src, dst):
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_round_trip_holds_what_the_sqlite_index_holds(built):
    from detector.index import ReferenceIndex

    index = PartitionedIndex.open(built["parts"])
    assert [e["original"].endswith("0_broken.txt") for e in built["report"].errors] == [True]
    with ReferenceIndex.open(built["sqlite"], readonly=True) as ref:
        assert index.n_docs == len(ref) == 15 and index.info()["terms"] == ref.info()["terms"]
        assert len(index.doc_parts) == 4 and index.n_buckets == 3
        stored = ref.documents(ref.ids())
        for k, part in enumerate(index.doc_parts):
            ids = range(part.first_id, part.first_id + part.rows)
            for doc_id, (path, sha, text) in index.part_documents(k, ids).items():
                doc = stored[doc_id]
                assert (path, sha, text) == (doc.name, doc.sha256, doc.text)
        rows = ref.con.execute("SELECT term, df, docs FROM postings ORDER BY term").fetchall()
    found = {}
    for b in range(index.n_buckets):
        part = index.anchor_part(b)
        assert np.all(np.diff(part.terms) > 0) and np.all(bucket_of(part.terms, 3) == b)
        found |= {t: (int(part.dfs[row]), part.blob(row))
                  for row, t in enumerate(part.terms.tolist())}
    assert found == {t: (d, blob) for t, d, blob in rows}
    assert index.check()["documents"] == 15


def test_cli_builds_reads_and_checks_a_partitioned_index(built, tmp_path, capsys):
    originals = built["paths"][0].parent
    target = tmp_path / "parts"
    assert main(["index", "build", str(originals), str(target), "--format", "parquet",
                 "--jobs", "1", "--docs-per-part", "6", "--anchor-parts", "5"]) == 2
    # (the unreadable original is skipped and counted)
    out = capsys.readouterr()
    assert "15 added" in out.out and "1 unreadable" in out.out and "skipped" in out.err
    assert is_partitioned(target) and (target / META).is_file()
    assert not (target / "_pairs").exists()
    assert main(["index", "info", str(target), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["documents"] == 15 and info["format_version"] == FORMAT_VERSION
    assert (info["document_parts"], info["anchor_parts"]) == (3, 5)
    assert main(["index", "check", str(target)]) == 0
    assert "no damage found" in capsys.readouterr().out
    assert main(["index", "build", str(originals), str(target), "--format", "parquet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["index", "add", str(target), str(originals)]) == 2
    assert "written whole" in capsys.readouterr().err
    assert main(["index", "build", str(originals), str(tmp_path / "x.sqlite"),
                 "--docs-per-part", "6"]) == 2
    assert "for --format parquet" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["missing", "truncated", "short"])
def test_a_damaged_or_missing_part_is_one_line(built, tmp_path, damage, capsys):
    parts = _copy(built["parts"], tmp_path / "parts")
    target = parts / "anchors" / "part-00001.parquet"
    if damage == "missing":
        target.unlink()
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[:200])
    else:  # the metadata promises rows the part does not have
        meta = json.loads((parts / META).read_text())
        meta["anchor_rows"][1] += 1
        (parts / META).write_text(json.dumps(meta))
    index = PartitionedIndex.open(parts)
    with pytest.raises(IndexDamagedError, match=r"part anchors/part-00001\.parquet"):
        index.anchor_part(1)
    for command in ("check", "info"):
        assert main(["index", command, str(parts)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "rebuild it with" in err and "Traceback" not in err
        assert "part anchors/part-00001.parquet" in err


def test_a_damaged_text_is_named(built, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = _copy(built["parts"], tmp_path / "parts")
    path = parts / "documents" / "part-00000.parquet"
    table = pq.read_table(path)
    texts = table.column("text").to_pylist()
    texts[1] = zlib.compress(b"ok")[:-3]
    pq.write_table(table.set_column(4, "text", pa.array(texts, pa.binary())), path)
    with pytest.raises(IndexDamagedError, match=r"part documents/part-00000\.parquet is not the "
                                                r"part the build wrote"):
        PartitionedIndex.open(parts).check()
    meta = json.loads((parts / META).read_text())  # as an index built before the checksums:
    del meta["part_sha256"]  # the text itself is found damaged
    (parts / META).write_text(json.dumps(meta))
    with pytest.raises(IndexDamagedError, match="stored text of document 2 is damaged"):
        PartitionedIndex.open(parts).check()


def test_a_part_swapped_for_another_well_formed_one_is_caught(built, tmp_path):
    parts = _copy(built["parts"], tmp_path / "parts")
    documents = parts / "documents"
    meta = json.loads((parts / META).read_text())
    rows = [p["rows"] for p in meta["document_parts"]]
    assert rows[1] == rows[2]
    (documents / "part-00002.parquet").write_bytes(
        (documents / "part-00001.parquet").read_bytes())  # as many rows, other texts
    PartitionedIndex.open(parts).info()  # its footer is sound: only the checksum tells
    with pytest.raises(IndexDamagedError, match=r"part-00002\.parquet is not the part"):
        PartitionedIndex.open(parts).check()


@pytest.mark.parametrize("count", ["documents", "terms"])
def test_counts_of_the_metadata_are_held_to_the_parts(built, tmp_path, count):
    parts = _copy(built["parts"], tmp_path / "parts")
    meta = json.loads((parts / META).read_text())
    (parts / META).write_text(json.dumps(meta | {count: meta[count] + 1}))
    with pytest.raises(IndexDamagedError, match=f"its metadata says {meta[count] + 1} {count}"):
        PartitionedIndex.open(parts).check()


def test_version_and_settings_are_checked(built, tmp_path):
    parts = _copy(built["parts"], tmp_path / "parts")
    meta = json.loads((parts / META).read_text())
    (parts / META).write_text(json.dumps(meta | {"format_version": FORMAT_VERSION + 1}))
    with pytest.raises(IndexDamagedError, match=f"index format {FORMAT_VERSION + 1}, this "
                                                f"version reads {FORMAT_VERSION}"):
        PartitionedIndex.open(parts)
    params = meta["params"] | {"skeleton_n": 4}
    (parts / META).write_text(json.dumps(meta | {"params": params}))
    with pytest.raises(InputError, match="other anchor settings"):
        PartitionedIndex.open(parts)
    # terms hashed as strings, as older builds did: read (its scans hash their anchors alike)
    older = meta["params"] | {"hash": "blake2b-64"}
    (parts / META).write_text(json.dumps(meta | {"params": older}))
    assert PartitionedIndex.open(parts).meta["params"]["hash"] == "blake2b-64"
    (parts / META).write_text(json.dumps(meta | {"params": older | {"hash": "md5"}}))
    with pytest.raises(InputError, match="other anchor settings"):
        PartitionedIndex.open(parts)
    for key, value in (("buckets", "x"), ("anchor_rows", None), ("documents", "many"),
                       ("document_parts", [{"file": 3}]), ("part_sha256", ["x"]),
                       ("part_sha256", {"../../etc/hostname": "0" * 64})):
        (parts / META).write_text(json.dumps(meta | {key: value}))
        with pytest.raises(IndexDamagedError, match=f"{META} is damaged .{key} is not"):
            PartitionedIndex.open(parts)
    (parts / META).write_text(json.dumps(meta | {"params": ["not", "an", "object"]}))
    with pytest.raises(IndexDamagedError, match="params is not an object"):
        PartitionedIndex.open(parts)
    (parts / META).write_text("{not json")
    with pytest.raises(IndexDamagedError, match="damaged"):
        PartitionedIndex.open(parts)
    (parts / META).unlink()
    with pytest.raises(InputError, match="no such partitioned index"):
        PartitionedIndex.open(parts)


def test_ids_do_not_depend_on_parts_or_workers(built, tmp_path):
    other, _ = build_partitioned(built["paths"], tmp_path / "one", jobs=2, docs_per_part=100,
                                 buckets=1)
    index = PartitionedIndex.open(built["parts"])
    one = other.part_documents(0, range(1, 16))
    for k, part in enumerate(index.doc_parts):
        for doc_id, row in index.part_documents(k, range(part.first_id,
                                                    part.first_id + part.rows)).items():
            assert one[doc_id] == row


def test_an_interrupted_build_leaves_nothing(built, tmp_path, monkeypatch):
    from detector.index import partitioned

    def fail(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(partitioned, "_merge_bucket", fail)
    with pytest.raises(KeyboardInterrupt):
        build_partitioned(built["paths"], tmp_path / "parts", jobs=1)
    assert not (tmp_path / "parts").exists()


def test_a_build_clears_what_a_dead_build_here_left_and_keeps_a_live_one(tmp_path):
    from detector.index.ingest import machine
    from detector.index.partitioned import BUILDING

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    left = tmp_path / "left"
    (left / "documents").mkdir(parents=True)
    (left / BUILDING).write_text(f"{child.stdout.strip()} {machine()}\n")  # its process ended
    index, _ = build_partitioned([], left, jobs=1)
    assert index.n_docs == 0 and not (left / BUILDING).exists()
    running = tmp_path / "running"
    (running / "documents").mkdir(parents=True)
    (running / BUILDING).write_text(f"{os.getpid()} {machine()}\n")
    with pytest.raises(InputError, match="already exists"):
        build_partitioned([], running, jobs=1)
    assert (running / BUILDING).exists()


def test_no_originals_make_an_empty_index(tmp_path):
    index, report = build_partitioned([], tmp_path / "empty", jobs=1)
    assert index.n_docs == 0 and report.added == [] and index.check()["terms"] == 0
    assert index.postings(0, np.array([1, 2], dtype=np.int64), 50) == {}


def test_a_build_needs_the_folder_it_goes_in_and_names_a_folder_left_unfinished(
        built, tmp_path, capsys):
    from detector.index.partitioned import BUILDING

    with pytest.raises(InputError, match="no such folder for the index"):
        build_partitioned([], tmp_path / "missing" / "ref-parts", jobs=1)
    assert not (tmp_path / "missing").exists()
    left = tmp_path / "left"
    (left / "documents").mkdir(parents=True)
    (left / BUILDING).write_text(f"{os.getpid()} elsewhere\n")
    with pytest.raises(InputError, match="a build of it did not finish"):
        PartitionedIndex.open(left)
    assert main(["score", str(built["paths"][-1]), "--index", str(built["parts"])]) == 2
    assert "a partitioned index; `score --index` reads an SQLite one" in capsys.readouterr().err
    assert main(["index", "build", str(tmp_path), str(built["parts"])]) == 2
    assert "is a folder; an index file needs a name of its own" in capsys.readouterr().err
