"""URLs as suspects and originals: `detector.fetch` and the commands that read through it.

Every page comes from a local HTTP server this module starts on 127.0.0.1 (never the
internet); it answers at most MAX_REQUESTS requests, and its slow pages give up after a few
seconds or as soon as the test ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from detector import cli
from detector.errors import InputError
from detector.fetch import (
    TOTAL_TIMEOUT_S,
    Fetcher,
    PageCache,
    default_cache_dir,
    is_url,
    read_input,
)
from detector.text import decode
from tests.conftest import INDEPENDENT, ORIGINAL, SPUN, UNRELATED

MAX_REQUESTS = 200
SLOW_S = 3.0  # the longest a slow page keeps a connection


def html_of(text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f"<html><body><nav>Home | World</nav>{paragraphs}</body></html>").encode()


class Site:
    """What the local server serves (path -> handler) and the requests it got."""

    def __init__(self):
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.stop = threading.Event()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(p == path for p, _ in self.requests)

    def page(self, path: str, body: bytes, kind: str = "text/html; charset=utf-8",
             status: int = 200, headers: dict | None = None) -> str:
        def send(h: BaseHTTPRequestHandler) -> None:
            h.send_response(status)
            h.send_header("Content-Type", kind)
            h.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(body)

        self.routes[path] = send
        return self.url(path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            site.requests.append((self.path, dict(self.headers)))
            route = site.routes.get(self.path)
            if len(site.requests) > MAX_REQUESTS:
                self.send_error(503, "test server: too many requests")
            elif route is None:
                self.send_error(404)
            else:  # a client giving up on a slow or huge page is what should happen
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def site():
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=SLOW_S + 1)


@pytest.fixture(autouse=True)
def local_only(monkeypatch, tmp_path):
    """A cache of this test's own, and no proxy between the test and its server."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


NO_CACHE = Fetcher(cache_dir=None)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- fetching ---------------------------------------------------------------------------------


def test_a_page_is_decoded_as_a_file_is(site):
    body = html_of(ORIGINAL)
    url = site.page("/a.html", body)
    doc = NO_CACHE.document(url)
    assert doc.name == url and doc.sha256 == sha(body)
    assert doc.text == decode(body, "a.html") and "Mayor Linda Park" in doc.text
    assert "<p>" not in doc.text
    assert read_input(url, NO_CACHE).text == doc.text
    agent = site.requests[0][1]["User-Agent"]
    assert agent.startswith("spundetect/0.1.0 (+https://") and agent.endswith(")")


def test_a_declared_charset_is_honoured(site):
    body = "Le café de la gare a rouvert à Paris, disent les habitants.".encode("latin-1")
    url = site.page("/fr.txt", body, kind="text/plain; charset=ISO-8859-1")
    doc = NO_CACHE.document(url)
    assert "café" in doc.text and doc.sha256 == sha(body)
    undeclared = site.page("/fr2.txt", body, kind="text/plain")
    with pytest.raises(InputError, match=r"fr2\.txt: not valid UTF-8"):
        NO_CACHE.document(undeclared)
    unknown = site.page("/fr3.txt", body, kind="text/plain; charset=x-no-such")
    with pytest.raises(InputError, match=r"unknown charset \(x-no-such\)"):
        NO_CACHE.document(unknown)


@pytest.mark.parametrize(("path", "status", "kind", "headers", "message"), [
    ("/missing", None, None, None, r"/missing: HTTP 404 Not Found$"),
    ("/boom", 500, "text/html", None, r"/boom: HTTP 500 Internal Server Error$"),
    ("/doc.pdf", 200, "application/pdf", None, r"not a text or HTML page \(application/pdf\)"),
    ("/gz", 200, "text/html", {"Content-Encoding": "gzip"}, r"compressed \(gzip\)"),
])
def test_what_cannot_be_read_is_one_line(site, path, status, kind, headers, message):
    url = site.url(path) if status is None else site.page(path, b"<p>words here</p>",
                                                          kind=kind, status=status,
                                                          headers=headers)
    with pytest.raises(InputError, match=message) as err:
        NO_CACHE.document(url)
    assert str(err.value).startswith(url) and "\n" not in str(err.value)


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://127.0.0.1/a.txt", "only http and https URLs"),
    ("file:///etc/passwd", "only http and https URLs"),
    ("http:///a.txt", "no host name"),
])
def test_only_http_and_https_urls_are_fetched(url, message):
    assert is_url(url)
    with pytest.raises(InputError, match=message):
        read_input(url, NO_CACHE)


