import pytest

from detector import batch
from detector.errors import InputError


def test_pairs_file_in_order_with_error_records(article_files, tmp_path, monkeypatch, detector):
    monkeypatch.chdir(tmp_path)  # relative paths resolve against the current directory
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "# suspect\toriginal\n"
        "spun.txt\toriginal.txt\n"
        "missing.txt\toriginal.txt\n"
        "no tab here\n"
        "\n"
        "unrelated.txt\toriginal.txt\n",
        encoding="utf-8",
    )
    records = list(batch.score_pairs_file(pairs, detector=detector, jobs=1))
    assert [r["suspect"] for r in records] == ["spun.txt", "missing.txt", None, "unrelated.txt"]
    assert records[1]["verdict"] == "error" and "no such file" in records[1]["error"]
    assert records[2]["verdict"] == "error" and "line 4" in records[2]["error"]
    assert records[0]["verdict"] != "error" and records[3]["verdict"] != "error"


def test_pairs_parallel_matches_serial(article_files, tmp_path, detector):
    lines = [f"{article_files[k]}\t{article_files['original']}" for k in article_files] * 3
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("\n".join(lines), encoding="utf-8")
    serial = list(batch.score_pairs_file(pairs, detector=detector, jobs=1))
    parallel = list(batch.score_pairs_file(pairs, detector=detector, jobs=2))
    assert serial == parallel and len(serial) == 12


def test_missing_pairs_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such pairs file"):
        list(batch.score_pairs_file(tmp_path / "nope.tsv"))


def test_scan_reports_best_source_and_bad_files(article_files, tmp_path, detector):
    originals = tmp_path / "originals"
    suspects = tmp_path / "suspects"
    originals.mkdir()
    suspects.mkdir()
    (originals / "a.txt").write_text(article_files["original"].read_text())
    (originals / "b.txt").write_text(article_files["unrelated"].read_text())
    (suspects / "copy.txt").write_text(article_files["original"].read_text())
    (suspects / "empty.txt").write_text("")
    (suspects / ".hidden.txt").write_text("ignored")
    records = list(batch.scan_folder(suspects, originals, detector=detector, jobs=1))
    by_name = {r["suspect"].rsplit("/", 1)[-1]: r for r in records}
    assert set(by_name) == {"copy.txt", "empty.txt"}
    assert by_name["copy.txt"]["source"].endswith("a.txt")
    assert by_name["copy.txt"]["verdict"] == "copy"
    assert by_name["empty.txt"]["verdict"] == "error"


def test_scan_needs_directories(tmp_path):
    with pytest.raises(InputError, match="no such directory"):
        list(batch.scan_folder(tmp_path / "x", tmp_path))
