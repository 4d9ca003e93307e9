import pytest

from detector.display import count, shown


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain.txt", "plain.txt"),
    ("evil\x1b]0;owned\x07.txt", "evil\\x1b]0;owned\\x07.txt"),
    ("a\u202etxt.exe", "a\\u202etxt.exe"),
    ("tab\there\nnew", "tab\\x09here\\x0anew"),
    ("c1\x9bcontrol", "c1\\x9bcontrol"),
    ("caf\udce9.txt", "caf\\xe9.txt"),
    ("café ✓", "café ✓"),
])
def test_shown_escapes_what_a_terminal_would_obey(raw, expected):
    assert shown(raw) == expected


@pytest.mark.parametrize(("n", "word", "plural", "expected"), [
    (1, "error", None, "1 error"), (0, "error", None, "0 errors"), (2, "swap", None, "2 swaps"),
    (1, "copy", "copies", "1 copy"), (3, "copy", "copies", "3 copies"),
    (1, "record", None, "1 record")])
def test_count_says_one_in_the_singular(n, word, plural, expected):
    assert count(n, word, plural) == expected
