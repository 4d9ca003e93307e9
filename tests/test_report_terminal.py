"""Terminal output: the summary, the JSON writers, and the highlighted suspect text."""

import io
import json

import pytest

from detector.align import align
from detector.display import needs_escape, shown
from detector.report.terminal import (
    highlighted_text,
    scan_table,
    summary,
    table_entry,
    text_block,
    use_color,
    write_json,
    write_jsonl,
)
from detector.results import PairResult, SuspectResult
from detector.text import Document


def result(verdict="spun", score=0.97):
    evidence = {"swaps": [["meet", "satisfy"], ["said", "stated"]], "n_swaps": 2,
                "aligned_share": 0.9, "original_aligned_share": 0.8, "verbatim_share": 0.7,
                "substitution_rate": 0.2}
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


def test_summary_says_how_much_of_each_text_matches_and_how_likely_derived():
    lines = summary(result()).splitlines()
    assert "derived:   1.000  (probability the suspect is taken from the original" in lines[2]
    assert lines[5].startswith("matches:   90% of the suspect matches the original, 70% word "
                               "for word, 2 swaps")
    assert lines[6] == "uses:      80% of the original appears in the suspect"


def _pair(original, score, verdict, probabilities, aligned=0.5):
    return PairResult("s.txt", original, score, verdict, probabilities,
                      {"swaps": [], "n_swaps": 1, "aligned_share": aligned,
                       "original_aligned_share": aligned / 2, "verbatim_share": aligned,
                       "substitution_rate": 0.0})


def test_a_verbatim_copy_ranks_above_a_weaker_spun_match_and_counts_are_singular():
    copy = _pair("copy-source.txt", 0.005, "copy", {"spun": 0.005, "copy": 0.99,
                                                    "independent": 0.005, "unrelated": 0})
    spun = _pair("spun-source.txt", 0.6, "spun", {"spun": 0.6, "copy": 0.1,
                                                  "independent": 0.3, "unrelated": 0})
    other = _pair("other.txt", 0.2, "independent", {"spun": 0.2, "copy": 0.0,
                                                    "independent": 0.8, "unrelated": 0}, 0.12)
    res = SuspectResult("s.txt", [other, spun, copy])
    assert res.best is copy and res.source == "copy-source.txt"
    assert [c["original"] for c in res.to_record()["candidates"]] == [
        "copy-source.txt", "spun-source.txt", "other.txt"]
    text = summary(res)
    assert "1 swap (" in text and "1 swaps" not in text
    rows = text.split("others:")[1].splitlines()[1:]
    assert rows[0].split() == ["derived", "score", "verdict", "matches", "uses", "original"]
    assert rows[1].split() == ["0.700", "0.600", "spun", "50%", "25%", "spun-source.txt"]
    assert rows[2].split() == ["0.200", "0.200", "independent", "12%", "6%", "other.txt"]


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


@pytest.mark.parametrize("name", ["plain.txt", "quote\"d.txt", "back\\slash.txt",
                                  "esc\x1b[2J.txt", "tab\there.txt", "c1\x9b.txt",
                                  "bidi\u202egnp.txt", "bad\udcff.txt", "é ünïcode.txt"])
def test_json_writers_escape_names_anywhere_in_a_record(name):
    record = {"suspect": "s.txt", "candidates": [{"original": name, "score": 0.5}],
              "evidence": {"passages": [{"kind": "verbatim", "suspect": [0, 3]}]}, name: 1}
    out = io.StringIO()
    write_jsonl(record, out)
    line = out.getvalue()
    written = json.loads(line)
    assert written["candidates"][0]["original"] == shown(name)
    assert shown(name) in written and written["evidence"] == record["evidence"]
    assert not needs_escape(line.rstrip("\n"))


# --- the highlighted text ------------------------------------------------------------------

ESC = "\033["


def spun_alignment(texts, extra=""):
    return align(Document(texts["original"], "original.txt"),
                 Document(texts["spun"] + extra, "spun.txt"))


def test_plain_text_writes_each_swap_with_its_original(texts):
    text = highlighted_text(spun_alignment(texts), color=False, max_chars=None)
    assert ESC not in text
    assert text.startswith("The city council elected[voted] on Tuesday to accept[approve] a")
    assert "Park informed press[told] reporters" in text
    assert len(text.split("\n\n")) == 3


def test_fillers_and_paragraphs_without_counterpart_are_marked():
    a = align(Document("China has tried to strike a balance since the war began."),
              Document("China has actually tried to strike a balance since the war began.\n\n"
                       "A comet will be visible from the northern hemisphere next month."))
    text = highlighted_text(a, color=False, unmatched=True)
    first, second = text.split("\n\n")
    assert first == "China has +actually tried to strike a balance since the war began."
    assert second == "[no match] A comet will be visible from the northern hemisphere next month."


