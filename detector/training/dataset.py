"""Build labelled training pairs from a corpus of originals grouped by topic.

Positives are spun copies made by `detector.training.spinner` (many styles, swap rates up to 60% of
all words, partial spins, re-spun and stitched suspects). Negatives are what a detector must
not flag: independent reports of the same event, reports of a similar event, spun copies of a
*sibling* report, unrelated articles, reports of invented events written apart from one shared
press release or fact sheet (`load_shared_source`), which share its facts; and copies
(verbatim, with site chrome, a paragraph dropped or added) are a class of their own. Page
furniture and version drift from `detector.training.pages` go on every kind of pair alike.
Every pair carries its topic so validation can hold whole topics out. `generate_draws` draws
all of that several times over (new layouts, spins, pages and negatives each time).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import wraps
from pathlib import Path

from detector.training.config import CORPUS_DIR, EDITED_DIR, REWRITES_DIR, SHARED_SOURCE_DIR
from detector.training.pages import add_chrome, drift
from detector.training.restructure import restructure
from detector.training.spinner import STYLES, SpinResult, random_spin, spin, stitch


@dataclass(frozen=True)
class Article:
    """One original: its text (paragraphs separated by blank lines) and where it came from."""

    path: str
    topic: str
    subcorpus: str
    text: str


@dataclass(frozen=True)
class LabelledPair:
    """A suspect/original pair with its class label and the stratum it reports under."""

    suspect: str
    original: str
    label: str  # one of the model's classes (`detector.verdict.VERDICTS`)
    stratum: dict = field(default_factory=dict)
    topic: str = ""
    original_path: str = ""
    suspect_path: str = ""  # the corpus article an independent report is (for scan checks)
    suspect_id: str = ""  # pairs that score one suspect text against several originals share it


def group_paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    """Sentences grouped into paragraphs of one to three, as news sites lay them out; the
    corpus has one sentence a line, and paragraph features need paragraphs."""
    paragraphs, k = [], 0
    while k < len(sentences):
        n = rng.choice((1, 2, 2, 3))
        paragraphs.append(" ".join(sentences[k : k + n]))
        k += n
    return paragraphs


def load_corpus(directory: Path = CORPUS_DIR, *, seed: int = 0) -> list[Article]:
    """Read `<topic>/<topic>_<n>ecb[plus].txt` files (one sentence a line) into articles whose
    sentences are grouped into paragraphs of one to three sentences."""
    rng = random.Random(seed)
    articles = []
    for path in sorted(directory.glob("*/*.txt"), key=lambda p: (p.parent.name, p.name)):
        sentences = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        if len(sentences) < 3:
            continue
        paragraphs = group_paragraphs(sentences, rng)
        subcorpus = "ecbplus" if path.stem.endswith("ecbplus") else "ecb"
        articles.append(Article(str(path), path.parent.name, subcorpus, "\n\n".join(paragraphs)))
    return articles


SHARED_SOURCE = "shared_source"  # the subcorpus of reports written from one shared source


def load_shared_source(directory: Path | None = SHARED_SOURCE_DIR) -> list[Article]:
    """Reports of invented events, `<event>/<outlet>.txt`, each event's reports written apart
    from one another out of one press release or fact sheet (`<event>/source.md`, which is not
    an article): each event is a topic of its own, topic `ss<event>`; none without `directory`.

    They share the source's names, numbers, quotes and often its order, as reports worked up
    from one press release do, yet none derives from another: the negatives that teach the
    model that shared facts are not a rewrite."""
    articles = []
    if directory is None or not directory.is_dir():
        return articles
    for path in sorted(directory.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        if text:
            articles.append(Article(str(path), f"ss{path.parent.name}", SHARED_SOURCE, text))
    return articles


def shared_source_rewrites(articles: list[Article]) -> dict[str, list[tuple[str, str]]]:
    """Hand-written rewrites of shared-source reports, `<event>/rewrites/<style>/<outlet>.txt`
    beside the report they rewrite: key (as `load_rewrites`) -> [(style, text)]. A rewrite of
    one report shares the source's facts with the event's other reports as well, so it is the
    contrast to them: derived from the one, independent of the others."""
    found: dict[str, list[tuple[str, str]]] = {}
    for a in articles:
        if a.subcorpus != SHARED_SOURCE:
            continue
        path = Path(a.path)
        for rewrite in sorted(path.parent.glob(f"rewrites/*/{path.name}")):
            text = rewrite.read_text(encoding="utf-8").strip()
            if text:
                found.setdefault(corpus_key(path), []).append((rewrite.parent.name, text))
    return found


def syndicated(articles: list[Article], threshold: float = 0.5) -> set[frozenset[str]]:
    """Pairs of same-topic articles that share one wire story (the longer article has at least
    `threshold` of its words aligned with the other, in order: a wire story keeps its order,
    while two reports written from one source share sentences in orders of their own):
    derived texts, not independent reports, so they are kept out of the negatives."""
    from detector.align import align
    from detector.text import Document

    docs = {a.path: Document(a.text) for a in articles}
    by_topic: dict[str, list[Article]] = {}
    for a in articles:
        by_topic.setdefault(a.topic, []).append(a)
    found = set()
    for group in by_topic.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                alignment = align(docs[a.path], docs[b.path], in_order=True)
                shares = (alignment.aligned_share("original"), alignment.aligned_share("suspect"))
                if max(shares) >= threshold:
                    found.add(frozenset((a.path, b.path)))
    return found


def corpus_hash(directory: Path = CORPUS_DIR, *more: Path | None) -> str:
    """SHA-256 over the names and bytes of the articles (`*/*.txt`) in `directory` and any
    `more` folders of them: identifies the training data."""
    digest = hashlib.sha256()
    for k, folder in enumerate((directory, *(m for m in more if m is not None))):
        for path in sorted(folder.glob("*/*.txt")):
            name = str(path.relative_to(folder))
            digest.update((f"{k}:{name}" if k else name).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def corpus_key(path: str | Path) -> str:
    """`<topic>/<file>`: how rewrites name the corpus article they rewrite."""
    path = Path(path)
    return f"{path.parent.name}/{path.name}"


def _texts(directory: Path, pattern: str) -> Iterator[tuple[Path, str]]:
    """The non-empty texts written for the project under `directory`, in sorted order."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob(pattern)):
        text = path.read_text(encoding="utf-8").strip()
        if text:
            yield path, text


