"""Behaviour of the synthetic spinners that make the detector's training positives."""

from __future__ import annotations

import re

import pytest

from detector.training.spinner import STYLES, random_spin, spin, spin_partial

ARTICLE = (
    "City officials said on Tuesday that the new bridge over the Harlan River will open in two "
    "weeks, after years of delays and rising costs. The project, which began in 2019, has cost "
    "more than $40 million and employed 1,200 workers.\n\n"
    "Mayor Linda Ortiz told reporters that the delays were caused by a shortage of steel and by "
    "flooding that damaged the construction site last spring. \"We have learned many hard "
    "lessons, but the bridge is finally ready for the people of this city,\" she said.\n\n"
    "In March, engineers found small cracks in several of the supports. The state transport "
    "agency has tried to reassure residents since then, and it says the structure is safe. "
    "Critics argue that the city should have chosen a cheaper design and a shorter route."
)
NAMES = ("Tuesday", "Harlan", "River", "Linda", "Ortiz", "March")
DIGITS = ("2019", "40", "1,200")
OTHER = (
    "Storms closed schools across the region on Monday, and forecasters warned that heavy rain "
    "would continue through the week.\n\n"
    "Emergency crews rescued dozens of drivers from flooded roads near Carver Lake, officials "
    "said.\n\n"
    "The weather service expects the river to peak on Thursday before the water slowly recedes."
)


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def mean_swaps(style: str, rate: float, seeds: range = range(6)) -> float:
    return sum(len(spin(ARTICLE, style=style, rate=rate, seed=s).swaps) for s in seeds) / len(seeds)


@pytest.mark.parametrize("style", STYLES)
def test_deterministic_for_a_seed(style: str) -> None:
    first = spin(ARTICLE, style=style, rate=0.4, seed=7)
    second = spin(ARTICLE, style=style, rate=0.4, seed=7)
    assert first == second
    assert first.style == style and first.rate == 0.4


@pytest.mark.parametrize("style", STYLES)
def test_different_seeds_differ(style: str) -> None:
    texts = {spin(ARTICLE, style=style, rate=0.4, seed=s).text for s in range(3)}
    assert len(texts) == 3


@pytest.mark.parametrize("style", STYLES)
def test_changes_text_more_at_higher_rate(style: str) -> None:
    low, high = mean_swaps(style, 0.1), mean_swaps(style, 0.5)
    assert spin(ARTICLE, style=style, rate=0.3, seed=1).text != ARTICLE
    assert low >= 1
    assert high > low * 1.25 and high - low >= 3


@pytest.mark.parametrize("style", STYLES)
def test_paragraphs_names_and_digits_survive(style: str) -> None:
    for seed in range(4):
        result = spin(ARTICLE, style=style, rate=0.7, seed=seed)
        parts = paragraphs(result.text)
        assert len(parts) == 3 and all(p.strip() for p in parts)
        words = re.findall(r"\w+", result.text)
        for name in NAMES:
            assert name in words, (name, result.text)
        for number in DIGITS:
            assert number in result.text, (number, result.text)
        assert result.text.count('"') == 2


@pytest.mark.parametrize("style", STYLES)
def test_capitalisation_of_replaced_words(style: str) -> None:
    for seed in range(4):
        for old, new in spin(ARTICLE, style=style, rate=0.7, seed=seed).swaps:
            if old[:1].isupper() and new[:1].isalpha():
                assert new[0].isupper(), (old, new)
            if old[:1].islower() and new[:1].isalpha() and " " not in old + new:
                assert new[0].islower(), (old, new)


def test_only_backtranslate_restructures_sentences() -> None:
    for style in STYLES:
        if style in ("backtranslate", "mixed"):
            continue
        text = spin(ARTICLE, style=style, rate=0.7, seed=3).text
        assert [len(re.findall(r"[.!?](?:\s|$)", p)) for p in paragraphs(text)] == [
            len(re.findall(r"[.!?](?:\s|$)", p)) for p in paragraphs(ARTICLE)
        ]
    moved = [
        spin(ARTICLE, style="backtranslate", rate=0.7, seed=s).text for s in range(12)
    ]
    assert any("in March." in t and "In March" not in t for t in moved)  # the clause moved


def test_quotes_are_spun_less_often() -> None:
    quote = re.search(r'"[^"]+"', ARTICLE).group()
    inside = outside = 0
    for seed in range(12):
        text = spin(ARTICLE, style="wordnet", rate=0.7, seed=seed).text
        spun_quote = re.search(r'"[^"]+"', text).group()
        inside += sum(a != b for a, b in zip(quote.split(), spun_quote.split(), strict=False))
        outside += len(spin(ARTICLE, style="wordnet", rate=0.7, seed=seed).swaps)
    assert 0 < inside < outside / 4


def test_phrase_style_swaps_numbers_fillers_and_phrases() -> None:
    swaps = [s for seed in range(10) for s in spin(ARTICLE, style="phrase", rate=0.7,
                                                     seed=seed).swaps]
    assert ("two", "2") in swaps
    assert any(old in ("has", "is", "will") and new.startswith(old + " ") for old, new in swaps)
    assert any(old in ("since", "said", "more than", "many") for old, _ in swaps)


def test_function_blind_swaps_a_function_word_in_most_sentences() -> None:
    result = spin(ARTICLE, style="function_blind", rate=0.2, seed=5)
    function = {"in", "on", "of", "for", "to", "with", "by", "at", "from", "after", "that",
                "and", "but", "over", "since", "than", "as", "during"}
    assert sum(old.lower() in function for old, _ in result.swaps) >= 4


def test_spin_partial_leaves_some_paragraphs_verbatim() -> None:
    original = paragraphs(ARTICLE)
    for seed in range(5):
        result = spin_partial(ARTICLE, style="wordnet", rate=0.7, seed=seed, share=0.5)
        spun = paragraphs(result.text)
        assert len(spun) == len(original)
        same = sum(a == b for a, b in zip(original, spun, strict=True))
        assert 1 <= same < len(original)
        assert result.share == 0.5


def test_random_spin_covers_all_styles() -> None:
    seen, partial = set(), 0
    for seed in range(80):
        result = random_spin(OTHER, seed=seed)
        assert 0.1 <= result.rate <= 1.0
        seen.add(result.style)
        partial += result.share < 1.0
    assert seen == set(STYLES)
    assert 5 <= partial <= 40


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        spin(ARTICLE, style="nonsense", rate=0.3, seed=0)
    with pytest.raises(ValueError):
        spin(ARTICLE, style="wordnet", rate=1.5, seed=0)
    with pytest.raises(ValueError):
        spin_partial(ARTICLE, style="wordnet", rate=0.3, seed=0, share=0.0)
