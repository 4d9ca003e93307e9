"""What scoring returns: records, the evidence and its passages, candidates ranked by derived."""

import pytest

from detector import results
from detector.features import Pair
from detector.lexicon import load_lexicon
from detector.results import PairResult, SuspectResult, evidence_of
from detector.text import Document, read_document
from tests.conftest import seed


@pytest.fixture(scope="module")
def seed_evidence():
    suspect, original = read_document(seed("004")), read_document(seed("000"))
    return evidence_of(Pair(suspect, original, load_lexicon()))


def _file_text(prefix: str) -> str:
    return seed(prefix).read_bytes().decode("utf-8")  # the file itself, not the Document


def _words(text: str) -> list[str]:
    return Document(text).words if text.strip() else []


def test_verbatim_passages_hold_the_same_words_in_both_files(seed_evidence):
    suspect, original = _file_text("004"), _file_text("000")
    verbatim = [p for p in seed_evidence["passages"] if p["kind"] == "verbatim"]
    assert len(verbatim) > 50
    for p in verbatim:
        s, o = suspect[slice(*p["suspect"])], original[slice(*p["original"])]
        assert _words(s) == _words(o) != [], (s, o)
    assert suspect[slice(*verbatim[0]["suspect"])] == "China’s Xi to"


def test_swapped_passages_point_at_the_swapped_words(seed_evidence):
    suspect, original = _file_text("004"), _file_text("000")
    swapped = [p for p in seed_evidence["passages"] if p["kind"] == "swapped"]
    assert len(swapped) == seed_evidence["n_swaps"] == 129
    for p, (was, became) in zip(swapped, seed_evidence["swaps"], strict=True):
        assert _words(suspect[slice(*p["suspect"])]) == _words(became)
        assert _words(original[slice(*p["original"])]) == _words(was)
    first = swapped[0]
    assert (suspect[slice(*first["suspect"])], original[slice(*first["original"])]) == (
        "satisfy", "meet")


def test_passages_are_in_suspect_order_and_counted(seed_evidence):
    passages = seed_evidence["passages"]
    assert seed_evidence["n_passages"] == len(passages)
    assert {p["kind"] for p in passages} <= {"verbatim", "swapped", "inserted", "deleted"}
    starts = [p["suspect"][0] for p in passages]
    assert starts == sorted(starts)
    assert all(set(p) == {"kind", "suspect", "original"} for p in passages)


def test_passages_are_capped(monkeypatch, texts):
    monkeypatch.setattr(results, "MAX_PASSAGES_IN_EVIDENCE", 3)
    evidence = evidence_of(Pair(Document(texts["spun"]), Document(texts["original"]),
                                load_lexicon()))
    assert len(evidence["passages"]) == 3 and evidence["n_passages"] > 3


def _result(original, verdict, probabilities):
    return PairResult("s.txt", original, probabilities["spun"], verdict, probabilities,
                      {"aligned_share": 1.0, "original_aligned_share": 0.9})


def test_records_carry_derived_and_rank_candidates_by_it():
    copy = _result("copy.txt", "copy", {"spun": 0.005, "copy": 0.99, "independent": 0.005,
                                        "unrelated": 0.0})
    weak = _result("weak.txt", "spun", {"spun": 0.5, "copy": 0.0, "independent": 0.5,
                                        "unrelated": 0.0})
    record = SuspectResult("s.txt", [weak, copy]).to_record()
    assert record["source"] == "copy.txt" and record["derived"] == 0.995
    assert record["score"] == 0.005  # still the probability of a spun copy
    assert [(c["original"], c["derived"]) for c in record["candidates"]] == [
        ("copy.txt", 0.995), ("weak.txt", 0.5)]
    assert record["candidates"][0]["aligned_share"] == 1.0
    assert record["candidates"][0]["original_aligned_share"] == 0.9
    assert copy.to_record()["derived"] == 0.995


def test_derived_counts_a_rewritten_class_when_the_model_has_one():
    rewritten = _result("r.txt", "rewritten", {"spun": 0.1, "copy": 0.0, "rewritten": 0.8,
                                                "independent": 0.1, "unrelated": 0.0})
    assert rewritten.derived == pytest.approx(0.9)


def _stitched(original, verdict, derived, kinds, n_swaps=0, skeletons=()):
    probabilities = {"spun": derived, "copy": 0.0, "independent": 1 - derived, "unrelated": 0.0}
    return PairResult("s.txt", original, derived, verdict, probabilities,
                      {"segments": {"matched_share": kinds.count("new") and
                                    1 - kinds.count("new") / len(kinds)}, "n_swaps": n_swaps},
                      segment_kinds=tuple(kinds), skeleton_matches=tuple(skeletons))


def test_a_stitched_suspect_names_the_source_of_its_other_paragraphs():
    first = _stitched("a.txt", "spun", 0.95, ["swapped"] * 6 + ["rewritten", "new", "new"])
    second = _stitched("b.txt", "independent", 0.3, ["new"] * 6 + ["swapped"] * 3)
    result = SuspectResult("s.txt", [second, first])
    assert result.source == "a.txt"
    assert [(s["original"], s["verdict"]) for s in result.sources] == [
        ("a.txt", "spun"), ("b.txt", "spun")]