def load_rewrites(directory: Path = REWRITES_DIR) -> dict[str, list[tuple[str, str]]]:
    """Hand-written rewrites, `<style>/<topic>/<file>`, by the corpus article they rewrite:
    key -> [(style, text)], styles and files in sorted order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path, text in _texts(directory, "*/*/*.txt"):
        found.setdefault(corpus_key(path), []).append((path.parent.parent.name, text))
    return found


def load_edited(directory: Path = EDITED_DIR) -> dict[str, list[str]]:
    """Corpus articles edited by hand as another outlet runs them, `<topic>/<file>`: key (as
    `load_rewrites`) -> [text]."""
    found: dict[str, list[str]] = {}
    for path, text in _texts(directory, "*/*.txt"):
        found.setdefault(corpus_key(path), []).append(text)
    return found


# Hand edits an outlet makes to a wire story it runs: (pattern, replacement) on a sentence.
_HAND_EDITS = [
    (r"\bsaid\b", "told reporters"), (r"\bThat said\b", "Still"), (r"\babout\b", "around"),
    (r"\bHowever, ", "But "), (r"\bapproximately\b", "about"), (r"\bannounced\b", "said"),
    (r", who [^,]+,", ""), (r", which [^,]+,", ""), (r"\bon (Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\b", "this week"), (r"\bpolice\b", "officers"),
]


def hand_edit(text: str, rng: random.Random) -> str:
    """A wire story as another outlet ran it: trimmed, paragraphs moved, a few sentences
    edited by hand, maybe a new headline; derived, but not machine-paraphrased."""
    import re

    paras = _paragraphs(text)
    if len(paras) > 3 and rng.random() < 0.6:  # trimmed from the bottom
        paras = paras[: len(paras) - rng.randint(1, min(2, len(paras) - 3))]
    if len(paras) > 3 and rng.random() < 0.4:  # two paragraphs swapped
        i = rng.randrange(1, len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
    edits = rng.randint(2, 3)
    for _ in range(edits * 3):
        if not edits:
            break
        k = rng.randrange(len(paras))
        pattern, repl = rng.choice(_HAND_EDITS)
        edited = re.sub(pattern, repl, paras[k], count=1)
        if edited != paras[k]:
            paras[k] = edited
            edits -= 1
    if rng.random() < 0.3:  # a headline of its own
        paras.insert(0, rng.choice(("UPDATE", "BREAKING", "Latest")) + ": "
                     + paras[0].split(", ")[0].split(". ")[0][:80].rstrip(".") + ".")
    return "\n\n".join(paras)


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def make_copy(text: str, other: str, rng: random.Random) -> tuple[str, str]:
    """A copy of `text` of one of four kinds; returns (kind, suspect)."""
    kind = rng.choice(("verbatim", "chrome", "paragraph_dropped", "paragraph_added"))
    paras = _paragraphs(text)
    if kind == "chrome":
        return kind, add_chrome(text, rng)
    if kind == "paragraph_dropped" and len(paras) >= 3:
        del paras[rng.randrange(1, len(paras))]
        return kind, "\n\n".join(paras)
    if kind == "paragraph_added":
        extra = rng.choice(_paragraphs(other))
        paras.insert(rng.randint(1, len(paras)), extra)
        return kind, "\n\n".join(paras)
    return "verbatim", text


def _rate_bucket(swapped_share: float) -> str:
    """Strata of the realised swap rate: swaps per word of the original, in tenths."""
    low = min(int(swapped_share * 10), 6) / 10
    return f"{low:.1f}-{low + 0.1:.1f}" if low < 0.6 else "0.6+"


def heavy_spin(text: str, rng: random.Random, seed: int) -> tuple[SpinResult, str, float]:
    """A random spin; one in five is spun again by another style, as re-spun farm pages are.

    Returns the result, its style label and the realised share of words swapped.
    """
    result = random_spin(text, seed=seed)
    swaps, style = len(result.swaps), result.style
    if rng.random() < 0.2:
        second = rng.choice([s for s in STYLES if s != result.style])
        result = spin(result.text, style=second, rate=rng.uniform(0.3, 1.0), seed=seed + 1)
        swaps, style = swaps + len(result.swaps), "respun"
        result = SpinResult(result.text, result.swaps, style, result.rate, 1.0)
    return result, style, swaps / max(len(text.split()), 1)


def _each_once(draw: Callable[..., Iterator[LabelledPair]]
               ) -> Callable[..., Iterator[LabelledPair]]:
    """`draw`'s pairs, each pair of texts once (`__wrapped__` is `draw` itself)."""

    @wraps(draw)
    def once(*args, **kwargs) -> Iterator[LabelledPair]:
        seen: set[bytes] = set()
        for pair in draw(*args, **kwargs):
            key = hashlib.blake2b(f"{pair.suspect}\0{pair.original}".encode(),
                                  digest_size=16).digest()
            if key not in seen:
                seen.add(key)
                yield pair

    return once


