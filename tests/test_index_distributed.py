import json
from pathlib import Path

import distributed
import pytest

from detector.batch import list_text_files
from detector.cli import main
from detector.index import build
from detector.index.distributed import scan_partitioned
from detector.index.partitioned import build_partitioned
from tests.conftest import INDEPENDENT, ORIGINAL, SPUN, UNRELATED, corpus_files, crude_spin


@pytest.fixture(scope="module")
def cluster():
    """Three in-process workers, one thread each: a cluster in a fraction of a second."""
    with distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=False,
                                  dashboard_address="127.0.0.1:0") as running:
        yield running


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, cluster):
    """Originals and suspects of every kind; a SQLite index here, a partitioned one built on
    the cluster in several document and anchor parts."""
    base = tmp_path_factory.mktemp("dist")
    originals, suspects = base / "originals", base / "suspects"
    originals.mkdir()
    suspects.mkdir()
    (originals / "council.txt").write_text(ORIGINAL)
    (originals / "comet.txt").write_text(UNRELATED)
    real = corpus_files(("1", "13"))[:24]
    for path in real:
        (originals / path.name).write_text(path.read_text())
    (suspects / "spun.txt").write_text(SPUN)
    (suspects / "copy.txt").write_text("Home > News\n\n" + ORIGINAL + "\n\nAdvertisement\n")
    (suspects / "independent.txt").write_text(INDEPENDENT)
    (suspects / "nothing.txt").write_text("zz qq ww ee rr tt yy uu ii oo pp.\n")
    (suspects / "broken.txt").write_bytes(b"Caf\xe9\n")
    for n, path in enumerate(real[::3]):
        (suspects / f"spun_{path.name}").write_text(crude_spin(path.read_text(), 0.5, seed=n))
    paths = list_text_files(originals)
    build(paths, base / "ref.sqlite", jobs=1)[0].close()
    build_partitioned(paths, base / "ref-parts", scheduler=cluster.scheduler_address,
                      docs_per_part=5, buckets=4)
    return {"base": base, "suspects": suspects, "sqlite": base / "ref.sqlite",
            "parts": base / "ref-parts"}


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    from detector.model import load_model

    return load_model(tiny_model_dir)


def records(path: Path) -> dict[str, dict]:
    found = [json.loads(line) for line in path.read_text().splitlines()]
    assert len({r["name"] for r in found}) == len(found)
    return {r["name"]: r for r in found}


def test_distributed_scan_gives_the_records_of_the_local_scan(corpus, cluster,
                                                             tiny_model_dir, tmp_path):
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    base = ["--model", str(tiny_model_dir), "scan", str(corpus["suspects"]), "--top-k", "4"]
    assert main([*base, "--index", str(corpus["sqlite"]), "--out", str(local),
                 "--jobs", "1"]) == 2  # broken.txt is an error record
    assert main([*base, "--index", str(corpus["parts"]), "--out", str(remote), "--round", "7",
                 "--scheduler", cluster.scheduler_address]) == 2
    expected, got = records(local), records(remote)
    assert got == expected  # verdicts, scores, sources, ids, candidates in order: all of it
    assert got["broken.txt"]["verdict"] == "error" and got["nothing.txt"]["candidates"] == []
    assert got["spun.txt"]["verdict"] == "spun" and got["spun.txt"]["source_id"] is not None
    assert sum(len(r.get("candidates", [])) > 1 for r in got.values()) >= 5
    # written in the order of the suspects, as a one-job local scan writes them
    names = [json.loads(line)["name"] for line in remote.read_text().splitlines()]
    assert names == [json.loads(line)["name"] for line in local.read_text().splitlines()]


