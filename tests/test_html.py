"""HTML page -> main text: telling pages from texts, charsets, boilerplate left out."""

import pytest

from bench.html_pages import LAYOUTS, kept, page, sample_articles, score_copies
from detector import html
from detector.text import Document, decode
from tests.conftest import ORIGINAL, seed

ARTICLES = sample_articles(3)
CSS = "body { margin: 0; padding: 0; font-family: Georgia, serif; color: #222; }\n" * 70


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pages_keep_the_article_and_drop_the_boilerplate(layout):
    for _, paragraphs in ARTICLES:
        doc = page(paragraphs, layout)
        article, furniture = kept(paragraphs, html.page_text(doc), doc)
        assert article >= 0.9, layout
        assert furniture <= 0.1, layout


def test_a_copy_inside_any_layout_aligns_and_is_called_a_copy():
    """The whole path a user takes: a verbatim copy inside a page, scored against its article."""
    rows = [r for r in score_copies(ARTICLES) if r["extraction"] == "spundetect (now)"]
    assert [r["layout"] for r in rows] == list(LAYOUTS)
    for row in rows:
        assert row["aligned_min"] >= 0.9, row
        assert row["copies"] == row["n"], row


def test_the_article_keeps_its_paragraphs():
    _, paragraphs = ARTICLES[0]
    text = decode(page(paragraphs, "legacy").encode())  # <br><br> paragraphs in a table cell
    assert set(paragraphs) <= set(Document(text).paragraphs)


@pytest.mark.parametrize(
    "markup",
    [
        "<!DOCTYPE html><title>x</title><p>Hello.</p>",
        "<html><body><p>First.</p><p>Second.</p></body></html>",
        f"<style>{CSS}</style>\n<html><head></head><body><p>After the CSS.</p></body></html>",
        "<div><p>A fragment without html or body.</p><p>Second paragraph.</p></div>",
    ],
)
def test_pages_are_told_by_their_markup_anywhere(markup):
    assert len(CSS) > 5000
    assert html.sniff(markup.encode()) is not None


@pytest.mark.parametrize(
    "mention",
    [
        "The style guide asks writers to wrap each paragraph in a <p> tag.",
        "A page starts with <html> and ends with </html>, the trainer explained.",
        "Markdown keeps inline tags: a <b>bold</b> word, a <br> break, an <i>aside</i>.",
        "The council found that x < y and y > z, so 3 < 4 <= 5.",
    ],
)
def test_texts_that_mention_markup_stay_texts(mention):
    text = ORIGINAL.replace("\n\nCritics", f"\n\n{mention}\n\nCritics")
    assert not html.looks_like_html(text)
    assert html.sniff(text.encode()) is None


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b'<meta charset="windows-1252">', "cp1252"),
        (b"<meta charset=ISO-8859-1>", "cp1252"),  # browsers read Latin-1 as windows-1252
        (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">',
         "iso8859_15"),
        (b'<meta charset="Shift_JIS">', "shift_jis"),
        (b'<meta charset="utf-8">', "utf_8"),
        (b'<meta charset="utf-16">', "utf_8"),  # a page whose markup is ASCII is not UTF-16
        (b'<meta charset="no-such-charset">', None),
        (b'<meta charset="base64">', None),  # a codec, but not a text encoding
        (b"<title>no declaration</title>", None),
    ],
)
def test_declared_charset(head, codec):
    assert html.declared_charset(b"<html><head>" + head + b"</head></html>") == codec


def test_an_xml_declaration_names_the_charset():
    data = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<html><body></body></html>'
    assert html.declared_charset(data) == "iso8859_15"


def _page(body: str, head: str = "") -> str:
    return (f"<html><head>{head}<title>t</title></head><body><p>{body}</p>"
            "<p>A second paragraph of the story.</p></body></html>")


def test_a_windows_1252_page_decodes():
    data = _page("The café “Le Zinc” reopened on Monday.",
                 '<meta charset="windows-1252">').encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "The café “Le Zinc” reopened on Monday." in decode(data, "page.html")


def test_an_http_equiv_latin_1_page_after_css_decodes():
    data = (f"<style>{CSS}</style>" + _page(
        "Zoë met the café owner.",
        '<meta http-equiv="content-type" content="text/html; charset=iso-8859-1">')
            ).encode("latin-1")
    assert "Zoë met the café owner." in decode(data, "page.html")


def test_a_utf8_page_labelled_latin_1_reads_as_utf8():
    data = _page("The café reopened.", '<meta charset="iso-8859-1">').encode("utf-8")
    assert "The café reopened." in html.decode_page(data)


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_wins(codec):
    data = _page("The café reopened.", '<meta charset="windows-1252">').encode(codec)
    assert "The café reopened." in decode(data, "page.html")


def test_an_undeclared_non_utf8_page_is_guessed():
    data = _page("The café on the corner has been closed since Monday, the owner said."
                 ).encode("cp1252")
    assert "The café on the corner" in decode(data, "page.html")


def test_too_little_main_text_falls_back_to_every_tag(monkeypatch):
    doc = _page("Only a short note.")
    monkeypatch.setattr(html, "main_text", lambda page: "")
    assert html.page_text(doc) == "t\n\nOnly a short note.\n\nA second paragraph of the story."


def test_tag_text_drops_scripts_styles_and_comments():
    markup = ("<html><head><script>alert('x')</script><style>p{}</style></head>"
              "<body><!-- hidden --><p>First &amp; one.</p><p>Second\npara.</p></body></html>")
    assert html.tag_text(markup) == "First & one.\n\nSecond para."


def test_a_seed_in_a_heavy_page_is_a_copy_of_its_text(tmp_path):
    """End to end with the shipped model: the page is scored, not its furniture."""
    from detector import score_files

    plain = seed("000")
    text = plain.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    suspect = tmp_path / "page.html"
    suspect.write_bytes(page(paragraphs, "news", title="China’s Xi to meet Putin in Russia",
                             charset="windows-1252").encode("cp1252", "xmlcharrefreplace"))
    result = score_files(suspect, [plain])
    assert result.verdict == "copy"
    assert result.best.evidence["aligned_share"] >= 0.9
    assert result.language == "en"
    with pytest.raises(UnicodeDecodeError):
        suspect.read_bytes().decode("utf-8")


def _story(box: str) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLES[0][1])
    return f"<html><body><div class='story'>{paragraphs}{box}</div></body></html>"


@pytest.mark.parametrize("attrs", ["class='support-box'", "id='newsletter'",
                                   "class='author_bio card'", "class='box article-share'"])
def test_boxes_inside_the_story_are_left_out(attrs):
    box = (f"<div {attrs}>Our journalism depends on readers like you, so please sign up and "
           "give what you can every month to keep it free.</div>")
    text = html.page_text(_story(box))
    assert "journalism depends" not in text
    assert ARTICLES[0][1][0] in text


def test_a_story_named_like_furniture_is_kept():
    page_html = ("<html><body><div class='promo'>"
                 + "".join(f"<p>{t}</p>" for t in ARTICLES[0][1]) + "</div></body></html>")
    assert ARTICLES[0][1][-1] in html.main_text(page_html)  # not only in the fallback


def test_furniture_words_match_whole_words_only():
    text = html.page_text(_story("<div class='broadside'><p>A paragraph of the story that "
                                 "sits in a box whose class only contains a furniture word "
                                 "inside another word.</p></div>"))
    assert "inside another word" in text
