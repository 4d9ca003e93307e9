"""The command line, in-process through `main(argv)`."""

import json

from detector import cli


def report_results(tmp_path, texts):
    """A results file as `spundetect pairs` writes it: one pair scored, one unreadable."""
    (tmp_path / "s.txt").write_text(texts["spun"])
    (tmp_path / "o.txt").write_text(texts["original"])
    records = [
        {"suspect": "s.txt", "original": "o.txt", "score": 0.9, "verdict": "spun",
         "probabilities": {"spun": 0.9, "copy": 0.1, "independent": 0.0, "unrelated": 0.0},
         "evidence": {"aligned_share": 0.95, "n_swaps": 20, "swaps": [["voted", "elected"]]}},
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


def test_report_refuses_a_bad_results_file_in_one_line(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli.main(["report", str(tmp_path / "none.jsonl"), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"spundetect: error: {tmp_path / 'none.jsonl'}: no such results file\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert cli.main(["report", str(bad), "--out", str(out)]) == 2
    assert "line 1 is not JSON" in capsys.readouterr().err
    assert not out.exists()
