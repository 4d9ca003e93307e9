import hashlib
import json
import os

import pytest

from detector.display import name_of
from detector.errors import InputError
from detector.report.records import check_record, group_results, load_results, open_document


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(suspect, original, verdict, score, **extra):
    spun = score if verdict != "copy" else 0.1
    probabilities = {"spun": spun, "copy": 0.9 if verdict == "copy" else 0.0,
                     "independent": 1 - spun if verdict == "independent" else 0.0,
                     "unrelated": 1 - spun if verdict == "unrelated" else 0.0}
    return {"suspect": suspect, "original": original, "score": score, "verdict": verdict,
            "probabilities": probabilities, "evidence": {"n_swaps": 3}, **extra}


def test_group_results_merges_pairs_records_and_sorts_spun_first():
    records = [
        record("a.txt", "o1.txt", "independent", 0.05),
        record("b.txt", "o1.txt", "unrelated", 0.01),
        record("b.txt", "o2.txt", "spun", 0.80),
        {"suspect": "c.txt", "original": "o1.txt", "score": None, "verdict": "error",
         "error": "c.txt: no such file"},
        record("d.txt", "o1.txt", "copy", 0.10),
        record("e.txt", "o2.txt", "spun", 0.95),
    ]
    entries, errors = group_results(records)
    assert [e.suspect for e in entries] == ["e.txt", "b.txt", "d.txt", "a.txt"]
    assert [e["suspect"] for e in errors] == ["c.txt"]
    b = entries[1]
    assert (b.verdict, b.original, b.source, b.sources) == ("spun", "o2.txt", "o2.txt", ["o2.txt"])
    assert [c["original"] for c in b.candidates] == ["o2.txt", "o1.txt"]
    assert entries[3].source is None and entries[3].original == "o1.txt"


def test_a_suspect_derived_from_two_originals_has_two_sources():
    scan = {**record("s.txt", "o1.txt", "spun", 0.9),
            "source": "o1.txt",
            "candidates": [{"original": "o1.txt", "score": 0.9, "verdict": "spun"},
                           {"original": "o2.txt", "score": 0.7, "verdict": "spun"},
                           {"original": "o3.txt", "score": 0.0, "verdict": "unrelated"}]}
    (entry,), _ = group_results([scan])
    assert entry.sources == ["o1.txt", "o2.txt"]
    assert len(entry.candidates) == 3


def test_load_results_reads_json_lines_and_single_objects(tmp_path):
    lines = tmp_path / "r.jsonl"
    lines.write_text(json.dumps(record("a", "o", "spun", 0.9)) + "\n\n"
                     + json.dumps({"verdict": "error", "error": "x", "suspect": "b"}) + "\n")
    results = load_results(lines)
    assert [r["suspect"] for r in results.records] == ["a", "b"] and results.problems == []
    single = tmp_path / "r.json"
    single.write_text(json.dumps(record("a", "o", "spun", 0.9), indent=2))
    assert load_results(single).records[0]["verdict"] == "spun"


GOOD = json.dumps(record("a.txt", "o.txt", "spun", 0.9, candidates=[
    {"original": "o.txt", "score": 0.9, "verdict": "spun", "sha256": sha("o"), "id": 3}],
    suspect_sha256=sha("a"), original_sha256=sha("o")))
