"""The command line, in-process through `main(argv)` and as a real process."""

import argparse
import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from detector import cli
from detector.errors import InputError
from tests.conftest import GERMAN, seed


@pytest.fixture
def run(tiny_model, capsys):
    def _run(*argv):
        code = cli.main(["--model", str(tiny_model), *map(str, argv)])
        out, err = capsys.readouterr()
        return code, out, err
    return _run


def test_score_prints_summary(run, article_files):
    code, out, err = run("score", article_files["original"], "--against", article_files["original"])
    assert code == 0 and err == ""
    assert "verdict:   COPY" in out


def test_score_json_is_one_object(run, article_files):
    code, out, _ = run("score", article_files["spun"], "--against", article_files["original"],
                       article_files["unrelated"], "--json")
    record = json.loads(out)
    assert code == 0
    assert set(record) >= {"suspect", "original", "source", "score", "verdict", "evidence"}
    assert {"swaps", "aligned_share"} <= set(record["evidence"])
    assert record["original"] == str(article_files["original"])


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02\x03binary", "binary"), (b"caf\xe9 au lait", "UTF-8")],
)
def test_bad_suspect_exits_2_with_one_line(run, article_files, tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run("score", bad, "--against", article_files["original"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["scan", "", "--index", "ref.sqlite"],
                                  ["score", "x.txt", "--against", ""],
                                  ["pairs", "p.tsv", "--out", ""]])
def test_an_empty_argument_is_refused_not_read_as_the_working_folder(run, argv):
    code, out, err = run(*argv)
    k = argv.index("") + 3  # after --model DIR
    assert (code, out) == (2, "")
    assert err == (f"spundetect: error: argument {k} is empty (an unset shell variable?); "
                   "give a file, a folder or a value\n")


def test_usage_errors_exit_2(run, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["score", "x.txt"])  # --against missing
    assert exc.value.code == 2
    assert "--against" in capsys.readouterr().err
    code, _, err = run("pairs", "nope.tsv", "--jobs", "0")
    assert code == 2 and "--jobs" in err
    for jobs in ("100000", "99999999999999999999999"):  # thousands of processes: refused
        code, _, err = run("pairs", "nope.tsv", "--jobs", jobs)
        assert code == 2 and err.startswith("spundetect: error: jobs (--jobs) must be from 1 to ")
        assert err.endswith(f"got {jobs}\n") and err.count("\n") == 1
    with pytest.raises(SystemExit):
        cli.main(["score", "x.txt", "--against", "y.txt", "--timeout", "1e9"])
    assert "above 0 and below 1000000, got '1e9'" in capsys.readouterr().err


def test_score_warns_about_a_suspect_not_in_english(run, article_files, tmp_path):
    german = tmp_path / "german.txt"
    german.write_text(GERMAN, encoding="utf-8")
    code, out, err = run("score", german, "--against", article_files["original"], "--json")
    assert code == 0 and json.loads(out)["language"] == "de"
    assert err == ("spundetect: warning: suspect looks like German (de), the model is trained "
                   "on English\n")


def test_batches_count_suspects_not_in_english(run, article_files, tmp_path):
    german = tmp_path / "german.txt"
    german.write_text(GERMAN, encoding="utf-8")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{german}\t{article_files['original']}\n"
                     f"{article_files['spun']}\t{article_files['original']}\n")
    code, out, err = run("pairs", pairs, "--jobs", "1")
    assert [json.loads(line)["language"] for line in out.splitlines()] == ["de", "en"]
    assert code == 0 and "0 errors, 1 not in English," in err

    originals, suspects = tmp_path / "o", tmp_path / "s"
    originals.mkdir()
    suspects.mkdir()
    (originals / "orig.txt").write_text(article_files["original"].read_text())
    (suspects / "german.txt").write_text(GERMAN, encoding="utf-8")
    (suspects / "spun.txt").write_text(article_files["spun"].read_text())
    code, out, err = run("scan", suspects, "--against", originals, "--jobs", "1")
    assert code == 0 and "0 errors, 1 not in English," in err


