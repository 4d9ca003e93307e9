import os
import random
import re
import socket
from pathlib import Path

import pytest

from detector import text
from detector.errors import InputError
from detector.text import (
    Document,
    decode,
    read_bytes,
    read_document,
    split_sentences,
)
from tests.conftest import GERMAN, ORIGINAL


def test_paragraphs_sentences_and_tokens(texts):
    doc = Document(texts["original"])
    assert len(doc.paragraphs) == 3
    assert doc.n_sentences == 5
    assert doc.words[:4] == ["the", "city", "council", "voted"]
    assert {t.paragraph for t in doc.tokens} == {0, 1, 2}
    token = doc.tokens[3]
    assert doc.text[token.start : token.start + len(token.text)] == token.text


def _tokens_one_paragraph_at_a_time(doc: Document) -> list[tuple]:
    """The tokens as a loop over paragraphs and their sentences finds them: the reference the
    whole-text passes of `Document.token_columns` must reproduce."""
    out, sentence, offset = [], 0, 0
    for p_index, paragraph in enumerate(doc.paragraphs):
        offset = doc.text.find(paragraph, offset)
        ends, position = [], 0
        for sent in split_sentences(paragraph):
            position = paragraph.find(sent, position) + len(sent)
            ends.append(position)
        k = 0
        for m in text._TOKEN.finditer(paragraph):
            while k + 1 < len(ends) and m.start() >= ends[k]:
                k += 1
            word = m.group()  # lower-cased on its own; letter by letter where that is longer
            lower = word.lower() if len(word.lower()) == len(word) else \
                "".join(c.lower()[0] for c in word)
            lower = lower.replace("’", "'")
            out.append((word, lower, sentence + k, p_index, offset + m.start()))
        sentence += max(len(ends), 1)
        offset += len(paragraph)
    return out


@pytest.mark.parametrize("source", [
    "One. Two!  Three?\n\n\nFour 3.5% of 1st\n\n  Five “quoted.” Six",
    "İstanbul won 1ST place. ΣΟΦΟΣ said ‘hi’.\nStraße Æble",  # lower case longer; "1ST"
    "single\nnewline\nfile. With two sentences",
    "   ", "",
])
def test_token_columns_match_a_paragraph_by_paragraph_reading(source):
    doc = Document(source)
    assert [tuple(t) for t in doc.tokens] == _tokens_one_paragraph_at_a_time(doc)
    table = doc.token_columns
    assert table.lowers == doc.words and len(table.sentences) == len(doc.tokens)


def test_the_atomic_token_pattern_finds_what_the_plain_one_finds():
    plain = re.compile(r"\d+(?:[.,:]\d+)*(?:st|nd|rd|th|s|%)?|\w+(?:[-'’]\w+)*")
    rng = random.Random(0)
    for _ in range(3000):
        sample = "".join(rng.choice("ab1Z9.,:-'’ st nd%_\né") for _ in range(rng.randint(0, 30)))
        assert [m.span() for m in text._TOKEN.finditer(sample)] == \
            [m.span() for m in plain.finditer(sample)], sample


def test_single_newline_files_get_one_paragraph_per_line():
    doc = Document("First sentence here.\nSecond line there.\nThird one.")
    assert len(doc.paragraphs) == 3


def test_numbers_and_apostrophes_are_single_tokens():
    doc = Document("China’s 12-point plan cost $3.5 billion in 2023.")
    assert "china's" in doc.words
    assert "3.5" in doc.words and "2023" in doc.words


def test_split_sentences_keeps_abbreviations_lowercase_joined():
    assert split_sentences("He left. She stayed. e.g. not split") == [
        "He left.", "She stayed. e.g. not split"]


def test_quotes_are_collected(texts):
    assert Document(texts["original"]).quotes == ["this budget keeps our promises to families,"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("caf\u00e9".encode("latin-1"), "not valid UTF-8"),
        (b"... --- !!!", "no words"),
    ],
)
def test_decode_refuses_unusable_input(data, message):
    with pytest.raises(InputError, match=message):
        decode(data, "x.txt")


def test_html_is_reduced_to_its_text():
    html = ("<html><head><script>alert('x')</script><style>p{}</style></head>"
            "<body><p>First &amp; one.</p><p>Second para.</p></body></html>")
    assert Document(decode(html.encode())).paragraphs == ["First & one.", "Second para."]


def test_a_windows_1252_page_decodes_but_a_latin_1_text_does_not():
    page = ('<html><head><meta charset="windows-1252"></head><body><p>The café reopened.</p>'
            "<p>It had been closed since March.</p></body></html>")
    assert "The café reopened." in decode(page.encode("cp1252"), "x.html")
    with pytest.raises(InputError, match=r"not valid UTF-8.*iconv"):
        decode("The café reopened.".encode("cp1252"), "x.txt")


