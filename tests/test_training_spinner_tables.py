"""The spinners' word tables load from the package's JSON files and hold what the engine expects."""

from __future__ import annotations

import pytest

from detector.training.spinner import tables


@pytest.mark.parametrize("name", ["inflection", "phrases", "words"])
def test_each_data_file_loads_once(name: str) -> None:
    assert tables.load(name) is tables.load(name)
    assert tables.load(name)


def test_tables_are_read_from_the_data_files() -> None:
    assert tables.IRREGULAR_VERBS["take"] == ("took", "taken")
    assert "in" in tables.FUNCTION_SWAPS
    assert tables.PHRASES["because of"] == ("due to", "owing to", "as a result of", "on account of")
    assert tables.DIGIT_WORDS["2"] == "two"
    assert tables.EXPANSIONS["don't"] == "do not"


@pytest.mark.parametrize("table", ["PHRASES", "VERB_PHRASES", "FUNCTION_SWAPS"])
def test_every_phrase_has_lower_case_replacements(table: str) -> None:
    for key, values in getattr(tables, table).items():
        assert key == key.lower() and values, key
        assert all(v == v.lower() for v in values), key


def test_quantities_and_numbers_are_never_replacements() -> None:
    assert tables.QUANTITIES <= tables.NOT_CANDIDATES
    assert set(tables.NUMBER_WORDS) <= tables.QUANTITIES
