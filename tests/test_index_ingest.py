import os
import shutil
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from detector import testhook, text
from detector.cli import main
from detector.errors import InputError
from detector.index import ReferenceIndex, build, ingest, prepare
from detector.text import read_document
from tests.conftest import ROOT, corpus_files


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


def test_a_link_loop_among_the_originals_is_one_error_and_the_build_goes_on(
        tmp_path, article_files):
    (tmp_path / "loop-a.txt").symlink_to("loop-b.txt")
    (tmp_path / "loop-b.txt").symlink_to("loop-a.txt")
    loops = [tmp_path / "loop-a.txt", tmp_path / "loop-b.txt"]
    index, report = build([article_files["original"], *loops], tmp_path / "i.sqlite", jobs=1)
    assert len(index) == 1
    assert report.errors == [  # named by the link itself, as there is nothing it resolves to
        {"original": str(p), "error": f"{p}: cannot read (Too many levels of symbolic links)"}
        for p in loops]


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


@pytest.mark.parametrize("then", ["build", "add"])
def test_the_next_build_or_add_removes_what_a_killed_build_left(then, tmp_path, capsys):
    files = corpus_files(("1",))
    folder = tmp_path / "originals"
    folder.mkdir()
    for path in files[:8]:
        shutil.copy(path, folder / path.name)
    location = tmp_path / "ref.sqlite"
    cmd = [sys.executable, "-m", "detector.cli", "index", "build", str(folder), str(location),
           "--jobs", "1"]
    # the build SIGKILLs itself once 3 documents are written into its temporary file
    killed = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, testhook.KILL_AFTER_DOCS: "3"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert killed.wait(timeout=120) == -signal.SIGKILL
    host = ingest.builder().partition("-")[2]  # this machine's name
    dead = [tmp_path / f".ref.sqlite.building-{killed.pid}-{host}",
            tmp_path / f".ref.sqlite.building-{killed.pid}-{host}-journal",
            tmp_path / ".ref.sqlite.building-1999999999"]  # as an older version named it
    assert dead[0].exists() and not location.exists()
    # a build writes no journal (journal_mode OFF); a journal from an older version is cleared too
    assert not dead[1].exists()
    dead[1].write_bytes(b"")
    dead[2].write_bytes(b"")
    running = tmp_path / f".ref.sqlite.building-{os.getppid()}-{host}"  # a live process's
    running.write_bytes(b"")
    other = tmp_path / ".other.sqlite.building-1999999999"  # another index's
    other.write_bytes(b"")
    # another machine's build in a shared folder: its pid means nothing here
    remote = tmp_path / ".ref.sqlite.building-1999999999-other-host.example"
    remote.write_bytes(b"")

    if then == "build":
        assert main(["index", "build", str(folder), str(location), "--jobs", "1"]) == 0
    else:
        elsewhere = tmp_path / "elsewhere" / "ref.sqlite"
        elsewhere.parent.mkdir()
        build(files[:2], elsewhere, jobs=1)[0].close()
        shutil.move(elsewhere, location)
        assert main(["index", "add", str(location), str(files[9]), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert not any(p.exists() for p in dead)
    assert running.exists() and other.exists() and remote.exists()
    assert err.splitlines() == [f"spundetect: removed {p}, left by an interrupted build"
                                for p in sorted(dead)]


@pytest.mark.parametrize("where", ["missing folder", "file"])
def test_build_into_a_folder_that_is_not_there_is_one_line(where, tmp_path, article_files,
                                                           capsys):
    parent = tmp_path / "missing"
    if where == "file":
        parent.write_text("a file, not a folder")
    target = parent / "x.sqlite"
    assert main(["index", "build", str(tmp_path), str(target), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert err == f"spundetect: error: {parent}: no such folder for the index; create it first\n"
    with pytest.raises(InputError, match="no such folder"):
        build([article_files["original"]], target, jobs=1)


def test_many_originals_are_named_as_stored_path_names_each(tmp_path):
    """Folders resolved once per build give the names `stored_path` gives: through a linked
    folder, a linked file, `..`, a relative path and a bare file name alike."""
    from detector.index.ingest import keys_for, stored_path

    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.txt"):
        (real / name).write_text("x")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    (real / "c.txt").symlink_to(real / "sub" / "b.txt")
    paths = [tmp_path / "linked" / "a.txt", tmp_path / "linked" / "sub" / ".." / "a.txt",
             real / "c.txt", tmp_path / "linked" / "sub" / "b.txt"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        (tmp_path / "top.txt").write_text("x")
        paths += [Path("linked") / "sub" / "b.txt", Path("top.txt")]  # the last: no folder
        key = keys_for(stored_path)
        assert key is not stored_path
        assert [key(p) for p in paths] == [stored_path(p) for p in paths]
    finally:
        os.chdir(cwd)
    assert keys_for(str) is str


def test_files_whose_escaped_names_would_match_are_two_documents(tmp_path, capsys):
    """`caf<byte e9>.txt` and a file literally named `caf\\xe9.txt` are two originals, and a
    file with a control character in its name is removed by its own path."""
    folder = tmp_path / "originals"
    folder.mkdir()
    texts = [p.read_text() for p in corpus_files(("1",))[:3]]
    names = [os.fsdecode(b"caf\xe9.txt"), "caf\\xe9.txt", "bell\x07.txt"]
    for name, body in zip(names, texts, strict=True):
        (folder / name).write_text(body)
    location = tmp_path / "ref.sqlite"
    index, report = build(sorted(folder.iterdir()), location, jobs=1)
    with index:
        assert len(report.added) == 3 and len(index) == 3
        stored = set(index.paths())
    assert {Path(p).name for p in stored} == {"caf\\xe9.txt", "caf\\\\xe9.txt", "bell\\x07.txt"}
    assert main(["index", "remove", str(location), str(folder / names[2])]) == 0
    with ReferenceIndex.open(location, readonly=True) as index:
        assert len(index) == 2
    capsys.readouterr()


def test_adding_a_file_an_older_index_named_the_old_way_finds_it(tmp_path, capsys):
    """Before names were one per file, a backslash was written single: adding the same file
    again to such an index finds it (unchanged) and names it as now, no second document."""
    folder = tmp_path / "originals"
    folder.mkdir()
    (folder / "a\\b.txt").write_text(corpus_files(("1",))[0].read_text())
    location = tmp_path / "ref.sqlite"
    index, _ = build(sorted(folder.iterdir()), location, jobs=1)
    with index:
        (stored,) = index.paths()
        index.con.execute("UPDATE docs SET path = ?", (stored.replace("\\\\", "\\"),))
        index.con.commit()
    assert main(["index", "add", str(location), str(folder), "--jobs", "1"]) == 0
    assert "0 added, 0 replaced, 1 unchanged" in capsys.readouterr().out
    with ReferenceIndex.open(location, readonly=True) as index:
        assert list(index.paths()) == [stored]
