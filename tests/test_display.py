import pytest

from detector.display import count, name_of, shown, unshown


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain.txt", "plain.txt"),
    ("evil\x1b]0;owned\x07.txt", "evil\\x1b]0;owned\\x07.txt"),
    ("a\u202etxt.exe", "a\\u202etxt.exe"),
    ("tab\there\nnew", "tab\\x09here\\x0anew"),
    ("c1\x9bcontrol", "c1\\u009bcontrol"),  # a character, not the byte 0x9b
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


@pytest.mark.parametrize("raw", ["plain.txt", "caf\udce9.txt", "caf\\xe9.txt", "bell\x07.txt",
                                 "c1\x85.txt", "byte\udc85.txt", "rtl\u202e.txt", "a\\b\\",
                                 "caf\u00e9 \u2713"])
def test_names_are_read_back_as_the_file_they_name(raw):
    assert unshown(name_of(raw)) == raw


def test_no_two_files_share_a_name():
    """The byte 0xe9, the text `\\xe9`, the byte 0x85 and the character U+0085 differ."""
    names = [name_of(n) for n in ("caf\udce9", "caf\\xe9", "x\udc85", "x\x85")]
    assert names == ["caf\\xe9", "caf\\\\xe9", "x\\x85", "x\\u0085"]
