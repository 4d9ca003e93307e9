"""HTML page -> main text: tell a page from a text, decode its bytes, keep only the article.

`detector.text.decode` calls these for a file that is a web page; everything else in
spundetect only ever sees the `Document` made from what `page_text` returns.

- `sniff(data)`: the page's text if the bytes are an HTML page, else None. Decided by the
  markup itself (a doctype, html/head/body tags, or block tags dense for the length),
  anywhere in the first 256 KB: a page may start with 5 KB of inline CSS, and a plain-text
  article that mentions `<p>` once is still a text.
- `decode_page(data)`: by byte-order mark, then the charset the page declares
  (`<meta charset>`, `http-equiv` Content-Type, an XML declaration), then UTF-8, then a
  guess (charset_normalizer). Plain texts are not decoded here: they stay strict UTF-8.
- `page_text(page)`: the article, without navigation, cookie banners, ads, related links,
  comments and footers, by trafilatura (`python -m bench.html_pages` measures it); the
  visible text of every tag (`tag_text`) when trafilatura finds too little.
"""

from __future__ import annotations

import codecs
import functools
import html as html_lib
import re

# Tags of HTML elements (opening or closing) that pages are made of.
_ELEMENT = re.compile(
    r"<(/?)(html|head|body|title|meta|link|script|style|p|div|span|a|br|hr|img|ul|ol|li|dl|dt|"
    r"dd|h[1-6]|table|thead|tbody|tr|td|th|article|section|nav|header|footer|main|aside|form|"
    r"input|button|label|select|textarea|b|i|u|em|strong|small|font|center|iframe|noscript|"
    r"figure|figcaption|picture|source|time|blockquote|pre|code|svg)\b[^<>]{0,2000}?/?>",
    re.IGNORECASE)
_STRUCTURE = frozenset({"html", "head", "body"})
_BLOCKS = frozenset("p div br hr li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table tr td th article "
                    "section nav header footer main aside form blockquote pre figure".split())
_DOCTYPE = re.compile(rb"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html\b",
                      re.IGNORECASE | re.DOTALL)
MIN_TAGS = 4  # fewer tags than this is a text that mentions markup, not a page
MIN_TAGS_PER_KB = 1.0  # without html/head/body: block tags per 1,000 characters
SNIFF_BYTES = 262_144  # how much of a file is looked at to tell a page

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)",
                           re.IGNORECASE)
_XML_ENCODING = re.compile(rb"\A\s*<\?xml[^>]*encoding\s*=\s*[\"']([a-z0-9_.:-]+)", re.IGNORECASE)
DECLARATION_SCAN = 65_536  # where a declaration is looked for: the head, after inline CSS too
# What browsers read for these labels (WHATWG Encoding): Latin-1 and ASCII mean windows-1252.
_BROWSER_LABELS = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252",
                   "iso8859_9": "cp1254", "iso8859_11": "cp874", "utf_16": "utf_8",
                   "utf_16_le": "utf_8", "utf_16_be": "utf_8"}

MIN_MAIN_WORDS = 25  # trafilatura's text shorter than this (and than MIN_MAIN_SHARE) is a miss
MIN_MAIN_SHARE = 0.1  # of the page's visible words
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>",
                  re.IGNORECASE | re.DOTALL)
_BLOCK = re.compile(r"</?(p|div|br|h[1-6]|li|article|section|tr|table|blockquote|header|footer|"
                    r"nav|aside|main|ul|ol|dt|dd|pre|figure|figcaption|title)\b[^>]*>",
                    re.IGNORECASE)
_XML_BLOCK = re.compile(r"</?(doc|main|p|head|list|item|table|row|cell|quote|code|lb)\b[^>]*>")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")  # a blank line ends a paragraph, of a page or a text
# Class and id words of boxes that sit inside a story but are not part of it (membership
# appeals, newsletter sign-ups, author bios, ads, share bars, related links, consent banners):
# such an element is dropped before extraction when its class or id has one of them as a word
# (`support-box`, `ad`, `article-share`); trafilatura keeps some of them as article text.
FURNITURE_WORDS = ("support", "donate", "donation", "appeal", "newsletter", "subscribe",
                   "subscription", "paywall", "promo", "bio", "sponsored", "advert",
                   "advertisement", "ad", "ads", "related", "cookie", "consent", "share",
                   "social", "side", "sidebar")
MAX_FURNITURE_SHARE = 0.3  # an element holding more of the page's text than this is kept


def looks_like_html(text: str) -> bool:
    """Whether `text` is markup: a page's skeleton, or block elements dense for its length.

    Inline tags (`<b>`, `<a>`) alone do not make a page: Markdown and plain texts carry some.
    """
    tags = [(m.group(1), m.group(2).lower()) for m in _ELEMENT.finditer(text)]
    if len(tags) < MIN_TAGS or not any(closing for closing, _ in tags):
        return False
    if _STRUCTURE & {name for closing, name in tags if not closing}:
        return True
    blocks = [closing for closing, name in tags if name in _BLOCKS]
    return (len(blocks) >= MIN_TAGS and any(blocks)
            and len(blocks) * 1000 / len(text) >= MIN_TAGS_PER_KB)


