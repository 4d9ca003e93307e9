"""Read a user's file as text and split it into paragraphs, sentences and tokens.

Step one of the pipeline: everything after works on a `Document`, never on raw bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

import numpy as np

from detector import html
from detector.errors import InputError
from detector.vocabulary import VOCABULARY

MAX_BYTES = 20_000_000  # larger than any article; guards against scoring a disk image by mistake
MAX_LIST_BYTES = 2_000_000_000  # a pairs or results file may be large, but not a disk

# A number (3.5%, 1st, 12,000) or a word (China's, 12-point). Every quantifier is possessive:
# nothing follows a token, so backtracking into a finished match can never help, and without
# the bookkeeping for it the pattern scans about twice as fast (the same tokens).
# numbers (with their decimal marks, ordinals and percent), "a.m." and "p.m." as one word each
# (as "am" and "pm" are), words with inner hyphens and apostrophes
_TOKEN = re.compile(r"\d++(?:[.,:]\d++)*+(?:st|nd|rd|th|s|%)?+|[AaPp]\.[Mm]\.(?!\w)"
                    r"|\w++(?:[-'’]\w++)*+", re.UNICODE)
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})", re.UNICODE)  # tokens and what lies between
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_UNUSUAL = re.compile(r"[^\x20-\x7e\n\t]")  # all but printable ASCII, newline and tab
_QUOTE = re.compile(r"[\"“”]([^\"“”]{8,}?)[\"“”]")
MEMO = "_feature_memo"  # where `detector.analysis` keeps a document's per-document work


class TokenColumns(NamedTuple):
    """A document's tokens column by column: what `Document.tokens` holds row by row."""

    texts: list[str]
    lowers: list[str]
    starts: list[int]
    sentences: np.ndarray  # int64
    paragraphs: np.ndarray  # int64


class Token(NamedTuple):
    """A word or number with its lower-cased form (in one spelling, `detector.spelling`) and
    where it stands in the document."""

    text: str
    lower: str
    sentence: int
    paragraph: int
    start: int  # character offset in Document.text


@dataclass(frozen=True)
class Document:
    """A text split once into paragraphs, sentences and tokens.

    `sha256` is the hex digest of the bytes the text was read from ("" for a text that did
    not come from a file): what records carry so a report shows only the file that was scored.
    """

    text: str
    name: str = ""
    sha256: str = field(default="", compare=False)

    def __getstate__(self) -> dict:
        """Pickle without the features' memo: its keys are string hashes of this process."""
        state = dict(self.__dict__)
        state.pop(MEMO, None)
        return state

    @cached_property
    def paragraphs(self) -> list[str]:
        """Blank-line separated blocks; a file with single newlines only gets one per line."""
        blocks = [b.strip() for b in html.PARAGRAPH_BREAK.split(self.text) if b.strip()]
        if len(blocks) <= 1:
            blocks = [line.strip() for line in self.text.splitlines() if line.strip()]
        return blocks

    @cached_property
    def token_columns(self) -> TokenColumns:
        """The tokens as columns, built by C-level passes over the whole text (a regex
        split, cumulative lengths, a binary search for each token's sentence and paragraph)
        rather than a Python loop per token: tokenising is most of reading a pair."""
        text = self.text
        parts = _TOKEN_SPLIT.split(text)  # separator, token, separator, ..., separator
        texts = parts[1::2]
        offsets = list(accumulate(map(len, parts), initial=0))
        starts = offsets[1::2][: len(texts)]
        lowers, rows = VOCABULARY.lowers(texts)  # one spelling: "Jewellery" is "jewelry"
        self.__dict__.setdefault(MEMO, {})["rows"] = rows  # for the analysis' lookup of facts
        at, sentence_ids, paragraph_ids = [], [], []  # from each position on: sentence, paragraph
        sentence = offset = 0
        for p_index, paragraph in enumerate(self.paragraphs):
            offset = text.find(paragraph, offset)
            ends, position = [], 0  # where each sentence ends inside the paragraph
            for sent in split_sentences(paragraph):
                position = paragraph.find(sent, position) + len(sent)
                ends.append(position)
            for k, end in enumerate([0, *ends[:-1]]):
                at.append(offset + end)
                sentence_ids.append(sentence + k)
                paragraph_ids.append(p_index)
            sentence += max(len(ends), 1)
            offset += len(paragraph)
        where = np.searchsorted(np.asarray(at, dtype=np.int64), np.asarray(starts, dtype=np.int64),
                                side="right") - 1  # no token: no paragraph, both empty
        return TokenColumns(texts, lowers, starts, np.asarray(sentence_ids, dtype=np.int64)[where],
                            np.asarray(paragraph_ids, dtype=np.int64)[where])

    @cached_property
    def tokens(self) -> list[Token]:
        """All word and number tokens, in order."""
        c = self.token_columns
        return list(map(partial(tuple.__new__, Token),  # no Python-level constructor per token
                        zip(c.texts, c.lowers, c.sentences.tolist(), c.paragraphs.tolist(),
                            c.starts, strict=True)))

    @cached_property
    def words(self) -> list[str]:
        """Lower-cased tokens in one spelling (`detector.spelling`), the unit of alignment."""
        return self.token_columns.lowers

    @cached_property
    def n_sentences(self) -> int:
        sentences = self.token_columns.sentences
        return int(sentences[-1]) + 1 if sentences.size else 0

    @cached_property
    def language(self) -> str | None:
        """ISO 639 code of the text's language ("en"), None if too short to tell."""
        from detector.language import identify

        return identify(self.text, self.words)

    @cached_property
    def quotes(self) -> list[str]:
        """Quoted passages of eight characters or more, lower-cased."""
        return [q.lower() for q in _QUOTE.findall(self.text)]


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph at sentence-final punctuation followed by a capital or digit."""
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def normalise(text: str) -> str:
    """NFC-normalise, unify line ends and drop control characters other than newline and tab."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if text.replace("\n", "").replace("\t", "").isprintable():  # no control to drop (fast)
        return text
    drop = {ord(c): None for c in set(_UNUSUAL.findall(text))  # each looked up once
            if unicodedata.category(c)[0] == "C"}
    return text.translate(drop) if drop else text


