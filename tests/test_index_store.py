import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from detector import testhook
from detector.cli import main
from detector.errors import InputError, OutputError
from detector.index import ReferenceIndex, add_files, build, prepare, store
from detector.text import Document, read_document
from tests.conftest import ROOT, corpus_files, crude_spin, deny_listing


def contents(location: Path) -> list[list[tuple]]:
    """Every row of the index (documents, postings, metadata, id counter), in a fixed order."""
    with ReferenceIndex.open(location) as index:
        return [index.con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("docs", "postings", "meta", "sqlite_sequence")]


def test_build_stores_paths_and_normalised_text(corpus_index):
    location, files = corpus_index
    with ReferenceIndex.open(location, readonly=True) as index:
        assert len(index) == len(files)
        paths = index.paths()
        assert set(paths) == {str(p.resolve()) for p in files}
        assert sorted(paths.values()) == list(range(1, len(files) + 1))  # ids in path order
        doc_id = paths[str(files[0].resolve())]
        stored = index.documents([doc_id])[doc_id]
        assert stored.text == read_document(files[0]).text
        info = index.info()
        assert info["documents"] == len(files) and info["size_bytes"] == location.stat().st_size
        assert info["params"]["kinds"] == ["name", "number", "rare", "skeleton"]


def test_scans_do_not_need_the_original_files(tmp_path, article_files, texts):
    index, _ = build([article_files["original"]], tmp_path / "i.sqlite", jobs=1)
    article_files["original"].unlink()
    found = index.candidates(Document(texts["spun"]), k=1)
    assert found[0].path == str(article_files["original"].resolve())
    assert "Linda Park" in index.documents([found[0].id])[found[0].id].text


def test_the_document_count_follows_changes_made_here_and_by_another_connection(
        tmp_path, article_files):
    location = tmp_path / "i.sqlite"
    index, _ = build([article_files["unrelated"]], location, jobs=1)
    with ReferenceIndex.open(location, readonly=True) as reader:
        assert len(reader) == len(index) == 1
        add_files(index, [article_files["original"]], jobs=1)  # this connection writes
        assert len(index) == 2
        assert len(reader) == 2  # another connection committed: the reader counts again
        index.remove(["1"])
        assert len(index) == len(reader) == 1
    index.close()


def test_the_document_count_forgets_writes_that_were_rolled_back(tmp_path, article_files):
    index, _ = build([article_files["unrelated"]], tmp_path / "i.sqlite", jobs=1)
    index.con.execute("BEGIN")
    index.con.execute("DELETE FROM docs")
    assert len(index) == 0  # this connection sees its own write
    index.con.execute("ROLLBACK")
    assert len(index) == 1
    index.close()


def test_add_replace_unchanged_and_remove(tmp_path, article_files, texts):
    location = tmp_path / "i.sqlite"
    index, _ = build([article_files["unrelated"]], location, jobs=1)
    terms_before = index.info()["terms"]
    report = add_files(index, [article_files["original"], article_files["unrelated"]], jobs=1)
    assert report.added == [2] and report.unchanged == [str(article_files["unrelated"].resolve())]
    assert index.candidates(Document(texts["spun"]), k=1)[0].id == 2

    article_files["original"].write_text(texts["independent"], encoding="utf-8")
    report = add_files(index, [article_files["original"]], jobs=1)
    assert report.replaced == [2] and len(index) == 2  # same path keeps its id
    assert "Councillors" in index.documents([2])[2].text

    assert index.remove(["2"]) == [2]
    assert len(index) == 1 and index.info()["terms"] == terms_before  # postings cleaned up
    assert index.candidates(Document(texts["independent"]), k=5) == []
    add_files(index, [article_files["original"]], jobs=1)
    assert 2 not in index.ids() and 3 in index.ids()  # ids are never reused
    assert index.remove([str(article_files["unrelated"].resolve())]) == [1]
    with pytest.raises(InputError, match="no such document"):
        index.remove(["99"])