DEEP = '{"suspect": "x", "verdict": "spun", "score": 0.5, "evidence": ' + "[" * 200_000 + (
    "]" * 200_000 + "}")


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ('{oops', "not JSON"),
        (DEEP, "nested too deeply to read"),
        ('"a string"', "not a JSON object"),
        ('{"suspect": "a", "verdict": "spun"}', "score is missing"),
        ('{"suspect": "a", "verdict": "spun", "score": NaN}', "score is not a number from 0 to 1"),
        ('{"suspect": 7, "verdict": "spun", "score": 0.5}', "suspect is not a file name"),
        ('{"suspect": "a", "verdict": "maybe", "score": 0.5}', "verdict is not one of"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "candidates": 3}',
         "candidates is not a list"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "candidates": [{"original": "o"}]}',
         "candidates[1].score is missing"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "candidates": ["o"]}',
         "candidates[1] is not an object"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "evidence": "lots"}',
         "evidence is not an object"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "evidence": {"aligned_share": null}}',
         "evidence.aligned_share is not a number from 0 to 1"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "evidence": {"swaps": [["a"]]}}',
         "evidence.swaps is not a list of [from, to] pairs"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "evidence": {"n_swaps": "9"}}',
         "evidence.n_swaps is not a whole number"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "probabilities": [0.5, 0.5]}',
         "probabilities is not an object of numbers"),
        ('{"suspect": "a", "verdict": "spun", "score": 0.5, "suspect_sha256": "abc"}',
         "suspect_sha256 is not a SHA-256"),
        ('{"suspect": "a", "verdict": "error", "score": null, "error": ["x"]}',
         "error is not a string"),
    ],
)
def test_a_malformed_record_is_skipped_and_named(tmp_path, bad, problem):
    path = tmp_path / "r.jsonl"
    path.write_text(f"{GOOD}\n{bad}\n{GOOD.replace('a.txt', 'b.txt')}\n")
    results = load_results(path)
    assert [r["suspect"] for r in results.records] == ["a.txt", "b.txt"]
    assert len(results.problems) == 1 and results.problems[0].startswith(f"line 2: {problem}")
    entries, _ = group_results(results.records)  # what passed the checks groups without error
    assert entries[0].hashes == {"o.txt": sha("o")} and entries[0].ids == {"o.txt": 3}


def test_records_spundetect_writes_pass_the_checks(detector, texts):
    from detector.api import SuspectResult
    from detector.results import error_record
    from detector.text import Document

    result = detector.score_suspect(Document(texts["spun"], "s", sha256=sha("s")),
                                    [Document(texts["original"], "o", sha256=sha("o"))])
    for made in (result.to_record(), result.best.to_record(), SuspectResult("s").to_record(),
                 error_record("s: no such file", suspect="s", original="o")):
        assert check_record(made) is None, made


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such results file"),
        ("", "is empty"),
        ("not json\n{oops\n", r"no spundetect result in it \(line 1: not JSON and 1 more\)"),
        ('{"suspect": "a", "verdict": "spun"}\n', "line 1: score is missing"),
        ('["a"]', "record 1: not a JSON object"),
        (b"\xff\xfe", "not valid UTF-8"),
    ],
)
def test_load_results_refuses_bad_files_in_one_line(tmp_path, content, message):
    path = tmp_path / "r.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        load_results(path)
    assert "\n" not in str(err.value)


def test_open_document_falls_back_to_the_results_folder(tmp_path, monkeypatch, texts):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(texts["original"])
    digest = sha(texts["original"])
    monkeypatch.chdir(tmp_path)
    assert open_document("sub/a.txt", sha256=digest).name == "sub/a.txt"
    doc = open_document("a.txt", base=tmp_path / "sub", sha256=digest)
    assert doc.name == "a.txt" and doc.text.startswith("The city council")
    with pytest.raises(InputError, match="no such file"):
        open_document("b.txt", base=tmp_path / "sub", sha256=digest)


def test_open_document_reads_a_file_whose_name_records_escape(tmp_path, texts):
    """A name with a control character or a byte that is not UTF-8 is written escaped in
    records (`bell\\x07.txt`); the report opens the file it names."""
    digest = sha(texts["original"])
    for raw in ("bell\x07.txt", os.fsdecode(b"caf\xe9.txt")):
        (tmp_path / raw).write_text(texts["original"])
        doc = open_document(name_of(tmp_path / raw), sha256=digest)
        assert doc.text.startswith("The city council")


def test_open_document_gives_only_the_file_that_was_scored(tmp_path, monkeypatch, texts):
    secret = tmp_path / "secret.txt"
    secret.write_text("The password is swordfish.\n")
    with pytest.raises(InputError, match="file changed or not the one scored"):
        open_document(str(secret), sha256=sha(texts["original"]))
    with pytest.raises(InputError, match="no SHA-256 of the file scored"):
        open_document(str(secret))
    # a file in the current folder that is not the one scored does not hide the one that is
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(texts["original"])
    (tmp_path / "a.txt").write_text(texts["spun"])
    monkeypatch.chdir(tmp_path)
    doc = open_document("a.txt", base=tmp_path / "sub", sha256=sha(texts["original"]))
    assert doc.text.startswith("The city council voted")


def test_open_document_never_reads_a_fifo(tmp_path, texts):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        open_document(str(fifo), sha256=sha(texts["original"]))
