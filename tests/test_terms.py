"""The array forms of what a name, a number and a rare word are agree with the word forms."""

from detector.terms import is_name, is_number, is_rare, name_mask, number_mask, rare_mask
from detector.text import Document

TEXT = ("On Monday I met Dr. Ana Ortiz of İstanbul in 2023: 3.5% of NATO's 1st unpublished "
        "extraordinarily-long reports, Éclair and the administration's undocumented claims. "
        "The May figures disagree.")


def test_masks_match_the_word_forms():
    table = Document(TEXT).token_columns
    texts, lowers = table.texts, table.lowers
    pairs = list(zip(texts, lowers, strict=True))
    assert name_mask(texts, lowers).tolist() == [is_name(t, lw) for t, lw in pairs]
    assert number_mask(lowers).tolist() == [is_number(lw) for lw in lowers]
    assert rare_mask(texts, lowers).tolist() == [is_rare(t, lw) for t, lw in pairs]
    assert any(name_mask(texts, lowers)) and any(number_mask(lowers))
    assert any(rare_mask(texts, lowers))


def test_calendar_words_and_i_are_not_names():
    texts = ["Monday", "I", "May", "Ortiz"]
    assert name_mask(texts, [t.lower() for t in texts]).tolist() == [False, False, False, True]
