"""Real-looking web pages around a known article, and how much of it each extraction keeps.

A scraped news page carries far more than its article: navigation, a cookie banner, ads,
share buttons, related links, a comments section, a newsletter box, a footer, inline CSS
and scripts. `page(article, layout)` wraps an article's paragraphs in one of four layouts
written after common sites (a news site with `<article>`, a blog with a sidebar and
comments, a portal whose 5 KB of inline CSS comes before `<html>`, a legacy table page
with `<br>` paragraphs). Every piece of furniture is a known string, so `measure` can tell
what an extraction kept of the article and what it let through of the rest.

    python -m bench.html_pages          # the table quoted in README.md (Dependencies)
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "originals"
LAYOUTS = ("news", "blog", "portal", "magazine", "legacy")

NAV = ["Home", "World", "Politics", "Business", "Technology", "Science", "Health", "Sports",
       "Entertainment", "Opinion", "Video", "Podcasts", "Subscribe", "Sign in"]
COOKIE = ("We use cookies and similar technologies to improve your experience, personalise "
          "content and ads, and analyse our traffic. By clicking Accept all you agree to the "
          "storing of cookies on your device.")
COOKIE_BUTTONS = ["Accept all", "Reject all", "Manage preferences"]
ADS = ["Advertisement",
       "Sponsored: This simple trick helps homeowners cut their energy bills in half",
       "Sponsored: Doctors are stunned by what this morning drink does for your joints",
       "Sponsored: The new electric SUV everyone is talking about is finally here"]
SHARE = ["Share on Facebook", "Share on Twitter", "Share by email", "Copy link"]
RELATED = ["Stocks slide as investors weigh new inflation figures",
           "Heavy rain brings flooding to coastal towns for a second day",
           "Championship side signs striker on a three year deal",
           "Five things to know about the new tax rules before you file",
           "Police appeal for witnesses after late night collision",
           "Museum reopens its doors after a two year renovation"]
MOST_READ = ["Hollywood couple announce surprise split after ten years",
             "Why thousands of travellers are stuck at the airport this weekend",
             "The one kitchen gadget chefs say you should never buy",
             "Council confirms date for the annual summer festival"]
COMMENTS = [("jsmith42", "This is exactly what I expected would happen, nobody in charge "
                         "ever listens to the people who actually live here."),
            ("Maria T.", "Thank you for the clear reporting. I would love to see a follow up "
                         "piece on what happens next and who pays for it."),
            ("oldtimer", "Same story every year and nothing changes. Wake me up when somebody "
                         "is finally held responsible for this mess."),
            ("K. Obuya", "Does anyone know where the full statement can be read? The quotes "
                         "here seem to leave out quite a lot of the context.")]
NEWSLETTER = ("Get the morning briefing delivered to your inbox every weekday. Sign up for our "
              "free newsletter and never miss a story.")
FOOTER = ["About us", "Contact", "Careers", "Advertise with us", "Terms of use",
          "Privacy policy", "Cookie settings", "Accessibility"]
COPYRIGHT = "© 2024 The Daily Courier Media Group. All rights reserved."
APPEAL = ("Our journalism depends on readers like you. For less than the price of a coffee a week "
          "you can support independent reporting and get unlimited access to every story.")
BIO = ("Sam Reyes is a senior correspondent covering courts, politics and public safety. "
       "Before joining the Courier she reported for regional papers across the Midwest.")
TEASERS = [("Hospital waiting lists grow again despite new funding", "Health officials said on "
            "Monday that the number of patients waiting longer than a year has risen for a "
            "third month in a row."),
           ("Airport strike called off after last minute talks", "Union leaders said the "
            "agreement reached late on Sunday would be put to members in a vote next week.")]
SIDEBAR = ["Recent posts", "Archives", "Categories", "Tags: politics, economy, local news, "
           "weather, courts"]

CSS = "\n".join(
    f".c{k} {{ margin: {k % 7}px {k % 5}px; padding: 0 {k % 3}px; color: #{k * 37 % 4096:03x}; "
    f"font: {12 + k % 6}px/1.{k % 9} Georgia, serif; }}" for k in range(80))
SCRIPT = ("window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} "
          "gtag('js', new Date()); gtag('config', 'G-XXXX'); var ads = {slot: 'top', "
          "sizes: [[728, 90], [970, 250]], targeting: {section: 'news'}};")
JSON_LD = ('{"@context": "https://schema.org", "@type": "NewsArticle", '
           '"publisher": {"@type": "Organization", "name": "The Daily Courier"}}')


def boilerplate() -> list[str]:
    """Every piece of furniture text the layouts put on a page (what an extraction should drop)."""
    return [COOKIE, *ADS[1:], *RELATED, *MOST_READ, *(c for _, c in COMMENTS), NEWSLETTER,
            COPYRIGHT, " | ".join(NAV), " | ".join(FOOTER), APPEAL, BIO,
            *(f"{h} {t}" for h, t in TEASERS)]


def _links(items: list[str], cls: str) -> str:
    return f'<ul class="{cls}">' + "".join(
        f'<li><a href="/{re.sub(r"[^a-z]+", "-", t.lower())}">{html.escape(t)}</a></li>'
        for t in items) + "</ul>"


def _comments() -> str:
    return ('<section id="comments" class="comments"><h3>4 comments</h3>' + "".join(
        f'<div class="comment"><span class="author">{html.escape(a)}</span> '
        f'<time>2 hours ago</time><p>{html.escape(t)}</p><a href="#">Reply</a></div>'
        for a, t in COMMENTS) + '<form><textarea placeholder="Join the discussion"></textarea>'
        '<button>Post comment</button></form></section>')


def _head(title: str, charset: str) -> str:
    return (f'<head><meta charset="{charset}"><title>{html.escape(title)} | The Daily Courier'
            f'</title><meta name="viewport" content="width=device-width"><style>{CSS}</style>'
            f'<script>{SCRIPT}</script><script type="application/ld+json">{JSON_LD}</script>'
            '</head>')


def _furniture_top() -> str:
    return (f'<div id="cookie-banner" class="consent"><p>{COOKIE}</p>'
            + "".join(f"<button>{b}</button>" for b in COOKIE_BUTTONS) + "</div>"
            '<header><a class="logo" href="/">The Daily Courier</a>'
            f'<nav>{_links(NAV, "menu")}</nav></header>'
            f'<div class="ad ad-top"><span>{ADS[0]}</span><a href="#">{ADS[1]}</a></div>')


def _furniture_bottom() -> str:
    return (f'<div class="share">{_links(SHARE, "share")}</div>'
            f'<aside class="related"><h2>Related stories</h2>{_links(RELATED, "related")}</aside>'
            f'<div class="ad"><span>{ADS[0]}</span><a href="#">{ADS[2]}</a></div>'
            f'{_comments()}'
            f'<div class="newsletter"><h3>Newsletter</h3><p>{NEWSLETTER}</p>'
            '<input type="email" placeholder="Your email"><button>Sign up</button></div>'
            f'<footer>{_links(FOOTER, "footer")}<p>{COPYRIGHT}</p></footer>'
            f'<script>{SCRIPT}</script>')


def page(paragraphs: list[str], layout: str = "news", *, title: str = "",
         charset: str = "utf-8") -> str:
    """An HTML page with `paragraphs` as its article, laid out as `layout` (see LAYOUTS)."""
    title = title or " ".join(paragraphs[0].split()[:9])
    body = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if layout == "news":
        inner = "".join(body[:3]) + (f'<div class="ad inline"><span>{ADS[0]}</span>'
                                     f'<a href="#">{ADS[3]}</a></div>') + "".join(body[3:])
        return ("<!DOCTYPE html><html lang=\"en\">" + _head(title, charset) + "<body>"
                + _furniture_top() + '<main><article class="story">'
                f'<h1>{html.escape(title)}</h1><p class="byline">By Staff Reporter | '
                'Updated 14 March 2024, 09:12</p>' + inner + "</article></main>"
                + _furniture_bottom() + "</body></html>")
    if layout == "blog":
        sidebar = "".join(f"<div class=\"widget\"><h4>{s}</h4></div>" for s in SIDEBAR)
        return ("<!DOCTYPE html><html>" + _head(title, charset) + "<body class=\"single-post\">"
                + _furniture_top() + '<div class="wrap"><div class="content">'
                f'<h2 class="entry-title">{html.escape(title)}</h2>'
                '<div class="entry-meta">Posted on March 14, 2024 by admin</div>'
                '<div class="entry-content">' + "".join(body) + "</div>"
                f'<div class="tags">Filed under: News</div>{_comments()}</div>'
                f'<div class="sidebar">{sidebar}{_links(MOST_READ, "popular")}</div></div>'
                + _furniture_bottom() + "</body></html>")
    if layout == "portal":  # the stylesheet before <html>, as some page builders write it
        teaser = f'<p class="teaser"><b>Read more:</b> <a href="#">{RELATED[0]}</a></p>'
        inner = "".join(b + (teaser if k == 1 else "") for k, b in enumerate(body))
        return (f"<style>{CSS}\n{CSS}\n{CSS}</style>\n<html>" + _head(title, charset)
                + "<body>" + _furniture_top()
                + '<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/news">News'
                f'</a></div><div class="trending">Trending: {" | ".join(MOST_READ[:2])}</div>'
                f'<div id="story-body"><h1>{html.escape(title)}</h1>{inner}</div>'
                f'<div class="most-read"><h2>Most read</h2>{_links(MOST_READ, "top")}</div>'
                + _furniture_bottom() + "</body></html>")
    if layout == "magazine":  # <div> paragraphs, an appeal and teasers inside the story
        divs = [f'<div class="text-block">{html.escape(p)}</div>' for p in paragraphs]
        appeal = f'<div class="support-box"><strong>Support us.</strong> {APPEAL}</div>'
        teasers = '<div class="more">' + "".join(
            f'<div class="teaser"><a href="#"><h3>{h}</h3></a><div class="dek">{t}</div></div>'
            for h, t in TEASERS) + "</div>"
        middle = len(divs) // 2
        return ("<!DOCTYPE html><html>" + _head(title, charset) + "<body>" + _furniture_top()
                + f'<div class="story"><div class="headline">{html.escape(title)}</div>'
                '<figure><img src="a.jpg"><figcaption>A file photo. (Courier archive)'
                "</figcaption></figure>" + "".join(divs[:middle]) + appeal
                + "".join(divs[middle:]) + f'<div class="author-bio">{BIO}</div></div>'
                + teasers + _furniture_bottom() + "</body></html>")
    if layout == "legacy":  # tables and <br><br> paragraphs, no semantic markup
        text = "<br><br>\n".join(html.escape(p) for p in paragraphs)
        return ("<html>" + _head(title, charset) + "<body><table width=\"100%\"><tr>"
                f'<td class="nav">{_links(NAV, "menu")}</td><td class="main">'
                f'<div id="cookie-banner"><p>{COOKIE}</p></div>'
                f'<font size="5"><b>{html.escape(title)}</b></font><br><br>\n{text}'
                f'</td><td class="side">{_links(MOST_READ, "side")}<p>{ADS[0]}: {ADS[1]}</p>'
                f'</td></tr></table>{_comments()}<div class="footer">'
                f'{_links(FOOTER, "footer")}<p>{COPYRIGHT}</p></div></body></html>')
    raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")


def corpus_article(path: Path, per_paragraph: int = 2) -> list[str]:
    """An article of the corpus (one sentence a line) as paragraphs of `per_paragraph`."""
    lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
    return [" ".join(lines[k:k + per_paragraph]) for k in range(0, len(lines), per_paragraph)]


def sample_articles(n: int = 12, min_words: int = 100) -> list[tuple[str, list[str]]]:
    """`n` corpus articles of at least `min_words`, one from each topic in turn (fixed order)."""
    out = []
    for topic in sorted(CORPUS.iterdir(), key=lambda p: p.name):
        for path in sorted(topic.glob("*.txt")):
            if len(path.read_text(encoding="utf-8").split()) >= min_words:
                out.append((str(path.relative_to(ROOT)), corpus_article(path)))
                break
        if len(out) == n:
            break
    return out


_WORDS = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _squash(text: str) -> str:
    return " ".join(_words(text))


def kept(paragraphs: list[str], text: str, page_html: str = "") -> tuple[float, float]:
    """(share of the article's words kept, share of furniture words let through) in `text`.

    An article sentence counts as kept when its words appear in order in `text`; a piece
    of furniture when its words do. Furniture counts only if `page_html` shows it.
    """
    got = " " + _squash(text) + " "
    on_page = " " + _squash(regex_before(page_html)) + " " if page_html else None
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if _words(s)]
    article = sum(len(_words(s)) for s in sentences)
    found = sum(len(_words(s)) for s in sentences if f" {_squash(s)} " in got)
    pieces = [b for b in boilerplate() if on_page is None or f" {_squash(b)} " in on_page]
    total = sum(len(_words(b)) for b in pieces)
    through = sum(len(_words(b)) for b in pieces if f" {_squash(b)} " in got)
    return found / article, through / total


def regex_before(page_html: str) -> str:
    """What spundetect did before trafilatura: every tag's text, block elements as paragraphs."""
    text = re.sub(r"</?(p|div|br|h[1-6]|li|article|section|tr)\b[^>]*>", "\n\n", page_html,
                  flags=re.IGNORECASE)
    text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.I | re.DOTALL)
    text = html.unescape(text)
    return "\n\n".join(re.sub(r"[ \t]+", " ", b).strip() for b in re.split(r"\n\s*\n", text))


