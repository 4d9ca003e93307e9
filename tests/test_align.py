from detector import analysis
from detector.align import BLOCK_KINDS, MIN_ANCHOR, align, anchors
from detector.text import Document, read_document
from tests.conftest import seed


def states(alignment, side: str) -> list[str]:
    """Per token of one side, the kind of block it falls in, token by token: what the codes
    (`suspect_codes`, `original_codes`) hold as arrays."""
    doc, (lo, hi) = ((alignment.suspect, (3, 4)) if side == "suspect"
                     else (alignment.original, (1, 2)))
    state = ["gap"] * len(doc.words)
    for b in alignment.blocks:
        for k in range(b[lo], b[hi]):
            state[k] = b.kind
    return state


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


def test_a_sentence_aligns_where_it_occurs_word_for_word_not_to_a_caption():
    original = Document("Photo: Russian President Vladimir Putin shakes hands with Chinese "
                        "President Xi Jinping in Beijing.\n\nChinese leader Xi Jinping will "
                        "travel to Russia next week to meet Putin.")
    suspect = Document("Chinese leader Xi Jinping will take a trip to Russia next week to meet "
                       "Putin.")
    a = align(original, suspect)
    assert a.swaps == [("travel", "take a trip")]
    caption = original.text.index("Chinese leader")
    assert all(state == "gap" for token, state in zip(original.tokens, states(a, 'original'),
                                                      strict=True) if token.start < caption)


def test_anchors_are_identical_runs_in_order_without_overlap():
    o = "a b c d x e f g h y a b c d".split()
    s = "q a b c d e f g h z a b c d".split()
    runs = anchors(o, s)
    assert runs == [(0, 1, 4), (5, 5, 4), (10, 10, 4)]
    for i, j, n in runs:
        assert o[i : i + n] == s[j : j + n] and n >= MIN_ANCHOR
    assert anchors("a b c".split(), "a b c".split()) == []  # shorter than an anchor
    assert anchors(o, "a b x c d".split()) == []


def test_anchors_on_gram_keys_are_the_anchors_on_words(texts):
    original, suspect = Document(texts["original"]), Document(texts["spun"])
    keys = tuple(analysis.gram_sequence(d, MIN_ANCHOR) for d in (original, suspect))
    runs = anchors(original.words, suspect.words, grams=keys)
    assert runs and runs == anchors(original.words, suspect.words)


def test_short_texts_still_align_without_anchors():
    a = align(Document("Xi met Putin."), Document("Xi saw Putin."))
    assert a.swaps == [("met", "saw")]


def _covered_once(a) -> None:
    """Every token of each side in exactly one block, the suspect's in order."""
    for side, n in (("original", len(a.original.tokens)), ("suspect", len(a.suspect.tokens))):
        lo, hi = (1, 2) if side == "original" else (3, 4)
        covered = sorted(k for b in a.blocks for k in range(b[lo], b[hi]))
        assert covered == list(range(n)), side
    assert [b.j1 for b in a.blocks] == sorted(b.j1 for b in a.blocks)


def test_blocks_cover_both_texts_in_order_when_nothing_moved(texts):
    a = align(Document(texts["original"]), Document(texts["spun"] + "\n\n" + texts["unrelated"]))
    i = j = 0
    for b in a.blocks:
        assert (b.i1, b.j1) == (i, j) and b.i2 >= b.i1 and b.j2 >= b.j1
        i, j = b.i2, b.j2
    assert (i, j) == (len(a.original.tokens), len(a.suspect.tokens))
    assert not any(x.kind == y.kind == "equal" for x, y in zip(a.blocks, a.blocks[1:],
                                                                strict=False))


# a report of four paragraphs, long enough that each one holds several anchors
STORY = [
    "The regional water authority said on Monday that the reservoir above the valley had "
    "fallen to its lowest level in twenty years after a dry spring and a hot early summer.",
    "Engineers will begin pumping from the old northern wells next week, the authority said, "
    "and households have been asked to water gardens only in the early morning or late evening.",
    "Farmers in the lower valley told reporters that several fields of barley had already been "
    "lost and that they expected the harvest to be the smallest since the drought of 2003.",
    "A spokesman for the authority said the ban on hosepipes would stay in force until the "
    "reservoir had recovered to at least half of its usual level for the time of year.",
]


def test_a_moved_paragraph_aligns_where_it_comes_from():
    original = Document("\n\n".join(STORY))
    moved_last = Document("\n\n".join([STORY[3], *STORY[:3]]))
    a = align(original, moved_last)
    assert kinds(a) != ["gap"] and a.aligned_share("suspect") == 1.0
    assert a.aligned_share("original") == 1.0
    assert [p.kind for p in a.passages()] == ["verbatim", "verbatim"]
    first = a.passages()[0]  # the moved paragraph, verbatim, in the original's last paragraph
    assert moved_last.text[slice(*first.suspect)] == original.text[slice(*first.original)]
    assert first.original[0] == original.text.index(STORY[3])
    _covered_once(a)