def test_a_page_with_5_kb_of_css_before_html_is_still_a_page():
    css = "".join(f".c{k} {{ margin: {k}px; color: #333; }}\n" for k in range(200))
    page = (f"<style>{css}</style><html><body><nav><a href='/'>Home</a></nav>"
            "<p>The story itself.</p><p>Its second paragraph.</p></body></html>")
    assert len(css) > 5000
    text = decode(page.encode(), "x.html")
    assert "margin" not in text and "<p>" not in text
    assert "The story itself." in text


def test_a_text_that_mentions_a_tag_stays_text(texts):
    plain = texts["original"].replace("budget for", "budget (see the <p> notes) for")
    assert decode(plain.encode(), "x.txt") == plain


@pytest.mark.parametrize(("text", "code"), [(ORIGINAL, "en"), (GERMAN, "de")])
def test_documents_know_their_language(text, code):
    assert Document(text).language == code


def test_a_short_text_has_no_language():
    assert Document("Ein kurzer Satz.").language is None


def test_read_document_errors_name_the_file(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)
    good = tmp_path / "a.txt"
    good.write_text("Hello world.\n", encoding="utf-8")
    assert read_document(good).name == str(good)


def test_read_bytes_says_why_in_one_line_and_keeps_the_cause(tmp_path: Path, monkeypatch):
    with pytest.raises(InputError, match=r"missing\.txt: no such file$") as err:
        read_bytes(tmp_path / "missing.txt")
    assert isinstance(err.value.__cause__, FileNotFoundError)
    with pytest.raises(InputError, match=r"is a directory, expected a text file$"):
        read_bytes(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    monkeypatch.setattr(text, "MAX_BYTES", 100)
    with pytest.raises(InputError, match=r"big\.txt: 101 bytes is too large for an article$"):
        read_bytes(big)
    monkeypatch.setattr(text, "MAX_BYTES", 101)
    assert read_bytes(big) == b"x" * 101


@pytest.mark.parametrize(("call", "error", "message"), [
    ("open", PermissionError(13, "Permission denied"), "permission denied"),
    ("open", IsADirectoryError(21, "Is a directory"), "is a directory, expected a text file"),
    ("open", OSError(5, "Input/output error"), r"cannot read \(Input/output error\)"),
    ("read", OSError(5, "Input/output error"), r"cannot read \(Input/output error\)"),
])
def test_read_bytes_maps_each_os_error(tmp_path: Path, monkeypatch, call, error, message):
    path = tmp_path / "a.txt"
    path.write_text("Hello world.\n")

    def fail(*_args):
        raise error

    monkeypatch.setattr(text.os, call, fail)
    with pytest.raises(InputError, match=rf"a\.txt: {message}$") as err:
        read_bytes(path)
    assert err.value.__cause__ is error
    with pytest.raises(InputError, match=rf"a\.txt: {message}$"):
        read_document(path)


def test_bom_and_crlf_are_normalised(tmp_path: Path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffLine one.\r\n\r\nLine two.\r\n".encode())
    assert read_document(path).paragraphs == ["Line one.", "Line two."]


def test_read_bytes_reads_only_regular_files(tmp_path: Path):
    with pytest.raises(InputError, match=r"^/dev/null: not a regular file \(a character "
                                         r"device\); give a text file$"):
        read_bytes("/dev/null")
    with pytest.raises(InputError, match=r"null: not a regular file \(a character device\); "
                                         r"give a pairs file$"):
        read_bytes("/dev/null", kind="pairs file")
    sock = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock))
        with pytest.raises(InputError, match=r"s\.txt: not a regular file \(a socket\)"):
            read_bytes(sock)
    (tmp_path / "real.txt").write_text("Hello world.\n")
    (tmp_path / "link.txt").symlink_to("real.txt")
    assert read_bytes(tmp_path / "link.txt") == b"Hello world.\n"  # links to files are followed
    (tmp_path / "dangling.txt").symlink_to("gone.txt")
    with pytest.raises(InputError, match=r"dangling\.txt: broken link to gone\.txt, which "
                                         r"does not exist$"):
        read_bytes(tmp_path / "dangling.txt")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    with pytest.raises(InputError, match=r"loop\.txt: cannot read \(Too many levels of "
                                         r"symbolic links\)$"):
        read_bytes(tmp_path / "loop.txt")


def test_read_bytes_reads_at_most_one_byte_past_the_limit(tmp_path: Path, monkeypatch):
    """A file that grows after its size was checked is refused, and never read to its end."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 10_000)
    real_fstat, real_read = os.fstat, os.read
    asked = []

    def fstat(fd):  # the size when it was opened: small enough
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid,
                               st.st_gid, 50, 0, 0, 0))

    def read(fd, n):
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(text.os, "fstat", fstat)
    monkeypatch.setattr(text.os, "read", read)
    with pytest.raises(InputError, match=r"growing\.txt: more than 100 bytes is too large "
                                         r"for a pairs file$"):
        read_bytes(path, kind="pairs file", limit=100)
    assert sum(asked) == 101