def test_a_suspect_is_never_its_own_candidate(corpus, cluster, tiny_model_dir, tmp_path):
    """The originals scanned against indexes of themselves: each file's candidates are the
    other originals (a spun copy among them finds its source, not itself), on both formats
    and with --against alike."""
    originals = corpus["base"] / "originals"
    spun = originals / "zz-spun-council.txt"  # a spun copy among the originals indexed
    spun.write_text(SPUN)
    try:
        build(list_text_files(originals), tmp_path / "self.sqlite", jobs=1)[0].close()
        build_partitioned(list_text_files(originals), tmp_path / "self-parts",
                          scheduler=cluster.scheduler_address, docs_per_part=5, buckets=4)
        base = ["--model", str(tiny_model_dir), "scan", str(originals), "--top-k", "3"]
        outs = [tmp_path / f"{k}.jsonl" for k in ("against", "sqlite", "parts")]
        assert main([*base, "--against", str(originals), "--out", str(outs[0]),
                     "--jobs", "1"]) == 0
        assert main([*base, "--index", str(tmp_path / "self.sqlite"), "--out", str(outs[1]),
                     "--jobs", "1"]) == 0
        assert main([*base, "--index", str(tmp_path / "self-parts"), "--out", str(outs[2]),
                     "--scheduler", cluster.scheduler_address]) == 0
    finally:
        spun.unlink()
    against, sqlite, parts = (records(out) for out in outs)
    assert parts == sqlite
    for found in (against, sqlite):
        for name, record in found.items():
            assert name not in [Path(c["original"]).name for c in record["candidates"]]
        assert found[spun.name]["verdict"] == "spun"
        assert Path(found[spun.name]["source"]).name == "council.txt"
        assert len(found[spun.name]["candidates"]) == 3


def test_small_batches_and_rounds_change_nothing(corpus, cluster, model):
    suspects = list_text_files(corpus["suspects"])
    whole = list(scan_partitioned(suspects, corpus["parts"], model, top_k=3,
                                  scheduler=cluster.scheduler_address, root=corpus["suspects"]))
    split = list(scan_partitioned(suspects, corpus["parts"], model, top_k=3,
                                  scheduler=cluster.scheduler_address, root=corpus["suspects"],
                                  batch=2, round_size=5))
    assert split == whole and len(whole) == len(suspects)


def test_without_a_scheduler_a_local_cluster_runs_it(corpus, model):
    suspects = list_text_files(corpus["suspects"])[:3]
    found = list(scan_partitioned(suspects, corpus["parts"], model, top_k=2, jobs=1,
                                  root=corpus["suspects"]))
    assert [r["name"] for r in found] == [p.name for p in suspects]


def test_a_missing_part_stops_the_scan_with_one_line_and_no_out(corpus, cluster,
                                                                 tiny_model_dir, tmp_path,
                                                                 capsys):
    import shutil

    parts = tmp_path / "parts"
    shutil.copytree(corpus["parts"], parts)
    (parts / "documents" / "part-00002.parquet").unlink()
    out = tmp_path / "out.jsonl"
    assert main(["--model", str(tiny_model_dir), "scan", str(corpus["suspects"]), "--index",
                 str(parts), "--out", str(out), "--scheduler", cluster.scheduler_address]) == 2
    err = capsys.readouterr().err
    assert "part documents/part-00002.parquet is missing" in err and "Traceback" not in err
    assert not out.exists()


def test_the_api_scans_a_partitioned_index_as_a_sqlite_one(corpus, cluster, model):
    from detector import Detector, scan_index

    detector = Detector(model=model)
    local = list(scan_index(corpus["suspects"], corpus["sqlite"], detector=detector, jobs=1))
    parts = list(scan_index(corpus["suspects"], str(corpus["parts"]), detector=detector,
                            scheduler=cluster.scheduler_address))
    assert parts == local


def test_suspects_anchors_are_hashed_as_the_index_hashes_its_terms(tmp_path):
    from detector.index.anchors import KINDS, LEGACY_HASH, anchor_terms, anchors, hash_terms
    from detector.index.distributed import _read
    from detector.text import Document

    path = tmp_path / "s.txt"
    path.write_text(SPUN, encoding="utf-8")
    for scheme, wanted in ((LEGACY_HASH, hash_terms(anchor_terms(Document(SPUN)))),
                           ("blake2b-64-words", anchors(Document(SPUN)))):
        _, hashes = _read([(path, "s.txt")], KINDS, None, scheme)
        assert hashes[0].tolist() == wanted.tolist()


def test_out_that_is_an_original_of_a_partitioned_index_is_refused(corpus, tiny_model_dir,
                                                                   tmp_path, capsys):
    original = tmp_path / "council.txt"
    original.write_text(ORIGINAL)
    parts = tmp_path / "parts"
    build_partitioned([original], parts, jobs=1)
    before = original.read_bytes()
    assert main(["--model", str(tiny_model_dir), "scan", str(corpus["suspects"]), "--index",
                 str(parts), "--out", str(original), "--force", "--jobs", "1"]) == 2
    assert "is an original this scan reads" in capsys.readouterr().err
    assert original.read_bytes() == before