def test_several_moved_paragraphs_each_align_where_they_come_from():
    shuffled = Document("\n\n".join([STORY[1], STORY[3], STORY[0], STORY[2]]))
    a = align(Document("\n\n".join(STORY)), shuffled)
    assert a.aligned_share("suspect") == a.aligned_share("original") == 1.0
    assert {p.kind for p in a.passages()} == {"verbatim"} and len(a.passages()) == 4


def test_in_order_alignment_leaves_a_moved_paragraph_a_gap():
    """What wire-story detection in training reads (`dataset.syndicated`)."""
    moved_last = Document("\n\n".join([STORY[3], *STORY[:3]]))
    a = align(Document("\n\n".join(STORY)), moved_last, in_order=True)
    n = len(Document(STORY[3]).tokens)
    assert set(states(a, 'suspect')[:n]) == {"gap"} and a.aligned_share("suspect") < 0.8


def test_a_moved_spun_paragraph_shows_its_swaps():
    spun = STORY[2].replace("told", "informed").replace("several", "numerous").replace(
        "smallest", "tiniest")
    a = align(Document("\n\n".join(STORY)), Document("\n\n".join([spun, STORY[0], STORY[1],
                                                                      STORY[3]])))
    assert a.swaps == [("told", "informed"), ("several", "numerous"), ("smallest", "tiniest")]
    _covered_once(a)


def test_a_moved_passage_needs_verbatim_runs_not_shared_words():
    """A reworded paragraph shares words and three-word runs with the original's last one, but
    no four-word run: it stays new text, and that paragraph of the original unused."""
    reworded = ("Hosepipes will remain banned until the reservoir recovers to half its normal "
                "seasonal level, an authority spokesman said.")
    original = Document("\n\n".join(STORY))
    a = align(original, Document("\n\n".join([reworded, *STORY[:3]])))
    n = len(Document(reworded).tokens)
    assert set(states(a, 'suspect')[:n]) == {"gap"}
    assert a.aligned_share("suspect") < 1.0
    last = original.text.index(STORY[3])
    assert all(state == "gap" for token, state in zip(original.tokens, states(a, 'original'),
                                                      strict=True) if token.start >= last)
    _covered_once(a)


def test_moved_and_in_order_cover_each_token_once(texts):
    for suspect in ("\n\n".join(reversed(texts["original"].split("\n\n"))),
                    "\n\n".join([STORY[1], STORY[3], STORY[0], STORY[2]]), texts["independent"]):
        for original in (texts["original"], "\n\n".join(STORY)):
            a = align(Document(original), Document(suspect))
            _covered_once(a)
            assert [BLOCK_KINDS[c] for c in a.suspect_codes] == states(a, 'suspect')
            assert [BLOCK_KINDS[c] for c in a.original_codes] == states(a, 'original')


def test_seed_spin_aligns_the_body_sentence_not_the_photo_caption():
    original, suspect = read_document(seed("000")), read_document(seed("004"))
    a = align(original, suspect)
    assert ("President", "leader") not in a.swaps
    assert a.swaps[:2] == [("meet", "satisfy"), ("travel", "take a trip")]
    verbatim = states(a, 'suspect').count("equal") / len(suspect.tokens)
    assert verbatim > 0.6484  # the Levenshtein script alone gave 64.84%


def test_passages_are_character_offsets_of_each_stretch():
    original = Document("China has tried to strike a balance since the war began in Ukraine.")
    suspect = Document("China has actually tried to strike a balance considering that the "
                       "war in Ukraine.")
    a = align(original, suspect)
    shown = [(p.kind, suspect.text[slice(*p.suspect)], original.text[slice(*p.original)])
             for p in a.passages()]
    assert shown == [
        ("verbatim", "China has", "China has"),
        ("inserted", "actually", ""),
        ("verbatim", "tried to strike a balance", "tried to strike a balance"),
        ("swapped", "considering that", "since"),
        ("verbatim", "the war", "the war"),
        ("deleted", "", "began"),
        ("verbatim", "in Ukraine", "in Ukraine"),
    ]
    inserted = a.passages()[1]
    assert inserted.original == (original.text.index("tried"),) * 2  # where it would stand


def test_gaps_are_not_passages(texts):
    a = align(Document(texts["original"]), Document(texts["original"] + "\n\n" +
                                                    texts["unrelated"]))
    assert [p.kind for p in a.passages()] == ["verbatim"]
    assert a.passages()[0].suspect == (0, texts["original"].rindex("July") + len("July"))


def test_kind_codes_and_token_map_agree_with_the_blocks(texts):
    for suspect in (texts["spun"], texts["independent"], "", texts["original"]):
        a = align(Document(texts["original"]), Document(suspect))
        assert [BLOCK_KINDS[c] for c in a.suspect_codes] == states(a, 'suspect')
        assert [BLOCK_KINDS[c] for c in a.original_codes] == states(a, 'original')
        assert a.suspect_to_original_array.tolist() == a.suspect_to_original
        for passage in a.passages():  # offsets inside each text, start <= end
            for (lo, hi), doc in ((passage.suspect, a.suspect), (passage.original, a.original)):
                assert 0 <= lo <= hi <= len(doc.text)