def test_pairs_streams_jsonl_and_records_errors(run, article_files, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{article_files['spun']}\t{article_files['original']}\n"
                     f"{tmp_path / 'missing.txt'}\t{article_files['original']}\n"
                     f"{article_files['original']}\t{article_files['original']}\n")
    code, out, err = run("pairs", pairs, "--jobs", "1")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2  # finished, but an input was bad
    assert [r["verdict"] for r in records][1] == "error"
    assert records[2]["verdict"] == "copy"
    assert "3 records" in err and "1 error," in err


def test_out_file_is_never_overwritten_silently(run, article_files, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{article_files['spun']}\t{article_files['original']}\n")
    out = tmp_path / "results.jsonl"
    out.write_text("precious\n")
    code, _, err = run("pairs", pairs, "--out", out, "--jobs", "1")
    assert code == 2 and "already exists" in err
    assert out.read_text() == "precious\n"
    code, _, _ = run("pairs", pairs, "--out", out, "--force", "--jobs", "1")
    assert code == 0 and json.loads(out.read_text())["suspect"] == str(article_files["spun"])


@pytest.mark.parametrize("kind", ["missing", "directory", "not UTF-8", "the --out file"])
def test_a_bad_pairs_file_leaves_no_out_behind(run, tmp_path, kind):
    pairs, out = tmp_path / "pairs.tsv", tmp_path / "results.jsonl"
    if kind == "directory":
        pairs.mkdir()
    elif kind == "not UTF-8":
        pairs.write_bytes(b"caf\xe9.txt\to.txt\n")
    elif kind == "the --out file":
        pairs.write_text("s.txt\to.txt\n")
        out = pairs
    before = out.read_bytes() if out.exists() else None
    code, _, err = run("pairs", pairs, "--out", out, "--jobs", "1")
    assert code == 2 and err.count("\n") == 1, err
    code, _, err = run("pairs", pairs, "--out", out, "--jobs", "1", "--force")
    assert code == 2 and err.count("\n") == 1, err
    assert (out.read_bytes() if out.exists() else None) == before


def test_a_run_with_no_records_writes_an_empty_out(run, tmp_path):
    pairs, out = tmp_path / "pairs.tsv", tmp_path / "results.jsonl"
    pairs.write_text("# nothing to score yet\n")
    code, _, err = run("pairs", pairs, "--out", out, "--jobs", "1")
    assert code == 0 and "0 records" in err and out.read_text() == ""


ESC_NAME = "\x1b]0;owned\x07.txt"  # would retitle a terminal
BIDI_NAME = "o\u202etxt.exe"  # would read backwards


def test_names_and_texts_from_files_are_printed_escaped(run, article_files, tmp_path):
    suspect, original = tmp_path / ESC_NAME, tmp_path / BIDI_NAME
    suspect.write_text(article_files["spun"].read_text().replace("Park", "Pa\x1b[2Jrk\u202e"))
    original.write_text(article_files["original"].read_text())

    def raw(text):
        return "\x1b" in text or "\x07" in text or "\u202e" in text

    code, out, err = run("score", suspect, "--against", original, "--no-color")
    assert code == 0 and not raw(out + err)
    assert f"suspect:   {tmp_path}/\\x1b]0;owned\\x07.txt" in out
    assert f"original:  {tmp_path}/o\\u202etxt.exe" in out and "elected[voted]" in out
    code, out, _ = run("score", suspect, "--against", original, "--json")
    assert code == 0 and not raw(out)
    assert json.loads(out)["suspect"] == f"{tmp_path}/\\x1b]0;owned\\x07.txt"

    code, out, err = run("score", tmp_path / f"gone-{ESC_NAME}", "--against", original)
    assert code == 2 and out == ""
    assert err == f"spundetect: error: {tmp_path}/gone-\\x1b]0;owned\\x07.txt: no such file\n"

    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{tmp_path / 'gone.txt'}\t{original}\n{suspect}\t{original}\n")
    code, out, err = run("pairs", pairs, "--jobs", "1")
    assert code == 2 and not raw(out + err)
    assert [json.loads(line)["original"] for line in out.splitlines()] == [
        f"{tmp_path}/o\\u202etxt.exe"] * 2

    folder = tmp_path / "originals"
    folder.mkdir()
    (folder / ESC_NAME).write_text("")
    (folder / "a.txt").write_text(article_files["original"].read_text())
    code, out, err = run("index", "build", folder, tmp_path / f"{ESC_NAME}.sqlite")
    assert code == 2 and not raw(out + err)
    assert err == f"spundetect: skipped {folder}/\\x1b]0;owned\\x07.txt: file is empty\n"
    assert "\\x1b]0;owned\\x07.txt.sqlite holds 1 document " in out


def test_scan_folder(run, article_files, tmp_path):
    originals, suspects = tmp_path / "o", tmp_path / "s"
    originals.mkdir()
    suspects.mkdir()
    (originals / "orig.txt").write_text(article_files["original"].read_text())
    (suspects / "copy.txt").write_text(article_files["original"].read_text())
    code, out, err = run("scan", suspects, "--against", originals, "--jobs", "1")
    record = json.loads(out)
    assert code == 0 and record["source"].endswith("orig.txt") and record["verdict"] == "copy"
    assert record["language"] == "en" and "English" not in err


def test_info_shows_metadata(run):
    code, out, _ = run("info")
    assert code == 0 and "validation" in json.loads(out)


def test_missing_model_is_a_clear_error(article_files, tmp_path, capsys):
    code = cli.main(["--model", str(tmp_path), "score", str(article_files["spun"]),
                     "--against", str(article_files["original"])])
    assert code == 2 and "make train" in capsys.readouterr().err


def _spundetect(*argv) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "spundetect"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]
    return subprocess.run([*command, *map(str, argv)], capture_output=True, text=True,
                          timeout=120)