def test_a_refused_connection_is_one_line():
    with socket.socket() as s:  # a port nobody listens on once this closes
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match=r"cannot connect"):
        NO_CACHE.document(f"http://127.0.0.1:{port}/a.html")


def test_a_silent_server_times_out(site):
    def silent(h):
        site.stop.wait(SLOW_S)

    site.routes["/silent"] = silent
    start = time.monotonic()
    with pytest.raises(InputError, match=r"/silent: timed out after 0\.3 s$"):
        Fetcher(timeout=0.3, cache_dir=None).document(site.url("/silent"))
    assert time.monotonic() - start < SLOW_S - 1


def test_the_whole_page_limit_follows_the_timeout_unless_given():
    assert Fetcher().total_timeout == TOTAL_TIMEOUT_S
    assert Fetcher(timeout=120).total_timeout == 360  # never less than the timeout itself
    assert Fetcher(timeout=120, total_timeout=5).total_timeout == 5


def test_a_trickling_server_hits_the_total_timeout(site):
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.end_headers()
        while not site.stop.wait(0.05):  # a word every 50 ms, never done (until the test is)
            h.wfile.write(b"word ")
            h.wfile.flush()

    site.routes["/trickle"] = trickle
    start = time.monotonic()
    with pytest.raises(InputError, match=r"/trickle: timed out after 0\.5 s$"):
        Fetcher(timeout=1.0, total_timeout=0.5, cache_dir=None).document(site.url("/trickle"))
    assert time.monotonic() - start < SLOW_S - 1


def test_a_page_over_the_size_limit_is_refused(site):
    limit = Fetcher(max_bytes=1000, cache_dir=None)
    declared = site.page("/big.html", b"<p>" + b"word " * 1000 + b"</p>")
    with pytest.raises(InputError, match=r"too large \(5007 bytes; the limit is 1000\)"):
        limit.document(declared)

    def endless(h):  # no Content-Length: the page ends when the connection does
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.end_headers()
        for _ in range(64):  # 4 MB at most
            h.wfile.write(b"word " * 13107)

    site.routes["/endless"] = endless
    with pytest.raises(InputError, match=r"/endless: too large \(more than 1000 bytes\)"):
        limit.document(site.url("/endless"))
    exact = site.page("/exact.txt", b"w" * 1000, kind="text/plain")
    assert limit.document(exact).text == "w" * 1000