def test_add_is_all_or_nothing(tmp_path):
    files = corpus_files(("1",))
    location = tmp_path / "i.sqlite"
    build(files[:5], location, jobs=1)[0].close()
    before = contents(location)
    seen = []

    def explode(_item):
        seen.append(1)
        if len(seen) == 8:
            raise KeyboardInterrupt

    prepared = (prepare(str(p), p.read_bytes()) for p in files[5:])
    with ReferenceIndex.open(location) as index, pytest.raises(KeyboardInterrupt):
        index.add_prepared(prepared, on_doc=explode)
    assert len(seen) == 8  # it stopped half-way through the add, not before it began
    assert contents(location) == before


def test_killed_add_leaves_the_index_as_it_was(tmp_path):
    files = corpus_files(("1", "13"))
    location = tmp_path / "i.sqlite"
    build(files[:10], location, jobs=1)[0].close()
    before = contents(location)
    add = ["index", "add", str(location), *map(str, files[10:]), "--jobs", "1"]
    # the child SIGKILLs itself once 3 new documents are written inside the transaction
    killed = subprocess.run([sys.executable, "-m", "detector.cli", *add], cwd=ROOT,
                            env={**os.environ, testhook.KILL_AFTER_DOCS: "3"},
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    journal = Path(f"{location}-journal")
    assert journal.exists()  # the kill struck inside the add's transaction
    assert contents(location) == before
    with ReferenceIndex.open(location) as index:
        assert index.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    assert main(add) == 0  # the same add, not killed, then goes through
    assert not journal.exists()
    with ReferenceIndex.open(location) as index:
        assert index.ids() == list(range(1, len(files) + 1))
        assert set(index.paths()) == {str(p.resolve()) for p in files}


def test_open_refuses_what_is_not_an_index(tmp_path):
    with pytest.raises(InputError, match="no such index"):
        ReferenceIndex.open(tmp_path / "missing.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="not a spundetect index"):
        ReferenceIndex.open(junk)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputError, match="not a spundetect index"):
        ReferenceIndex.open(other)


def test_open_refuses_an_index_built_with_other_settings(tmp_path, article_files):
    location = tmp_path / "i.sqlite"
    build([article_files["original"]], location, jobs=1)[0].close()
    con = sqlite3.connect(location)
    con.execute("UPDATE meta SET value = '{\"skeleton_n\": 5}' WHERE key = 'params'")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="rebuild"):
        ReferenceIndex.open(location)


def test_an_index_whose_terms_were_hashed_as_strings_is_still_read_and_added_to(
        tmp_path, article_files, texts):
    from detector.index.anchors import HASH, LEGACY_HASH, anchor_terms, hash_terms

    location = tmp_path / "older.sqlite"
    ReferenceIndex.create(location).close()
    con = sqlite3.connect(location)  # as builds wrote it before terms were hashed word by word
    params = store.build_params() | {"hash": LEGACY_HASH}
    con.execute("UPDATE meta SET value = ? WHERE key = 'params'", (json.dumps(params),))
    con.commit()
    con.close()
    index = ReferenceIndex.open(location)
    assert index.scheme == LEGACY_HASH
    add_files(index, [article_files["original"], article_files["unrelated"]], jobs=2)
    terms = {t for (t,) in index.con.execute("SELECT term FROM postings")}
    wanted = {t for name in ("original", "unrelated")
              for t in hash_terms(anchor_terms(Document(texts[name]))).tolist()}
    assert terms == wanted
    found = index.candidates(Document(texts["spun"]), k=2)
    assert found[0].path.endswith("original.txt")
    index.close()
    con = sqlite3.connect(location)
    con.execute("UPDATE meta SET value = ? WHERE key = 'params'",
                (json.dumps(params | {"hash": "md5-64"}),))
    con.commit()
    con.close()
    with pytest.raises(InputError, match="other anchor settings"):
        ReferenceIndex.open(location)
    assert store.build_params()["hash"] == HASH  # what a new build hashes with


