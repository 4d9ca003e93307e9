"""What a scraped page adds around an article, and how two versions of one article differ.

Training pairs must look like the web: a syndicated original arrives with navigation, bylines,
photo captions and donation appeals; a content farm's copy has its own comment box and related
links; and the two were often taken from different versions of the story (a paragraph added
in an update, a credit line dropped). None of that is evidence of spinning, so the training
set puts it on every kind of pair.
"""

from __future__ import annotations

import random
import re

SITES = ["Daily Courier", "Metro Ledger", "The Evening Post", "NewsNow 24", "Valley Herald",
         "Global Wire", "City Tribune", "Coastal Times", "Northern Star", "Harbor Gazette"]
AGENCIES = ["Reuters", "Associated Press", "AFP", "Getty Images", "Bloomberg", "EPA", "Staff"]
FIRST = ["Maria", "James", "Aisha", "Daniel", "Sofia", "Tom", "Priya", "Lucas", "Hannah", "Omar",
         "Elena", "Kevin", "Grace", "Mateo", "Nora", "Samuel"]
LAST = ["Lopez", "Chen", "Okafor", "Miller", "Novak", "Rossi", "Haddad", "Kim", "Brennan",
        "Silva", "Weber", "Patel", "Johansson", "Moreau", "Adeyemi", "Kowalski"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

NAVIGATION = [
    "Skip to main content", "Menu", "Search", "Sign in", "Subscribe", "Latest News", "Breaking",
    "Share on Facebook Share on Twitter Email", "Advertisement", "Listen to this article",
    "Trending now", "Most read", "News > World", "Home | Politics | Business | Sport | Opinion",
    "Today's paper", "Log in to your account", "Close",
]
BOILERPLATE = [
    "Local journalism is essential. Give directly to our community reporting fund, which helps "
    "offset the costs of several reporter and editor positions at the newspaper. Gifts are not "
    "tax deductible but help us meet the requirements needed to receive matching-grant funds.",
    "Subscribe now to get breaking news alerts in your email inbox. Get the news delivered to "
    "your inbox as it happens.",
    "We welcome your comments. Please keep them civil and on topic; comments that include "
    "personal attacks, profanity or links to other sites will be removed by our moderators.",
    "This material may not be published, broadcast, rewritten or redistributed without "
    "permission. Copyright {year} {site}. All rights reserved.",
    "Sign up for our free daily newsletter and get the day's most important stories, analysis "
    "and opinion delivered to you every morning.",
    "Our journalism depends on readers like you. For less than the price of a coffee a week you "
    "can support independent reporting and get unlimited access to every story.",
    "We use cookies to improve your experience on our site and to show you relevant "
    "advertising. By continuing to browse, you agree to our use of cookies.",
    "Have a news tip? Contact our newsroom by email or call our tip line. You can also send "
    "photos and videos through our app.",
    "Leave a Reply. Your email address will not be published. Required fields are marked.",
    "Disclaimer: the views expressed in this article are those of the author and do not "
    "necessarily reflect the views of this site or its editors.",
]
FOOTER = [
    "Advertisement", "Related stories", "Read more:", "Share this article", "Comments are closed.",
    "Terms of Use | Privacy Policy", "Follow us on social media.", "Back to top",
    "Copyright {year} {site}.", "Recommended for you", "Leave a Reply",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n\n", " ")) if len(s) > 30]


def top_matter(text: str, rng: random.Random, site: str) -> list[str]:
    """Navigation, the headline again, a dateline, a byline and perhaps a photo caption."""
    lines = [*rng.sample(NAVIGATION, rng.randint(0, 5)), site]
    sentences = _sentences(text)
    if sentences and rng.random() < 0.6:  # the headline, from the lead
        lines.append(" ".join(sentences[0].split()[: rng.randint(6, 12)]).rstrip(",.;"))
    if rng.random() < 0.6:
        day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.randint(2008, 2025)
        lines.append(f"{month} {day}, {year} Updated {rng.randint(1, 12)}:{rng.randint(10, 59)} "
                     f"{rng.choice(['a.m.', 'p.m.'])}")
    if rng.random() < 0.6:
        lines.append(f"By {_name(rng)} {rng.choice(AGENCIES)}")
    if sentences and rng.random() < 0.4:  # a caption, often printed twice
        caption = f"{rng.choice(sentences)} ({rng.choice(AGENCIES)})"
        lines += [caption] * rng.choice((1, 2))
    return lines


def bottom_matter(rng: random.Random, site: str, headlines: list[str]) -> list[str]:
    """Appeals, policies, related headlines and footer lines."""
    year = rng.randint(2008, 2025)
    parts = [p.format(year=year, site=site)
             for p in rng.sample(BOILERPLATE, rng.choice((0, 1, 1, 2, 3)))]
    if headlines and rng.random() < 0.4:
        parts.append("Related posts\n" + "\n".join(rng.sample(headlines,
                                                              min(len(headlines), 4))))
    parts += [f.format(year=year, site=site) for f in rng.sample(FOOTER, rng.randint(0, 4))]
    return parts


def add_chrome(text: str, rng: random.Random, headlines: list[str] | None = None) -> str:
    """The article as a scraped page: matter above and below it, of widely varying length."""
    site = rng.choice(SITES)
    top = top_matter(text, rng, site)
    bottom = bottom_matter(rng, site, headlines or [])
    blocks = ["\n".join(top)] if top else []
    return "\n\n".join([*blocks, text, *bottom])


def credit_line(rng: random.Random) -> str:
    """A contributors' line such as papers append to wire stories."""
    names = [_name(rng) for _ in range(rng.randint(1, 3))]
    return f"{' and '.join(names)} in {rng.choice(['London', 'Taipei', 'Kyiv', 'Lagos'])} " \
           f"contributed to this report."


def drift(text: str, rng: random.Random, donor: str | None = None) -> str:
    """Another version of the same story: a paragraph dropped, one added, or a credit line."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    move = rng.choice(("drop", "add", "credit"))
    if move == "drop" and len(paragraphs) >= 4:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    elif move == "add" and donor:
        donor_paragraphs = [p for p in donor.split("\n\n") if p.strip()]
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(donor_paragraphs))
    else:
        paragraphs.append(credit_line(rng))
    return "\n\n".join(paragraphs)
