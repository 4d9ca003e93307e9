"""Read `http(s)://` URLs as documents: fetch the bytes, then decode them as files are decoded.

A suspect or an original may be a URL wherever a file is read for scoring (`score`, `pairs`,
`scan --urls`). `read_input` is the one entry point: a URL is fetched here, anything else
goes to `text.read_document`. A fetch gives bytes and the charset the server declared; the
bytes go through `text.decode` (HTML reduced to its visible text, the same checks as files),
after transcoding to UTF-8 when the server declared another charset. Records name the URL
and carry the SHA-256 of the bytes fetched.

Fetching uses the standard library (`urllib`): only http and https, at most
`max_redirects` redirects (to http or https only), a timeout on connecting and on each read
and one on the whole download, at most `text.MAX_BYTES` bytes (as for a file), and a
User-Agent naming spundetect. Every failure is one `InputError` line naming the URL
(`URL: HTTP 404 Not Found`, `URL: timed out after 20 s`, `URL: too large (...)`).

Pages fetched are kept in a cache folder (`$XDG_CACHE_HOME/spundetect/pages`, else
`~/.cache/spundetect/pages`), one body and one metadata file per URL, named by the URL's
SHA-256, for `max_age` seconds (a day by default), so a re-run does not fetch again;
`Fetcher(cache_dir=None)` (`--no-cache`) neither reads nor writes it. `spundetect report`
shows a URL's text from the cache while the cached bytes still have the record's SHA-256.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from detector.errors import InputError
from detector.text import MAX_BYTES, Document, decode, read_bytes, read_document, sha256_of

# Who is asking, for the logs of the sites fetched from: replace the address with a page that
# says who runs the tool (`Fetcher(user_agent=...)`).
CONTACT = "https://spundetect.invalid/about-this-crawler"
TIMEOUT_S = 20.0  # connecting, and waiting for each piece of the response
TOTAL_TIMEOUT_S = 60.0  # the whole fetch: a server trickling bytes cannot hold a run
MAX_REDIRECTS = 5
CACHE_MAX_AGE_S = 24 * 3600
SCHEMES = ("http", "https")

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CHUNK = 1 << 16
_TEXT_TYPES = ("application/xhtml+xml", "application/xml")


def is_url(source: object) -> bool:
    """Whether `source` is a string spelt like a URL (`scheme://...`), not a path."""
    return isinstance(source, str) and bool(_URL.match(source))


def default_user_agent() -> str:
    """`spundetect/VERSION (+CONTACT)`."""
    from detector import __version__

    return f"spundetect/{__version__} (+{CONTACT})"


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/spundetect/pages`, or `~/.cache/spundetect/pages` without it."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spundetect" / "pages"


class Fetched(NamedTuple):
    """A page's bytes, the charset its server declared (None if none) and where it ended up."""

    data: bytes
    charset: str | None
    final_url: str
    cached: bool = False


def _redirects(limit: int):
    """A urllib handler that follows at most `limit` redirects, and only to http or https
    (urllib is imported here, on the first fetch: scoring files never pays for it)."""
    import urllib.request

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = limit
        max_repeats = min(limit, urllib.request.HTTPRedirectHandler.max_repeats)

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            scheme = urlsplit(newurl).scheme.lower()
            if scheme not in SCHEMES:
                raise InputError(f"{req.full_url}: redirected to a {scheme} URL; only http "
                                 "and https are fetched")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return Redirects()