def test_seeds_end_to_end_with_the_shipped_model():
    """004 is a real spun copy of 000; 001-003 are other outlets' own reports."""
    proc = _spundetect("score", seed("004"), "--against", seed("000"), "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["verdict"] == "spun" and record["score"] >= 0.9
    assert ["meet", "satisfy"] in record["evidence"]["swaps"]
    for name in ("001", "002", "003"):
        proc = _spundetect("score", seed(name), "--against", seed("000"), "--json")
        record = json.loads(proc.stdout)
        assert record["verdict"] != "spun" and record["score"] < 0.5, name


def test_process_exit_code_and_stderr_for_missing_file(tmp_path):
    proc = _spundetect("score", tmp_path / "nope.txt", "--against", seed("000"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "no such file" in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_line_and_exit_2(tiny_model_dir, article_files):
    """stdout on a full disk (/dev/full), and --out there: one line, no traceback."""
    exe = Path(sys.executable).parent / "spundetect"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]
    argv = [*command, "--model", str(tiny_model_dir), "score", str(article_files["spun"]),
            "--against", str(article_files["original"])]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(argv, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (
        2, "spundetect: error: cannot write the output (No space left on device)\n")


def _spundetect_limited(*argv, memory: int = 2 << 30) -> subprocess.CompletedProcess:
    """`_spundetect` with its address space capped: reading /dev/zero fails fast, not the host
    (one BLAS thread, so that the cap does not depend on the number of cores)."""
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    exe = Path(sys.executable).parent / "spundetect"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    return subprocess.run([*command, *map(str, argv)], capture_output=True, text=True,
                          timeout=120, preexec_fn=cap, env=env)


@pytest.mark.parametrize("where", ["suspect", "original"])
def test_score_refuses_a_fifo_in_one_line(tiny_model_dir, article_files, tmp_path, where):
    """Nothing writes to the FIFO: opening it to read would wait forever (the timeout is only a
    safety net; the answer is immediate)."""
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    files = [fifo, article_files["original"]]
    suspect, original = files if where == "suspect" else files[::-1]
    proc = _spundetect("--model", tiny_model_dir, "score", suspect, "--against", original)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"spundetect: error: {fifo}: not a regular file (a FIFO); "
                           "give a text file\n")


def test_pairs_records_fifos_and_devices_and_goes_on(tiny_model_dir, article_files, tmp_path):
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    original = article_files["original"]
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{fifo}\t{original}\n{original}\t/dev/zero\n/dev/null\t{original}\n"
                     f"{original}\t{fifo}\n{original}\t{original}\n")
    proc = _spundetect_limited("--model", tiny_model_dir, "pairs", pairs, "--jobs", "1")
    assert proc.returncode == 2, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r.get("error") for r in records] == [
        f"{fifo}: not a regular file (a FIFO); give a text file",
        "/dev/zero: not a regular file (a character device); give a text file",
        "/dev/null: not a regular file (a character device); give a text file",
        f"{fifo}: not a regular file (a FIFO); give a text file",
        None]
    assert records[-1]["verdict"] == "copy"
    assert proc.stderr.startswith("spundetect: 5 records, 0 spun, 0 rewritten, 1 copy, 4 errors")


