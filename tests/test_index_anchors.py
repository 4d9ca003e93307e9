import numpy as np

from detector.index.anchors import anchor_terms, anchors, hash_terms
from detector.text import Document


def test_anchor_kinds(texts):
    terms = anchor_terms(Document(texts["original"]))
    assert {"n:linda", "n:park", "d:12", "r:reporters"} <= terms
    assert "n:the" not in terms and "n:mayor" not in terms  # sentence-initial words are not names
    assert "s:Nlinda Npark said" in terms  # names, numbers and stopwords in order
    assert not any(t.startswith("r:") and len(t) < 2 + 9 for t in terms)


def test_kinds_can_be_chosen(texts):
    terms = anchor_terms(Document(texts["original"]), kinds=("number",))
    assert terms and all(t.startswith("d:") for t in terms)


def test_spinning_keeps_most_anchors_and_unrelated_text_shares_none(texts):
    original = set(anchors(Document(texts["original"])).tolist())
    spun = set(anchors(Document(texts["spun"])).tolist())
    unrelated = set(anchors(Document(texts["unrelated"])).tolist())
    assert len(original & spun) / len(spun) > 0.5
    assert not original & unrelated


def test_hashes_are_stable_sorted_and_distinct():
    h = hash_terms(["n:park", "d:12", "n:park"])
    assert h.dtype == np.int64 and h.size == 2 and np.all(np.diff(h) > 0)
    # the same value on every machine and run (Python's own hash() is salted per process)
    assert int(hash_terms(["n:park"])[0]) == int.from_bytes(
        __import__("hashlib").blake2b(b"n:park", digest_size=8).digest(), "little", signed=True)
