import json

import pytest

from detector.errors import InputError
from detector.report.records import group_results, load_results, open_document


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
    assert [r["suspect"] for r in load_results(lines)] == ["a", "b"]
    single = tmp_path / "r.json"
    single.write_text(json.dumps(record("a", "o", "spun", 0.9), indent=2))
    assert load_results(single)[0]["verdict"] == "spun"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such results file"),
        ("", "is empty"),
        ('{"suspect": "a", "score": 0.1, "verdict": "spun"}\n{oops\n', "line 2 is not JSON"),
        ('{"suspect": "a", "verdict": "spun"}\n', "line 1: not a spundetect result"),
        ('["a"]', "record 1: expected a JSON object"),
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
    monkeypatch.chdir(tmp_path)
    assert open_document("sub/a.txt").name == "sub/a.txt"
    doc = open_document("a.txt", base=tmp_path / "sub")
    assert doc.name == "a.txt" and doc.text.startswith("The city council")
    with pytest.raises(InputError, match="no such file"):
        open_document("b.txt", base=tmp_path / "sub")
