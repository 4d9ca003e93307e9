"""Language identification: English told cheaply, other languages named for a warning."""

import pytest

from detector import language
from detector.text import Document
from tests.conftest import GERMAN, INDEPENDENT, ORIGINAL, SPUN

FRENCH = ("Le conseil municipal a approuvé mardi un nouveau budget pour l'année à venir. "
          "La maire Linda Park a déclaré que le plan financerait douze nouveaux enseignants "
          "et la réparation de trois ponts, a-t-elle dit aux journalistes après la réunion.")


def _identify(text: str) -> str | None:
    doc = Document(text)
    return language.identify(doc.text, doc.words)


@pytest.mark.parametrize("text", [ORIGINAL, SPUN, INDEPENDENT])
def test_english_needs_no_model(text, monkeypatch):
    def no_model(text):
        raise AssertionError("py3langid was asked about an English text")

    monkeypatch.setattr(language, "_classify", no_model)
    assert _identify(text) == "en"


@pytest.mark.parametrize(("text", "code"), [(GERMAN, "de"), (FRENCH, "fr")])
def test_other_languages_are_named(text, code):
    assert _identify(text) == code


def test_too_short_or_wordless_texts_have_no_language():
    assert _identify("Ein kurzer Satz.") is None
    assert _identify(" ".join(str(n) for n in range(100))) is None


def test_warning_names_the_language():
    assert language.warning("de") == (
        "warning: suspect looks like German (de), the model is trained on English")
    assert language.warning("gom").startswith("warning: suspect looks like gom (gom)")
    assert language.warning("en") is None and language.warning(None) is None


def test_no_stopword_is_a_number():
    """`identify` counts stopwords over all tokens and numbers apart: a stopword that is a
    number would be counted in both."""
    from detector.language import STOPWORDS

    assert not [w for w in STOPWORDS if w[0].isdigit()]


def test_numbers_do_not_count_towards_the_minimum():
    from detector.language import MIN_WORDS, identify

    words = [*["the"] * (MIN_WORDS - 1), "2021", "12", "3.5"]
    assert identify(" ".join(words), words) is None
    more = [*words, "the"]
    assert identify(" ".join(more), more) == "en"