def extractors() -> dict[str, Callable[[str], str]]:
    """The extractions compared: the old regex reduction, trafilatura's settings, and ours."""
    import trafilatura

    from detector import html as page_html

    def traf(**options) -> Callable[[str], str]:
        settings = {"output_format": "txt", "include_comments": False, **options}
        return lambda doc: trafilatura.extract(doc, **settings) or ""

    return {"regex (before)": regex_before,
            "trafilatura, no tables": traf(include_tables=False),
            "trafilatura": traf(include_tables=True),
            "trafilatura favor_precision": traf(include_tables=True, favor_precision=True),
            "trafilatura favor_recall": traf(include_tables=True, favor_recall=True),
            "trafilatura fast": traf(include_tables=True, fast=True),
            "spundetect (now)": page_html.page_text}


def measure(articles: list[tuple[str, list[str]]]) -> list[dict]:
    """Per extraction and layout: mean and worst article share kept, mean furniture through."""
    rows = []
    for name, extract in extractors().items():
        for layout in LAYOUTS:
            pages = [(paras, page(paras, layout)) for _, paras in articles]
            shares = [kept(paras, extract(doc), doc) for paras, doc in pages]
            rows.append({"extraction": name, "layout": layout,
                         "article_mean": sum(a for a, _ in shares) / len(shares),
                         "article_min": min(a for a, _ in shares),
                         "furniture_mean": sum(b for _, b in shares) / len(shares)})
    return rows