def test_a_paragraph_spun_past_word_alignment_names_its_source_by_its_skeleton():
    first = _stitched("a.txt", "spun", 0.95, ["swapped"] * 6 + ["new", "new"])
    second = _stitched("b.txt", "independent", 0.1, ["new"] * 8, skeletons=(6, 7))
    assert SuspectResult("s.txt", [first, second]).sources == [
        {"original": "a.txt", "verdict": "spun", "share": 0.75},
        {"original": "b.txt", "verdict": "spun", "share": 0.25}]  # spun, its 2 of 8 sentences


def test_a_sibling_that_only_shares_what_the_source_explains_is_not_named():
    first = _stitched("a.txt", "spun", 0.95, ["swapped"] * 8 + ["new"])
    sibling = _stitched("b.txt", "independent", 0.2, ["swapped"] * 2 + ["rewritten"] * 3
                        + ["new"] * 4)
    assert [s["original"] for s in SuspectResult("s.txt", [first, sibling]).sources] == [
        "a.txt"]


def test_a_source_the_model_is_sure_of_is_named_on_one_verbatim_sentence():
    first = _stitched("a.txt", "spun", 0.95, ["swapped"] * 6 + ["new", "new"])
    second = _stitched("b.txt", "independent", 0.9, ["new"] * 6 + ["verbatim", "new"])
    assert [s["original"] for s in SuspectResult("s.txt", [first, second]).sources] == [
        "a.txt", "b.txt"]
    unsure = _stitched("b.txt", "independent", 0.6, ["new"] * 6 + ["verbatim", "new"])
    assert [s["original"] for s in SuspectResult("s.txt", [first, unsure]).sources] == [
        "a.txt"]  # 0.6 is under the bar for two candidates (0.75)


def test_a_short_stitched_page_is_derived_from_sources_that_pass_the_floor_together():
    first = _stitched("a.txt", "independent", 0.99, ["swapped", "swapped", "new"], n_swaps=5)
    second = _stitched("b.txt", "independent", 0.97, ["new", "new", "swapped"], n_swaps=2)
    result = SuspectResult("s.txt", [second, first])
    assert [r.original for r in result.joint] == ["a.txt", "b.txt"]
    assert (result.verdict, result.source) == ("spun", "a.txt")
    assert {s["original"] for s in result.sources} == {"a.txt", "b.txt"}
    few_swaps = _stitched("b.txt", "independent", 0.97, ["new", "new", "swapped"])
    assert SuspectResult("s.txt", [few_swaps, _stitched(
        "a.txt", "independent", 0.99, ["swapped", "swapped", "new"], n_swaps=1)]).verdict == \
        "copy"  # two swaps in all: not spun


def test_sources_the_model_is_not_sure_of_do_not_pass_the_floor_together():
    first = _stitched("a.txt", "independent", 0.99, ["swapped", "swapped", "new"], n_swaps=5)
    unsure = _stitched("b.txt", "independent", 0.6, ["new", "new", "swapped"], n_swaps=5)
    result = SuspectResult("s.txt", [first, unsure])
    assert (result.joint, result.verdict, result.sources) == ([], "independent", [])
    # nor does a second that explains nothing the first does not
    same = _stitched("b.txt", "independent", 0.97, ["swapped", "new", "new"], n_swaps=5)
    assert SuspectResult("s.txt", [first, same]).verdict == "independent"


def test_a_stitched_page_is_spun_when_its_sources_together_show_the_swaps():
    copied = _stitched("a.txt", "copy", 0.95, ["verbatim"] * 6 + ["new"] * 3, n_swaps=2)
    spun = _stitched("b.txt", "independent", 0.3, ["new"] * 6 + ["swapped"] * 3, n_swaps=9)
    result = SuspectResult("s.txt", [copied, spun])
    assert (result.verdict, result.source) == ("spun", "a.txt")
    assert [(s["original"], s["verdict"]) for s in result.sources] == [
        ("a.txt", "copy"), ("b.txt", "spun")]
    assert SuspectResult("s.txt", [copied]).verdict == "copy"  # two swaps: a copy
    sibling = _stitched("b.txt", "independent", 0.3, ["verbatim"] * 6 + ["new"] * 3, n_swaps=9)
    assert SuspectResult("s.txt", [copied, sibling]).verdict == "copy"  # not named


def test_segment_kinds_mark_short_sentences_from_the_original():
    text = ("The mayor opened the new bridge over the river on Monday morning after years of "
            "work.\n\nLeave a reply.\n\n")
    original = Document(text + "The council voted against the plan last spring for its cost.")
    suspect = Document(text + "A band played songs while children waved flags by the water.")
    assert results.segment_kinds(Pair(suspect, original, load_lexicon())) == (
        "verbatim", "short", "new")


def test_a_candidate_with_evidence_ranks_above_a_likelier_one_without():
    floored = _result("thin.txt", "independent", {"spun": 0.9, "copy": 0.0,
                                                  "independent": 0.1, "unrelated": 0.0})
    backed = _result("real.txt", "spun", {"spun": 0.8, "copy": 0.0, "independent": 0.2,
                                          "unrelated": 0.0})
    result = SuspectResult("s.txt", [floored, backed])
    assert (result.source, result.verdict) == ("real.txt", "spun")
