"""Which language a text is in: the model is trained on English news only, so a score for a
text in another language means little, and `score` and the records say so.

English is told without a model: in English news at least a fifth of the words are among the
50 commonest English words (every corpus article and seed over 20 words; German, French and
Spanish news: 2-6%). Only a text below ENGLISH_SHARE asks py3langid (langid.py's model, shipped
inside its wheel; 0.7 s to load once), so scoring English stays as fast as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detector.lexicon import STOPWORDS
from detector.terms import number_mask

ENGLISH_SHARE = 0.15  # share of tokens among STOPWORDS from which a text is English
MIN_WORDS = 20  # fewer words (numbers aside) than this: too short to tell
SAMPLE_CHARS = 20_000  # how much of a long text the identifier reads

# py3langid's two-letter codes with their English names; other codes are shown as they are.
NAMES = dict(pair.split(" ", 1) for pair in (
    "af Afrikaans|am Amharic|ar Arabic|az Azerbaijani|be Belarusian|bg Bulgarian|bn Bengali|"
    "br Breton|bs Bosnian|ca Catalan|cs Czech|cy Welsh|da Danish|de German|el Greek|"
    "en English|eo Esperanto|es Spanish|et Estonian|eu Basque|fa Persian|fi Finnish|"
    "fr French|fy Frisian|ga Irish|gd Scottish Gaelic|gl Galician|gu Gujarati|ha Hausa|"
    "he Hebrew|hi Hindi|hr Croatian|ht Haitian Creole|hu Hungarian|hy Armenian|"
    "id Indonesian|ig Igbo|is Icelandic|it Italian|ja Japanese|jv Javanese|ka Georgian|"
    "kk Kazakh|km Khmer|kn Kannada|ko Korean|ku Kurdish|ky Kyrgyz|la Latin|lb Luxembourgish|"
    "lt Lithuanian|lv Latvian|mg Malagasy|mk Macedonian|ml Malayalam|mn Mongolian|"
    "mr Marathi|ms Malay|mt Maltese|my Burmese|ne Nepali|nl Dutch|nn Norwegian Nynorsk|"
    "no Norwegian|oc Occitan|pa Punjabi|pl Polish|ps Pashto|pt Portuguese|ro Romanian|"
    "ru Russian|si Sinhala|sk Slovak|sl Slovenian|so Somali|sq Albanian|sr Serbian|"
    "sv Swedish|sw Swahili|ta Tamil|te Telugu|th Thai|tl Tagalog|tr Turkish|uk Ukrainian|"
    "ur Urdu|uz Uzbek|vi Vietnamese|xh Xhosa|yo Yoruba|zh Chinese|zu Zulu"
).split("|"))


def identify(text: str, words: Sequence[str]) -> str | None:
    """The language of `text` (lower-cased tokens `words`) as an ISO 639 code, "en" for
    English; None when it is too short to tell or has no language (numbers, code)."""
    # numbers (`detector.terms`) are in no language, and none is a stopword
    n = len(words) - int(np.count_nonzero(number_mask(words)))
    if n < MIN_WORDS:
        return None
    if sum(map(STOPWORDS.__contains__, words)) >= ENGLISH_SHARE * n:
        return "en"
    code = _classify(text[:SAMPLE_CHARS])
    return None if code == "zxx" else code  # zxx: "no linguistic content"


def name(code: str) -> str:
    """The English name of a language code ("German"), or the code when it is not listed."""
    return NAMES.get(code, code)


def not_english(code: str | None) -> bool:
    """Whether language `code` is known to be other than English, the model's language (so a
    score means little); an unknown language (None) is not."""
    return code not in (None, "en")


def warning(code: str | None, role: str = "suspect") -> str | None:
    """The line to print for a text in language `code`, None for English or unknown."""
    if not not_english(code):
        return None
    return f"warning: {role} looks like {name(code)} ({code}), the model is trained on English"


def _classify(text: str) -> str:
    """py3langid's language code for `text`; its model loads on the first call."""
    import py3langid

    code, _ = py3langid.classify(text)
    return code
