import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from detector import testhook
from detector.batch import list_text_files
from detector.cli import main
from detector.errors import InputError
from detector.index import ReferenceIndex, build
from detector.index import scan as scan_mod
from tests.conftest import ROOT, corpus_files, crude_spin, deny_listing


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Originals (the fixture article among real ones), suspects of every kind, an index."""
    from tests.conftest import INDEPENDENT, ORIGINAL, SPUN, UNRELATED

    base = tmp_path_factory.mktemp("scan")
    originals, suspects = base / "originals", base / "suspects"
    originals.mkdir()
    suspects.mkdir()
    (originals / "council.txt").write_text(ORIGINAL)
    (originals / "comet.txt").write_text(UNRELATED)
    real = corpus_files(("1",))[:12]
    for path in real:
        (originals / path.name).write_text(path.read_text())
    (suspects / "spun.txt").write_text(SPUN)
    (suspects / "copy.txt").write_text("Home > News\n\n" + ORIGINAL + "\n\nAdvertisement\n")
    (suspects / "independent.txt").write_text(INDEPENDENT)
    for n, path in enumerate(real[:6]):
        (suspects / f"spun_{path.name}").write_text(crude_spin(path.read_text(), 0.5, seed=n))
    location = base / "ref.sqlite"
    build(list_text_files(originals), location, jobs=1)[0].close()
    return {"base": base, "originals": originals, "suspects": suspects, "index": location}


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def by_name(records: list[dict]) -> dict[str, dict]:
    out = {}
    for r in records:
        name = Path(r["suspect"]).name
        assert name not in out, f"{name} has two records"
        out[name] = r
    return out


def test_scan_with_an_index(folders, tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = main(["--model", str(tiny_model_dir), "scan", str(folders["suspects"]),
                 "--index", str(folders["index"]), "--out", str(out), "--jobs", "1"])
    assert code == 0
    records = by_name(read_records(out))
    assert len(records) == 9
    spun = records["spun.txt"]
    assert spun["verdict"] == "spun" and Path(spun["source"]).name == "council.txt"
    assert spun["source_id"] == spun["candidates"][0]["id"]
    assert {"suspect", "source", "score", "verdict", "evidence", "candidates"} <= set(spun)
    assert all({"original", "score", "verdict", "id", "retrieval"} <= set(c)
               for c in spun["candidates"])
    assert len(spun["candidates"]) >= 2  # the other candidates' scores come along
    copy = records["copy.txt"]
    assert copy["verdict"] == "copy" and Path(copy["source"]).name == "council.txt"
    assert records["independent.txt"]["source"] is None
    for name, record in records.items():
        if name.startswith("spun_"):  # the right original is retrieved among the candidates
            assert name[len("spun_"):] in {Path(c["original"]).name for c in record["candidates"]}
    err = capsys.readouterr().err
    assert "scanned 9 suspects" in err and "0 errors" in err and "suspects/s" in err


def test_against_a_folder_and_with_two_jobs_gives_the_same_verdicts(folders, tiny_model_dir,
                                                                    tmp_path):
    outs = []
    for n, extra in enumerate((["--index", str(folders["index"]), "--jobs", "1"],
                               ["--against", str(folders["originals"]), "--jobs", "2"])):
        out = tmp_path / f"out{n}.jsonl"
        assert main(["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), *extra,
                     "--out", str(out)]) == 0
        outs.append({k: (r["verdict"], r["score"], r["source"] and Path(r["source"]).name)
                     for k, r in by_name(read_records(out)).items()})
    assert outs[0] == outs[1]


def test_top_k_limits_the_candidates(folders, tiny_model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    main(["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), "--index",
          str(folders["index"]), "--out", str(out), "--jobs", "1", "--top-k", "1"])
    assert all(len(r["candidates"]) <= 1 for r in read_records(out))
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(folders["suspects"]), "--index", str(folders["index"]), "--top-k",
              "0"])
    assert exit_info.value.code == 2
    import detector as api

    for scan in (api.scan_index, api.scan_folder):
        reference = folders["index"] if scan is api.scan_index else folders["originals"]
        with pytest.raises(InputError, match=r"^top k \(--top-k\) must be at least 1, got 0$"):
            list(scan(folders["suspects"], reference, top_k=0, jobs=1))


def test_unreadable_suspects_become_error_records(folders, tiny_model_dir, tmp_path, capsys):
    suspects = tmp_path / "suspects"
    suspects.mkdir()
    (suspects / "spun.txt").write_text((folders["suspects"] / "spun.txt").read_text())
    (suspects / "binary.txt").write_bytes(b"\x00\x01\x02")
    (suspects / "empty.txt").write_text("")
    out = tmp_path / "out.jsonl"
    code = main(["--model", str(tiny_model_dir), "scan", str(suspects), "--index",
                 str(folders["index"]), "--out", str(out), "--jobs", "1"])
    assert code == 2
    records = by_name(read_records(out))
    assert records["binary.txt"]["verdict"] == "error" and "binary" in records["binary.txt"][
        "error"]
    assert records["empty.txt"]["verdict"] == "error"
    assert records["spun.txt"]["verdict"] == "spun"
    assert "2 errors" in capsys.readouterr().err


def test_what_a_scan_cannot_list_or_read_gets_a_record(folders, tiny_model_dir, tmp_path,
                                                       capsys, monkeypatch):
    suspects, originals = tmp_path / "suspects", tmp_path / "originals"
    (suspects / "shut").mkdir(parents=True)
    (originals / "shut").mkdir(parents=True)
    (suspects / "spun.txt").write_text((folders["suspects"] / "spun.txt").read_text())
    (suspects / "broken.txt").symlink_to("gone.txt")
    (originals / "council.txt").write_text((folders["originals"] / "council.txt").read_text())
    deny_listing(monkeypatch, suspects / "shut", originals / "shut")
    out = tmp_path / "out.jsonl"
    args = ["--model", str(tiny_model_dir), "scan", str(suspects), "--against", str(originals),
            "--out", str(out), "--jobs", "1"]
    assert main(args) == 2
    records = read_records(out)
    shut = "cannot list this folder (permission denied); its files were left out"
    assert [r["error"] for r in records if r["verdict"] == "error"] == [
        f"{originals / 'shut'}: {shut}", f"{suspects / 'shut'}: {shut}",
        f"{suspects / 'broken.txt'}: broken link to gone.txt, which does not exist"]
    assert [r["original"] for r in records[:1]] == [str(originals / "shut")]
    assert (records[1]["name"], records[1]["source"]) == ("shut", None)
    assert by_name(records[1:])["spun.txt"]["verdict"] == "spun"
    assert "scanned 2 suspects" in capsys.readouterr().err  # spun.txt and broken.txt

    lines = out.read_text().splitlines()
    assert main([*args, "--resume"]) == 2  # nothing left to do, nothing written twice
    assert out.read_text().splitlines() == lines
    assert "3 errors" in capsys.readouterr().err


def test_fail_on(folders, tiny_model_dir, tmp_path):
    args = ["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), "--index",
            str(folders["index"]), "--jobs", "1"]
    assert main([*args, "--out", str(tmp_path / "a"), "--fail-on", "spun"]) == 1
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "independent.txt").write_text((folders["suspects"] / "independent.txt").read_text())
    args[3] = str(clean)
    assert main([*args, "--out", str(tmp_path / "b"), "--fail-on", "spun"]) == 0
    assert main([*args, "--out", str(tmp_path / "c")]) == 0


def test_output_is_never_overwritten_silently(folders, tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n")
    args = ["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), "--index",
            str(folders["index"]), "--out", str(out), "--jobs", "1"]
    assert main(args) == 2
    assert out.read_text() == "keep me\n" and "--force" in capsys.readouterr().err
    assert main([*args, "--resume", "--force"]) == 2
    assert main([*args[:-4], "--resume"]) == 2  # --resume needs --out
    assert main([*args, "--resume"]) == 2  # not a scan output: refuses, keeps the file
    assert out.read_text() == "keep me\n"
    assert main([*args, "--force"]) == 0
    assert len(read_records(out)) == 9


def test_resume_state_reads_without_writing_then_cuts_a_torn_last_line(tmp_path):
    out = tmp_path / "out.jsonl"
    good = [{"suspect": "s/a.txt", "name": "a.txt", "verdict": "spun", "language": "de"},
            {"original": "/o/o.txt", "score": None, "verdict": "error"}]
    out.write_text("".join(json.dumps(r) + "\n" for r in good) + '{"suspect": "s/b.t')
    before = out.read_bytes()
    state = scan_mod.resume_state(out)
    assert out.read_bytes() == before  # reading checks, it never cuts
    assert state.done == {"a.txt"} and state.originals_reported == {"/o/o.txt"}
    assert state.torn_bytes == len('{"suspect": "s/b.t')
    assert state.records == [("a.txt", "spun", "de", None), (None, "error", None, None)]
    flagged = scan_mod.resume_state(out, lambda r: r["name"] if r["verdict"] == "spun" else None)
    assert [r.entry for r in flagged.records] == ["a.txt", None]  # what the table lists
    assert flagged.of({"b.txt"}) == flagged.records[1:]  # a.txt is no suspect of that scan
    scan_mod.cut_torn_line(out, state)
    assert out.read_text().endswith("\n") and len(out.read_text().splitlines()) == 2
    root = tmp_path / "s"
    assert scan_mod.remaining([root / "a.txt", root / "b.txt"], state, root) == [root / "b.txt"]
    out.write_text('{"suspect": "a.txt", "name": "a.txt", "verdict": "spun"}\nnot json\n')
    with pytest.raises(InputError, match="line 2 is not JSON"):
        scan_mod.resume_state(out)


NOT_A_SCAN = {
    "notes": (b"my notes\nthe last line has no newline", "line 1 is not JSON"),
    "json without newline": (b'{"a": 1}', "line 1 is not a whole line"),
    "pairs output": (b'{"suspect": "s.txt", "original": "o.txt", "score": 0.9, '
                     b'"verdict": "spun"}\n{"suspect": "s2.t', "without the `name`"),
    "json list": (b"[1, 2]\n", "line 1 is not a result record"),
    "text after records": (b'{"suspect": "s/a.txt", "name": "a.txt", "verdict": "spun"}\n'
                           b"note to self", "line 2 is not a whole line"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "line 1 is not JSON"),
}


@pytest.mark.parametrize("kind", NOT_A_SCAN)
def test_resume_refuses_a_file_scan_did_not_write_and_changes_no_byte(
        folders, tiny_model_dir, tmp_path, capsys, kind):
    content, message = NOT_A_SCAN[kind]
    out = tmp_path / "notes.txt"
    out.write_bytes(content)
    code = main(["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), "--index",
                 str(folders["index"]), "--out", str(out), "--jobs", "1", "--resume"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert "left unchanged" in err and out.read_bytes() == content


@pytest.mark.parametrize("mode", ["--resume", "--force"])
def test_out_that_is_the_index_is_refused(folders, tiny_model_dir, tmp_path, capsys, mode):
    index = tmp_path / "ref.sqlite"
    index.write_bytes(folders["index"].read_bytes())
    alias = tmp_path / "alias.sqlite"
    alias.symlink_to(index)
    before = index.read_bytes()
    code = main(["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), "--index",
                 str(index), "--out", str(alias), "--jobs", "1", mode])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is the index this scan reads" in err
    assert index.read_bytes() == before
    with ReferenceIndex.open(index, readonly=True) as ref:
        assert len(ref) == len(list_text_files(folders["originals"]))
    for side in ("-journal", "-wal", "-shm"):  # SQLite would take it for its own
        code = main(["--model", str(tiny_model_dir), "scan", str(folders["suspects"]),
                     "--index", str(index), "--out", f"{index}{side}", "--jobs", "1"])
        err = capsys.readouterr().err
        assert code == 2 and "is where SQLite keeps a file of the index this scan reads" in err
        assert not Path(f"{index}{side}").exists()


def test_resume_with_other_suspects_counts_only_theirs(folders, tiny_model_dir, tmp_path,
                                                       capsys):
    """Records of suspects no longer scanned stay in --out but count for nothing: not in the
    summary, the table or --fail-on's exit code."""
    out = tmp_path / "out.jsonl"
    base = ["--model", str(tiny_model_dir), "scan"]
    index = ["--index", str(folders["index"]), "--out", str(out), "--jobs", "1"]
    assert main([*base, str(folders["suspects"]), *index, "--fail-on", "spun"]) == 1
    capsys.readouterr()
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    (fewer / "independent.txt").write_text((folders["suspects"] / "independent.txt").read_text())
    before = out.read_bytes()
    assert main([*base, str(fewer), *index, "--fail-on", "spun", "--resume"]) == 0
    captured = capsys.readouterr()
    others = len(list_text_files(folders["suspects"])) - 1
    assert (f"{out} holds {others} records of suspects not in this scan; kept, but neither "
            "counted nor listed") in captured.err
    assert "scanned 1 suspect (1 from an earlier run), 0 spun, 0 rewritten, 0 copies" in (
        captured.err)
    assert "spun.txt" not in captured.out  # the table
    assert out.read_bytes() == before  # nothing left to scan, nothing dropped