def test_an_index_of_the_format_before_is_refused_with_what_to_do(tmp_path, article_files,
                                                                   capsys):
    location = tmp_path / "old.sqlite"
    build([article_files["original"]], location, jobs=1)[0].close()
    con = sqlite3.connect(location)  # as format 1 wrote it: clock times hashed as written
    con.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    assert main(["index", "info", str(location)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"spundetect: error: {location}: index format 1, this version reads "
                   f"{store.FORMAT_VERSION}; {store.REBUILD}")
    assert store.FORMAT_VERSION == 2


def test_postings_merged_in_several_passes_equal_one_pass(tmp_path, monkeypatch):
    files = corpus_files(("1",))
    one, _ = build(files, tmp_path / "one.sqlite", jobs=1)
    monkeypatch.setattr(store, "FLUSH_POSTINGS", 50)  # a merge every document or two
    many, _ = build(files, tmp_path / "many.sqlite", jobs=1)
    rows = "SELECT term, df, docs FROM postings ORDER BY term"
    assert one.con.execute(rows).fetchall() == many.con.execute(rows).fetchall()
    assert all(isinstance(blob, bytes) for _, _, blob in many.con.execute(rows))


def test_postings_written_in_statements_of_any_size_are_the_same(tmp_path, monkeypatch):
    files = corpus_files(("1",))
    default, _ = build(files, tmp_path / "default.sqlite", jobs=1)
    # 5 rows a statement: hundreds of statements, the last one short
    monkeypatch.setattr(store, "_ROWS_PER_INSERT", 5)
    small, _ = build(files, tmp_path / "small.sqlite", jobs=1)
    rows = "SELECT term, df, docs FROM postings ORDER BY term"
    written = small.con.execute(rows).fetchall()
    assert len(written) > 300 * 5 and len(written) % 5
    assert default.con.execute(rows).fetchall() == written


def test_index_commands(tmp_path, article_files, capsys):
    folder = tmp_path / "originals"
    folder.mkdir()
    (folder / "a.txt").write_text(article_files["original"].read_text())
    location = tmp_path / "ref.sqlite"
    assert main(["index", "build", str(folder), str(location), "--jobs", "1"]) == 0
    assert "1 added, 0 replaced, 0 unchanged, 0 unreadable" in capsys.readouterr().out
    assert main(["index", "build", str(folder), str(location)]) == 2
    assert "already exists" in capsys.readouterr().err

    assert main(["index", "add", str(location), str(article_files["unrelated"]),
                 str(folder), "--jobs", "1"]) == 0
    assert "1 added, 0 replaced, 1 unchanged" in capsys.readouterr().out

    assert main(["index", "info", str(location)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"documents:\s+2 \(\d+ words\)", out) and "skeleton_n=3" in out
    assert main(["index", "info", str(location), "--json"]) == 0
    assert '"documents": 2' in capsys.readouterr().out

    assert main(["index", "remove", str(location), "1"]) == 0
    assert "removed 1 document (ids 1); 1 left" in capsys.readouterr().out
    assert main(["index", "remove", str(location), "7"]) == 2
    assert "no such document" in capsys.readouterr().err
    assert main(["index", "info", str(tmp_path / "nope.sqlite")]) == 2


def test_index_add_refuses_fifos_and_adds_the_rest(tmp_path, texts):
    """A FIFO (given, or in a folder) would block the add, index locked, forever: it is
    skipped at once. The timeout is only a safety net."""
    location = tmp_path / "ref.sqlite"
    build([], location, jobs=1)[0].close()
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "b.txt").write_text(texts["unrelated"])
    os.mkfifo(folder / "in-folder.txt")
    given = tmp_path / "given.txt"
    os.mkfifo(given)
    (tmp_path / "a.txt").write_text(texts["original"])
    proc = subprocess.run([sys.executable, "-m", "detector.cli", "index", "add", str(location),
                           str(given), str(tmp_path / "a.txt"), str(folder), "--jobs", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"spundetect: skipped {given.resolve()}: not a regular file (a FIFO); give a text file",
        f"spundetect: skipped {(folder / 'in-folder.txt').resolve()}: not a regular file "
        "(a FIFO); give a text file"]
    assert proc.stdout.startswith("2 added, 0 replaced, 0 unchanged, 2 unreadable")
    with ReferenceIndex.open(location) as index:
        assert len(index) == 2


def test_index_build_and_add_report_what_they_could_not_list_or_read(tmp_path, texts,
                                                                     monkeypatch, capsys):
    folder = tmp_path / "originals"
    (folder / "shut").mkdir(parents=True)
    (folder / "a.txt").write_text(texts["original"])
    (folder / "broken.txt").symlink_to("gone.txt")
    deny_listing(monkeypatch, folder / "shut")
    location = tmp_path / "ref.sqlite"
    assert main(["index", "build", str(folder), str(location), "--jobs", "1"]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"spundetect: skipped {folder / 'shut'}: cannot list this folder (permission denied); "
        "its files were left out",
        f"spundetect: skipped {folder / 'broken.txt'}: broken link to gone.txt, "
        "which does not exist"]
    assert out.startswith("1 added, 0 replaced, 0 unchanged, 2 unreadable")
    assert main(["index", "add", str(location), str(folder), "--jobs", "1"]) == 2
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 2 and "shut: cannot list this folder" in err
    assert out.startswith("0 added, 0 replaced, 1 unchanged, 2 unreadable")


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and "Traceback" not in err


def test_a_held_write_lock_is_waited_for_then_refused_with_one_line(tmp_path, article_files,
                                                                    capsys, monkeypatch):
    location = tmp_path / "i.sqlite"
    build([article_files["original"]], location, jobs=1)[0].close()
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(location, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, in the middle of its change
    add = ["index", "add", str(location), str(article_files["unrelated"]), "--jobs", "1"]
    for argv in (add, ["index", "remove", str(location), "1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert one_line(err), err
        assert "another process is writing to the index and did not finish within 0.2 s" in err
    assert main(["index", "info", str(location)]) == 0  # reading is not held up
    holder.execute("ROLLBACK")
    holder.close()
    capsys.readouterr()
    assert main(add) == 0
    assert main(["index", "remove", str(location), "1"]) == 0
    assert "removed 1 document (ids 1); 1 left" in capsys.readouterr().out


def test_two_adds_of_the_same_files_at_once_skip_what_the_other_added(tmp_path):
    files = corpus_files(("1",))[:6]
    location = tmp_path / "i.sqlite"
    build(files[:2], location, jobs=1)[0].close()
    first, second = ReferenceIndex.open(location), ReferenceIndex.open(location)
    other = []

    def the_other_add_commits_first(statement: str) -> None:
        # runs as `first` starts to take the write lock: `second` adds the same files and
        # commits, so anything `first` read of the index before this point is out of date
        if statement == "BEGIN IMMEDIATE" and not other:
            other.append(add_files(second, files, jobs=1))

    first.con.set_trace_callback(the_other_add_commits_first)
    report = add_files(first, files, jobs=1)
    assert other[0].added == [3, 4, 5, 6]
    assert report.added == [] and report.replaced == []
    assert report.unchanged == [str(p.resolve()) for p in files]
    assert first.ids() == [1, 2, 3, 4, 5, 6]
    first.close()
    second.close()


# A damaged or foreign index: every command stops with one line that names the fix.

def root_page_offset(location: Path, table: str) -> int:
    """Where the b-tree page header of `table`'s root page starts in the file."""
    con = sqlite3.connect(location)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    return (root - 1) * page_size + (100 if root == 1 else 0)


def flip(location: Path, offset: int, n: int = 8) -> None:
    data = bytearray(location.read_bytes())
    for k in range(offset, offset + n):
        data[k] ^= 0xFF
    location.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    location = tmp_path_factory.mktemp("built") / "ref.sqlite"
    build(corpus_files(("1",))[:10], location, jobs=1)[0].close()
    return location


def foreign(location: Path) -> None:
    """The tables' names, the version and the build parameters of an index; other columns."""
    con = sqlite3.connect(location)
    con.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE docs (id INTEGER PRIMARY KEY, url TEXT, body TEXT);
        CREATE TABLE postings (term INTEGER PRIMARY KEY, ids TEXT);
        PRAGMA user_version = 1;
    """)
    con.execute("INSERT INTO meta VALUES ('params', ?)",
                (json.dumps(store.build_params(), sort_keys=True),))
    con.execute("INSERT INTO docs VALUES (1, 'x', 'y')")
    con.commit()
    con.close()


def damaged(kind: str, built: Path, tmp_path: Path) -> tuple[Path, str]:
    location = tmp_path / "ref.sqlite"
    if kind == "foreign":
        foreign(location)
        return location, "not a spundetect index (table docs has columns id, url, body; "
    if kind == "truncated":  # a copy cut short
        data = built.read_bytes()
        location.write_bytes(data[: len(data) // 2])
        return location, "the index file is damaged ("
    shutil.copy(built, location)
    flip(location, root_page_offset(location, kind))
    return location, "the index file is damaged ("


COMMANDS = ["info", "check", "scan", "scan --resume", "add", "remove"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", ["postings", "docs", "foreign", "truncated"])
def test_a_damaged_or_foreign_index_stops_every_command_with_one_line(
        kind, command, built, tiny_model_dir, tmp_path, capsys):
    location, expected = damaged(kind, built, tmp_path)
    suspects = tmp_path / "suspects"
    suspects.mkdir()
    for n, path in enumerate(corpus_files(("1",))[:3]):
        (suspects / f"s{n}.txt").write_text(crude_spin(path.read_text(), 0.3, seed=n))
    out = tmp_path / "out.jsonl"
    earlier = '{"suspect": "elsewhere.txt", "name": "elsewhere.txt", "verdict": "unrelated"}\n'
    argv = {
        "info": ["index", "info", location],
        "check": ["index", "check", location],
        "scan": ["--model", tiny_model_dir, "scan", suspects, "--index", location, "--out", out,
                 "--jobs", "1"],
        "add": ["index", "add", location, corpus_files(("1",))[20], "--jobs", "1"],
        "remove": ["index", "remove", location, "1"],
    }
    if command == "scan --resume":
        earlier += '{"suspect": "cut.txt", "na'  # a kill's torn last line, cut on resuming
        out.write_text(earlier)
        argv[command] = [*argv["scan"], "--resume"]
    assert main([str(a) for a in argv[command]]) == 2
    err = capsys.readouterr().err
    while command == "scan --resume" and err.startswith(("spundetect: dropped",
                                                          "spundetect: warning")):
        err = err.partition("\n")[2]  # notes on --out before the damage was found
    assert one_line(err), err
    assert err.startswith(f"spundetect: error: {location}: {expected}")
    assert err.endswith("`spundetect index build`\n")
    if command == "scan":
        assert not out.exists()
    if command == "scan --resume":
        assert out.read_text() == earlier  # as it was, its torn line too


def test_check_finds_a_path_the_table_and_its_index_of_paths_disagree_on(built, tmp_path,
                                                                          capsys):
    """A byte of a stored path flipped in the table or in SQLite's index of the paths: the
    quick check sees no damage there, the integrity check does, and an add that runs into
    it says the index is damaged (not a UNIQUE constraint)."""
    with sqlite3.connect(built) as con:
        name = con.execute("SELECT path FROM docs ORDER BY id LIMIT 1").fetchone()[0].encode()
    data = built.read_bytes()
    places = [k for k in range(len(data)) if data.startswith(name, k)]
    assert len(places) == 2  # the row, and the entry of the index of paths
    for k, at in enumerate(places):
        damaged = bytearray(data)
        damaged[at + len(name) - 5] ^= 0x01  # a letter of the name, still UTF-8
        location = tmp_path / f"damaged-{k}.sqlite"
        location.write_bytes(damaged)
        assert main(["index", "check", str(location)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"spundetect: error: {location}: the index file is damaged (")
        assert one_line(err)
        code = main(["index", "add", str(location), name.decode()])
        err = capsys.readouterr().err
        assert code == 0 or (code == 2 and "the index file is damaged" in err), err


def test_check_finds_damage_inside_a_page_and_in_a_stored_text(built, tmp_path, capsys):
    assert main(["index", "check", str(built)]) == 0
    assert re.fullmatch(rf"{built}: no damage found \(PRAGMA integrity_check ok, 10 stored "
                        r"texts and \d+ term rows read\)\n", capsys.readouterr().out)

    location = tmp_path / "ref.sqlite"
    shutil.copy(built, location)
    con = sqlite3.connect(location)
    try:
        leaves = [r[0] for r in con.execute(
            "SELECT pageno FROM dbstat WHERE name = 'postings' AND pagetype = 'leaf' "
            "ORDER BY pageno")]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    flip(location, (leaves[len(leaves) // 2] - 1) * page_size + page_size // 2)
    assert main(["index", "check", str(location)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and f"{location}: the index file is damaged (" in err

    shutil.copy(built, location)
    con = sqlite3.connect(location)
    blob = bytearray(con.execute("SELECT text FROM docs WHERE id = 4").fetchone()[0])
    blob[len(blob) // 2] ^= 0xFF
    con.execute("UPDATE docs SET text = ? WHERE id = 4", (bytes(blob),))
    con.commit()
    con.close()
    for argv in (["index", "check", str(location)],
                 ["index", "remove", str(location), "4"]):  # the removal reads its text
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert one_line(err), err
        assert f"{location}: the stored text of document 4 is damaged (" in err


def test_a_full_disk_is_one_output_error_and_the_index_stays_as_it_was(built, tmp_path):
    """SQLite's page limit stands in for a full disk: the same SQLITE_FULL."""
    location = tmp_path / "ref.sqlite"
    shutil.copy(built, location)
    with ReferenceIndex.open(location) as index:
        before = len(index)
        pages = index.con.execute("PRAGMA page_count").fetchone()[0]
        index.con.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(OutputError, match=r"cannot write \(database or disk is full\)"):
            add_files(index, corpus_files(("2", "3", "4")), jobs=1)
    with ReferenceIndex.open(location, readonly=True) as index:
        assert len(index) == before and index.quick_check() is None


def test_what_is_not_an_index_file_or_cannot_be_used_says_why(built, tmp_path, monkeypatch):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="fifo: not a regular file"):
        ReferenceIndex.open(fifo)
    with (ReferenceIndex.open(built, readonly=True) as index,
          pytest.raises(InputError, match=r"cannot write to the index \(the file or its folder "
                                          r"is read-only")):
        add_files(index, corpus_files(("2",))[:2], jobs=1)
    denied = sqlite3.OperationalError("unable to open database file")
    denied.sqlite_errorcode = 14  # SQLITE_CANTOPEN
    locked = tmp_path / "locked.sqlite"
    locked.write_bytes(b"")
    monkeypatch.setattr(store.os, "access", lambda *args: False)  # as for a file of mode 000
    assert str(store._explain(denied, str(locked), None, 1.0)) == (
        f"{locked}: cannot open the index (permission denied)")
    assert "permission" not in str(store._explain(denied, str(tmp_path / "gone"), None, 1.0))
