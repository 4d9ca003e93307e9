

from detector.align import align
from detector.features import Pair
from detector.lexicon import load_lexicon
from detector.report.evidence import (
    ParagraphMatch,
    Row,
    SentenceRow,
    match_paragraphs,
    moved,
    segments,
    sentence_rows,
    sentence_texts,
    side_by_side,
)
from detector.text import Document


def paragraphs(text):
    return text.strip().split("\n\n")


def test_segments_rebuild_each_paragraph_exactly_and_name_the_swaps(texts):
    a = align(Document(texts["original"]), Document(texts["spun"]))
    for side, doc in (("suspect", a.suspect), ("original", a.original)):
        for p, paragraph in enumerate(doc.paragraphs):
            assert "".join(s.text for s in segments(a, p, side)) == paragraph
    first = segments(a, 0)
    swaps = [(s.text, s.other) for s in first if s.kind == "swap"]
    assert swaps == [("elected", "voted"), ("accept", "approve"), ("fresh", "new"),
                     ("upcoming", "coming")]
    assert next(s.text for s in first if s.kind == "equal") == "The city council"
    back = [(s.text, s.other) for s in segments(a, 0, "original") if s.kind == "swap"]
    assert back[0] == ("voted", "elected")
    # a phrase swap is one stretch, spaces inside it included
    assert ("informed press", "told") in [(s.text, s.other) for s in segments(a, 1)]


def test_fillers_and_deletions_are_their_own_stretches():
    a = align(Document("China has tried to strike a balance with the war that began in 2022."),
              Document("China has actually tried to strike a balance with war that began in 2022."))
    inserted = [s for s in segments(a, 0) if s.kind == "insert"]
    assert [s.text for s in inserted] == ["actually"] and inserted[0].is_filler
    assert [s.text for s in segments(a, 0, "original") if s.kind == "delete"] == ["the"]


def test_paragraphs_pair_with_their_original_and_new_text_has_none(texts):
    spun = paragraphs(texts["spun"])
    suspect = Document("\n\n".join([spun[0], paragraphs(texts["unrelated"])[0], spun[2]]))
    matches = match_paragraphs([align(Document(texts["original"]), suspect)])
    assert [m.original for m in matches] == [0, None, 2]
    assert matches[0].share == 1.0 and matches[1].share < 0.5


def test_a_paragraph_sharing_only_a_name_has_no_counterpart():
    original = Document("The city council voted on Tuesday to approve a new budget.\n\n"
                        "Mayor Linda Park said the plan would fund 12 new teachers.")
    suspect = Document("The city council elected on Tuesday to accept a new budget.\n\n"
                       "Mayor Linda Park, a lawyer elected in 2019, will speak at the next "
                       "meeting of the chamber in the northern district.")
    matches = match_paragraphs([align(original, suspect)])
    assert matches[0].original == 0
    assert matches[1].original is None and 0 < matches[1].share < 0.5  # "Mayor Linda Park"


def test_stitched_suspect_paragraphs_go_to_the_source_they_came_from(texts):
    other = Document(texts["unrelated"] + "\n\nAstronomers expect the next pass in 2090 or so.")
    suspect = Document("\n\n".join([paragraphs(texts["spun"])[0], paragraphs(texts["unrelated"])[1],
                                    paragraphs(texts["spun"])[2]]))
    alignments = [align(Document(texts["original"]), suspect), align(other, suspect)]
    matches = match_paragraphs(alignments)
    assert [(m.source, m.original) for m in matches] == [(0, 0), (1, 1), (0, 2)]


def test_side_by_side_slots_unused_original_paragraphs_where_they_stand():
    matches = [ParagraphMatch(0, 2, 1.0), ParagraphMatch(1, None, 0.0),
               ParagraphMatch(2, 2, 0.9), ParagraphMatch(3, 4, 1.0)]
    rows = side_by_side(matches, [6])
    assert rows == [
        Row(None, 0, 0), Row(None, 0, 1), Row(0, 0, 2), Row(1, None, None),
        Row(2, 0, 2, repeated=True), Row(None, 0, 3), Row(3, 0, 4), Row(None, 0, 5),
    ]


def test_side_by_side_with_two_sources_keeps_each_ones_order():
    matches = [ParagraphMatch(0, 1, 1.0, 0), ParagraphMatch(1, 0, 1.0, 1)]
    rows = side_by_side(matches, [2, 2])
    assert rows == [Row(None, 0, 0), Row(0, 0, 1), Row(1, 1, 0), Row(None, 1, 1)]


def test_sentence_texts_are_the_sentences_as_written():
    doc = Document("The mayor spoke (briefly). Then she left!\n\n\"We will see,\" he said.")
    assert sentence_texts(doc) == ["The mayor spoke (briefly).", "Then she left!",
                                   "\"We will see,\" he said."]


def test_each_sentence_goes_to_the_source_that_explains_it_most_directly(texts):
    """A stitched suspect: a verbatim sentence of one source, a reworded sentence of the other."""
    a = Document("The council voted on Monday to close the old bridge to heavy trucks. "
                 "Repairs will cost the city about four million dollars.")
    b = Document("Astronomers in Chile spotted a comet that passes the Sun every 50,000 years. "
                 "It will be visible to the naked eye in February.")
    suspect = Document("The council voted on Monday to close the old bridge to heavy trucks. "
                       "In February the naked eye will see it, visible without a telescope. "
                       "Readers shared their photos.")
    lexicon = load_lexicon()
    rows = sentence_rows([Pair(suspect, a, lexicon), Pair(suspect, b, lexicon)])
    assert [(r.suspect, r.kind, r.source, r.original) for r in rows] == [
        (0, "verbatim", 0, 0), (1, "rewritten", 1, 1), (2, "new", None, None)]


def test_moved_marks_where_the_suspect_goes_back_in_a_source():
    rows = [SentenceRow(0, "rewritten", 0, 2, 0.5), SentenceRow(1, "new", None, None, 0.0),
            SentenceRow(2, "verbatim", 1, 0, 1.0), SentenceRow(3, "swapped", 0, 0, 0.8),
            SentenceRow(4, "swapped", 0, 3, 0.8)]
    assert moved(rows) == {3}
