import math

import numpy as np
import pytest

from detector.index import ReferenceIndex, rank
from detector.text import Document, read_document
from tests.conftest import crude_spin


def row(*ids: int) -> tuple[int, bytes]:
    """A postings row as the index stores it: (df, little-endian uint32 ids)."""
    return len(ids), np.array(ids, dtype="<u4").tobytes()


def test_scores_sum_the_idf_of_shared_terms():
    rows = [row(2), row(1, 2), row(1, 2, 3, 4)]
    ranked = rank.top_k(rows, n_docs=10, k=5)
    assert [i for i, _ in ranked] == [2, 1, 3, 4]
    scores = dict(ranked)
    assert scores[2] == pytest.approx(math.log(11) + math.log(6) + math.log(3.5))
    assert scores[1] == pytest.approx(math.log(6) + math.log(3.5))
    assert scores[3] == scores[4] == pytest.approx(math.log(3.5))


def test_top_k_keeps_the_best_and_lists_equal_scores_in_id_order():
    rows = [row(5, 3, 9), row(7), row(7)]
    best, second = rank.top_k(rows, n_docs=100, k=2)
    assert best[0] == 7 and second[0] in (3, 5, 9)
    assert [i for i, _ in rank.top_k(rows, n_docs=100, k=4)] == [7, 3, 5, 9]
    assert rank.top_k(rows, n_docs=100, k=0) == []
    assert rank.top_k(rows, n_docs=0, k=3) == []
    assert rank.top_k([], n_docs=100, k=3) == []


def test_ranking_costs_what_the_postings_hold_not_what_the_largest_id_is():
    # ids near the top of uint32: a score array indexed by id would need 32 GB
    top = 2**32 - 2
    rows = [row(top, 17), row(top), row(17, top - 5, 3)]
    ranked = rank.top_k(rows, n_docs=2**32, k=3)
    assert [i for i, _ in ranked] == [top, 17, 3]
    assert ranked[0][1] == pytest.approx(math.log(1 + 2**32 / 2) + math.log(1 + 2**32))


def test_ranking_matches_a_plain_sum_over_many_random_postings():
    rng = np.random.default_rng(0)
    rows = [row(*rng.choice(5000, size=int(rng.integers(1, 40)), replace=False).tolist())
            for _ in range(300)]
    expected: dict[int, float] = {}
    for df, blob in rows:
        for i in np.frombuffer(blob, dtype="<u4").tolist():
            expected[i] = expected.get(i, 0.0) + rank.idf(df, 5000)
    best = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
    ranked = rank.top_k(rows, n_docs=5000, k=25)
    assert [i for i, _ in ranked] == [i for i, _ in best]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in best])


@pytest.mark.parametrize(("n_docs", "cap"), [(10, 50), (1000, 50), (10_000, 500),
                                              (1_000_000, 1000)])
def test_df_cap_grows_with_the_index_between_its_bounds(n_docs, cap):
    assert rank.df_cap(n_docs) == cap


def test_terms_in_more_originals_than_the_cap_are_skipped():
    common = row(*range(1, 52))  # in 51 originals: over the cap of 50 for 200 documents
    assert rank.top_k([common], n_docs=200, k=5) == []
    at_cap = row(*range(1, 51))
    ranked = rank.top_k([at_cap, row(9)], n_docs=200, k=60)
    assert len(ranked) == 50 and ranked[0][0] == 9


@pytest.mark.parametrize("rate", [0.3, 0.7])
def test_true_source_is_retrieved_first_after_heavy_swaps(corpus_index, rate):
    location, files = corpus_index
    with ReferenceIndex.open(location, readonly=True) as index:
        paths = index.paths()
        misses = []
        for n, path in enumerate(files[::3]):
            suspect = Document(crude_spin(read_document(path).text, rate, seed=n))
            found = index.candidates(suspect, k=10)
            if not found or found[0].path != str(path.resolve()):
                misses.append(path.name)
            assert paths[str(path.resolve())] in [c.id for c in found]
        assert not misses
        assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_sibling_reports_rank_below_the_source(corpus_index):
    """Reports of the same event share names; the spun copy's skeleton points to its source."""
    location, files = corpus_index
    with ReferenceIndex.open(location, readonly=True) as index:
        source = files[0]
        found = index.candidates(Document(crude_spin(source.read_text(), 0.7, seed=1)), k=5)
        assert found[0].path == str(source.resolve())
        assert found[0].score > 1.5 * found[1].score


def test_unrelated_text_retrieves_little(corpus_index, texts):
    location, files = corpus_index
    with ReferenceIndex.open(location, readonly=True) as index:
        spun = index.candidates(Document(crude_spin(files[0].read_text(), 0.7, seed=2)), k=1)
        unrelated = index.candidates(Document(texts["unrelated"]), k=3)
        assert all(c.score < spun[0].score / 5 for c in unrelated)
        assert index.candidates(Document(texts["unrelated"]), k=0) == []


def test_candidates_rank_the_index_postings(corpus_index):
    """`ReferenceIndex.candidates` is `rank.top_k` over the stored rows of the suspect's terms."""
    from detector.index import anchors

    location, files = corpus_index
    with ReferenceIndex.open(location, readonly=True) as index:
        suspect = Document(crude_spin(files[4].read_text(), 0.5, seed=4))
        hashes = anchors.anchors(suspect)
        expected = rank.top_k(index.postings(hashes), len(index), 4)
        found = index.candidates(suspect, k=4)
        assert [(c.id, c.score) for c in found] == expected and len(found) == 4
        assert [c.path for c in found] == [index.documents([i])[i].name for i, _ in expected]
