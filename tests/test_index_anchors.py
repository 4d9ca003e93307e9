import hashlib

import numpy as np
import pytest

from detector.analysis import _MIX
from detector.index.anchors import (
    _MARK,
    _SALT,
    HASH,
    LEGACY_HASH,
    anchor_terms,
    anchors,
    anchors_and_words,
    hash_terms,
)
from detector.text import Document


def test_anchor_kinds(texts):
    terms = anchor_terms(Document(texts["original"]))
    assert {"n:linda", "n:park", "d:12", "r:reporters"} <= terms
    assert "n:the" not in terms and "n:mayor" not in terms  # sentence-initial words are not names
    assert "s:Nlinda Npark said" in terms  # names, numbers and stopwords in order
    assert not any(t.startswith("r:") and len(t) < 2 + 9 for t in terms)


def test_a_clock_time_is_one_anchor_however_it_is_written():
    spellings = ("The vote closed at 11:52 p.m. in Dover.", "The vote closed at 11.52pm in Dover.",
                 "The vote closed at 11:52 pm in Dover.")
    found = [anchor_terms(Document(text)) for text in spellings]
    assert "d:11.52" in found[0] and found[0] == found[1] == found[2]


def test_kinds_can_be_chosen(texts):
    terms = anchor_terms(Document(texts["original"]), kinds=("number",))
    assert terms and all(t.startswith("d:") for t in terms)


def test_spinning_keeps_most_anchors_and_unrelated_text_shares_none(texts):
    original = set(anchors(Document(texts["original"])).tolist())
    spun = set(anchors(Document(texts["spun"])).tolist())
    unrelated = set(anchors(Document(texts["unrelated"])).tolist())
    assert len(original & spun) / len(spun) > 0.5
    assert not original & unrelated


def test_legacy_hashes_are_stable_sorted_and_distinct():
    h = hash_terms(["n:park", "d:12", "n:park"])
    assert h.dtype == np.int64 and h.size == 2 and np.all(np.diff(h) > 0)
    # the same value on every machine and run (Python's own hash() is salted per process)
    assert int(hash_terms(["n:park"])[0]) == int.from_bytes(
        __import__("hashlib").blake2b(b"n:park", digest_size=8).digest(), "little", signed=True)
    assert hash_terms(["n:park"]).tolist() == [-2178122103759516724]  # as indexes store it
    assert hash_terms([]).dtype == np.int64 and hash_terms([]).size == 0


def _word_key(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def term_hash(term: str) -> int:
    """What `HASH` makes of one anchor term, spelled out from its definition (signed 64-bit)."""
    kind, body = term[:2], term[2:]
    if kind == "s:":
        codes = [_word_key(t[1:]) ^ int(_MARK[t[0]]) if t[0] in "#N" else _word_key(t)
                 for t in body.split(" ")]
        value = (sum(c * int(m) for c, m in zip(codes, _MIX, strict=False)) % 2**64
                 ^ int(_SALT["skeleton"]))
    else:
        value = _word_key(body) ^ int(_SALT[{"n:": "name", "d:": "number", "r:": "rare"}[kind]])
    return value - 2**64 if value >= 2**63 else value


def hashed(terms) -> np.ndarray:
    return np.unique(np.array([term_hash(t) for t in terms], dtype=np.int64))


def test_hashes_are_the_same_on_every_machine():
    doc = Document("The mayor, Linda Park, said 12 reporters came.")
    found = anchors(doc).tolist()
    # as indexes store them: a change to a constant would make every index miss its queries
    assert term_hash("n:park") == 573482229664918675 and term_hash("n:park") in found
    assert term_hash("s:Nlinda Npark said") == -5115080924869553443
    assert term_hash("s:Nlinda Npark said") in found
    assert found == sorted(set(found)) and anchors(doc).dtype == np.int64
    assert anchors(Document("...")).size == 0 and anchors_and_words(Document("..."))[1] == 0


def test_an_unknown_hash_is_refused():
    with pytest.raises(ValueError, match="unknown anchor hash"):
        anchors(Document("Linda Park said so."), scheme="md5")


def _reference_terms(doc: Document) -> set[str]:
    """Anchor terms read token by token, the plain way `anchor_terms` must agree with."""
    from detector.index.anchors import SKELETON_N, TOKEN, _sentences
    from detector.lexicon import STOPWORDS
    from detector.terms import is_name, is_number, is_rare

    terms: set[str] = set()
    skeleton: list[str] = []
    for sentence in _sentences(doc):
        for k, word in enumerate(TOKEN.findall(sentence)):
            lower = word.lower().replace("’", "'")
            if is_number(lower):
                terms.add("d:" + lower)
                skeleton.append("#" + lower)
            elif lower in STOPWORDS:
                skeleton.append(lower)
            elif k and is_name(word, lower):
                terms.add("n:" + lower)
                skeleton.append("N" + lower)
            elif is_rare(word, lower):
                terms.add("r:" + lower)
    for i in range(len(skeleton) - SKELETON_N + 1):
        gram = skeleton[i : i + SKELETON_N]
        if any(g[0] in "#N" for g in gram):
            terms.add("s:" + " ".join(gram))
    return terms


def test_cached_word_classes_give_the_plain_reading(texts):
    from detector.index.anchors import TOKEN, anchors_and_words

    # a word that opens one sentence and stands inside another (cached once, read twice)
    extra = "Park said 12 reporters came. Later Park and Linda Park left at 9. Extraordinary!"
    for text in [*texts.values(), extra]:
        doc = Document(text)
        assert anchor_terms(doc) == _reference_terms(doc)
        hashes, n_words = anchors_and_words(doc)
        assert np.array_equal(hashes, hashed(_reference_terms(doc)))
        assert n_words == len(TOKEN.findall(text))
        legacy, n_legacy = anchors_and_words(Document(text), scheme=LEGACY_HASH)
        assert np.array_equal(legacy, hash_terms(_reference_terms(doc))) and n_legacy == n_words
        for kinds in (("number",), ("name", "skeleton"), ("rare",)):
            assert np.array_equal(anchors(Document(text), kinds, HASH),
                                  hashed(anchor_terms(doc, kinds)))
