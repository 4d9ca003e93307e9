"""Re-inflection of replacements: a swapped word keeps the tense, number or degree it replaces."""

from __future__ import annotations

import pytest

from detector.training.spinner.inflect import inflect, inflect_like, match_case


@pytest.mark.parametrize(
    ("base", "original", "expected"),
    [
        ("state", "said", "stated"),
        ("start", "began", "started"),
        ("file", "documents", "files"),
        ("child", "documents", "children"),
        ("great", "strongest", "greatest"),
        ("satisfy", "meeting", "satisfying"),
        ("attempt", "tried", "attempted"),
        ("city", "countries", "cities"),
        ("go over", "discussed", "went over"),
        ("Declare", "Said", "Declared"),
    ],
)
def test_inflect_like(base: str, original: str, expected: str) -> None:
    assert inflect_like(base, original) == expected


def test_inflection_rules() -> None:
    assert inflect("stop", "v", "past") == "stopped"
    assert inflect("take", "v", "pp") == "taken"
    assert inflect("take", "v", "past") == "took"
    assert inflect("box", "n", "pl") == "boxes"
    assert inflect("spokesman", "n", "pl") == "spokesmen"
    assert inflect("happy", "a", "er") == "happier"
    assert inflect("important", "a", "est") == "most important"
    assert inflect("written document", "n", "pl") == "written documents"
    assert inflect_like("take", "tried", prev="has") == "taken"
    assert match_case("Officials", "authorities") == "Authorities"
    assert match_case("NATO", "alliance") == "ALLIANCE"
