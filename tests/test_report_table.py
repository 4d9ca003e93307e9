"""The table of suspects: its figures, its HTML (readable without the script) and its CSV."""

import csv
import io

import pytest

from detector.report import table
from detector.report.records import group_results
from detector.report.table import CSV_COLUMNS, table_html, table_rows, write_csv
from detector.results import DERIVED, VERDICTS
from tests.test_report_html import Elements


def record(suspect, original, verdict, score, derived=None, **evidence):
    """A pairs record; `derived` is P(spun) + P(copy) (None: no probabilities at all)."""
    rec = {"suspect": suspect, "original": original, "score": score, "verdict": verdict,
           "evidence": {"aligned_share": 0.5, "original_aligned_share": 0.25, "n_swaps": 4,
                        **evidence}}
    if derived is not None:
        rec["probabilities"] = {"spun": score, "copy": round(derived - score, 4),
                                "independent": round(1 - derived, 4), "unrelated": 0.0}
    return rec


RECORDS = [
    record("b.txt", "o1.txt", "independent", 0.05, 0.1, n_swaps=1),
    record("a.txt", "o1.txt", "spun", 0.9, 0.95, aligned_share=0.87, original_aligned_share=0.8),
    record("c.txt", "o2.txt", "copy", 0.1, 0.9),
    record("d.txt", "o2.txt", "unrelated", 0.0),
]


def rows():
    return table_rows(group_results(RECORDS)[0])


def test_rows_carry_the_figures_in_the_report_order():
    got = [(r.suspect, r.verdict, r.score, r.derived_probability, r.source, r.original,
            r.suspect_share, r.original_share, r.n_swaps) for r in rows()]
    assert got == [
        ("a.txt", "spun", 0.9, pytest.approx(0.95), "o1.txt", "o1.txt", 0.87, 0.8, 4),
        ("c.txt", "copy", 0.1, pytest.approx(0.9), "o2.txt", "o2.txt", 0.5, 0.25, 4),
        ("b.txt", "independent", 0.05, pytest.approx(0.1), None, "o1.txt", 0.5, 0.25, 1),
        ("d.txt", "unrelated", 0.0, None, None, "o2.txt", 0.5, 0.25, 4),
    ]
    assert [r.flagged for r in rows()] == [True, True, False, False]


def test_csv_has_a_header_and_one_line_per_suspect():
    out = io.StringIO()
    write_csv(rows(), out)
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(lines[0]) == CSV_COLUMNS == (
        "suspect", "verdict", "score", "derived_probability", "source", "original",
        "suspect_matched_share", "original_used_share", "n_swaps")
    assert lines[1:] == [
        ["a.txt", "spun", "0.9", "0.95", "o1.txt", "o1.txt", "0.87", "0.8", "4"],
        ["c.txt", "copy", "0.1", "0.9", "o2.txt", "o2.txt", "0.5", "0.25", "4"],
        ["b.txt", "independent", "0.05", "0.1", "", "o1.txt", "0.5", "0.25", "1"],
        ["d.txt", "unrelated", "0", "", "", "o2.txt", "0.5", "0.25", "4"],
    ]


@pytest.mark.parametrize(("name", "cell"), [("=HYPERLINK(\"http://x\")", "'=HYPERLINK"),
                                           ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM"),
                                           ("\tx", "\\x09x"), ("\rx", "\\x0dx")])
def test_csv_names_cannot_run_as_spreadsheet_formulas(name, cell):
    out = io.StringIO()
    write_csv(table_rows(group_results([record(name, name, "spun", 0.9, 0.9)])[0]), out)
    (row,) = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert row[0] == row[4] == row[5] and row[0].startswith(cell)


def test_csv_names_show_controls_and_bidi_marks_as_escapes():
    out = io.StringIO()
    write_csv(table_rows(group_results([record("a\u202eb\nc.txt", "o.txt", "spun", 0.9)])[0]),
              out)
    assert "a\\u202eb\\x0ac.txt" in out.getvalue() and "\u202e" not in out.getvalue()
    assert out.getvalue().count("\n") == 2


def test_table_reads_without_the_script_and_carries_what_it_sorts_by():
    page = Elements(table_html(rows(), [f"suspect-{k}" for k in range(1, 5)]))
    (controls,) = [e for e in page.all("div") if e.get("id") == "controls"]
    assert "hidden" in controls  # shown by the script, which makes the controls work
    body = page.all("tr")[1:]
    assert [r["data-name"] for r in body] == ["a.txt", "c.txt", "b.txt", "d.txt"]
    assert [r["data-verdict"] for r in body] == ["spun", "copy", "independent", "unrelated"]
    assert [r["data-derived"] for r in body] == ["0.9500", "0.9000", "0.1000", ""]
    assert ["data-flagged" in r for r in body] == [True, True, False, False]
    assert body[2]["data-names"] == "b.txt\no1.txt"
    links = [a["href"] for a in page.all("a")]
    assert links == ["#suspect-1", "#suspect-2", "#suspect-3", "#suspect-4"]
    assert "87%" in body[0]["text"] and "80%" in body[0]["text"] and "0.950" in body[0]["text"]
    assert "none (closest: o1.txt)" in body[2]["text"]
    sortable = [th["data-sort"] for th in page.all("th") if "data-sort" in th]
    assert sortable == ["name", "verdict", "score", "derived"]


def test_a_stitched_suspect_is_found_by_any_of_its_sources():
    scan = {**record("s.txt", "o1.txt", "spun", 0.9, 0.9), "source": "o1.txt",
            "candidates": [{"original": "o1.txt", "score": 0.9, "verdict": "spun"},
                           {"original": "o2.txt", "score": 0.7, "verdict": "copy"},
                           {"original": "o3.txt", "score": 0.0, "verdict": "unrelated"}]}
    (row,) = table_rows(group_results([scan])[0])
    assert (row.source, row.sources) == ("o1.txt", ("o1.txt", "o2.txt"))
    (tr,) = Elements(table_html([row], ["s-1"])).all("tr")[1:]
    assert tr["data-names"] == "s.txt\no1.txt\no2.txt"
    assert "o1.txt and 1 more" in tr["text"]


def test_verdict_filters_come_from_the_verdicts_the_model_knows(monkeypatch):
    def boxes():
        page = Elements(table_html(rows(), [f"s-{k}" for k in range(4)]))
        return [e["value"] for e in page.all("input") if e.get("name") == "verdict"]

    assert boxes() == list(VERDICTS) == ["spun", "rewritten", "copy", "independent", "unrelated"]
    monkeypatch.setattr(table, "VERDICTS", ("spun", "copy", "independent", "unrelated"))
    assert boxes() == ["spun", "copy", "independent", "unrelated"]
    assert table.FLAGGED == DERIVED


def test_names_in_the_table_are_escaped():
    evil = '"><script>alert(1)</script>\u202e.txt'
    html = table_html(table_rows(group_results([record(evil, evil, "spun", 0.9)])[0]), ["s-1"])
    assert "<script" not in html and "\u202e" not in html
    (row,) = Elements(html).all("tr")[1:]
    assert row["data-name"] == '"><script>alert(1)</script>\\u202e.txt'