def test_redirects_are_followed_a_few_times_and_only_to_http(site):
    body = html_of(ORIGINAL)
    site.page("/a.html", body)
    site.page("/old", b"", status=301, headers={"Location": "/a.html"})
    doc = NO_CACHE.document(site.url("/old"))
    assert doc.name == site.url("/old") and doc.sha256 == sha(body)

    def loop(h):
        n = int(h.path.rsplit("/", 1)[1])
        h.send_response(302)
        h.send_header("Location", f"/loop/{n + 1}")
        h.end_headers()

    for n in range(10):
        site.routes[f"/loop/{n}"] = loop
    with pytest.raises(InputError, match=r"/loop/0: too many redirects \(more than 3\)"):
        Fetcher(max_redirects=3, cache_dir=None).document(site.url("/loop/0"))
    assert sum(p.startswith("/loop/") for p, _ in site.requests) == 4
    site.page("/to-ftp", b"", status=302, headers={"Location": "ftp://127.0.0.1/x"})
    with pytest.raises(InputError, match=r"redirected to a ftp URL"):
        NO_CACHE.document(site.url("/to-ftp"))
    site.page("/to-file", b"", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(InputError, match=r"/to-file: HTTP 302"):
        NO_CACHE.document(site.url("/to-file"))


# --- the page cache ---------------------------------------------------------------------------


def test_the_cache_keeps_pages_for_max_age(site, tmp_path):
    body = html_of(ORIGINAL)
    url = site.page("/a.html", body)
    cached = Fetcher(cache_dir=tmp_path / "pages")
    first, second = cached.fetch(url), cached.fetch(url)
    assert site.count("/a.html") == 1 and not first.cached and second.cached
    assert cached.document(url) == NO_CACHE.document(url)  # the last one fetches
    assert site.count("/a.html") == 2
    Fetcher(cache_dir=tmp_path / "pages", max_age=0).fetch(url)  # stale at once: fetched
    assert site.count("/a.html") == 3
    for body_file in (tmp_path / "pages").glob("*.body"):  # damage: fetched again
        body_file.write_bytes(b"<p>something else</p>")
    assert cached.fetch(url).data == body and site.count("/a.html") == 4
    assert PageCache(tmp_path / "pages").document(url, sha(body)).text == decode(body, "x")
    assert PageCache(tmp_path / "pages").document(url, sha(b"other")) is None


def test_failures_are_not_cached_and_no_cache_writes_nothing(site, tmp_path):
    cached = Fetcher(cache_dir=tmp_path / "pages")
    for _ in range(2):
        with pytest.raises(InputError, match="HTTP 404"):
            cached.fetch(site.url("/missing"))
    assert site.count("/missing") == 2
    url = site.page("/a.html", html_of(ORIGINAL))
    NO_CACHE.fetch(url)
    NO_CACHE.fetch(url)
    assert site.count("/a.html") == 2 and not list(default_cache_dir().parent.glob("**/*"))


def test_the_default_cache_is_under_xdg_cache_home(tmp_path, monkeypatch):
    assert default_cache_dir() == tmp_path / "cache" / "spundetect" / "pages"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "spundetect" / "pages"
    assert Fetcher().cache_dir == default_cache_dir()


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def run(tiny_model_dir, capsys):
    def _run(*argv):
        code = cli.main(["--model", str(tiny_model_dir), *map(str, argv)])
        out, err = capsys.readouterr()
        return code, out, err
    return _run


@pytest.fixture
def pages(site):
    """The fixture articles served as HTML pages: name -> URL."""
    texts = {"original": ORIGINAL, "spun": SPUN, "independent": INDEPENDENT,
             "unrelated": UNRELATED}
    return {name: site.page(f"/{name}.html", html_of(text)) for name, text in texts.items()}


def test_score_urls_against_urls_and_files(run, site, pages, article_files):
    code, out, err = run("score", pages["spun"], "--against", pages["original"],
                         article_files["unrelated"], "--json")
    record = json.loads(out)
    assert code == 0 and err == ""
    assert record["suspect"] == pages["spun"] and record["source"] == pages["original"]
    assert record["verdict"] == "spun"
    assert record["suspect_sha256"] == sha(html_of(SPUN))
    assert {c["original"] for c in record["candidates"]} == {
        pages["original"], str(article_files["unrelated"])}
    code, out, _ = run("score", pages["spun"], "--against", pages["original"])
    assert code == 0 and f"suspect:   {pages['spun']}" in out
    assert site.count("/spun.html") == 1  # the second run read the cache


def test_score_fetches_again_with_no_cache(run, site, pages):
    for _ in range(2):
        assert run("score", pages["spun"], "--against", pages["original"], "--no-cache",
                   "--json")[0] == 0
    assert site.count("/spun.html") == 2 and site.count("/original.html") == 2
    assert not default_cache_dir().exists()


def test_score_a_bad_url_exits_2_with_one_line(run, site, pages):
    code, out, err = run("score", site.url("/gone.html"), "--against", pages["original"])
    assert code == 2 and out == ""
    assert err == f"spundetect: error: {site.url('/gone.html')}: HTTP 404 Not Found\n"
    site.routes["/silent"] = lambda h: site.stop.wait(SLOW_S)
    code, _, err = run("score", pages["spun"], "--against", site.url("/silent"),
                       "--timeout", "0.3")
    assert code == 2 and err.endswith("/silent: timed out after 0.3 s\n")
    with pytest.raises(SystemExit):
        run("score", pages["spun"], "--against", pages["original"], "--timeout", "0")


def test_pairs_file_with_urls(run, site, pages, article_files, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{pages['spun']}\t{pages['original']}\n"
                     f"{site.url('/gone.html')}\t{pages['original']}\n"
                     f"{article_files['original']}\t{pages['original']}\n")
    code, out, err = run("pairs", pairs, "--jobs", "1")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and "3 records" in err
    assert [r["verdict"] for r in records] == ["spun", "error", "copy"]
    assert records[0]["suspect"] == pages["spun"] and records[0]["original"] == pages["original"]
    assert records[1]["error"].endswith("/gone.html: HTTP 404 Not Found")
    assert site.count("/original.html") == 1  # fetched once, then from the cache


@pytest.fixture
def index(tmp_path, texts):
    from detector.index import build

    originals = tmp_path / "originals"
    originals.mkdir()
    for name in ("original", "unrelated"):
        (originals / f"{name}.txt").write_text(texts[name])
    location = tmp_path / "ref.sqlite"
    build(sorted(originals.iterdir()), location, jobs=1)[0].close()
    return location


def test_scan_a_list_of_urls_and_resume_it(run, site, pages, article_files, index, tmp_path):
    listed = tmp_path / "suspects.txt"
    listed.write_text(f"# suspects found on the web\n{pages['spun']}\n\n{pages['independent']}\n"
                      f"{site.url('/gone.html')}\n{article_files['original']}\n{pages['spun']}\n")
    out = tmp_path / "scan.jsonl"
    code, _, err = run("scan", "--urls", listed, "--index", index, "--out", out, "--jobs", "1")
    records = {r["name"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert code == 2 and "scanned 4 suspects, 1 spun, 0 rewritten, 1 copy, 1 error" in err
    assert list(records) == [pages["spun"], pages["independent"], site.url("/gone.html"),
                             str(article_files["original"])]
    assert records[pages["spun"]]["suspect"] == pages["spun"]
    assert records[pages["spun"]]["verdict"] == "spun"
    assert records[pages["spun"]]["source"].endswith("original.txt")
    assert records[site.url("/gone.html")]["error"].endswith("HTTP 404 Not Found")
    assert records[str(article_files["original"])]["verdict"] == "copy"
    # Resumed: the three scored are skipped, the failed one is not fetched again either.
    kept = out.read_text().splitlines()
    out.write_text("\n".join(kept[:2]) + "\n")
    before = len(site.requests)
    code, _, err = run("scan", "--urls", listed, "--index", index, "--out", out, "--resume",
                       "--jobs", "1")
    assert code == 2 and "scanned 4 suspects (2 from an earlier run)" in err
    assert [p for p, _ in site.requests[before:]] == ["/gone.html"]
    assert len(out.read_text().splitlines()) == 4


def test_scan_takes_a_folder_or_a_list_not_both(run, index, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        run("scan", tmp_path, "--urls", tmp_path / "x.txt", "--index", index)
    assert exc.value.code == 2 and "not allowed with" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("scan", "--index", index)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n")
    code, _, err = run("scan", "--urls", empty, "--index", index)
    assert code == 2 and "lists no suspects" in err
    code, _, err = run("scan", "--urls", empty, "--index", index, "--out", empty, "--force")
    assert code == 2 and "is the list of suspects" in err


def test_report_shows_a_page_from_the_cache(run, pages, index, tmp_path):
    from detector.api import write_report

    out = tmp_path / "one.json"
    code, text, _ = run("score", pages["spun"], "--index", index, "--json")
    out.write_text(text)
    assert code == 0
    html = tmp_path / "r.html"
    assert write_report(out, html) == []
    page = html.read_text()
    assert 'data-orig="voted">elected</mark>' in page  # the spun page's text, swaps marked
    for body in default_cache_dir().glob("*.body"):  # the page changed since: not shown
        body.write_bytes(b"<p>another text</p>")
    write_report(out, html, force=True)
    assert "not in the page cache as it was scored" in html.read_text()


def test_score_a_url_as_a_process(tiny_model_dir, pages, article_files, tmp_path):
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "spundetect"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "detector.cli"]
    done = subprocess.run([*command, "--model", str(tiny_model_dir), "score", pages["spun"],
                           "--against", str(article_files["original"]), "--json"],
                          capture_output=True, text=True, timeout=60, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["suspect"] == pages["spun"]
    assert list((tmp_path / "cache" / "spundetect" / "pages").glob("*.body"))


def test_scan_urls_against_a_partitioned_index_fetches_with_the_options(run, site, pages,
                                                                        texts, tmp_path):
    """--no-cache and --timeout reach the workers that read the suspects of a partitioned
    scan, as they reach those of a SQLite one."""
    pytest.importorskip("distributed")
    from detector.index.partitioned import build_partitioned

    originals = tmp_path / "originals"
    originals.mkdir()
    for name in ("original", "unrelated"):
        (originals / f"{name}.txt").write_text(texts[name])
    location = tmp_path / "ref.parquet"
    build_partitioned(sorted(originals.iterdir()), location, jobs=1)
    site.routes["/silent"] = lambda h: site.stop.wait(SLOW_S)
    listed = tmp_path / "suspects.txt"
    listed.write_text(f"{pages['spun']}\n{site.url('/silent')}\n")
    for k in range(2):
        out = tmp_path / f"scan{k}.jsonl"
        code, _, err = run("scan", "--urls", listed, "--index", location, "--out", out,
                           "--jobs", "1", "--no-cache", "--timeout", "0.3")
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert code == 2, err
        assert [r["verdict"] for r in records] == ["spun", "error"]
        assert records[1]["error"].endswith("/silent: timed out after 0.3 s")
    assert site.count("/spun.html") == 2  # fetched by each scan: no cache
    assert not default_cache_dir().exists()


def test_pairs_format_pan_fetches_with_the_options(run, site, pages, tmp_path):
    """--no-cache and --timeout reach the workers of `pairs --format pan` too."""
    site.routes["/silent"] = lambda h: site.stop.wait(SLOW_S)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{pages['spun']}\t{pages['original']}\n"
                     f"{site.url('/silent')}\t{pages['original']}\n")
    for k in range(2):
        code, _, err = run("pairs", pairs, "--jobs", "1", "--format", "pan",
                           "--out", tmp_path / f"pan{k}", "--no-cache", "--timeout", "0.3")
        assert code == 2 and "/silent: timed out after 0.3 s" in err
        assert len(list((tmp_path / f"pan{k}").glob("*.xml"))) == 1
    assert site.count("/spun.html") == 2  # fetched by each run: no cache
    assert not default_cache_dir().exists()


def test_scan_index_passes_its_fetcher_to_a_partitioned_scan(site, pages, texts, tmp_path,
                                                            tiny_model_dir):
    """`scan_index(..., fetcher=)` fetches with that fetcher against a partitioned index too."""
    pytest.importorskip("distributed")
    from detector import Detector, scan_index
    from detector.index.partitioned import build_partitioned
    from detector.model import load_model

    originals = tmp_path / "originals"
    originals.mkdir()
    (originals / "original.txt").write_text(texts["original"])
    location = tmp_path / "ref.parquet"
    build_partitioned(sorted(originals.iterdir()), location, jobs=1)
    site.routes["/silent"] = lambda h: site.stop.wait(SLOW_S)
    records = list(scan_index([site.url("/silent")], str(location), jobs=1,
                              detector=Detector(model=load_model(tiny_model_dir)),
                              fetcher=Fetcher(timeout=0.3, cache_dir=None)))
    assert [r["verdict"] for r in records] == ["error"]
    assert records[0]["error"].endswith("/silent: timed out after 0.3 s")
