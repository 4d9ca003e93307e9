import re

from bench.synthetic import SyntheticCorpus, fresh_name, write_corpus

SOURCES = [
    ["The mayor of Springfield, John Carter, opened the bridge on Monday.",
     "Carter said the 120 workers finished it two years early.",
     "Residents of Springfield cheered as the first cars crossed."],
    ["Police in Dover arrested 3 men after a robbery at a bank.",
     "Officer Jane Miller said the men fled in a blue car.",
     "The bank in Dover reopened on Friday.", "No one was hurt, Miller added."],
]


def test_articles_are_deterministic_distinct_and_renamed():
    corpus = SyntheticCorpus(SOURCES, seed=3, keep_name=0.0, keep_number=0.0)
    texts = [corpus.article(n) for n in range(200)]
    assert texts[:5] == [SyntheticCorpus(SOURCES, seed=3, keep_name=0.0,
                                         keep_number=0.0).article(n) for n in range(5)]
    assert len(set(texts)) == 200
    joined = "\n".join(texts)
    for name in ("Springfield", "Carter", "Dover", "Miller", "120"):
        assert name not in joined
    assert "the first cars crossed" in joined and "fled in a blue car" in joined
    for text in texts:  # paragraphs of one to three sentences
        paragraphs = text.removesuffix("\n").split("\n\n")
        assert len(paragraphs) >= 2 and all(1 <= p.count(".") <= 3 for p in paragraphs)


def test_kept_names_and_numbers_survive():
    corpus = SyntheticCorpus(SOURCES, seed=1, keep_name=1.0, keep_number=1.0)
    sentences = {s for source in SOURCES for s in source}
    for n in range(20):  # every name and number kept: each sentence is a source's, verbatim
        text = corpus.article(n)
        assert set(re.split(r"(?<=\.)\s+", text.strip())) <= sentences, text


def test_fresh_names_look_like_names():
    import random

    rng = random.Random(0)
    names = {fresh_name(rng) for _ in range(500)}
    assert len(names) > 450 and all(n[0].isupper() and n[1:].islower() for n in names)


def test_write_corpus_reuses_files(tmp_path):
    corpus = SyntheticCorpus(SOURCES, seed=2)
    paths = write_corpus(corpus, tmp_path, 5, per_folder=2)
    assert [p.parent.name for p in paths] == ["0000", "0000", "0001", "0001", "0002"]
    paths[0].write_text("kept")
    assert write_corpus(corpus, tmp_path, 5)[0].read_text() == "kept"


def test_write_corpus_marks_a_complete_corpus_and_trusts_the_mark(tmp_path):
    corpus = SyntheticCorpus(SOURCES, seed=2)
    paths = write_corpus(corpus, tmp_path, 4, per_folder=2)
    assert (tmp_path / "complete-2-4").exists()
    paths[1].unlink()  # within the marked size: not looked at again
    assert write_corpus(corpus, tmp_path, 3, per_folder=2) == paths[:3]
    assert not paths[1].exists()
    more = write_corpus(corpus, tmp_path, 6, per_folder=2)  # beyond it: written
    assert more[:4] == paths and all(p.exists() for p in more[4:])
    assert more[5].read_text() == corpus.article(5)