@_each_once
def generate_pairs(
    articles: list[Article],
    *,
    seed: int = 0,
    spins_per_article: int = 3,
    negatives_per_article: int = 4,
    chrome: float = 0.4,
    drifted: float = 0.3,
    rewrites_dir: Path | None = REWRITES_DIR,
    edited_dir: Path | None = EDITED_DIR,
) -> Iterator[LabelledPair]:
    """Yield the labelled pairs, deterministically for a seed, each pair of texts once.

    `chrome` is the chance that either side of a pair comes as a scraped page, `drifted` the
    chance that the original is another version of the story than the one the suspect used.
    Negatives are drawn at random, so the same sibling can be drawn twice with the same
    pages; such a repeat would count twice in validation and is dropped (`_each_once`).
    """
    rng = random.Random(seed)
    by_topic: dict[str, list[Article]] = {}
    for a in articles:
        by_topic.setdefault(a.topic, []).append(a)
    topics = sorted(by_topic)
    headlines = [a.text.split(". ")[0][:90] for a in articles]
    shared_wire = syndicated([a for a in articles if a.subcorpus != SHARED_SOURCE])
    # reports from one source that align as much as a wire story: written apart, so no copy,
    # yet too close to teach as independent; they are no pair at all
    too_close = syndicated([a for a in articles if a.subcorpus == SHARED_SOURCE])
    not_apart = shared_wire | too_close
    rewrites = load_rewrites(rewrites_dir) if rewrites_dir is not None else {}
    rewrites |= shared_source_rewrites(articles)
    extra = random.Random(seed + 7919)  # the rewrite and edited-copy pairs draw from their own
    more = random.Random(seed + 104729)  # and the pairs added after them from theirs
    edited = load_edited(edited_dir) if edited_dir is not None else {}
    by_hand = random.Random(seed + 15485863)  # the copies edited by hand draw from their own

    def paging(r: random.Random) -> Callable[[str], str]:
        """A text as a scraped page (chrome) or as it is, drawing from `r`."""
        def page(text: str) -> str:
            return add_chrome(text, r, r.sample(headlines, 6)) if r.random() < chrome else text
        return page

    page, more_page, hand_page = paging(rng), paging(more), paging(by_hand)

    def original_view(a: Article, donor: Article | None = None) -> str:
        text = a.text
        if rng.random() < drifted:
            text = drift(text, rng, donor.text if donor else None)
        return page(text)

    for index, art in enumerate(articles):
        base = seed * 1_000_003 + index * 101
        siblings = [b for b in by_topic[art.topic]
                    if b != art and frozenset((art.path, b.path)) not in not_apart]
        same_event = [b for b in siblings if b.subcorpus == art.subcorpus]
        similar = [b for b in siblings if b.subcorpus != art.subcorpus]
        others = [t for t in topics if t != art.topic]

        for k in range(spins_per_article):
            result, style, swapped = heavy_spin(art.text, rng, base + 10 * k)
            donor = rng.choice(same_event) if same_event else None
            suspect = page(result.text)
            yield LabelledPair(
                suspect, original_view(art, donor), "spun",
                {"kind": "spun", "style": style, "rate": _rate_bucket(swapped),
                 "partial": result.share < 1.0},  # some paragraphs spun, the rest verbatim
                art.topic, art.path, suspect_id=f"{art.path}#spun{k}",
            )
            if k == 0 and same_event:  # the same page scanned against a sibling of its source
                sibling = more.choice(same_event)
                yield LabelledPair(suspect, more_page(sibling.text), "independent",
                                   {"kind": "spun_sibling", "scan": "sibling_of_source"},
                                   art.topic, sibling.path, suspect_id=f"{art.path}#spun{k}")

        if same_event and rng.random() < 0.5:
            other = rng.choice(same_event + similar)
            a_spun = spin(art.text, style=_style(rng), rate=rng.uniform(0.1, 1.0), seed=base + 50)
            b_spun = spin(other.text, style=_style(rng), rate=rng.uniform(0.1, 1.0), seed=base + 51)
            suspect = page(stitch(a_spun.text, b_spun.text, seed=base + 52))
            yield LabelledPair(suspect, original_view(art), "spun",
                               {"kind": "spun", "style": "stitched", "rate": "mixed",
                                "stitched": "first"}, art.topic, art.path,
                               suspect_id=f"{art.path}#stitched")
            # the other source: the page draws from it too
            yield LabelledPair(suspect, more_page(other.text), "spun",
                               {"kind": "spun", "style": "stitched", "rate": "mixed",
                                "stitched": "second"}, art.topic, other.path,
                               suspect_id=f"{art.path}#stitched")

        donor = by_topic[rng.choice(others)][0].text
        kind, suspect = make_copy(art.text, donor, rng)
        if kind != "chrome":
            suspect = page(suspect)
        yield LabelledPair(suspect, page(art.text), "copy", {"kind": f"copy_{kind}"},
                           art.topic, art.path)

        drawn = same_event  # the same-event reports negatives are drawn from
        if art.subcorpus == SHARED_SOURCE:  # few and made for it: every other report, once
            for other in same_event:
                yield LabelledPair(page(other.text), original_view(art), "independent",
                                   {"kind": SHARED_SOURCE}, art.topic, art.path, other.path)
            drawn = []
        for k in range(negatives_per_article):
            roll = rng.random()
            if drawn and roll < 0.4:
                other = rng.choice(drawn)
                yield LabelledPair(page(other.text), original_view(art), "independent",
                                   {"kind": "same_event"}, art.topic, art.path, other.path)
            elif drawn and roll < 0.6:
                other = rng.choice(drawn)
                spun_other = heavy_spin(other.text, rng, base + 70 + k)[0].text
                yield LabelledPair(page(spun_other), original_view(art), "independent",
                                   {"kind": "spun_sibling"}, art.topic, art.path)
            elif similar and roll < 0.8:
                other = rng.choice(similar)
                yield LabelledPair(page(other.text), original_view(art), "independent",
                                   {"kind": "similar_event"}, art.topic, art.path, other.path)
            else:
                other = rng.choice(by_topic[rng.choice(others)])
                text = other.text
                if roll > 0.93:  # a spun page about something else entirely
                    text = random_spin(other.text, seed=base + 90 + k).text
                yield LabelledPair(page(text), original_view(art), "unrelated",
                                   {"kind": "unrelated"}, art.topic, art.path)

        yield from _derived_not_spun(art, by_topic[art.topic], same_event, shared_wire,
                                     rewrites, extra, page, original_view, base, more,
                                     more_page)
        for text in edited.get(corpus_key(art.path), []):  # a copy, though edited by hand
            yield LabelledPair(hand_page(text), hand_page(art.text), "copy",
                               {"kind": "copy_by_hand"}, art.topic, art.path)