def test_resume_after_kill_9_loses_and_repeats_nothing(folders, tiny_model_dir, tmp_path):
    suspects = tmp_path / "suspects"
    suspects.mkdir()
    for n, path in enumerate(corpus_files(("1", "13"))[:40]):
        (suspects / f"s{n:02d}.txt").write_text(crude_spin(path.read_text(), 0.4, seed=n))
    (suspects / "broken.txt").write_bytes(b"\xff\xfe not utf-8")
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "detector.cli", "--model", str(tiny_model_dir), "scan",
           str(suspects), "--index", str(folders["index"]), "--out", str(out), "--jobs", "1"]
    # the scan SIGKILLs itself once it has written 5 records
    killed = subprocess.run(cmd, cwd=ROOT, env={**os.environ, testhook.KILL_AFTER_RECORDS: "5"},
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    written = len(read_records(out))
    assert written == 5
    with open(out, "a") as fh:  # as if the kill had struck in the middle of a write
        fh.write('{"suspect": "' + str(suspects / "s39.txt") + '", "verdict": "sp')

    result = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result.stderr  # broken.txt is an error record
    assert "dropped an incomplete last line" in result.stderr
    assert f"({written} from an earlier run)" in result.stderr
    lines = out.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is whole, valid JSON
    names = sorted(Path(r["suspect"]).name for r in records)
    assert names == sorted(p.name for p in suspects.iterdir())  # each suspect exactly once
    assert {r["verdict"] for r in records if r["suspect"].endswith("broken.txt")} == {"error"}

    again = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert out.read_text().splitlines() == lines  # nothing left to do, nothing added
    assert "(41 from an earlier run)" in again.stderr


def test_scan_on_a_dask_cluster(folders, tiny_model_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    base = ["--model", str(tiny_model_dir), "scan", str(folders["suspects"])]
    assert main([*base, "--index", str(folders["index"]), "--out", str(local), "--jobs",
                 "1"]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert main([*base, "--index", str(folders["index"]), "--out", str(remote),
                     "--scheduler", address]) == 0
        against = tmp_path / "against.jsonl"
        assert main([*base, "--against", str(folders["originals"]), "--out", str(against),
                     "--scheduler", address]) == 0
        built = tmp_path / "built.sqlite"
        assert main(["index", "build", str(folders["originals"]), str(built), "--scheduler",
                     address]) == 0

    def summary(path):
        return {k: (r["verdict"], r["score"], r["source"] and Path(r["source"]).name)
                for k, r in by_name(read_records(path)).items()}

    assert summary(local) == summary(remote) == summary(against)
    with ReferenceIndex.open(built) as a, ReferenceIndex.open(folders["index"]) as b:
        rows = "SELECT term, df, docs FROM postings ORDER BY term"
        assert a.paths() == b.paths()
        assert a.con.execute(rows).fetchall() == b.con.execute(rows).fetchall()


def test_resume_from_another_folder_loses_and_repeats_nothing(folders, tiny_model_dir,
                                                              tmp_path):
    first, second = tmp_path / "a", tmp_path / "b" / "c"
    suspects = first / "suspects"
    suspects.mkdir(parents=True)
    second.mkdir(parents=True)
    for n, path in enumerate(corpus_files(("1",))[:8]):
        (suspects / f"s{n}.txt").write_text(crude_spin(path.read_text(), 0.4, seed=n))
    cmd = [sys.executable, "-m", "detector.cli", "--model", str(tiny_model_dir), "scan"]
    ref = ["--index", str(folders["index"]), "--jobs", "1"]
    killed = subprocess.run([*cmd, "suspects", "--out", "out.jsonl", *ref], cwd=first,
                            env={**os.environ, testhook.KILL_AFTER_RECORDS: "3"},
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # the same folder from elsewhere, spelt another way
    resumed = subprocess.run([*cmd, "../../a/suspects", "--out", "../../a/out.jsonl", *ref,
                              "--resume"], cwd=second, capture_output=True, text=True,
                             timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "scanned 8 suspects (3 from an earlier run)" in resumed.stderr
    records = read_records(first / "out.jsonl")
    assert sorted(r["name"] for r in records) == [f"s{n}.txt" for n in range(8)]


def test_resume_tells_a_literal_escape_in_a_name_from_a_control_character(
        folders, tiny_model_dir, tmp_path):
    from tests.conftest import INDEPENDENT, SPUN

    suspects = tmp_path / "s"
    suspects.mkdir()
    control, literal = suspects / "a\x1b.txt", suspects / "a\\x1b.txt"  # ESC; backslash-x-1-b
    control.write_text(SPUN)
    literal.write_text(INDEPENDENT)
    assert scan_mod.suspect_name(control, suspects) == "a\\x1b.txt"
    assert scan_mod.suspect_name(literal, suspects) == "a\\\\x1b.txt"
    state = scan_mod.ResumeState(done={scan_mod.suspect_name(control, suspects)})
    assert scan_mod.remaining([control, literal], state, suspects) == [literal]
    out = tmp_path / "out.jsonl"
    args = ["--model", str(tiny_model_dir), "scan", str(suspects), "--index",
            str(folders["index"]), "--jobs", "1", "--out", str(out)]
    assert main(args) == 0
    first = {r["name"]: r["verdict"] for r in read_records(out)}
    assert len(first) == 2
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(line for line in lines if '"a\\\\x1b.txt"' in line))  # ESC's only
    assert main([*args, "--resume"]) == 0
    assert {r["name"]: r["verdict"] for r in read_records(out)} == first


def _write_named(folder: Path, name: bytes, text: str) -> None:
    """A file whose name is raw bytes (not necessarily UTF-8), as any program may create."""
    fd = os.open(os.path.join(os.fsencode(folder), name), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def test_names_that_are_not_utf8(tmp_path, tiny_model_dir):
    from tests.conftest import INDEPENDENT, ORIGINAL, SPUN, UNRELATED

    originals, suspects, extra = tmp_path / "o", tmp_path / "s", tmp_path / "x"
    for folder in (originals, suspects, extra):
        folder.mkdir()
    _write_named(originals, b"caf\xe9.txt", ORIGINAL)
    _write_named(originals, b"bad\xe9.txt", "")  # an original that cannot be indexed
    (originals / "comet.txt").write_text(UNRELATED)
    _write_named(extra, b"\xff\xfe.txt", INDEPENDENT)
    _write_named(suspects, b"caf\xe9-spun.txt", SPUN)
    _write_named(suspects, b"b\xe9.txt", "")  # unreadable too: an error record names it
    for n, path in enumerate(corpus_files(("1",))[:4]):
        (suspects / f"s{n}.txt").write_text(crude_spin(path.read_text(), 0.4, seed=n))
    index = tmp_path / "ref.sqlite"

    def spundetect(*argv, env=None):
        return subprocess.run([sys.executable, "-m", "detector.cli", "--model",
                               str(tiny_model_dir), *argv], cwd=tmp_path, capture_output=True,
                              env=env, timeout=120)

    built = spundetect("index", "build", "o", "ref.sqlite", "--jobs", "1")
    assert built.returncode == 2 and b"2 added" in built.stdout, built.stderr
    assert built.stderr == f"spundetect: skipped {originals}/bad\\xe9.txt: file is empty\n".encode()
    added = spundetect("index", "add", "ref.sqlite", b"x/\xff\xfe.txt", "--jobs", "1")
    assert added.returncode == 0 and b"1 added" in added.stdout, added.stderr
    with ReferenceIndex.open(index, readonly=True) as ref:
        assert set(ref.paths()) == {str(originals / "caf\\xe9.txt"),
                                    str(originals / "comet.txt"), str(extra / "\\xff\\xfe.txt")}

    against = spundetect("scan", "s", "--against", "o", "--out", "against.jsonl", "--jobs", "1")
    assert against.returncode == 2, against.stderr  # the empty files are error records
    assert b"scanned 6 suspects" in against.stderr

    killed = spundetect("scan", "s", "--index", "ref.sqlite", "--out", "out.jsonl", "--jobs",
                        "1", env={**os.environ, testhook.KILL_AFTER_RECORDS: "2"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = spundetect("scan", "s", "--index", "ref.sqlite", "--out", "out.jsonl", "--jobs",
                         "1", "--resume")
    assert resumed.returncode == 2 and b"(2 from an earlier run)" in resumed.stderr
    for results in ("against.jsonl", "out.jsonl"):
        text = (tmp_path / results).read_text(encoding="utf-8")  # valid UTF-8 throughout
        records = by_name([r for r in map(json.loads, text.splitlines()) if "suspect" in r])
        assert sorted(records) == ["b\\xe9.txt", "caf\\xe9-spun.txt", "s0.txt", "s1.txt",
                                   "s2.txt", "s3.txt"]
        spun = records["caf\\xe9-spun.txt"]
        assert spun["suspect"] == "s/caf\\xe9-spun.txt" and spun["name"] == "caf\\xe9-spun.txt"
        assert spun["verdict"] == "spun" and spun["source"] == str(originals / "caf\\xe9.txt")
        assert records["b\\xe9.txt"]["error"] == "s/b\\xe9.txt: file is empty"
    bad_original = read_records(tmp_path / "against.jsonl")[0]
    assert bad_original["original"] == f"{originals}/bad\\xe9.txt"
    assert bad_original["verdict"] == "error"


def test_a_scan_that_fails_before_its_first_record_leaves_no_out(folders, tiny_model_dir,
                                                                 tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise InputError("tcp://nowhere:8786: no scheduler there")
        yield

    monkeypatch.setattr(scan_mod, "scan", broken)
    args = ["--model", str(tiny_model_dir), "scan", str(folders["suspects"]), "--index",
            str(folders["index"]), "--jobs", "1", "--out"]
    out = tmp_path / "out.jsonl"
    assert main([*args, str(out)]) == 2 and "no scheduler" in capsys.readouterr().err
    assert not out.exists()
    out.write_text("an earlier result\n")
    assert main([*args, str(out), "--force"]) == 2
    assert out.read_text() == "an earlier result\n"  # --force replaces it only with results
    assert main([*args, str(tmp_path / "missing" / "out.jsonl")]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert main(["--model", str(tiny_model_dir), "scan", str(tmp_path / "nope"), "--index",
                 str(folders["index"]), "--out", str(out), "--force"]) == 2
    assert out.read_text() == "an earlier result\n"


# --- score --index: one suspect against its top K in an index ---------------------------------


def test_score_against_an_index(folders, tiny_model_dir, capsys):
    base = ["--model", str(tiny_model_dir), "score", str(folders["suspects"] / "spun.txt"),
            "--index", str(folders["index"])]
    assert main([*base, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["verdict"] == "spun" and Path(record["source"]).name == "council.txt"
    assert record["source_id"] == record["candidates"][0]["id"]
    assert all({"id", "retrieval", "sha256"} <= set(c) for c in record["candidates"])
    assert 2 <= len(record["candidates"]) <= 10
    assert main([*base, "--top-k", "1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["candidates"]) == 1
    assert main([*base, "--no-color"]) == 0
    out = capsys.readouterr().out
    assert f"original:  {folders['originals'] / 'council.txt'}" in out
    assert "elected[voted]" in out  # the text against the stored original, swaps marked


def test_score_against_an_index_without_a_candidate(folders, tiny_model_dir, tmp_path, capsys):
    lonely = tmp_path / "lonely.txt"
    lonely.write_text("nothing at all in common here\n")
    assert main(["--model", str(tiny_model_dir), "score", str(lonely), "--index",
                 str(folders["index"])]) == 0
    assert capsys.readouterr().out == (f"{lonely}: no original in {folders['index']} shares a "
                                       "name, number or rare word with it\n")


def test_score_takes_against_or_index(folders, tiny_model_dir, capsys):
    suspect = str(folders["suspects"] / "spun.txt")
    for extra in (["--against", suspect, "--index", str(folders["index"])], []):
        with pytest.raises(SystemExit) as exit_info:
            main(["--model", str(tiny_model_dir), "score", suspect, *extra])
        assert exit_info.value.code == 2
        assert "--against" in capsys.readouterr().err
    assert main(["--model", str(tiny_model_dir), "score", suspect, "--index",
                 str(folders["base"] / "none.sqlite")]) == 2
    assert "none.sqlite" in capsys.readouterr().err


def test_a_candidate_shared_by_suspects_is_analysed_once(folders, tiny_model_dir):
    from detector.api import Detector
    from detector.model import load_model

    detector = Detector(model=load_model(tiny_model_dir))
    with ReferenceIndex.open(folders["index"], readonly=True) as index:
        tasks = list(scan_mod.make_tasks(sorted(folders["suspects"].glob("spun*.txt")), index,
                                         top_k=5))
    retrieved = [(c[1], c[2]) for t in tasks for c in t.candidates]
    assert len(set(retrieved)) < len(retrieved)  # suspects share candidates
    scan_mod._original.cache_clear()
    first = [scan_mod.score_task(t, detector) for t in tasks]
    info = scan_mod._original.cache_info()
    assert info.currsize == info.misses == len(set(retrieved))  # each built once
    assert info.hits == len(retrieved) - len(set(retrieved))
    scan_mod._original.cache_clear()
    alone = [scan_mod.score_task(t, detector) for t in reversed(tasks)][::-1]
    assert first == alone  # the same records, whichever suspect analysed the candidate first
