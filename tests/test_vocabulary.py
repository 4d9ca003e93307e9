"""The vocabulary answers each question once per distinct form, as the word-level definitions do."""

import hashlib
import os
import signal
import threading

import numpy as np
import pytest

from detector.lexicon import STOPWORDS, closed_class_words
from detector.spelling import canonical_word
from detector.terms import is_name, is_number, is_rare
from detector.text import _TOKEN
from detector.vocabulary import VOCABULARY, Vocabulary, lower_form

TEXT = ("On Monday I met Dr. Ana Ortiz of İstanbul in 2023: 3.5% of NATO’s 1st unpublished "
        "extraordinarily-long reports, Éclair and the administration's undocumented claims. "
        "The May figures disagree; the Colour of the jewellery at Vendôme is the colour of a "
        "ΣΟΦΟΣ. The the THE.")
TOKENS = _TOKEN.findall(TEXT)


def expected(text: str) -> dict:
    lower = lower_form(text)
    unsigned = 0xFFFFFFFFFFFFFFFF
    return {"key": hash(lower) & unsigned, "stem_key": hash(lower[:5]) & unsigned,
            "stable": int.from_bytes(hashlib.blake2b(lower.encode(), digest_size=8).digest(),
                                     "little"),
            "stopword": lower in STOPWORDS,
            "content": len(lower) > 2 and lower not in STOPWORDS,
            "closed": lower in closed_class_words(), "name": is_name(text, lower),
            "number": is_number(lower), "rare": is_rare(text, lower)}


def facts_of(vocabulary: Vocabulary, tokens: list[str]) -> list[dict]:
    rows, facts = vocabulary.lookup(tokens)
    return [{f: getattr(facts, f)[r].item() for f in facts._fields} for r in rows]


def test_facts_match_the_word_level_definitions():
    got = facts_of(Vocabulary(), TOKENS)
    assert got == [expected(t) for t in TOKENS]
    assert any(g["name"] for g in got) and any(g["number"] for g in got)
    assert any(g["rare"] for g in got) and any(g["closed"] for g in got)


def test_lower_forms_are_letter_for_letter_in_one_spelling():
    assert lower_form("İstanbul") == "istanbul"  # not "i̇stanbul", two letters for one
    assert lower_form("NATO’s") == "nato's"
    assert lower_form("Colour") == "color" and lower_form("Vendôme") == "vendome"
    assert lower_form("ΣΟΦΟΣ") == "ΣΟΦΟΣ".lower()
    lowers, _ = Vocabulary().lowers(TOKENS)
    assert lowers == [lower_form(t) for t in TOKENS]
    assert all(canonical_word(w) == w for w in lowers)


def test_one_row_per_distinct_form():
    vocabulary = Vocabulary()
    rows, _ = vocabulary.lookup(TOKENS)
    assert len(set(rows)) == len(set(TOKENS)) == len(vocabulary)
    assert vocabulary.lookup(TOKENS)[0] == rows  # the second time, all already known


def test_a_full_vocabulary_starts_afresh_with_right_facts():
    vocabulary = Vocabulary(limit=len(set(TOKENS)) + 3)
    first = facts_of(vocabulary, TOKENS)
    other = ["Quite", "different", "words", "now", "2024"]
    assert facts_of(vocabulary, other) == [expected(t) for t in other]
    assert len(vocabulary) == len(other)  # it was reset before the lookup, not during it
    assert facts_of(vocabulary, TOKENS) == first


def test_rows_are_reused_only_from_the_current_generation():
    vocabulary = Vocabulary(limit=len(set(TOKENS)) + 3)
    _, known = vocabulary.lowers(TOKENS)
    assert vocabulary.lookup(TOKENS, known)[0] is known.rows  # current: not looked up again
    vocabulary.lookup(["Quite", "different", "words", "now", "2024"])  # full: starts afresh
    rows, facts = vocabulary.lookup(TOKENS, known)
    assert rows is not known.rows
    assert [facts.key[r].item() for r in rows] == [expected(t)["key"] for t in TOKENS]
    assert Vocabulary().lookup(TOKENS, known)[0] is not known.rows  # another vocabulary's


def test_the_columns_grow_past_their_first_size():
    words = [f"word{k}" for k in range(5000)]
    got = facts_of(Vocabulary(), words)
    assert got == [expected(w) for w in words]


def test_threads_sharing_a_vocabulary_get_the_same_facts():
    vocabulary = Vocabulary()
    words = [f"{w}{k}" for k in range(300) for w in TOKENS]
    results: dict[int, list] = {}
    start = threading.Barrier(4)

    def run(k: int) -> None:
        start.wait()
        rows, facts = vocabulary.lookup(words)
        results[k] = facts.key[np.asarray(rows)].tolist()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    want = [expected(w)["key"] for w in words]
    assert all(results[k] == want for k in range(4))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_child_forked_while_the_lock_is_held_can_look_words_up():
    with VOCABULARY._lock:  # as another thread of the parent might hold it at the fork
        pid = os.fork()
        if pid == 0:  # the child: a deadlock ends it by the alarm, a success exits 0
            signal.alarm(10)
            lowers, _ = VOCABULARY.lowers(["Jewellery", "İstanbul"])
            os._exit(0 if lowers == ["jewelry", "istanbul"] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
