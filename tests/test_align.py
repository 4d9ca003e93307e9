from detector.align import align
from detector.text import Document


def kinds(alignment):
    return [b.kind for b in alignment.blocks]


def test_verbatim_copy_is_one_equal_block(texts):
    doc = Document(texts["original"])
    a = align(doc, Document(texts["original"]))
    assert kinds(a) == ["equal"]
    assert a.aligned_share() == 1.0 and a.swaps == []


def test_single_word_swaps_between_verbatim_runs():
    a = align(Document("Xi will meet Putin in Moscow next week."),
              Document("Xi will satisfy Putin in Moscow next week."))
    assert a.swaps == [("meet", "satisfy")]
    assert kinds(a) == ["equal", "swap", "equal"]


def test_phrase_swap_and_filler_insert():
    a = align(
        Document("China has tried to strike a balance since the war began."),
        Document("China has actually tried to strike a balance considering that the war began."),
    )
    assert ("since", "considering that") in a.swaps
    assert "insert" in kinds(a)


def test_long_new_text_is_a_gap_not_a_swap(texts):
    original = Document(texts["original"])
    extended = Document(texts["original"] + "\n\n" + texts["unrelated"])
    a = align(original, extended)
    assert kinds(a)[-1] == "gap"
    assert a.aligned_share("original") == 1.0
    assert a.aligned_share("suspect") < 0.8


def test_suspect_to_original_maps_aligned_tokens():
    a = align(Document("one two three four"), Document("one two THREE four"))
    assert a.suspect_to_original == [0, 1, 2, 3]
    a = align(Document("a b c"), Document("x y z w v u"))
    assert set(a.suspect_to_original) == {-1}
