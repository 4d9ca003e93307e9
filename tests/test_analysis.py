"""Per-document analysis: keys stand for the sets they replace, computed once per document."""

from __future__ import annotations

import pickle

import numpy as np

from detector import analysis
from detector.text import MEMO, Document


def _ngrams(seq, n):
    return set(zip(*(seq[i:] for i in range(n)), strict=False))


def test_gram_keys_count_the_distinct_ngrams_and_their_overlap(texts):
    a, b = Document(texts["spun"]), Document(texts["original"])
    for n in (1, 3, 5, 8):
        keys_a, keys_b = analysis.word_grams(a, n), analysis.word_grams(b, n)
        sets_a, sets_b = _ngrams(a.words, n), _ngrams(b.words, n)
        assert keys_a.size == len(sets_a) and keys_b.size == len(sets_b)
        assert analysis.count_shared(keys_a, keys_b) == len(sets_a & sets_b)
        assert np.all(keys_a[1:] > keys_a[:-1])  # sorted, distinct


def test_gram_sequence_keys_each_ngram_in_order(texts):
    doc = Document(texts["spun"])
    for n in (1, 4, 8):
        sequence = analysis.gram_sequence(doc, n)
        grams = list(zip(*(doc.words[i:] for i in range(n)), strict=False))
        assert len(sequence) == len(grams)
        first = {}  # equal grams get equal keys, different grams different ones
        for gram, key in zip(grams, sequence, strict=True):
            assert first.setdefault(gram, key) == key
        assert len(set(first.values())) == len(first)
        assert sorted(set(sequence)) == analysis.word_grams(doc, n).tolist()
    assert analysis.gram_sequence(Document("Two words"), 4) == []


def test_shorter_than_n_has_no_ngrams_and_nothing_shared():
    doc = Document("Two words")
    assert analysis.word_grams(doc, 3).size == 0
    assert analysis.count_shared(analysis.word_grams(doc, 3),
                                 analysis.word_grams(Document("a b c d"), 3)) == 0


def test_columns_find_names_numbers_rare_words_and_stems():
    doc = Document("Mayor Linda Park said 12 teachers. Park thanked the extraordinary "
                   "volunteers in 2023.")
    found = analysis.columns(doc)
    assert found.names == ["linda", "park"]  # "Mayor" and the second "Park" open sentences
    assert found.numbers == ["12", "2023"]
    assert found.rare == ["extraordinary", "volunteers"]
    assert found.sentence.tolist() == [0] * 6 + [1] * 7
    # mayor linda park teach ("12" is too short) / park thank extra volun 2023
    assert found.stems_per_sentence.tolist() == [4, 5]
    assert found.stopword.sum() == 3  # said, the, in


def test_an_empty_document_has_empty_columns():
    found = analysis.columns(Document(""))
    assert found.sentence.size == found.stems.size == found.stems_per_sentence.size == 0
    assert found.names == found.numbers == found.rare == []


def test_analysis_is_done_once_per_document_and_not_pickled(texts):
    doc = Document(texts["original"])
    first = analysis.columns(doc)
    assert analysis.columns(doc) is first
    copy = pickle.loads(pickle.dumps(doc))
    assert MEMO in doc.__dict__ and MEMO not in copy.__dict__  # string hashes are per process
    assert copy == doc and copy.tokens == doc.tokens
    assert analysis.columns(copy).names == first.names


def test_the_same_columns_from_kept_rows_and_after_the_vocabulary_started_afresh(texts):
    from detector.vocabulary import VOCABULARY

    def arrays(found: analysis.Columns) -> list:
        return [v.tolist() if hasattr(v, "tolist") else v for v in vars(found).values()]

    kept = Document(texts["original"])
    kept.token_columns  # noqa: B018 - tokenised now, its rows kept for the analysis
    VOCABULARY._reset()  # as a full vocabulary does: the kept rows are of an old generation
    fresh = Document(texts["original"])
    assert arrays(analysis.columns(kept)) == arrays(analysis.columns(fresh))


ORIGINAL_SENTENCE = ("The mayor of Springfield said on Tuesday that the new bridge would open in "
                     "2025, after years of delays.")
SPUN_SENTENCE = ("The governor of Springfield stated on Tuesday that the fresh overpass would "
                 "launch in 2025, after decades of setbacks.")


def test_a_sentence_s_skeleton_is_what_a_word_spinner_leaves():
    """Stopwords, numbers and names (not a sentence's capitalised first word) in order, one
    character a word: nearly the same for a sentence and its spin, not for another one."""
    from rapidfuzz.distance import Indel

    from detector.segments import SKELETON_MATCH

    original = analysis.skeletons(Document(ORIGINAL_SENTENCE + " Nobody objected to it."))
    spun = analysis.skeletons(Document(SPUN_SENTENCE))
    assert len(original) == 2 and len(spun) == 1
    assert len(original[0]) == 11  # the of Springfield said on that the would in 2025 of
    assert len(spun[0]) == 10  # "said" is "stated"
    assert Indel.normalized_similarity(spun[0], original[0]) >= SKELETON_MATCH
    assert Indel.normalized_similarity(original[1], original[0]) < 0.5


def test_a_text_without_sentences_has_no_skeletons():
    assert analysis.skeletons(Document("!!!")) == []
