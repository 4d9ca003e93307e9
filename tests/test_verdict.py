import pytest

from detector.verdict import (
    SHORT,
    candidate_bar,
    derived_class,
    derived_probability,
    further_sources,
    has_evidence,
    joint_sources,
    pair_verdict,
    paraphrase_probability,
)

P = {"spun": 0.5, "rewritten": 0.2, "copy": 0.1, "independent": 0.15, "unrelated": 0.05}
MATCHED = {"verbatim": 2, "swapped": 10, "rewritten": 3, "new": 5, "matched_share": 0.75}
THIN = {"verbatim": 0, "swapped": 1, "rewritten": 1, "new": 18, "matched_share": 0.1}


def test_probabilities_add_the_classes_they_name():
    assert paraphrase_probability(P) == pytest.approx(0.7)
    assert derived_probability(P) == pytest.approx(0.8)


def test_the_likeliest_class_stands_when_the_evidence_supports_it():
    assert pair_verdict(P, MATCHED, n_swaps=20) == "spun"


def test_no_derived_verdict_without_sentences_from_the_original():
    assert not has_evidence(THIN)
    assert pair_verdict(P, THIN, n_swaps=20) == "independent"


def test_spun_needs_swaps_else_the_next_derived_class():
    assert pair_verdict(P, MATCHED, n_swaps=0) == "rewritten"


def test_a_short_suspect_needs_as_many_segments_as_it_has():
    short = {"verbatim": 2, "swapped": 0, "rewritten": 0, "new": 0, "matched_share": 1.0}
    assert has_evidence(short)


def test_the_bar_rises_with_the_candidates_about_the_same_subject():
    assert candidate_bar(1) == 0.5
    assert candidate_bar(10) == pytest.approx(0.95)
    assert candidate_bar(1000) == 0.97
    assert candidate_bar(0) == 0.5


def test_further_sources_need_sentences_no_named_source_gives_word_by_word():
    named = [["swapped", "swapped", "rewritten", "new", "new", "new"]]
    others = [["swapped", "new", "verbatim", "verbatim", "new", "new"],  # furniture: not enough
              ["new", "new", "swapped", "new", "new", "new"],  # a spun sentence: a source
              ["new", "new", "swapped", "verbatim", "verbatim", "verbatim"]]  # three new ones
    assert further_sources(named, others) == [1, 2]
    assert further_sources(named, others[:1]) == []
    assert further_sources(named, []) == []


def test_derived_classes_together_outweigh_the_likeliest_single_class():
    split = {"spun": 0.2, "rewritten": 0.35, "copy": 0.0, "independent": 0.4, "unrelated": 0.05}
    assert pair_verdict(split, MATCHED, n_swaps=20) == "rewritten"
    assert pair_verdict(split, THIN, n_swaps=20) == "independent"
    unsure = {**split, "rewritten": 0.25, "unrelated": 0.15}
    assert pair_verdict(unsure, MATCHED, n_swaps=20) == "independent"


def test_a_source_the_model_backs_is_named_on_one_verbatim_sentence():
    named = [["swapped", "swapped", "swapped", "new", "new"]]
    one_verbatim = ["new", "new", "new", "verbatim", "new"]
    assert further_sources(named, [one_verbatim], backed=[True]) == [0]
    assert further_sources(named, [one_verbatim], backed=[False]) == []
    assert further_sources(named, [one_verbatim]) == []
    # backing does not name a candidate for what the named source already explains
    assert further_sources(named, [["verbatim", "new", "new", "new", "new"]], [True]) == []
    # nor for a short sentence (page furniture): it is evidence, not a source
    assert further_sources(named, [["new", "new", "new", SHORT, "new"]], [True]) == []


def test_a_sentence_spun_past_word_alignment_names_its_source_by_its_skeleton():
    named = [["swapped", "swapped", "swapped", "new", "new"]]
    unaligned = ["new", "new", "new", "new", "rewritten"]
    assert further_sources(named, [unaligned], skeletons=[(4,)]) == [0]
    assert further_sources(named, [unaligned], skeletons=[()]) == []
    assert further_sources(named, [unaligned]) == []
    # a sentence the named source already explains word by word names nothing else
    assert further_sources(named, [unaligned], skeletons=[(1,)]) == []
    # one further source explains it for the next: the next is not named for it
    assert further_sources(named, [unaligned, unaligned], skeletons=[(4,), (4,)]) == [0]


def test_joint_sources_pass_the_floor_together_that_neither_passes_alone():
    first, second = ["swapped", "swapped", "new"], ["new", "new", "swapped"]
    assert not has_evidence({"swapped": 2, "new": 1, "matched_share": 0.667})
    assert joint_sources([first, second]) == [0, 1]
    assert joint_sources([first, [SHORT, "new", SHORT]]) == [0, 1]  # short sentences count
    assert joint_sources([first]) == []  # one alone already failed the floor
    assert joint_sources([first, ["swapped", "new", "new"]]) == []  # nothing new from it
    assert joint_sources([first, ["new"] * 3, second]) == [0, 2]
    long = ["swapped", "new", "new", "new", "new", "new"]
    assert joint_sources([long, list(reversed(long))]) == []  # 2 of 6: still too few
    assert joint_sources([]) == []


def test_derived_class_is_the_likeliest_the_swaps_allow():
    assert derived_class(P, n_swaps=20) == "spun"
    assert derived_class(P, n_swaps=0) == "rewritten"
    assert derived_class({"independent": 0.9, "unrelated": 0.1}, n_swaps=20) is None


def test_a_paraphrase_verdict_needs_the_score_to_back_it():
    # derived more likely than not, but split between copy and rewritten: score 0.42
    split = {"spun": 0.03, "rewritten": 0.39, "copy": 0.37, "independent": 0.2, "unrelated": 0.01}
    assert derived_probability(split) >= 0.5 > paraphrase_probability(split)
    assert derived_class(split, n_swaps=20) is None
    assert pair_verdict(split, MATCHED, n_swaps=20) == "independent"
    # the same split with copy the likelier: a copy needs no paraphrase score
    as_copy = {**split, "rewritten": 0.37, "copy": 0.39}
    assert pair_verdict(as_copy, MATCHED, n_swaps=20) == "copy"
    # a score at the bar backs the paraphrase
    backed = {**split, "spun": 0.11, "independent": 0.12}
    assert paraphrase_probability(backed) == pytest.approx(0.5)
    assert pair_verdict(backed, MATCHED, n_swaps=20) == "rewritten"