def test_paragraphs_without_counterpart_are_left_out_and_counted(texts):
    comet = texts["unrelated"]
    a = align(Document(texts["original"]),
              Document(f"{comet}\n\n{texts['spun']}\n\n{comet}\n\nThe end of it all, said nobody."))
    text = highlighted_text(a, color=False)
    parts = text.split("\n\n")
    assert parts[0] == "[2 paragraphs with no match left out]"
    assert parts[1].startswith("The city council elected[voted]") and len(parts) == 5
    assert parts[-1] == "[3 paragraphs with no match left out]"
    assert "comet" not in text and "[no match]" not in text


def test_an_independent_report_prints_a_count_not_a_wall_of_text(texts):
    suspect = Document("\n\n".join([texts["unrelated"]] * 6))
    a = align(Document(texts["original"]), suspect)
    assert len(suspect.paragraphs) == 12
    assert highlighted_text(a, color=False) == "[12 paragraphs with no match left out]"
    one = align(Document(texts["original"]), Document("A comet was seen from Spain."))
    assert highlighted_text(one) == "[1 paragraph with no match left out]"


def test_colour_highlights_swaps_and_dims_the_rest(texts):
    text = highlighted_text(spun_alignment(texts), color=True, max_chars=None)
    assert "\033[1;33melected\033[0m\033[2;36m[voted]\033[0m" in text
    plain = highlighted_text(spun_alignment(texts), color=False, max_chars=None)
    assert text.replace("\033[1;33m", "").replace("\033[2;36m", "").replace("\033[0m", "") \
        == plain


def test_long_text_is_cut_after_a_paragraph_and_says_so(texts):
    text = highlighted_text(spun_alignment(texts), color=False, max_chars=50)
    assert text.count("\n\n") == 1
    assert text.endswith("... 2 more paragraphs (--full shows all)")


def test_text_block_names_the_original_and_the_notation(texts):
    block = text_block(Document(texts["spun"], "spun.txt"),
                       Document(texts["original"], "original.txt"))
    legend = block.split("\n")[0]
    assert "original.txt" in legend and "swapped[original word]" in legend
    assert "left out (--full shows them)" in legend
    assert "elected[voted]" in block
    full = text_block(Document(texts["spun"], "spun.txt"),
                      Document(texts["original"], "original.txt"), unmatched=True)
    assert "[no match] = paragraph with no counterpart" in full.split("\n")[0]


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    ("stream", "flag", "env", "expected"),
    [
        (Terminal(), False, {}, True),
        (io.StringIO(), False, {}, False),  # piped
        (Terminal(), True, {}, False),  # --no-color
        (Terminal(), False, {"NO_COLOR": "1"}, False),
        (Terminal(), False, {"NO_COLOR": ""}, True),  # empty NO_COLOR means unset
        (Terminal(), False, {"TERM": "dumb"}, False),
    ],
)
def test_use_color(monkeypatch, stream, flag, env, expected):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert use_color(stream, flag) is expected


# --- the table a scan ends with ------------------------------------------------------------


def _record(name, verdict, derived, aligned=0.9):
    return {"suspect": f"s/{name}", "name": name, "verdict": verdict, "score": 0.1,
            "derived": derived, "source": "/o/a.txt" if verdict in ("spun", "copy") else None,
            "evidence": {"aligned_share": aligned, "original_aligned_share": 0.5, "n_swaps": 3,
                         "passages": [{"kind": "verbatim"}] * 100}}


def test_scan_table_lists_flagged_suspects_likeliest_first_then_errors():
    records = [_record("spun.txt", "spun", 0.93), _record("indep.txt", "independent", 0.01),
               _record("copy.txt", "copy", 0.998, 1.0),
               {"suspect": "s/bad.txt", "name": "bad.txt", "verdict": "error",
                "error": "s/bad.txt: file is empty"}]
    entries = [e for e in map(table_entry, records) if e is not None]
    assert len(entries) == 3 and "passages" not in entries[0]["evidence"]
    lines = scan_table(entries, 4).splitlines()
    assert lines[0] == "flagged: 2 of 4 suspects, likeliest copy first"
    assert lines[1].split() == ["derived", "verdict", "matches", "uses", "swaps", "suspect",
                                "source"]
    assert lines[2].split() == ["0.998", "copy", "100%", "50%", "3", "copy.txt", "/o/a.txt"]
    assert lines[3].split() == ["0.930", "spun", "90%", "50%", "3", "spun.txt", "/o/a.txt"]
    assert lines[-2:] == ["errors: 1", "  s/bad.txt: file is empty"]


def test_scan_table_without_flags_and_with_a_limit():
    assert scan_table([], 1) == "flagged: none of the 1 suspect"
    entries = [table_entry(_record(f"{k}.txt", "spun", k / 10)) for k in range(5)]
    text = scan_table(entries, 5, limit=2, kept_in="scan.jsonl")
    assert "4.txt" in text and "3.txt" in text and "2.txt" not in text
    assert "  (+3 more in scan.jsonl)" in text.splitlines()
    named = table_entry({**_record("x.txt", "spun", 0.9), "name": "\x1b]0;x\x07.txt"})
    assert "\033" not in scan_table([named], 1)
