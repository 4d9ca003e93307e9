from bench.localised import localise
from detector.spelling import british_to_american


def test_localise_converts_known_words_and_keeps_capitals():
    text, n = localise("Colour and Centre, organised by the theatre; not a promise.",
                       british_to_american())
    assert text == "Color and Center, organized by the theater; not a promise."
    assert n == 4


def test_localise_leaves_a_text_without_known_words_alone():
    assert localise("Nothing to convert here.", british_to_american()) == (
        "Nothing to convert here.", 0)
