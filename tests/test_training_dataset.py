import random
import shutil
from collections import Counter
from pathlib import Path

import pytest

from detector.training.dataset import (
    SHARED_SOURCE,
    corpus_hash,
    generate_draws,
    generate_pairs,
    load_corpus,
    load_shared_source,
    make_copy,
    syndicated,
)
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    sentences = {
        "1": ["Tara Reid entered a rehab clinic on Tuesday.", "Her agent confirmed the news.",
              "She had struggled for years.", "Fans sent messages of support.",
              "The clinic is in Malibu."],
        "2": ["An earthquake struck the coast of Chile.", "The quake measured 6.1.",
              "No injuries were reported.", "Buildings shook in the capital.",
              "Officials urged calm."],
    }
    for topic, lines in sentences.items():
        (root / topic).mkdir()
        for n in range(3):
            rotated = lines[n:] + lines[:n]
            (root / topic / f"{topic}_{n}ecb.txt").write_text("\n".join(rotated))
            (root / topic / f"{topic}_{n}ecbplus.txt").write_text("\n".join(reversed(rotated)))
    return root


def test_corpus_is_read_into_paragraphs(articles):
    corpus = load_corpus(articles)
    assert len(corpus) == 12
    assert {a.topic for a in corpus} == {"1", "2"}
    assert {a.subcorpus for a in corpus} == {"ecb", "ecbplus"}
    for article in corpus:  # paragraphs of one to three whole lines, every line in order
        lines = [s.strip() for s in Path(article.path).read_text().splitlines() if s.strip()]
        k = 0
        for paragraph in article.text.split("\n\n"):
            sizes = [n for n in (1, 2, 3) if " ".join(lines[k : k + n]) == paragraph]
            assert sizes, paragraph
            k += sizes[0]
        assert k == len(lines) and "\n\n" in article.text


def test_corpus_hash_changes_with_content(articles, tmp_path):
    corpus = shutil.copytree(articles, tmp_path / "corpus")  # the module's corpus stays as is
    before = corpus_hash(corpus)
    assert before == corpus_hash(corpus) == corpus_hash(articles)
    (corpus / "1" / "1_0ecb.txt").write_text("Changed.\nText.\nHere.")
    assert corpus_hash(corpus) != before


def test_pairs_cover_every_label_and_are_deterministic(articles):
    corpus = load_corpus(articles)
    first = list(generate_pairs(corpus, seed=3))
    again = list(generate_pairs(corpus, seed=3))
    assert first == again
    labels = Counter(p.label for p in first)
    assert set(labels) == {"spun", "rewritten", "copy", "independent", "unrelated"}
    for pair in first:
        if pair.label == "independent":
            assert pair.suspect != pair.original
        assert pair.topic in {"1", "2"}


def test_copies_of_every_kind():
    rng = random.Random(0)
    text = "One para.\n\nTwo para.\n\nThree para.\n\nFour para."
    kinds = {make_copy(text, "Other text here.", rng)[0] for _ in range(40)}
    assert kinds == {"verbatim", "chrome", "paragraph_dropped", "paragraph_added"}


def test_draws_add_new_pairs_after_the_first_draw(articles):
    """The first draw is `generate_pairs` itself; a second adds other spins and pages, each
    pair of texts once, its suspects named apart so their scans are not merged."""
    def articles_of(seed):
        return load_corpus(articles, seed=seed)

    one = list(generate_draws(articles_of, seed=5))
    assert one == list(generate_pairs(articles_of(5), seed=5))
    two = list(generate_draws(articles_of, seed=5, draws=2))
    assert two[: len(one)] == one and len(two) > len(one)
    assert len({(p.suspect, p.original) for p in two}) == len(two)
    later = two[len(one):]
    assert {p.label for p in later} >= {"spun", "independent"}
    ids = {p.suspect_id for p in later if p.suspect_id}
    assert ids and all(i.endswith("@6") for i in ids)
    assert not ids & {p.suspect_id for p in one}
    assert all(p.suspect_path.endswith("@6") for p in later if p.suspect_path)


