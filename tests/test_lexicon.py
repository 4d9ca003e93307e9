import pytest

from detector.errors import ModelError
from detector.lexicon import STOPWORDS, load_lexicon


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("meet", "satisfy", True), ("began", "started", True), ("said", "stated", True),
     ("documents", "papers", True), ("cat", "bridge", False), ("Meet", "SATISFY", True)],
)
def test_sense_blind_synonyms_through_inflections(lexicon, a, b, expected):
    assert lexicon.are_synonyms(a, b) is expected


def test_morphy_finds_base_forms(lexicon):
    assert "go" in lexicon.lemmas("went")["v"]
    assert "child" in lexicon.lemmas("children")["n"]
    assert "bridge" in lexicon.lemmas("bridges")["n"]
    assert lexicon.lemmas("xqzt") == {}


def test_word_classes_include_closed_classes(lexicon):
    assert "prep" in lexicon.word_classes("since")
    assert "v" in lexicon.word_classes("considering")
    assert "num" in lexicon.word_classes("2023")


def test_synonyms_lists_other_lemmas(lexicon):
    syns = lexicon.synonyms("meet")
    assert "satisfy" in syns and "meet" not in syns


def test_missing_lexicon_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelError, match="make lexicon"):
        load_lexicon(tmp_path / "nope.json.gz")


def test_stopword_list_is_the_fifty_most_frequent():
    assert len(STOPWORDS) == 50


def test_a_full_cache_starts_afresh_with_the_same_answers(lexicon):
    from dataclasses import replace
    from itertools import pairwise

    small = replace(lexicon, cache_size=50, _cache={})
    words = ["strongest", "greatest", "support", "assistance", "meet", "satisfy", "ran",
             "geese", "better", "show", "program", "Beijing", "the", "under", "12"] * 3
    for word in words:
        assert small.synset_ids(word) == lexicon.synset_ids(word)
        assert small.word_classes(word) == lexicon.word_classes(word)
        assert small.lemmas(word) == lexicon.lemmas(word)
        assert len(small._cache) <= 50
    assert all(small.are_synonyms(a, b) == lexicon.are_synonyms(a, b)
               for a, b in pairwise(words))
