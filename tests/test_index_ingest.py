import zlib

import pytest

from detector import text
from detector.errors import InputError
from detector.index import build, prepare
from detector.text import read_document
from tests.conftest import corpus_files


def test_prepare_analyses_one_original(article_files):
    path = article_files["original"]
    done = prepare(str(path), path.read_bytes())
    assert done.error is None and done.path == str(path)
    assert zlib.decompress(done.text).decode() == read_document(path).text
    assert done.n_words == len(read_document(path).words)
    assert done.anchors.size > 10
    refused = prepare("bad.txt", b"\x00\x01binary")
    assert refused.error == "bad.txt: looks like a binary file, expected UTF-8 text"
    assert prepare("gone.txt", None, "gone.txt: no such file").error == "gone.txt: no such file"


def test_build_refuses_an_existing_file_and_leaves_nothing_when_it_fails(tmp_path):
    files = corpus_files(("1",))[:3]
    location = tmp_path / "i.sqlite"
    location.write_text("something precious")
    with pytest.raises(InputError, match="already exists"):
        build(files, location, jobs=1)
    assert location.read_text() == "something precious"

    calls = []

    def fail_on_the_second(n):
        calls.append(n)
        if len(calls) == 2:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        build(files, tmp_path / "new.sqlite", jobs=1, progress=fail_on_the_second)
    assert len(calls) == 2  # failed half-way through the build
    assert list(tmp_path.iterdir()) == [location]


def test_unreadable_originals_are_reported_and_skipped(tmp_path, article_files):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    index, report = build([article_files["original"], bad], tmp_path / "i.sqlite", jobs=1)
    assert len(index) == 1
    assert report.errors == [{"original": str(bad.resolve()),
                              "error": f"{bad.resolve()}: looks like a binary file, "
                                       "expected UTF-8 text"}]


def test_files_that_cannot_be_read_get_the_messages_of_read_document(tmp_path, article_files,
                                                                    monkeypatch):
    missing, folder, big = tmp_path / "missing.txt", tmp_path / "folder.txt", tmp_path / "big.txt"
    folder.mkdir()
    big.write_text("word " * 300)
    monkeypatch.setattr(text, "MAX_BYTES", 1000)
    index, report = build([article_files["original"], missing, folder, big], ":memory:",
                          key=str, jobs=1)
    assert len(index) == 1
    expected = []
    for path in (missing, folder, big):
        with pytest.raises(InputError) as err:
            read_document(path)
        expected.append({"original": str(path), "error": str(err.value)})
    assert report.errors == expected
    assert [e["error"] for e in expected] == [
        f"{missing}: no such file", f"{folder}: is a directory, expected a text file",
        f"{big}: 1500 bytes is too large for an article"]


def test_parallel_build_gives_the_same_index(tmp_path):
    files = corpus_files(("1",))
    one, _ = build(files, tmp_path / "one.sqlite", jobs=1)
    two, _ = build(files, tmp_path / "two.sqlite", jobs=2)
    assert one.paths() == two.paths()
    rows = "SELECT term, df, docs FROM postings ORDER BY term"
    assert one.con.execute(rows).fetchall() == two.con.execute(rows).fetchall()