def test_syndicated_copies_are_not_negatives(tmp_path):
    wire = ["A storm hit the coast on Monday.", "Thousands lost power overnight.",
            "Officials opened three shelters.", "Schools will stay closed on Tuesday."]
    own = ["Residents were cleaning up after the storm.", "Many roads remain blocked by trees.",
           "The mayor asked people to stay home.", "Forecasters expect calmer weather soon."]
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "1_1ecb.txt").write_text("\n".join(wire))
    (tmp_path / "1" / "1_2ecb.txt").write_text("\n".join([*wire, "Reporting by a local desk."]))
    (tmp_path / "1" / "1_3ecb.txt").write_text("\n".join(own))
    corpus = load_corpus(tmp_path)
    pairs = syndicated(corpus)
    assert pairs == {frozenset((corpus[0].path, corpus[1].path))}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Real reports, written apart, of two events (the `articles` above are all one text
    per topic, reordered: syndicated copies, so a topic has no independent sibling)."""
    root = tmp_path_factory.mktemp("reports")
    for topic in ("1", "13"):
        (root / topic).mkdir()
        for path in sorted((CORPUS / topic).glob("*.txt"))[:6]:
            shutil.copy(path, root / topic / path.name)
    return root


def test_pairs_of_one_suspect_share_its_text_and_name_their_originals(reports):
    """A stitched page is a spun pair against each of its two sources; a spun page is also
    scanned against a sibling of its source, which it does not derive from."""
    scans: dict[str, list] = {}
    for pair in generate_pairs(load_corpus(reports), seed=1):
        if pair.suspect_id:
            scans.setdefault(pair.suspect_id, []).append(pair)
    stitched = [group for key, group in scans.items() if key.endswith("#stitched")]
    assert stitched
    for group in stitched:
        assert [p.stratum["stitched"] for p in group] == ["first", "second"]
        assert {p.label for p in group} == {"spun"} and len({p.suspect for p in group}) == 1
        assert len({p.original_path for p in group}) == 2
    siblings = [group for group in scans.values() if len(group) == 2
                and group[1].stratum.get("scan") == "sibling_of_source"]
    assert siblings
    for spun, sibling in siblings:
        assert (spun.label, sibling.label) == ("spun", "independent")
        assert spun.suspect == sibling.suspect and spun.original_path != sibling.original_path


def test_a_pair_drawn_twice_is_yielded_once(articles):
    corpus = load_corpus(articles)
    options = dict(seed=2, spins_per_article=1, negatives_per_article=8, chrome=0.0,
                   drifted=0.0, rewrites_dir=None)
    drawn = Counter((p.suspect, p.original) for p in generate_pairs.__wrapped__(corpus, **options))
    assert max(drawn.values()) > 1  # with three siblings and eight draws, repeats happen
    kept = [(p.suspect, p.original) for p in generate_pairs(corpus, **options)]
    assert len(kept) == len(set(kept)) == len(drawn)


def _shared_source_event(root: Path) -> Path:
    """One event: a source and three reports written from it, one of them rewritten."""
    event = root / "07"
    (event / "rewrites" / "free").mkdir(parents=True)
    (event / "source.md").write_text("# Flood\n- The river rose 3 metres on Monday.")
    reports = {
        "wire": "River floods Dunmore\n\nDUNMORE - The river rose 3 metres on Monday.\n\n"
                "About 200 homes were evacuated, officials said.",
        "local": "Water everywhere\n\nResidents of Dunmore woke to flooded streets.\n\n"
                 "\"We lost everything,\" said one shop owner.",
        "web": "Dunmore flooding: what we know\n\nA swollen Callow burst its banks.\n\n"
               "- Two schools closed for the week.",
    }
    for name, text in reports.items():
        (event / f"{name}.txt").write_text(text)
    (event / "rewrites" / "free" / "wire.txt").write_text(
        "Floods in Dunmore\n\nOn Monday the river climbed 3 metres, and officials moved people "
        "out of some 200 houses.")
    return event


def test_shared_source_reports_are_one_topic_per_event(tmp_path):
    _shared_source_event(tmp_path)
    reports = load_shared_source(tmp_path)
    assert [Path(a.path).name for a in reports] == ["local.txt", "web.txt", "wire.txt"]
    assert {a.topic for a in reports} == {"ss07"}  # the source and the rewrite are no article
    assert {a.subcorpus for a in reports} == {SHARED_SOURCE}
    assert load_shared_source(tmp_path / "missing") == []


def test_shared_source_reports_are_negatives_of_each_other_and_their_rewrites_positive(
        tmp_path, articles):
    _shared_source_event(tmp_path)
    reports = load_shared_source(tmp_path)
    pairs = list(generate_pairs(load_corpus(articles) + reports, seed=4, rewrites_dir=None))
    ours = [p for p in pairs if p.topic == "ss07"]
    between = [p for p in ours if p.stratum["kind"] == SHARED_SOURCE]
    # every report against each other report, both ways, as independent
    assert len(between) == 6 and {p.label for p in between} == {"independent"}
    assert len({(p.suspect_path, p.original_path) for p in between}) == 6
    rewrite = "Floods in Dunmore"
    of_wire = [p for p in ours if rewrite in p.suspect and p.original_path.endswith("wire.txt")]
    assert of_wire and {p.label for p in of_wire} == {"rewritten"}
    assert {p.stratum["style"] for p in of_wire} >= {"rewrite_free_shared_source"}
    of_others = [p for p in ours
                 if rewrite in p.suspect and not p.original_path.endswith("wire.txt")]
    assert len(of_others) == 2 and {p.label for p in of_others} == {"independent"}


def test_shared_source_reports_that_align_like_a_wire_story_are_no_pair(tmp_path, articles):
    event = _shared_source_event(tmp_path)
    (event / "web.txt").write_text((event / "wire.txt").read_text() + "\n\nMore to follow.")
    pairs = list(generate_pairs(load_corpus(articles) + load_shared_source(tmp_path), seed=4,
                                rewrites_dir=None))
    involved = [p for p in pairs if {p.suspect_path, p.original_path} >= {
        str(event / "web.txt"), str(event / "wire.txt")}]
    assert involved == []  # neither independent nor a copy: written apart, yet too close
    assert not [p for p in pairs if p.topic == "ss07" and p.stratum["kind"] == "copy_syndicated"]
    between = [p for p in pairs if p.stratum["kind"] == SHARED_SOURCE]
    assert len(between) == 4  # local against each, both ways


def test_copies_edited_by_hand_are_copies_of_their_article_and_leave_other_pairs_alone(
        tmp_path, articles):
    edited = tmp_path / "edited" / "1"
    edited.mkdir(parents=True)
    (edited / "1_0ecb.txt").write_text("Tara Reid checked into a rehab clinic on Tuesday.\n\n"
                                       "Her agent confirmed the news. The clinic is in Malibu.")
    corpus = load_corpus(articles)
    without = list(generate_pairs(corpus, seed=3, rewrites_dir=None, edited_dir=None))
    pairs = list(generate_pairs(corpus, seed=3, rewrites_dir=None, edited_dir=edited.parent))
    by_hand = [p for p in pairs if p.stratum["kind"] == "copy_by_hand"]
    assert len(by_hand) == 1 and by_hand[0].label == "copy"
    assert by_hand[0].original_path.endswith("1/1_0ecb.txt")
    assert "checked into a rehab clinic" in by_hand[0].suspect
    # they draw their pages from their own generator: every other pair is as before
    assert [p for p in pairs if p.stratum["kind"] != "copy_by_hand"] == without
