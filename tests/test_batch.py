import os
from pathlib import Path

import pytest

from detector import batch
from detector.api import Detector
from detector.errors import InputError
from tests.conftest import deny_listing


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


def test_pairs_files_read_the_files_afresh_each_call(article_files, tmp_path, detector):
    """A file changed between two calls in one process is read again, not the first call's."""
    suspect = tmp_path / "suspect.txt"
    suspect.write_text(article_files["original"].read_text())
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{suspect}\t{article_files['original']}\n")
    first = list(batch.score_pairs_file(pairs, detector=detector, jobs=1))
    suspect.write_text(article_files["unrelated"].read_text())
    second = list(batch.score_pairs_file(pairs, detector=detector, jobs=1))
    assert first[0]["verdict"] == "copy"
    assert second[0]["verdict"] == "unrelated"
    assert first[0]["suspect_sha256"] != second[0]["suspect_sha256"]


def test_pairs_encoded_in_the_workers_are_the_records_lines(article_files, tmp_path, detector):
    """`encode` runs where a record was scored: its lines are the records' JSON lines, in
    order, error records included."""
    import json

    from detector.report.terminal import Line, jsonl_line

    lines = [f"{article_files[k]}\t{article_files['original']}" for k in article_files] * 3
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("\n".join([*lines, "missing.txt\toriginal.txt"]), encoding="utf-8")
    records = list(batch.score_pairs_file(pairs, detector=detector, jobs=1))
    encoded = list(batch.score_pairs_file(pairs, detector=detector, jobs=2, encode=jsonl_line))
    assert all(isinstance(e, Line) for e in encoded)
    assert [json.loads(e.text) for e in encoded] == records and len(records) == 13
    assert [(e.verdict, e.language) for e in encoded] == [
        (r["verdict"], r.get("language")) for r in records]
    assert encoded[-1].verdict == "error"


def test_a_pair_that_fails_to_score_is_its_lines_error_record(article_files, tmp_path,
                                                               monkeypatch, detector):
    """Lines are scored eight at a time; when one pair of them cannot be scored, the others
    still are, and the failing line's record names the files as the line wrote them."""
    monkeypatch.chdir(tmp_path)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("spun.txt\toriginal.txt\n./unrelated.txt\toriginal.txt\n", encoding="utf-8")
    score = Detector.score_pairs

    def refuse_unrelated(self, docs):
        if any("unrelated" in s.name for s, _ in docs):
            raise InputError("cannot score this pair")
        return score(self, docs)

    monkeypatch.setattr(Detector, "score_pairs", refuse_unrelated)
    records = list(batch.score_pairs_file(pairs, detector=detector, jobs=1))
    assert records[0]["verdict"] != "error"
    assert records[1] == {"suspect": "./unrelated.txt", "original": "original.txt",
                          "score": None, "verdict": "error", "error": "cannot score this pair"}


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


def test_listing_keeps_what_cannot_be_read_so_it_gets_a_record(tmp_path):
    """Broken links, link loops and FIFOs are listed (reading them says why they fail)."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("An article.")
    (root / "sub" / "b.html").write_text("<p>Another.</p>")
    (root / "link.txt").symlink_to("a.txt")  # followed, as a file
    (root / "broken.txt").symlink_to("gone.txt")
    (root / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(root / "fifo.txt")
    (root / "sub" / "up").symlink_to("..")  # a link to a folder is not followed: no loop
    (root / ".hidden.txt").write_text("skipped")
    (root / ".git").mkdir()
    (root / ".git" / "c.txt").write_text("skipped: inside a hidden folder")
    (root / "photo.jpg").write_bytes(b"\xff\xd8")
    names = [p.relative_to(root).as_posix() for p in batch.list_text_files(root)]
    assert names == ["a.txt", "broken.txt", "fifo.txt", "link.txt", "loop.txt", "sub/b.html"]


def test_a_subfolder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    root = tmp_path / "in"
    for folder in ("open", "shut", "open/shut too"):
        (root / folder).mkdir(parents=True)
        (root / folder / "a.txt").write_text("An article.")
    deny_listing(monkeypatch, root / "shut", root / "open" / "shut too")
    unlisted = {}
    files = batch.list_text_files(root, onerror=unlisted.__setitem__)
    assert files == [root / "open" / "a.txt"]
    assert unlisted == {
        folder: f"{folder}: cannot list this folder (permission denied); its files were left out"
        for folder in (root / "shut", root / "open" / "shut too")}
    with pytest.raises(InputError, match=r"/shut too: cannot list this folder \(permission "
                                         r"denied\); its files were left out$"):
        batch.list_text_files(root)  # nobody to tell: refuse rather than leave files out
    deny_listing(monkeypatch, root)
    with pytest.raises(InputError, match=r"in: cannot list this folder \(permission denied\)$"):
        batch.list_text_files(root, onerror=unlisted.__setitem__)


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists a chmod 000 folder all the same")
def test_a_chmod_000_subfolder_is_reported(tmp_path):
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "a.txt").write_text("An article.")
    (tmp_path / "shut").chmod(0)
    try:
        unlisted = {}
        assert batch.list_text_files(tmp_path, onerror=unlisted.__setitem__) == []
        assert list(unlisted) == [tmp_path / "shut"]
    finally:
        (tmp_path / "shut").chmod(0o755)


def test_scan_folder_records_what_it_could_not_list_or_read(article_files, tmp_path, detector,
                                                            monkeypatch):
    originals, suspects = tmp_path / "originals", tmp_path / "suspects"
    for folder in (originals / "shut", suspects / "shut"):
        folder.mkdir(parents=True)
    (originals / "a.txt").write_text(article_files["original"].read_text())
    (suspects / "copy.txt").write_text(article_files["original"].read_text())
    (suspects / "broken.txt").symlink_to("gone.txt")
    deny_listing(monkeypatch, originals / "shut", suspects / "shut")
    records = list(batch.scan_folder(suspects, originals, detector=detector, jobs=1))
    errors = {r.get("suspect") or r.get("original"): r["error"]
              for r in records if r["verdict"] == "error"}
    assert errors == {
        str(originals / "shut"): f"{originals / 'shut'}: cannot list this folder "
                                 "(permission denied); its files were left out",
        str(suspects / "shut"): f"{suspects / 'shut'}: cannot list this folder "
                                "(permission denied); its files were left out",
        str(suspects / "broken.txt"): f"{suspects / 'broken.txt'}: broken link to gone.txt, "
                                      "which does not exist"}
    assert [r["verdict"] for r in records if r.get("suspect", "").endswith("copy.txt")] == ["copy"]
    shut = [r for r in records if r.get("suspect") == str(suspects / "shut")]
    assert [(r["name"], r["source"]) for r in shut] == [("shut", None)]  # as `scan` writes it


def test_text_files_are_listed_in_the_order_paths_sort(tmp_path):
    # "b-c.txt" sorts before "b/" as a string, after it part by part (as Paths sort)
    for name in ("b/c.txt", "b-c.txt", "b/a/z.txt", "b/a.txt", "a b.txt", "B.TXT", "b/notes",
                 "b/.hidden.txt", "c.tar.gz", "d.htm", "e.", ".f/g.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("words")
    found = batch.list_text_files(tmp_path)
    names = [p.relative_to(tmp_path).as_posix() for p in found]
    assert found == sorted(found) and all(isinstance(p, Path) for p in found)
    assert names == ["B.TXT", "a b.txt", "b/a/z.txt", "b/a.txt", "b/c.txt", "b/notes",
                     "b-c.txt", "d.htm"]
