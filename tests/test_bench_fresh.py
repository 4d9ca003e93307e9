from collections import Counter

from bench.fresh import FRESH_DIR, REWRITE_STYLES, Case, cases, events, judge
from detector.text import Document, read_document


def test_every_event_has_its_three_reports_its_edit_and_a_rewrite_in_each_style():
    found = Counter(case.kind for case in cases(spins=False))
    n = len(events())
    assert n == 12
    assert found == {"independent, own reporting": 2 * n, "independent, same facts": 2 * n,
                     "edited": n, **{f"rewrite {style}": n for style in REWRITE_STYLES}}


def test_a_scan_is_right_only_with_the_report_the_suspect_comes_from_as_its_source():
    a, b, c = (read_document(FRESH_DIR / "articles" / side / "01.txt") for side in "abc")
    reports = [Case("independent, own reporting", c, a), Case("independent, same facts", b, a)]
    copy_of_a = Case("edited", Document(a.text, "copy-of-a"), a)
    copy_of_b_said_to_be_of_a = Case("edited", Document(b.text, "copy-of-b"), a)
    judged = judge([*reports, copy_of_a, copy_of_b_said_to_be_of_a])
    edited = judged["edited"]
    assert edited.pair_verdicts["copy"] == 1  # the verbatim copy of a, scored against a
    assert edited.n == 2
    assert edited.scans_right == 1  # the copy of b names b as its source, not a