@dataclass(frozen=True)
class Fetcher:
    """How URLs are fetched: limits, User-Agent and the page cache (None: no cache).

    Stores its settings only; `fetch` and `document` do the work. Picklable, so the
    processes of a batch fetch with the same settings. A whole page must come within
    `total_timeout` seconds: by default 3 times `timeout`, and at least `TOTAL_TIMEOUT_S`.
    """

    timeout: float = TIMEOUT_S
    total_timeout: float | None = None  # None: worked out from `timeout` (above)
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    user_agent: str = field(default_factory=default_user_agent)
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    max_age: float = CACHE_MAX_AGE_S

    def __post_init__(self) -> None:
        if self.total_timeout is None:
            object.__setattr__(self, "total_timeout", max(TOTAL_TIMEOUT_S, 3 * self.timeout))

    def document(self, url: str) -> Document:
        """The page at `url` as a `Document` named by the URL; `InputError` if unusable."""
        fetched = self.fetch(url)
        return page_document(url, fetched.data, fetched.charset)

    def fetch(self, url: str) -> Fetched:
        """The page's bytes, from the cache while it is fresh, else from the server."""
        _check_url(url)
        cache = self.cache
        if cache is not None:
            found = cache.get(url, self.max_age, self.max_bytes)
            if found is not None:
                return found
        fetched = self._download(url)
        if cache is not None:
            cache.put(url, fetched)
        return fetched

    @property
    def cache(self) -> PageCache | None:
        return None if self.cache_dir is None else PageCache(Path(self.cache_dir))

    def _download(self, url: str) -> Fetched:
        import http.client
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent, "Accept-Encoding": "identity",
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"})
        opener = urllib.request.build_opener(_redirects(self.max_redirects))
        deadline = time.monotonic() + self.total_timeout
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return self._read(url, response, deadline)
        except urllib.error.HTTPError as err:
            err.close()
            inf_msg = urllib.request.HTTPRedirectHandler.inf_msg
            if 300 <= err.code < 400 and inf_msg in str(err.msg):
                raise InputError(f"{url}: too many redirects (more than "
                                 f"{self.max_redirects})") from err
            raise InputError(f"{url}: HTTP {err.code} {err.reason}".rstrip()) from err
        except urllib.error.URLError as err:
            raise InputError(f"{url}: {self._why(err.reason)}") from err
        except (OSError, http.client.HTTPException, ValueError) as err:
            raise InputError(f"{url}: {self._why(err)}") from err

    def _read(self, url: str, response, deadline: float) -> Fetched:
        headers = response.headers
        encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise InputError(f"{url}: the server sent it compressed ({encoding}) though asked "
                             "not to")
        kind = headers.get_content_type()
        if not (kind.startswith("text/") or kind in _TEXT_TYPES or kind.endswith("+xml")):
            raise InputError(f"{url}: not a text or HTML page ({kind})")
        length = headers.get("Content-Length")
        if length and length.strip().isdigit() and int(length) > self.max_bytes:
            raise InputError(f"{url}: too large ({int(length)} bytes; the limit is "
                             f"{self.max_bytes})")
        chunks, size = [], 0
        while size <= self.max_bytes:  # one byte past the limit tells a page too large
            if time.monotonic() > deadline:
                raise InputError(f"{url}: timed out after {self.total_timeout:g} s")
            chunk = response.read1(min(_CHUNK, self.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > self.max_bytes:
            raise InputError(f"{url}: too large (more than {self.max_bytes} bytes)")
        return Fetched(b"".join(chunks), headers.get_content_charset(), response.geturl())

    def _why(self, reason: object) -> str:
        """What went wrong, in a few words, from what urllib raised."""
        import http.client
        import socket
        import ssl

        if isinstance(reason, TimeoutError):
            return f"timed out after {self.timeout:g} s"
        if isinstance(reason, ssl.SSLError):
            return f"TLS error ({reason.reason or reason})"
        if isinstance(reason, socket.gaierror):
            return f"cannot find the host ({reason.strerror or reason})"
        if isinstance(reason, ConnectionRefusedError):
            return "cannot connect (connection refused)"
        if isinstance(reason, OSError):
            return f"cannot fetch ({reason.strerror or reason})"
        if isinstance(reason, http.client.IncompleteRead):
            return "the connection closed before the whole page came"
        return f"cannot fetch ({reason})"


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as err:
        raise InputError(f"{url}: not a valid URL ({err})") from err
    if parts.scheme.lower() not in SCHEMES:
        raise InputError(f"{url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise InputError(f"{url}: no host name in the URL")


def page_document(url: str, data: bytes, charset: str | None) -> Document:
    """A fetched page as a `Document`: transcoded to UTF-8 if the server declared another
    charset (a byte-order mark wins), then through `text.decode` like a file's bytes."""
    utf8 = data
    if charset and not data.startswith(codecs.BOM_UTF8):
        try:
            codec = codecs.lookup(charset).name
        except LookupError as err:
            raise InputError(f"{url}: declares an unknown charset ({charset})") from err
        if codec not in ("utf-8", "ascii"):
            try:
                utf8 = data.decode(codec).encode("utf-8")
            except UnicodeDecodeError as err:
                raise InputError(f"{url}: not valid {charset} as declared (byte "
                                 f"{err.start})") from err
    return Document(decode(utf8, url), name=url, sha256=sha256_of(data))


def read_input(source: str | Path, fetcher: Fetcher | None = None) -> Document:
    """A suspect or an original: a URL (fetched with `fetcher`) or a file path."""
    if is_url(source):
        return (fetcher or Fetcher()).document(str(source))
    return read_document(source)


@dataclass(frozen=True)
class PageCache:
    """Fetched pages on disk: `KEY.body` (the bytes) and `KEY.json` (URL, charset, time,
    SHA-256), KEY the SHA-256 of the URL. Anything missing, stale or not matching is a miss."""

    folder: Path

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{key}.body", self.folder / f"{key}.json"

    def get(self, url: str, max_age: float | None = None,
            max_bytes: int = MAX_BYTES) -> Fetched | None:
        """The cached page, if there is one younger than `max_age` seconds (None: any age)."""
        body, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            age = time.time() - float(meta["fetched"])
            if meta["url"] != url or (max_age is not None and not -60 < age <= max_age):
                return None
            data = read_bytes(body, limit=max_bytes)
            if sha256_of(data) != meta["sha256"]:
                return None
            return Fetched(data, meta.get("charset"), str(meta.get("final_url") or url), True)
        except (OSError, ValueError, KeyError, TypeError, InputError):
            return None

    def put(self, url: str, fetched: Fetched) -> None:
        """Keep a fetched page; a cache that cannot be written is skipped, not an error."""
        body, meta_path = self._paths(url)
        meta = {"url": url, "final_url": fetched.final_url, "charset": fetched.charset,
                "fetched": time.time(), "sha256": sha256_of(fetched.data)}
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(body, fetched.data)
            _write_atomic(meta_path, json.dumps(meta).encode("utf-8"))

    def document(self, url: str, sha256: str) -> Document | None:
        """The cached page as a `Document` if its bytes have this SHA-256, at any age."""
        found = self.get(url)
        if found is None or sha256_of(found.data) != sha256:
            return None
        return page_document(url, found.data, found.charset)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see all or nothing."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
