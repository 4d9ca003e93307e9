import io
import json

from detector.api import PairResult, SuspectResult
from detector.report import summary, write_json, write_jsonl


def result(verdict="spun", score=0.97):
    evidence = {"swaps": [["meet", "satisfy"], ["said", "stated"]], "n_swaps": 2,
                "aligned_share": 0.9, "verbatim_share": 0.7, "substitution_rate": 0.2}
    pair = PairResult("s.txt", "o.txt", score, verdict,
                      {"spun": score, "copy": 1 - score, "independent": 0, "unrelated": 0},
                      evidence)
    other = PairResult("s.txt", "x.txt", 0.01, "unrelated",
                       {"spun": 0.01, "copy": 0, "independent": 0, "unrelated": 0.99}, evidence)
    return SuspectResult("s.txt", [other, pair])


def test_summary_names_verdict_source_and_swaps():
    text = summary(result())
    assert "SPUN" in text and "0.970" in text and "o.txt" in text
    assert "meet -> satisfy, said -> stated" in text
    assert "x.txt" in text.split("others:")[1]


def test_summary_hides_swaps_for_independent_reports():
    text = summary(result("independent", 0.02))
    assert "swaps:" not in text and "not a source" in text


def test_json_writers_round_trip():
    out = io.StringIO()
    write_jsonl({"a": 1}, out)
    write_jsonl({"b": "é"}, out)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [{"a": 1}, {"b": "é"}]
    out = io.StringIO()
    write_json(result().to_record(), out)
    assert json.loads(out.getvalue())["source"] == "o.txt"