@pytest.mark.parametrize(("command", "kind"), [("pairs", "pairs file"),
                                               ("report", "results file")])
def test_a_fifo_as_the_list_file_is_refused_in_one_line(tiny_model_dir, tmp_path, command,
                                                        kind):
    fifo = tmp_path / "list.jsonl"
    os.mkfifo(fifo)
    extra = ["--out", tmp_path / "r.html"] if command == "report" else []
    proc = _spundetect("--model", tiny_model_dir, command, fifo, *extra)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"spundetect: error: {fifo}: not a regular file (a FIFO); give a {kind}\n"


# --- the HTML report -----------------------------------------------------------------------


def report_results(tmp_path, texts):
    """A results file as `spundetect pairs` writes it: one pair scored, one unreadable."""
    (tmp_path / "s.txt").write_text(texts["spun"])
    (tmp_path / "o.txt").write_text(texts["original"])
    sha = {k: hashlib.sha256(t.encode()).hexdigest() for k, t in texts.items()}
    records = [
        {"suspect": "s.txt", "original": "o.txt", "score": 0.9, "verdict": "spun",
         "probabilities": {"spun": 0.9, "copy": 0.1, "independent": 0.0, "unrelated": 0.0},
         "evidence": {"aligned_share": 0.95, "n_swaps": 20, "swaps": [["voted", "elected"]]},
         "suspect_sha256": sha["spun"], "original_sha256": sha["original"]},
        {"suspect": "gone.txt", "original": "o.txt", "score": None, "verdict": "error",
         "error": "gone.txt: no such file"},
    ]
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_report_writes_the_page_and_lists_errors(tmp_path, texts, capsys):
    results = report_results(tmp_path, texts)
    out = tmp_path / "report.html"
    assert cli.main(["report", str(results), "--out", str(out)]) == 0
    page = out.read_text()
    assert 'data-orig="voted">elected</mark>' in page  # paths resolved next to the results
    assert "gone.txt: no such file" in page
    assert f"wrote {out}" in capsys.readouterr().err