def score_copies(articles: list[tuple[str, list[str]]]) -> list[dict]:
    """Each page scored as a suspect against its plain article with the shipped model: what a
    user sees for a verbatim copy (aligned share, verdicts), before and now."""
    from detector import Detector
    from detector.text import Document

    detector, rows = Detector(), []
    for name, extract in (("regex (before)", regex_before),
                          ("spundetect (now)", extractors()["spundetect (now)"])):
        for layout in LAYOUTS:
            results = [detector.score_pair(Document(extract(page(paras, layout))),
                                           Document("\n\n".join(paras)))
                       for _, paras in articles]
            shares = [r.evidence["aligned_share"] for r in results]
            verdicts = [r.verdict for r in results]
            rows.append({"extraction": name, "layout": layout, "aligned_mean":
                         sum(shares) / len(shares), "aligned_min": min(shares),
                         "copies": verdicts.count("copy"), "spun": verdicts.count("spun"),
                         "n": len(results)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.html_pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=12, help="corpus articles (default 12)")
    args = parser.parse_args(argv)
    articles = sample_articles(args.articles)
    print(f"{len(articles)} corpus articles x {len(LAYOUTS)} layouts; article kept "
          "(mean, worst) / furniture let through (mean)")
    print(f"{'extraction':30} " + " ".join(f"{layout:>18}" for layout in LAYOUTS))
    rows = measure(articles)
    for name in dict.fromkeys(r["extraction"] for r in rows):
        cells = [f"{r['article_mean']:.2f} {r['article_min']:.2f} / {r['furniture_mean']:.2f}"
                 for r in rows if r["extraction"] == name]
        print(f"{name:30} " + " ".join(f"{c:>18}" for c in cells))
    print("\nthe page scored against its plain article: aligned share (mean, worst), "
          "verdicts copy/spun of n")
    rows = score_copies(articles)
    for name in dict.fromkeys(r["extraction"] for r in rows):
        cells = [f"{r['aligned_mean']:.2f} {r['aligned_min']:.2f} {r['copies']}/{r['spun']}"
                 for r in rows if r["extraction"] == name]
        print(f"{name:30} " + " ".join(f"{c:>18}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