def decode(data: bytes, name: str = "input") -> str:
    """A file's bytes as text: an HTML page's article (see `detector.html`), or a UTF-8 text.

    Refuses empty, binary and non-UTF-8 texts, and anything without a word, in one line.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    page = html.sniff(data)
    if page is not None:
        text = html.page_text(page)
    else:
        if html.looks_binary(data):
            raise InputError(f"{name}: looks like a binary file, expected UTF-8 text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(
                f"{name}: not valid UTF-8 (byte {err.start}); convert it, e.g. `iconv -t UTF-8`"
            ) from err
    text = normalise(text)
    if not _TOKEN.search(text):
        raise InputError(f"{name}: contains no words")
    return text


_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_CHUNK = 1 << 22


def read_bytes(path: str | Path, *, kind: str = "file", limit: int | None = None) -> bytes:
    """A regular file's bytes, or an `InputError` saying in one line why it cannot be read.

    The one reader of a user's file: articles, pairs files, results files and the originals
    of an index all come through here, so each failure reads the same (`kind` names the file
    in the message: "pairs file"). Only regular files are read: the file is opened without
    blocking (a FIFO with no writer would wait forever) and refused unless its open
    descriptor is a regular file, so FIFOs, devices (`/dev/zero` never ends) and sockets get
    one line. At most `limit` bytes are read, even from a file that grows meanwhile.
    """
    path = path if isinstance(path, Path) else Path(path)
    expected = "a text file" if kind == "file" else f"a {kind}"
    limit = MAX_BYTES if limit is None else limit
    too_large = f"too large for {'an article' if kind == 'file' else f'a {kind}'}"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError as err:
        raise InputError(f"{path}: {_dangling(path) or f'no such {kind}'}") from err
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a directory, expected {expected}") from err
    except PermissionError as err:
        raise InputError(f"{path}: permission denied") from err
    except OSError as err:  # a socket cannot be opened at all (ENXIO): say what it is
        try:
            what = _not_regular(os.stat(path).st_mode)
        except OSError:
            what = None
        reason = f"not a regular file ({what}); give {expected}" if what else (
            f"cannot read ({err.strerror or err})")
        raise InputError(f"{path}: {reason}") from err
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a directory, expected {expected}")
        what = _not_regular(info.st_mode)
        if what:
            raise InputError(f"{path}: not a regular file ({what}); give {expected}")
        if info.st_size > limit:
            raise InputError(f"{path}: {info.st_size} bytes is {too_large}")
        chunks, size = [], 0
        while size <= limit:  # one byte past the limit tells a file that grew while read
            chunk = os.read(fd, min(limit + 1 - size, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputError(f"{path}: more than {limit} bytes is {too_large}")
        return b"".join(chunks)
    except PermissionError as err:
        raise InputError(f"{path}: permission denied") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    finally:
        os.close(fd)


def _not_regular(mode: int) -> str | None:
    """What a file that is neither regular nor a directory is ("a FIFO"); None if it is."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((name for test, name in _NOT_REGULAR if test(mode)), "an unusual file")


def _dangling(path: Path) -> str | None:
    """What to say of a `path` that is not there: it may be a link to nothing (None if not)."""
    try:
        return f"broken link to {os.readlink(path)}, which does not exist"
    except OSError:  # not a link (or gone meanwhile)
        return None


def read_utf8(path: str | Path, *, kind: str) -> str:
    """A whole UTF-8 file of ours (pairs, results) as text, errors as one line."""
    data = read_bytes(path, kind=kind, limit=MAX_LIST_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: {kind} is not valid UTF-8 (byte {err.start})") from err


def read_document(path: str | Path) -> Document:
    """Read a UTF-8 text (or HTML) file into a `Document`, raising `InputError` if unusable."""
    path = Path(path)
    data = read_bytes(path)
    return Document(decode(data, str(path)), name=str(path), sha256=sha256_of(data))


def sha256_of(data: bytes) -> str:
    """The hex SHA-256 of a file's bytes, as records and the index store it."""
    return hashlib.sha256(data).hexdigest()