def looks_binary(data: bytes) -> bool:
    """Whether `data` has a NUL byte in its first 8 KB: a binary file, neither text nor page."""
    return b"\x00" in data[:8192]


def sniff(data: bytes) -> str | None:
    """The page as text if `data` is an HTML page, else None (a plain text, or not text)."""
    for bom, _ in _BOMS[1:]:  # UTF-16 and UTF-32 pages would not survive the checks below
        if data.startswith(bom):
            text = decode_page(data)
            return text if looks_like_html(text) else None
    if looks_binary(data):
        return None
    if _DOCTYPE.match(data):
        return decode_page(data)
    # Markup is ASCII in every charset a page may use: look at the bytes as Latin-1.
    view = data[:SNIFF_BYTES].decode("latin-1")
    return decode_page(data) if looks_like_html(view) else None


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset the page declares, as a browser reads it (or None)."""
    head = data[:DECLARATION_SCAN]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name.replace("-", "_")
        b"x".decode(name, "ignore")  # a text encoding, not a bytes codec such as base64
    except (LookupError, UnicodeDecodeError):
        return None
    return _BROWSER_LABELS.get(name, name)


def decode_page(data: bytes) -> str:
    """A page's bytes as text: BOM, declared charset, UTF-8, then charset_normalizer's guess.

    A page declaring a legacy charset (windows-1252, Shift JIS ...) whose bytes are valid
    UTF-8 with non-ASCII letters is read as UTF-8: it was saved as UTF-8 under an old
    template's label (legacy text is almost never valid UTF-8 by chance), and reading it as
    declared would garble every accent.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = declared_charset(data)
    if declared and declared not in ("utf_8", "utf_8_sig"):
        legacy = not declared.startswith("utf")
        if not (legacy and not data.isascii() and _is_utf8(data)):
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for undeclared, non-UTF-8 pages

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("cp1252", errors="replace")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def page_text(page: str) -> str:
    """The article of an HTML page, paragraphs separated by blank lines.

    trafilatura's main-text extraction; the visible text of every tag (`tag_text`) when it
    finds nothing or fewer than MIN_MAIN_WORDS words and less than MIN_MAIN_SHARE of them.
    """
    main = main_text(page)
    words = len(_WORD.findall(main))
    if words >= MIN_MAIN_WORDS:
        return main
    visible = tag_text(page)
    if words and words >= MIN_MAIN_SHARE * len(_WORD.findall(visible)):
        return main
    return visible


def main_text(page: str) -> str:
    """trafilatura's main text of `page` ("" if it finds none), one paragraph a block."""
    import trafilatura  # 0.5 s to import: only pages pay for it
    from trafilatura.utils import load_html

    try:  # XML keeps what txt flattens: the paragraphs inside a layout table's cell
        tree = load_html(page)
        if tree is None:
            return ""
        drop_furniture(tree)
        xml = trafilatura.extract(tree, output_format="xml", include_comments=False,
                                  include_tables=True, include_images=False,
                                  include_links=False, with_metadata=False, deduplicate=False)
    except (ValueError, TypeError, RecursionError):  # a page lxml cannot parse at all
        return ""
    return _blocks(_XML_BLOCK.sub("\n\n", xml or ""))


@functools.cache
def _furniture_xpath():
    """XPath of the elements whose class or id has a word of FURNITURE_WORDS (compiled once)."""
    from lxml import etree

    tests = []
    for word in FURNITURE_WORDS:
        for attr in ("class", "id"):
            padded = f"concat(' ', translate(normalize-space(@{attr}), '_', '-'), ' ')"
            tests += [f"contains({padded}, ' {word} ')", f"contains({padded}, ' {word}-')",
                      f"contains({padded}, '-{word} ')"]
    return etree.XPath("//body//*[not(self::article or self::main)][" + " or ".join(tests) + "]")


def drop_furniture(tree) -> None:
    """Remove from `tree` (lxml) the in-story boxes FURNITURE_WORDS names, never one that holds
    more than MAX_FURNITURE_SHARE of the page's text (a site that names its story `promo`)."""
    total = len(_WORD.findall(tree.text_content()))
    for element in _furniture_xpath()(tree):
        if len(_WORD.findall(element.text_content())) <= MAX_FURNITURE_SHARE * total:
            element.drop_tree()



def tag_text(page: str) -> str:
    """Visible text of every tag, block elements as paragraphs (scripts and styles dropped)."""
    return _blocks(_BLOCK.sub("\n\n", page))


def _blocks(marked: str) -> str:
    """Text between tags, one paragraph per block that `marked` separates by blank lines."""
    text = html_lib.unescape(_TAG.sub(" ", marked))
    blocks = (re.sub(r"\s+", " ", b).strip() for b in PARAGRAPH_BREAK.split(text))
    return "\n\n".join(b for b in blocks if b)
