import json

import pytest

from detector.align import align
from detector.errors import InputError
from detector.report.evidence import (
    ParagraphMatch,
    Row,
    SuspectEntry,
    explain,
    group_results,
    load_results,
    match_paragraphs,
    open_document,
    segments,
    side_by_side,
)
from detector.text import Document


def paragraphs(text):
    return text.strip().split("\n\n")


def test_segments_rebuild_each_paragraph_exactly_and_name_the_swaps(texts):
    a = align(Document(texts["original"]), Document(texts["spun"]))
    for side, doc in (("suspect", a.suspect), ("original", a.original)):
        for p, paragraph in enumerate(doc.paragraphs):
            assert "".join(s.text for s in segments(a, p, side)) == paragraph
    first = segments(a, 0)
    swaps = [(s.text, s.other) for s in first if s.kind == "swap"]
    assert swaps == [("elected", "voted"), ("accept", "approve"), ("fresh", "new"),
                     ("upcoming", "coming")]
    assert next(s.text for s in first if s.kind == "equal") == "The city council"
    back = [(s.text, s.other) for s in segments(a, 0, "original") if s.kind == "swap"]
    assert back[0] == ("voted", "elected")
    # a phrase swap is one stretch, spaces inside it included
    assert ("informed press", "told") in [(s.text, s.other) for s in segments(a, 1)]


def test_fillers_and_deletions_are_their_own_stretches():
    a = align(Document("China has tried to strike a balance with the war that began in 2022."),
              Document("China has actually tried to strike a balance with war that began in 2022."))
    inserted = [s for s in segments(a, 0) if s.kind == "insert"]
    assert [s.text for s in inserted] == ["actually"] and inserted[0].is_filler
    assert [s.text for s in segments(a, 0, "original") if s.kind == "delete"] == ["the"]


def test_paragraphs_pair_with_their_original_and_new_text_has_none(texts):
    spun = paragraphs(texts["spun"])
    suspect = Document("\n\n".join([spun[0], paragraphs(texts["unrelated"])[0], spun[2]]))
    matches = match_paragraphs([align(Document(texts["original"]), suspect)])
    assert [m.original for m in matches] == [0, None, 2]
    assert matches[0].share == 1.0 and matches[1].share < 0.5


def test_a_paragraph_sharing_only_a_name_has_no_counterpart():
    original = Document("The city council voted on Tuesday to approve a new budget.\n\n"
                        "Mayor Linda Park said the plan would fund 12 new teachers.")
    suspect = Document("The city council elected on Tuesday to accept a new budget.\n\n"
                       "Mayor Linda Park, a lawyer elected in 2019, will speak at the next "
                       "meeting of the chamber in the northern district.")
    matches = match_paragraphs([align(original, suspect)])
    assert matches[0].original == 0
    assert matches[1].original is None and 0 < matches[1].share < 0.5  # "Mayor Linda Park"


def test_stitched_suspect_paragraphs_go_to_the_source_they_came_from(texts):
    other = Document(texts["unrelated"] + "\n\nAstronomers expect the next pass in 2090 or so.")
    suspect = Document("\n\n".join([paragraphs(texts["spun"])[0], paragraphs(texts["unrelated"])[1],
                                    paragraphs(texts["spun"])[2]]))
    alignments = [align(Document(texts["original"]), suspect), align(other, suspect)]
    matches = match_paragraphs(alignments)
    assert [(m.source, m.original) for m in matches] == [(0, 0), (1, 1), (0, 2)]


def test_side_by_side_slots_unused_original_paragraphs_where_they_stand():
    matches = [ParagraphMatch(0, 2, 1.0), ParagraphMatch(1, None, 0.0),
               ParagraphMatch(2, 2, 0.9), ParagraphMatch(3, 4, 1.0)]
    rows = side_by_side(matches, [6])
    assert rows == [
        Row(None, 0, 0), Row(None, 0, 1), Row(0, 0, 2), Row(1, None, None),
        Row(2, 0, 2, repeated=True), Row(None, 0, 3), Row(3, 0, 4), Row(None, 0, 5),
    ]


def test_side_by_side_with_two_sources_keeps_each_ones_order():
    matches = [ParagraphMatch(0, 1, 1.0, 0), ParagraphMatch(1, 0, 1.0, 1)]
    rows = side_by_side(matches, [2, 2])
    assert rows == [Row(None, 0, 0), Row(0, 0, 1), Row(1, 1, 0), Row(None, 1, 1)]


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


def test_explain_says_the_numbers_in_words():
    entry = SuspectEntry(
        "s.txt", "spun", 0.97, "o.txt",
        probabilities={"spun": 0.97, "copy": 0.02, "independent": 0.01, "unrelated": 0.0},
        evidence={"aligned_share": 0.81, "substitution_rate": 0.19, "synonym_share": 0.38,
                  "verbatim_share": 0.62, "n_swaps": 40,
                  "swaps": [["strongest show", "greatest program"], ["meet", "satisfy"]]},
    )
    matches = [ParagraphMatch(0, 0, 1.0), ParagraphMatch(1, None, 0.1), ParagraphMatch(2, 1, 1.0)]
    text = " ".join(explain(entry, matches))
    assert "97% a machine-spun copy, 2% a plain copy" in text
    assert "81% of the suspect's words line up with the original in the same order" in text
    assert "19% were swapped for other words (40 swaps)" in text
    assert "62% of the suspect word for word" in text
    assert "38% of the one-word swaps are dictionary synonyms" in text
    assert "“meet” became “satisfy”" in text
    assert "2 of the suspect's 3 paragraphs match" in text and "1 have no counterpart" in text


def test_explain_never_rounds_a_probability_to_certainty():
    entry = SuspectEntry("s.txt", "spun", 0.9959, "o.txt", probabilities={
        "spun": 0.9959, "independent": 0.0028, "copy": 0.0013, "unrelated": 0.0})
    assert explain(entry) == ["The model's probabilities: over 99% a machine-spun copy, "
                              "under 1% an independent report of the same news, under 1% a "
                              "plain copy, 0% an unrelated article."]


def test_explain_for_an_independent_report_skips_swap_talk():
    entry = SuspectEntry("s.txt", "independent", 0.02, "o.txt",
                         evidence={"aligned_share": 0.12, "n_swaps": 2, "swaps": []})
    text = " ".join(explain(entry))
    assert "12% of the suspect's words line up" in text and "independently" in text
    assert "swapped" not in text