@_each_once
def generate_draws(articles_of: Callable[[int], list[Article]], *, seed: int = 0,
                   draws: int = 1, **options) -> Iterator[LabelledPair]:
    """`generate_pairs` drawn `draws` times, with seeds `seed`, `seed + 1`, ...: each draw
    lays the articles out anew (`articles_of(its seed)`, as `load_corpus` groups sentences into
    paragraphs), spins and pages them anew and draws other negatives; every pair of texts once.

    The hand-written rewrites are few; each draw gives them other pages and restructurings,
    and the model meets more spins and negatives around them. The first draw is
    `generate_pairs` itself; after it, a suspect's `suspect_id` and `suspect_path` carry the
    draw's seed (`path#spun0@1`), so the scans of one draw's suspect (a stitched page against
    both of its sources) stay apart from another draw's.
    """
    for k in range(draws):
        draw_seed = seed + k
        for pair in generate_pairs.__wrapped__(articles_of(draw_seed), seed=draw_seed, **options):
            if k:
                pair = replace(pair, suspect_id=_in_draw(pair.suspect_id, draw_seed),
                               suspect_path=_in_draw(pair.suspect_path, draw_seed))
            yield pair


def _in_draw(name: str, seed: int) -> str:
    return f"{name}@{seed}" if name else ""


