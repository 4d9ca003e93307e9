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


def test_word_facts_are_the_word_questions_and_forget_when_full(monkeypatch):
    """Each bit is its question asked of the word; the same word written in another case
    keeps its bits, and a full cache starts again rather than grow."""
    from detector import terms
    from detector.lexicon import STOPWORDS, closed_class_words

    lowers = Document(TEXT + " it is a an extraordinarily 42 may").token_columns.lowers
    facts = terms.word_facts(lowers).tolist()
    for lower, bits in zip(lowers, facts, strict=True):
        assert bool(bits & terms.NUMBER) == is_number(lower)
        assert bool(bits & terms.LONG) == (len(lower) >= terms.RARE_MIN_LENGTH)
        assert bool(bits & terms.NOT_NAME) == (lower in terms.NOT_NAMES)
        assert bool(bits & terms.STOPWORD) == (lower in STOPWORDS)
        assert bool(bits & terms.CLOSED_CLASS) == (lower in closed_class_words())
        assert bool(bits & terms.SHORT) == (len(lower) <= 2)
    for bit in (terms.NUMBER, terms.LONG, terms.NOT_NAME, terms.STOPWORD, terms.CLOSED_CLASS,
                terms.SHORT):
        assert any(b & bit for b in facts) and not all(b & bit for b in facts)
    monkeypatch.setattr(terms, "FACTS_CACHE_SIZE", 5)
    monkeypatch.setattr(terms, "_FACTS", terms._WordFacts())
    assert terms.word_facts(lowers).tolist() == facts
    assert len(terms._FACTS) <= 5
