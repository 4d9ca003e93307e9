"""What a name, a number and a rare word are: the word forms and the array form agree."""

from detector.terms import is_name, is_number, is_rare, number_mask
from detector.text import Document

TEXT = ("On Monday I met Dr. Ana Ortiz of İstanbul in 2023: 3.5% of NATO's 1st unpublished "
        "extraordinarily-long reports, Éclair and the administration's undocumented claims. "
        "The May figures disagree.")


def test_number_mask_matches_the_word_form():
    lowers = Document(TEXT).token_columns.lowers
    assert number_mask(lowers).tolist() == [is_number(lw) for lw in lowers]
    assert any(number_mask(lowers))


def test_calendar_words_and_i_are_not_names():
    assert [is_name(t) for t in ["Monday", "I", "May", "Ortiz"]] == [False, False, False, True]


def test_rare_words_are_long_and_lower_case():
    assert is_rare("extraordinarily") and not is_rare("Extraordinarily")
    assert not is_rare("reports")