def _derived_not_spun(art, topic, same_event, shared_wire, rewrites, rng, page, original_view,
                      base, more, more_page) -> Iterator[LabelledPair]:
    """Rewrites (hand-written, restructured, and rewrite-like spins), edited syndication and
    hand-edited copies (`copy`), and rewrites of a sibling report (`independent`)."""
    shared = "_shared_source" if art.subcorpus == SHARED_SOURCE else ""
    for style, text in rewrites.get(corpus_key(art.path), []):
        name = f"rewrite_{style}{shared}"
        yield LabelledPair(page(text), original_view(art), "rewritten",
                           {"kind": "rewritten", "style": name}, art.topic, art.path)
        yield LabelledPair(page(restructure(text, rng)), original_view(art), "rewritten",
                           {"kind": "rewritten", "style": f"{name}_restructured"},
                           art.topic, art.path)
        yield LabelledPair(more_page(restructure(text, more, rate=0.9)), more_page(art.text),
                           "rewritten", {"kind": "rewritten", "style": f"{name}_restructured_more"},
                           art.topic, art.path)
    if not rewrites.get(corpus_key(art.path)) and rng.random() < 0.3:
        spun = spin(art.text, style=rng.choice(("heavy", "backtranslate")),
                    rate=rng.uniform(0.6, 1.0), seed=base + 97).text
        yield LabelledPair(page(restructure(spun, rng, rate=0.9)), original_view(art),
                           "rewritten", {"kind": "rewritten", "style": "synthetic_rewrite"},
                           art.topic, art.path)
    partners = [b for b in topic if b != art and frozenset((art.path, b.path)) in shared_wire]
    if partners:
        partner = rng.choice(partners)
        text = hand_edit(partner.text, rng) if rng.random() < 0.5 else partner.text
        yield LabelledPair(page(text), original_view(art), "copy", {"kind": "copy_syndicated"},
                           art.topic, art.path)
    if rng.random() < 0.5:
        yield LabelledPair(page(hand_edit(art.text, rng)), page(art.text), "copy",
                           {"kind": "copy_edited"}, art.topic, art.path)
    sibling_rewrites = [(b, r) for b in same_event for r in rewrites.get(corpus_key(b.path), [])]
    if shared:  # every rewrite of the event's other reports: few and made for it
        for _, (_, text) in sibling_rewrites:
            yield LabelledPair(page(text), original_view(art), "independent",
                               {"kind": "rewrite_sibling_shared_source"}, art.topic, art.path)
    elif sibling_rewrites and rng.random() < 0.5:
        _, (_, text) = rng.choice(sibling_rewrites)
        yield LabelledPair(page(text), original_view(art), "independent",
                           {"kind": "rewrite_sibling"},
                           art.topic, art.path)


def _style(rng: random.Random) -> str:
    return rng.choice(STYLES)