def test_report_never_overwrites_without_force(tmp_path, texts, capsys):
    results = report_results(tmp_path, texts)
    out = tmp_path / "report.html"
    out.write_text("mine")
    assert cli.main(["report", str(results), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists; use --force" in err
    assert out.read_text() == "mine"
    assert cli.main(["report", str(results), "--out", str(out), "--force"]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_report_csv_writes_the_table_of_suspects(tmp_path, texts, capsys):
    import csv

    results = report_results(tmp_path, texts)
    page, table = tmp_path / "report.html", tmp_path / "table.csv"
    assert cli.main(["report", str(results), "--out", str(page), "--csv", str(table)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {page}" in err and f"wrote {table}" in err
    rows = list(csv.DictReader(table.open(encoding="utf-8", newline="")))
    assert rows == [{"suspect": "s.txt", "verdict": "spun", "score": "0.9",
                     "derived_probability": "1", "source": "o.txt", "original": "o.txt",
                     "suspect_matched_share": "0.95", "original_used_share": "",
                     "n_swaps": "20"}]  # the error record is listed in the page, not here
    assert page.read_text().startswith("<!DOCTYPE html>")
    only = tmp_path / "only.csv"  # the table alone: no page, no texts read
    assert cli.main(["report", str(results), "--csv", str(only)]) == 0
    assert only.read_text(encoding="utf-8") == table.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.glob("*.html")) == ["report.html"]


def test_report_csv_follows_the_rules_of_out(tmp_path, texts, capsys):
    results = report_results(tmp_path, texts)
    page, table = tmp_path / "report.html", tmp_path / "table.csv"
    table.write_text("mine")
    assert cli.main(["report", str(results), "--out", str(page), "--csv", str(table)]) == 2
    err = capsys.readouterr().err
    assert err == f"spundetect: error: {table}: already exists; use --force to overwrite it\n"
    assert table.read_text() == "mine" and not page.exists()  # checked before any work
    assert cli.main(["report", str(results), "--csv", str(table), "--force"]) == 0
    assert table.read_text().startswith("suspect,verdict,")
    capsys.readouterr()
    for argv, said in [
        ([], "nothing to write: give --out FILE"),
        (["--out", str(page), "--csv", str(page)], "is --out too"),
        (["--csv", str(results), "--force"], "is the results file"),
        (["--csv", str(tmp_path / "no" / "t.csv")], "cannot write (no such directory"),
        (["--csv", str(tmp_path), "--force"], "is a directory"),
    ]:
        assert cli.main(["report", str(results), *argv]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err, (argv, err)
    assert results.read_text().startswith('{"suspect"') and not page.exists()


def test_report_refuses_a_bad_results_file_in_one_line(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli.main(["report", str(tmp_path / "none.jsonl"), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"spundetect: error: {tmp_path / 'none.jsonl'}: no such results file\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert cli.main(["report", str(bad), "--out", str(out)]) == 2
    assert "no spundetect result in it (line 1: not JSON)" in capsys.readouterr().err
    assert not out.exists()


def test_report_skips_bad_records_names_them_and_exits_2(tmp_path, texts, capsys):
    results = report_results(tmp_path, texts)
    bad = [
        '{"suspect": "a.txt", "verdict": "spun", "score": 0.5, "candidates": 3}',
        '{"suspect": "b.txt", "verdict": "spun", "score": 0.5, "evidence": "lots"}',
        '{"suspect": "c.txt", "verdict": "spun", "score": 0.5, "evidence": '
        '{"aligned_share": null}}',
        '{"suspect": "d.txt", "verdict": "spun", "score": 0.5, "probabilities": [1]}',
        "[" * 200_000 + "]" * 200_000,
    ]
    with results.open("a") as fh:
        fh.write("".join(line + "\n" for line in bad))
    out = tmp_path / "report.html"
    assert cli.main(["report", str(results), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 2
    assert f"skipped 5 bad records of {results}" in err and f"wrote {out}" in err
    assert "(first: line 3: candidates is not a list)" in err
    page = out.read_text()
    assert 'data-orig="voted">elected</mark>' in page  # the good record is reported as ever
    problems = page.split('id="problems"')[1].split("</section>")[0]
    for expected in ("line 3: candidates is not a list", "line 4: evidence is not an object",
                     "line 5: evidence.aligned_share is not a number from 0 to 1",
                     "line 6: probabilities is not an object", "line 7: nested too deeply"):
        assert expected in problems


def test_score_shows_highlighted_text_plain_when_piped(run, article_files, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run("score", article_files["spun"], "--against", article_files["original"])
    assert code == 0 and "\033[" not in out
    assert out.index("matches:") < out.index("text:") < out.index("elected[voted]")


class _Terminal:
    """Makes the captured stdout claim to be a terminal."""

    @staticmethod
    def isatty():
        return True


@pytest.mark.parametrize(("argv", "env", "coloured"), [
    ((), {}, True), (("--no-color",), {}, False), ((), {"NO_COLOR": "1"}, False)])
def test_score_colours_only_a_terminal(run, article_files, monkeypatch, argv, env, coloured):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys.stdout, "isatty", _Terminal.isatty, raising=False)
    code, out, _ = run("score", article_files["spun"], "--against", article_files["original"],
                       *argv)
    assert code == 0
    assert ("\033[1;33melected\033[0m" in out) is coloured
    assert ("elected[voted]" in out) is not coloured


def test_score_full_shows_every_paragraph(run, article_files, tmp_path):
    long = tmp_path / "long.txt"
    long.write_text("\n\n".join([article_files["spun"].read_text()] * 8))
    original = tmp_path / "long_original.txt"
    original.write_text("\n\n".join([article_files["original"].read_text()] * 8))
    _, short, _ = run("score", long, "--against", original)
    _, full, _ = run("score", long, "--against", original, "--full")
    assert "more paragraphs (--full shows all)" in short
    assert "--full shows all" not in full and full.count("elected[voted]") == 8


# --- hints, help and the scan table ----------------------------------------------------------


def test_score_against_a_folder_points_to_scan(run, article_files, tmp_path):
    code, out, err = run("score", article_files["spun"], "--against", tmp_path)
    assert code == 2 and out == ""
    assert err == (f"spundetect: error: {tmp_path}: is a folder; to compare with every file in "
                   f"it use `spundetect scan` (spundetect scan SUSPECTS_DIR --against "
                   f"{tmp_path})\n")
    code, _, err = run("score", tmp_path, "--against", article_files["original"])
    assert code == 2 and "is a folder; to score every file in it use `spundetect scan`" in err


@pytest.mark.parametrize("spelling", [["--model", "x"], ["--model=x"]])
def test_a_global_option_after_the_command_says_where_it_goes(capsys, spelling):
    with pytest.raises(SystemExit) as exc:
        cli.main(["score", "a.txt", "--against", "b.txt", *spelling])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "put --model before the command: spundetect --model DIR COMMAND ..." in err


def _parsers(parser):
    """Every parser of the command line: the top one, each command and subcommand."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_command_describes_each_argument_and_shows_an_example():
    for parser in _parsers(cli.build_parser()):
        for action in parser._actions:
            assert action.help, f"{parser.prog}: {action.dest} has no help"
        help_text = parser.format_help()
        assert "examples:\n  spundetect " in help_text, parser.prog
        assert parser.description, parser.prog


def _scan_folders(article_files, tmp_path):
    originals, suspects = tmp_path / "o", tmp_path / "s"
    originals.mkdir()
    suspects.mkdir()
    (originals / "orig.txt").write_text(article_files["original"].read_text())
    (suspects / "copy.txt").write_text(article_files["original"].read_text())
    (suspects / "other.txt").write_text(article_files["unrelated"].read_text())
    return suspects, originals


def test_scan_on_a_terminal_prints_a_table_not_json(run, article_files, tmp_path, monkeypatch):
    suspects, originals = _scan_folders(article_files, tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", _Terminal.isatty, raising=False)
    code, out, err = run("scan", suspects, "--against", originals, "--jobs", "1")
    assert code == 0 and "{" not in out
    lines = out.splitlines()
    assert lines[0] == "flagged: 1 of 2 suspects, likeliest copy first"
    assert lines[2].split()[1:] == ["copy", "100%", "100%", "0", "copy.txt",
                                    str(originals / "orig.txt")]
    assert "JSON records were not printed; use --out FILE or a pipe" in err
    assert err.splitlines()[-1].startswith("spundetect: scanned 2 suspects, 0 spun, "
                                           "0 rewritten, 1 copy, 0 errors")


def test_scan_piped_writes_records_to_stdout_and_the_table_to_stderr(run, article_files,
                                                                     tmp_path):
    suspects, originals = _scan_folders(article_files, tmp_path)
    code, out, err = run("scan", suspects, "--against", originals, "--jobs", "1")
    assert code == 0 and len([json.loads(line) for line in out.splitlines()]) == 2
    assert err.startswith("flagged: 1 of 2 suspects") and "copy.txt" in err
    assert err.splitlines()[-1].startswith("spundetect: scanned 2 suspects")


def test_scan_with_out_ends_with_the_table_on_stdout(run, article_files, tmp_path):
    suspects, originals = _scan_folders(article_files, tmp_path)
    results = tmp_path / "scan.jsonl"
    code, out, err = run("scan", suspects, "--against", originals, "--jobs", "1", "--out",
                         results)
    assert code == 0 and out.startswith("flagged: 1 of 2 suspects") and "copy.txt" in out
    assert "flagged" not in err
    assert len(results.read_text().splitlines()) == 2
    (suspects / "again.txt").write_text(article_files["original"].read_text())
    code, out, _ = run("scan", suspects, "--against", originals, "--jobs", "1", "--out",
                       results, "--resume")
    assert code == 0 and out.startswith("flagged: 2 of 3 suspects")  # the earlier one too
    assert "again.txt" in out and "copy.txt" in out


def test_ctrl_c_while_starting_up_is_one_line(monkeypatch, capsys):
    """Before `main` handles Ctrl-C itself (imports, parsing), `run` does."""
    def interrupted(argv=None):
        raise KeyboardInterrupt

    import signal

    monkeypatch.setattr(cli, "main", interrupted)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # run()'s SIGTERM handler
    with pytest.raises(SystemExit) as exc:
        cli.run()
    assert exc.value.code == 130
    assert capsys.readouterr().err == "spundetect: interrupted\n"


def test_importing_the_command_loads_nothing_heavy():
    """`import detector.cli` (the first thing `spundetect` does, before it can handle Ctrl-C)
    imports neither numpy nor the scoring modules; they load inside `run`."""
    code = ("import sys, detector.cli; "
            "print(sorted(m for m in ('numpy', 'detector.api', 'detector.text') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_top_k_without_an_index_is_refused(run, article_files):
    code, out, err = run("score", article_files["spun"], "--against", article_files["original"],
                         "--top-k", "3")
    assert (code, out) == (2, "") and "--top-k goes with --index" in err


def test_an_unforeseen_failure_is_one_line_and_its_traceback_on_request(monkeypatch, capsys):
    def fails(args):
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setitem(cli.COMMANDS, "info", fails)
    assert cli.main(["info"]) == 2
    assert capsys.readouterr().err == (
        "spundetect: error: RuntimeError: something nobody foresaw (unexpected; run again with "
        "SPUNDETECT_DEBUG=1 to see where, and report it)\n")
    monkeypatch.setenv(cli.DEBUG, "1")
    with pytest.raises(RuntimeError):
        cli.main(["info"])


def test_a_dask_cluster_that_fails_mid_run_is_one_line(monkeypatch, capsys):
    distributed = pytest.importorskip("distributed")

    def lost(args):
        raise distributed.client.FutureCancelledError("x", "scheduler-connection-lost")

    monkeypatch.setitem(cli.COMMANDS, "info", lost)
    assert cli.main(["info"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spundetect: error: the Dask cluster failed (FutureCancelledError")
    assert err.count("\n") == 1


def test_a_scan_stopped_by_a_lost_worker_keeps_its_records(tmp_path):
    """Unlike a scan stopped by a damaged index, whose records go: they were scored sound."""
    from detector.errors import IndexDamagedError, WorkerLostError
    from detector.output import output

    for error, kept in ((WorkerLostError("lost"), True), (IndexDamagedError("damaged"), False)):
        path = tmp_path / f"{kept}.jsonl"
        with pytest.raises(type(error)), output(path, False) as out, \
                cli._undone_on_error(out, None):
            out.write("{}\n")
            raise error
        assert path.exists() is kept


def test_out_is_never_an_article_the_command_reads(run, article_files, tmp_path):
    """Even with --force, --out (or --csv) that is a suspect or an original the command reads
    is refused, and the article keeps every byte."""
    suspects, originals = tmp_path / "suspects", tmp_path / "originals"
    suspects.mkdir()
    originals.mkdir()
    suspect, original = suspects / "spun.txt", originals / "original.txt"
    suspect.write_text(article_files["spun"].read_text())
    original.write_text(article_files["original"].read_text())
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{suspect}\t{original}\n")
    before = {p: p.read_bytes() for p in (suspect, original)}
    for article in (suspect, original):
        code, _, err = run("pairs", pairs, "--jobs", "1", "--out", article, "--force")
        assert code == 2 and err == (f"spundetect: error: {article}: is an article the pairs "
                                     f"file names ({article}); --out takes a file of its own "
                                     "(nothing was changed)\n")
        code, _, err = run("scan", suspects, "--against", originals, "--jobs", "1", "--out",
                           article, "--force")
        assert code == 2 and "--out takes a file of its own (nothing was changed)" in err
    index = tmp_path / "ref.sqlite"
    assert run("index", "build", originals, index, "--jobs", "1")[0] == 0
    code, _, err = run("scan", suspects, "--index", index, "--jobs", "1", "--out", original,
                       "--force")
    assert code == 2 and "is an original this scan reads" in err
    results = tmp_path / "results.jsonl"
    assert run("pairs", pairs, "--jobs", "1", "--out", results)[0] == 0
    for option in ("--out", "--csv"):
        code, _, err = run("report", results, option, suspect, "--force")
        assert code == 2 and f"is an article the results name ({suspect}); {option}" in err
    import detector as api

    with pytest.raises(InputError, match="is an article the results name"):
        api.write_report(results, original, force=True)
    assert {p: p.read_bytes() for p in (suspect, original)} == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_report_writes_into_a_fifo_rather_than_replacing_it(run, article_files, tmp_path):
    import select
    import threading

    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{article_files['spun']}\t{article_files['original']}\n")
    results = tmp_path / "results.jsonl"
    assert run("pairs", pairs, "--jobs", "1", "--out", results)[0] == 0
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)
    # Held open for reading and writing from the start: the report's open never waits for a
    # reader, and whatever the report does, the thread draining it ends once it has returned.
    fd = os.open(fifo, os.O_RDWR)
    got: list[bytes] = []
    done = threading.Event()

    def drain() -> None:
        while True:
            if select.select([fd], [], [], 0.05)[0]:
                got.append(os.read(fd, 1 << 16))
            elif done.is_set():
                return

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        code, _, err = run("report", results, "--out", fifo, "--force")
    finally:
        done.set()
        reader.join()
        os.close(fd)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO: written to, not replaced
    assert b"".join(got).startswith(b"<!DOCTYPE html>")


def test_a_closed_standard_output_is_one_line(article_files):
    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "detector.cli", "score",
                           str(article_files["spun"]), "--against",
                           str(article_files["original"])],
                          cwd=ROOT, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          preexec_fn=lambda: os.close(1), timeout=120)  # as `>&-` does
    assert (done.returncode, done.stderr) == (
        2, "spundetect: error: standard output is closed; redirect it to a file or to "
           "/dev/null\n")


def test_report_to_standard_output_through_a_pipe(run, article_files, tmp_path):
    """`--out /dev/stdout` writes into the pipe: no --force needed, no file replaced."""
    from tests.conftest import ROOT

    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{article_files['spun']}\t{article_files['original']}\n")
    results = tmp_path / "results.jsonl"
    assert run("pairs", pairs, "--jobs", "1", "--out", results)[0] == 0
    done = subprocess.run([sys.executable, "-m", "detector.cli", "report", str(results),
                           "--out", "/dev/stdout"], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"<!DOCTYPE html>")


def test_only_an_index_has_files_beside_it_that_out_may_not_be(run, article_files, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{article_files['spun']}\t{article_files['original']}\n")
    code, _, err = run("pairs", pairs, "--jobs", "1", "--out", f"{pairs}-wal")
    assert code == 0, err  # a pairs file is no SQLite database: nothing keeps files beside it

