import pytest

from detector.display import shown


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
