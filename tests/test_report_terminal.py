"""Terminal output: the summary, the JSON writers, and the highlighted suspect text."""

import io
import json

import pytest

from detector.align import align
from detector.report.terminal import (
    highlighted_text,
    summary,
    text_block,
    use_color,
    write_json,
    write_jsonl,
)
from detector.results import PairResult, SuspectResult
from detector.text import Document


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
    text = highlighted_text(a, color=False)
    first, second = text.split("\n\n")
    assert first == "China has +actually tried to strike a balance since the war began."
    assert second == "[no match] A comet will be visible from the northern hemisphere next month."


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
    assert "elected[voted]" in block


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
