"""How text from a file name or a file is shown: never a raw control character. And counts,
always in the right number ("1 error", "2 errors").

A file name may hold escape codes (which retitle or clear a terminal), bidi overrides (which
reverse how a name reads) or bytes that are not UTF-8 (decoded with surrogate escapes). Every
name spundetect prints, writes into JSON or puts into a report goes through `shown`.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidi embeddings/overrides/isolates and marks, lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match, below: int = 0x80) -> str:
    """The escape of one character: `\\xNN` for a byte that was not UTF-8 and for a character
    under `below` (0x80: \\x80 and up are bytes), `\\uNNNN` for any other."""
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < below else f"\\u{code:04x}"


def shown(text: object) -> str:
    """`text` with every control, bidi or undecodable character written as an escape: `\\x1b`
    for an ASCII control, `\\xe9` for a byte that is not UTF-8, `\\u202e` for any other."""
    text = str(text)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def name_of(path: object) -> str:
    """A file's name as the index and scan records write it: `shown`, each backslash doubled
    first, so that no two files are written alike (a file literally named `caf\\xe9.txt` is
    `caf\\\\xe9.txt`, not the one with the byte 0xe9); `unshown` reads it back."""
    return shown(str(path).replace("\\", "\\\\"))


_ESCAPED = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def _unescape(match: re.Match) -> str:
    escape = match.group(1)
    if escape == "\\":
        return escape
    code = int(escape[1:], 16)
    return chr(0xDC00 + code) if escape[0] == "x" and code >= 0x80 else chr(code)


def name_before(name: str) -> str:
    """What spundetect wrote for the file `name_of` writes as `name`, before names were made
    one per file (a backslash single, a control above ASCII as `\\xNN`): what an index built
    then holds, so that adding the same file again finds it."""
    raw = unshown(name)
    return _UNSAFE.sub(lambda m: _escape(m, below=0x100), raw) if _UNSAFE.search(raw) else raw


def unshown(name: str) -> str:
    """The path `name_of` wrote `name` for (bytes that are not UTF-8 as surrogate escapes, as
    `os.fsdecode` gives them), to open the file it names."""
    return _ESCAPED.sub(_unescape, name)


def needs_escape(text: str) -> bool:
    """Whether `shown(text)` would change `text`."""
    return _UNSAFE.search(text) is not None


def count(n: int, word: str, plural: str | None = None) -> str:
    """`n` and `word` in the right number: "1 swap", "2 swaps", "0 copies" (plural given)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
