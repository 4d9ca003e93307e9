import numpy as np

from detector.align import BLOCK_KINDS
from detector.segments import attribute, summary, top_votes


def test_sentences_are_verbatim_swapped_rewritten_or_new():
    # suspect sentence 0: 4 tokens all equal; 1: aligned with a swap; 2: no alignment but
    # shares content with original sentence 2; 3: nothing in common.
    sentence_of = [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4
    states = ["equal"] * 4 + ["equal", "swap", "equal", "equal"] + ["gap"] * 8
    to_original = [0, 1, 2, 3, 4, 5, 6, 7] + [-1] * 8
    original_sentence_of = [0] * 4 + [1] * 4 + [2] * 4
    content = np.array([[1.0, 0, 0], [0, 0.8, 0], [0.1, 0, 0.5], [0.1, 0.1, 0.2]])
    sentence_of = np.array(sentence_of)
    codes = np.array([BLOCK_KINDS.index(state) for state in states])
    votes = top_votes(sentence_of, np.array(to_original), np.array(original_sentence_of))
    segments = attribute(sentence_of, codes, votes, content)
    assert [(s.original, s.kind) for s in segments] == [
        (0, "verbatim"), (1, "swapped"), (2, "rewritten"), (None, "new")]
    assert summary(segments) == {"verbatim": 1, "swapped": 1, "rewritten": 1, "new": 1,
                                 "matched_share": 0.75, "original_sentences_used": 3}


def test_top_votes_take_the_most_pointed_to_sentence_and_the_first_on_a_tie():
    sentence_of = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2])
    to_original = np.array([4, 0, 1, 5, 2, 4, 3, 5, -1])
    original_sentence_of = np.array([0, 0, 1, 1, 2, 2])  # tokens 0-1, 2-3, 4-5
    assert top_votes(sentence_of, to_original, original_sentence_of) == {0: (2, 2), 1: (1, 2)}
    assert top_votes(np.array([0]), np.array([-1]), original_sentence_of) == {}


def test_a_spun_sentence_has_its_original_s_skeleton_and_a_short_one_says_nothing():
    from detector.segments import skeleton_matches

    original = ["abcdefgh", "zyxwvuts", "abc"]
    suspect = ["abcdefgh", "abcdefgx", "qrstuvwx", "abc", "abcdefghijklmnopqrst"]
    assert skeleton_matches(suspect, original, [0, 1, 2, 3, 4]) == (0,)
    assert skeleton_matches(suspect, original, [2, 3]) == ()  # another, and a short one
    assert skeleton_matches(["abcdefghij"], ["abcdefghiz"], [0]) == (0,)  # 0.9 alike
    assert skeleton_matches(suspect, [], [0]) == ()
