"""The HTML report: marks, layout, escaping, the seeds end to end, and a real browser."""

import hashlib
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from detector.align import align
from detector.report.evidence import segments
from detector.report.html import paragraph_html, report_html
from detector.report.table import SCRIPT, script_hash
from detector.text import Document

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def seed(prefix: str) -> Path:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt"))


class Elements(HTMLParser):
    """Every element of a page with its attributes and its text (nested text included)."""

    def __init__(self, page: str):
        super().__init__()
        self.found: list[dict] = []
        self.open: list[dict] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **{k: v or "" for k, v in attrs}, "text": "",
                   "index": len(self.found)}
        self.found.append(element)
        if tag not in ("meta", "input", "br", "img", "link"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            element = self.open.pop()
            element["end"] = len(self.found)
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data

    def all(self, tag, css=None, within=None):
        found = self.found[within["index"] + 1 : within["end"]] if within else self.found
        return [e for e in found if e["tag"] == tag
                and (css is None or css in e.get("class", "").split())]


def sha(path) -> str | None:
    """The SHA-256 of a file's bytes, as scoring records it (None for no file)."""
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def record(suspect, original, verdict="spun", score=0.95, *, base=Path(), **evidence):
    """A pairs record for two files as scored (their hashes taken from `base`/their paths)."""
    return {"suspect": str(suspect), "original": str(original), "score": score,
            "verdict": verdict,
            "probabilities": {"spun": score, "copy": 0.0, "independent": 1 - score,
                              "unrelated": 0.0},
            "evidence": {"aligned_share": 0.9, "verbatim_share": 0.6, "substitution_rate": 0.3,
                         "synonym_share": 0.5, "swaps": [["voted", "elected"]], **evidence},
            "suspect_sha256": sha(base / suspect), "original_sha256": sha(base / original)}


def without_our_script(page: str) -> str:
    """The page less its one script, ours (`table.SCRIPT`): whatever else runs came in."""
    ours = f"<script>{SCRIPT}</script>"
    assert page.lower().count("<script") == 1 and page.count(ours) == 1
    return page.replace(ours, "")


def verbatim_runs(markup: str) -> list[str]:
    """The stretches of a paragraph's markup that no mark, insertion or deletion covers."""
    cut = re.sub(r"<(mark|ins|del)\b[^>]*>.*?</\1>", "|", markup)
    return [run.strip() for run in re.sub(r"<[^>]+>", "", cut).split("|") if run.strip()]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_swaps_verbatim_and_fillers_are_marked_differently():
    a = align(Document("China has tried to meet the press since the war began."),
              Document("China has actually tried to satisfy the press since the war started."))
    markup = paragraph_html(segments(a, 0))
    suspect = Elements(markup)
    (swap, swap2) = suspect.all("mark", "swap")
    assert (swap["text"], swap["data-orig"]) == ("satisfy", "meet")
    assert swap2["text"] == "started" and swap2["data-orig"] == "began"
    assert [e["text"] for e in suspect.all("ins", "filler")] == ["actually"]
    # one verbatim background for the paragraph; the marked stretches sit inside it
    (same,) = suspect.all("span", "same")
    assert same["text"] == "China has actually tried to satisfy the press since the war started."
    assert same["index"] < swap["index"] < swap2["index"] < same["end"]
    assert verbatim_runs(markup) == ["China has", "tried to", "the press since the war", "."]
    original = Elements(paragraph_html(segments(a, 0, "original"), "original"))
    assert [(e["text"], e["data-repl"]) for e in original.all("mark", "swapped")] == [
        ("meet", "satisfy"), ("began", "started")]


def test_report_pairs_paragraphs_and_greys_those_without_counterpart(tmp_path, texts):
    spun = texts["spun"].strip().split("\n\n")
    comet = texts["unrelated"].strip().split("\n\n")[0]
    suspect = write(tmp_path, "suspect.txt", "\n\n".join([spun[0], comet, spun[2]]))
    original = write(tmp_path, "original.txt", texts["original"])
    page = Elements(report_html([record(suspect, original, n_swaps=10)]))
    by_class = {css: " | ".join(r["text"] for r in page.all("tr", css))
                for css in ("pair", "unmatched", "unused")}
    assert "elected" in by_class["pair"] and "voted" in by_class["pair"]
    assert "comet" in by_class["unmatched"] and "no counterpart" in by_class["unmatched"]
    assert "Mayor Linda Park said" in by_class["unused"]  # the original paragraph it dropped
    assert len(page.all("tr", "pair")) == 2
    assert not page.all("p", "warning")  # the files match the evidence (10 swaps)


def test_summary_sorts_spun_first_and_lists_error_records(tmp_path, texts):
    original = write(tmp_path, "o.txt", texts["original"])
    files = {k: write(tmp_path, f"{k}.txt", texts[k]) for k in ("spun", "independent")}
    records = [
        record(files["independent"], original, "independent", 0.03),
        {"suspect": "gone.txt", "original": str(original), "score": None, "verdict": "error",
         "error": "gone.txt: no such file"},
        record(files["spun"], original, "spun", 0.91),
    ]
    page = report_html(records)
    summary = Elements(page.split('id="summary"')[1].split("</section>")[0])
    rows = summary.all("tr")[1:]
    assert ["spun.txt" in rows[0]["text"], "independent.txt" in rows[1]["text"]] == [True, True]
    assert "0.910" in rows[0]["text"] and "90%" in rows[0]["text"]
    assert "none (closest" in rows[1]["text"]
    errors = Elements(page.split('id="errors"')[1])
    assert "gone.txt: no such file" in errors.all("table")[0]["text"]
    # the independent report's side-by-side is there, folded away
    section = page.split('id="suspect-2"')[1]
    assert "<details><summary>Side by side" in section


def test_stitched_suspect_tags_each_paragraph_with_its_source(tmp_path, texts):
    spun = texts["spun"].strip().split("\n\n")
    comet = texts["unrelated"].strip().split("\n\n")
    suspect = write(tmp_path, "stitched.txt", "\n\n".join([spun[0], comet[1], spun[2]]))
    a = write(tmp_path, "a.txt", texts["original"])
    b = write(tmp_path, "b.txt", texts["unrelated"])
    scan = {**record(suspect, a, "spun", 0.8), "source": str(a),
            "candidates": [{"original": str(a), "score": 0.8, "verdict": "spun", "sha256": sha(a)},
                           {"original": str(b), "score": 0.4, "verdict": "copy",
                            "sha256": sha(b)}]}
    page = Elements(report_html([scan]))
    cells = [page.all("td", "o", within=row)[0]["text"] for row in page.all("tr", "pair")]
    assert [(c[:1], "voted" in c, "50,000 years" in c, "rising cost" in c) for c in cells] == [
        ("A", True, False, False), ("B", False, True, False), ("A", False, False, True)]
    why = page.all("ul", "why")[0]["text"]
    assert f"several articles: 2 from A ({a}), 1 from B ({b})" in why


REWRITE = """Budget approved: what it means for you

On Tuesday the city's councillors gave the green light to next year's budget.

Twelve extra teachers will be paid for and three bridges will be fixed under the plan,
according to Mayor Linda Park.

The measure, which comes into force in July, was carried by seven votes to two.
Stay tuned for more.
"""


def test_a_rewrite_shows_each_sentence_beside_the_one_it_was_made_from(tmp_path, texts):
    suspect = write(tmp_path, "rewrite.txt", REWRITE)
    original = write(tmp_path, "original.txt", texts["original"])
    page = Elements(report_html([record(suspect, original, "rewritten", 0.9)]))
    rows = page.all("tr", within=page.all("table", "sentences")[0])[1:]
    cells = [[c["text"] for c in page.all("td", within=row)] for row in rows]
    made = {suspect_sentence: (how, at, made_from)
            for _, how, suspect_sentence, at, made_from in cells}
    assert made["Budget approved: what it means for you"][0] == "not from the original"
    how, at, made_from = made["The measure, which comes into force in July, was carried by "
                              "seven votes to two."]
    assert how == "rewritten" and made_from.startswith("The vote passed seven to two")
    assert at.startswith("5")  # the original's fifth sentence
    assert "moved up" not in at


def test_a_rewrite_s_sentence_table_is_open_or_folds_as_its_side_by_side_does(
        tmp_path, texts, monkeypatch):
    """It is a rewrite's evidence: open, or, past the sections that open, folded the way the
    page's script opens for a link and for print (`details.fold`)."""
    from detector.report import html

    suspect = write(tmp_path, "rewrite.txt", REWRITE)
    original = write(tmp_path, "original.txt", texts["original"])
    records = [record(suspect, original, "rewritten", 0.9)]
    assert '<details open><summary>Sentence by sentence' in report_html(records)
    monkeypatch.setattr(html, "OPEN_SECTIONS", 0)
    assert '<details class="fold"><summary>Sentence by sentence' in report_html(records)


def test_skipped_records_are_listed_at_the_top_of_the_page(tmp_path, texts):
    suspect = write(tmp_path, "rewrite.txt", REWRITE)
    original = write(tmp_path, "original.txt", texts["original"])
    page = report_html([record(suspect, original, "rewritten", 0.9)],
                       problems=["line 5: not JSON"])
    assert page.index('<section id="problems">') < page.index('<section id="summary">')
    assert "line 5: not JSON" in page


def test_sentences_are_not_attributed_for_a_report_that_does_not_derive(tmp_path, texts):
    suspect = write(tmp_path, "independent.txt", texts["independent"])
    original = write(tmp_path, "original.txt", texts["original"])
    page = Elements(report_html([record(suspect, original, "independent", 0.02)]))
    assert not page.all("table", "sentences")


def test_everything_from_articles_and_results_is_escaped(tmp_path, texts):
    attack = ('<script>document.body.appendChild(document.createElement("pwned"))</script>'
              '<img src=x onerror="alert(1)"> & "quotes" <b>bold</b>')
    suspect = write(tmp_path, "evil<i>.txt", texts["spun"].replace("Critics", attack + " Critics"))
    original = write(tmp_path, "original.txt", texts["original"].replace("Tuesday",
                                                                         "Tuesday <iframe>"))
    records = [
        record(suspect, original, "spun", 0.9, swaps=[["<em>x</em>", "<u>y</u>"]]),
        {"suspect": "<svg onload=alert(1)>", "verdict": "error", "score": None,
         "error": "<script>alert(2)</script>"},
        {**record(suspect, original), "suspect": "other.txt", "verdict": '"><script>x</script>'},
    ]
    page = report_html(records)
    lowered = without_our_script(page).lower()
    for tag in ("<script", "<img", "<iframe", "<svg", "<b>", "<i>", "<em>", "<u>"):
        assert tag not in lowered, tag
    assert "evil&lt;i&gt;.txt" in page and "&lt;svg onload=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    text = "".join(e["text"] for e in Elements(page).all("td", "s"))
    assert attack in text  # shown as the text it is, the article's own words around it


def test_page_is_self_contained(tmp_path, texts):
    suspect = write(tmp_path, "s.txt", texts["spun"])
    original = write(tmp_path, "o.txt", texts["original"])
    page = report_html([record(suspect, original)])
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for external in ("http:", "https:", "src=", "<link", "url(", "@import", "<script"):
        assert external not in without_our_script(page), external
    for fetch in ("fetch(", "XMLHttpRequest", "import(", "eval(", "innerHTML", "src"):
        assert fetch not in SCRIPT, fetch  # the script reads and moves what is there
    # the policy allows our script by its hash, and nothing else
    policy = f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}"
    assert f'content="{policy}"' in page and "<style>" in page


def test_unreadable_or_changed_files_are_reported_not_fatal(tmp_path, texts):
    original = write(tmp_path, "o.txt", texts["original"])
    changed = write(tmp_path, "changed.txt", texts["spun"])
    gone = {**record(tmp_path / "gone.txt", original, "spun", 0.9), "suspect_sha256": "0" * 64}
    page = report_html([gone, record(changed, original, "spun", 0.8, n_swaps=3)])
    assert "Text not shown: " in page and "gone.txt: no such file" in page
    assert "20 swaps now, 3 then" in page


def test_relative_paths_resolve_against_the_results_folder(tmp_path, texts, monkeypatch):
    write(tmp_path, "s.txt", texts["spun"])
    write(tmp_path, "o.txt", texts["original"])
    monkeypatch.chdir(ROOT)
    page = report_html([record("s.txt", "o.txt", base=tmp_path)], base=tmp_path)
    assert 'data-orig="voted">elected</mark>' in page


def test_a_record_naming_any_local_file_does_not_put_it_in_the_report(tmp_path, texts):
    secret = write(tmp_path, "secret.txt", "root:x:0:0:swordfish:/root:/bin/bash\n")
    original = write(tmp_path, "o.txt", texts["original"])
    scored = write(tmp_path, "s.txt", texts["spun"])
    forged = {**record(scored, original), "suspect": str(secret)}  # the hash of another file
    older = {**record(secret, original), "suspect_sha256": None}  # no hash: an older results file
    foreign_original = {**record(scored, secret), "original_sha256": sha(original)}
    for rec in (forged, older, foreign_original):
        page = report_html([rec])
        assert "swordfish" not in page
        assert "0.950" in page and "90% of the suspect" in page  # the numbers are still shown
        reason = Elements(page).all("p", "warning")[0]["text"]
        assert reason.startswith("Text not shown: ")
        assert "file changed or not the one scored" in reason or "no SHA-256" in reason
    assert "file changed or not the one scored" in report_html([forged])


def test_changed_file_is_not_shown(tmp_path, texts):
    original = write(tmp_path, "o.txt", texts["original"])
    suspect = write(tmp_path, "s.txt", texts["spun"])
    rec = record(suspect, original)
    suspect.write_text(texts["spun"].replace("elected", "chose"))
    page = report_html([rec])
    assert "chose" not in page and "file changed or not the one scored" in page


def test_names_cannot_reorder_or_control_how_the_report_reads(tmp_path, texts):
    name = "invoice\u202etxt.exe\x1b[2J"
    suspect = write(tmp_path, "s.txt", texts["spun"])
    original = write(tmp_path, "o.txt", texts["original"])
    records = [
        {**record(suspect, original), "suspect": str(tmp_path / name),
         "evidence": {"aligned_share": 0.9, "substitution_rate": 0.3, "n_swaps": 1,
                      "swaps": [["a\u2066b", "c\x07d"]]}},
        {"suspect": f"gone{name}", "original": None, "score": None, "verdict": "error",
         "error": f"gone{name}: no such file"},
        {**record(suspect, original), "original": f"o{name}",
         "candidates": [{"original": f"o{name}", "score": 0.95, "verdict": "spun"},
                        {"original": f"p{name}", "score": 0.1, "verdict": "unrelated"}]},
    ]
    page = report_html(records, results_name=f"r{name}.jsonl")
    for raw in ("\u202e", "\x1b", "\u2066", "\x07"):
        assert raw not in page, repr(raw)
    assert page.count("invoice\\u202etxt.exe\\x1b[2J") >= 7
    assert "a\\u2066b" in page and "c\\x07d" in page


# --- the seeds, scored by the shipped model -----------------------------------------------


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    """The report for 001-004 against 000, as `spundetect report` writes it."""
    from detector.api import Detector
    from detector.text import read_document

    detector = Detector()
    original = read_document(seed("000").relative_to(ROOT))
    records = [
        detector.score_suspect(read_document(seed(k).relative_to(ROOT)), [original]).to_record()
        for k in ("001", "002", "003", "004")
    ]
    path = tmp_path_factory.mktemp("report") / "seeds.html"
    path.write_text(report_html(records, base=ROOT), encoding="utf-8")
    return path


def check_seed_page(page: str) -> None:
    """What the seed report must show: 004 spun from 000 with `satisfy` over `meet`, the ICC
    paragraph 000 lacks unmatched, and 001-003 listed as independent."""
    summary = Elements(page.split('id="summary"')[1].split("</section>")[0]).all("tr")[1:]
    assert "004_" in summary[0]["text"] and "spun" in summary[0]["text"]
    others = {r["text"].split("seeds/")[1][:3]: r["text"] for r in summary[1:]}
    assert sorted(others) == ["001", "002", "003"]
    assert all("independent" in text for text in others.values()), others
    section = Elements(page.split('id="suspect-1"')[1].split("</section>")[0])
    marks = {(m["text"], m["data-orig"]) for m in section.all("mark", "swap")}
    assert ("satisfy", "meet") in marks
    unmatched = [r["text"] for r in section.all("tr", "unmatched")]
    assert any("International Criminal Court" in t for t in unmatched)
    paired = " ".join(r["text"] for r in section.all("tr", "pair"))
    assert "International Criminal Court" not in paired


def test_seed_report_shows_the_spun_copy_beside_its_original(seed_report):
    check_seed_page(seed_report.read_text(encoding="utf-8"))


# --- a real browser -------------------------------------------------------------------------


def chromium() -> str:
    found = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                  if shutil.which(n)), None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is required in CI (.ci/run installs it with apt-get)")
    pytest.skip("Chromium not installed (Debian: apt-get install chromium); browser test skipped")


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *extra,
               page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)


def test_browser_renders_the_highlights_and_runs_nothing(seed_report, tmp_path, texts):
    dom = browse(seed_report, tmp_path / "profile", "--dump-dom").stdout
    check_seed_page(dom)  # the same checks, on the DOM Chromium built
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "seed_report.png"
    shot.unlink(missing_ok=True)
    browse(seed_report, tmp_path / "profile", "--hide-scrollbars", "--window-size=1280,2400",
           f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")

    attack = '<script>document.body.appendChild(document.createElement("pwned"))</script>'
    suspect = write(tmp_path, "evil.txt", texts["spun"].replace("Critics", attack + " Critics"))
    original = write(tmp_path, "o.txt", texts["original"])
    evil = write(tmp_path, "evil.html", report_html([record(suspect, original)]))
    dom = browse(evil, tmp_path / "profile", "--dump-dom").stdout
    assert "<pwned" not in dom and "<script" not in without_our_script(dom).lower()
    assert 'data-controls="ready"' in dom  # the policy let our script run
    assert attack in "".join(e["text"] for e in Elements(dom).all("td", "s"))


def table_records(tmp_path, texts) -> list[dict]:
    """Six suspects of every verdict; the first, spun from council.txt, with its files."""
    spun = write(tmp_path, "a_spun.txt", texts["spun"])
    council = write(tmp_path, "council.txt", texts["original"])

    def rec(name, original, verdict, score, derived):
        probabilities = None if derived is None else {
            "spun": score, "copy": round(derived - score, 4),
            "independent": round(1 - derived, 4), "unrelated": 0.0}
        return {"suspect": name, "original": original, "score": score, "verdict": verdict,
                **({"probabilities": probabilities} if probabilities else {}),
                "evidence": {"aligned_share": 0.5, "n_swaps": 3}}

    return [
        record(spun, council, "spun", 0.95),
        rec("b_copy.txt", "council.txt", "copy", 0.10, 0.9),
        rec("c_spun.txt", "comet.txt", "spun", 0.60, 0.7),
        rec("d_indep.txt", "council.txt", "independent", 0.05, 0.06),
        rec("e_unrel.txt", "comet.txt", "unrelated", 0.01, 0.01),
        rec("f_indep.txt", "comet.txt", "independent", 0.20, None),
    ]


VISIBLE_ROWS = """Array.from(document.querySelectorAll("#suspects tbody tr"))
  .filter(row => row.getClientRects().length > 0)
  .map(row => row.querySelector("a").textContent.split("/").pop())"""

CONTROLS_READY = """new Promise(resolve => {
  const ready = () => document.documentElement.getAttribute("data-controls") === "ready";
  if (ready()) { resolve(true); return; }
  new MutationObserver((_, seen) => { if (ready()) { seen.disconnect(); resolve(true); } })
    .observe(document.documentElement, {attributes: true});
})"""


def test_browser_sorts_filters_and_searches_the_table(tmp_path, texts, monkeypatch):
    from detector.report import html
    from tests.browser import Browser

    monkeypatch.setattr(html, "OPEN_SECTIONS", 1)  # the other sections start folded
    page = write(tmp_path, "table.html", report_html(table_records(tmp_path, texts)))
    names = ["a_spun.txt", "c_spun.txt", "b_copy.txt", "f_indep.txt", "d_indep.txt",
             "e_unrel.txt"]
    with Browser(tmp_path / "profile", executable=chromium()) as browser:
        browser.open(page)
        assert browser.evaluate(CONTROLS_READY) is True

        def rows() -> list[str]:
            return browser.evaluate(VISIBLE_ROWS)

        def click(selector: str) -> None:
            browser.evaluate(f"document.querySelector({selector!r}).click()")

        def shown() -> str:
            return browser.evaluate('document.getElementById("shown-count").textContent')

        assert rows() == names  # flagged first, then by score, as the page was written
        assert shown() == "showing 6 of 6"
        click("th[data-sort=score] button")
        assert rows() == ["a_spun.txt", "c_spun.txt", "f_indep.txt", "b_copy.txt",
                          "d_indep.txt", "e_unrel.txt"]
        assert browser.evaluate('document.querySelector("th[data-sort=score]")'
                                '.getAttribute("aria-sort")') == "descending"
        click("th[data-sort=score] button")
        assert rows() == ["e_unrel.txt", "d_indep.txt", "b_copy.txt", "f_indep.txt",
                          "c_spun.txt", "a_spun.txt"]
        click("th[data-sort=derived] button")  # f has no probabilities: last either way
        assert rows() == ["a_spun.txt", "b_copy.txt", "c_spun.txt", "d_indep.txt",
                          "e_unrel.txt", "f_indep.txt"]
        click("th[data-sort=derived] button")
        assert rows()[-1] == "f_indep.txt" and rows()[0] == "e_unrel.txt"
        click("th[data-sort=name] button")
        assert rows() == sorted(names)
        click("th[data-sort=score] button")

        # one verdict: untick every other
        for verdict in ("spun", "copy", "unrelated"):
            click(f"input[name=verdict][value={verdict}]")
        assert rows() == ["f_indep.txt", "d_indep.txt"] and shown() == "showing 2 of 6"

        # the search box, typed into, finds suspects by their original's name too
        browser.evaluate('document.getElementById("find").focus()')
        browser.insert_text("COMET")
        assert rows() == ["f_indep.txt"]
        click("input[name=verdict][value=spun]")
        assert rows() == ["c_spun.txt", "f_indep.txt"]
        browser.insert_text("zzz")
        assert rows() == [] and shown() == "showing 0 of 6"
        assert browser.evaluate('document.getElementById("no-match").hidden') is False
        browser.evaluate('const f = document.getElementById("find"); f.value = "";'
                         'f.dispatchEvent(new Event("input"))')
        assert rows() == ["a_spun.txt", "c_spun.txt", "f_indep.txt", "d_indep.txt"]

        # flagged only, on top of the ticked verdicts, then alone
        click("#flagged-only")
        assert rows() == ["a_spun.txt", "c_spun.txt"]
        for verdict in ("copy", "unrelated"):
            click(f"input[name=verdict][value={verdict}]")
        assert rows() == ["a_spun.txt", "c_spun.txt", "b_copy.txt"]
        click("#flagged-only")
        assert len(rows()) == 6

        # a row links to its section, which links back; a folded side-by-side opens
        folded = 'document.querySelector("#suspect-1 details.fold")'
        assert browser.evaluate(f"{folded} === null")  # the first section is open
        click('a[href="#suspect-1"]')
        assert browser.evaluate("location.hash") == "#suspect-1"
        assert browser.evaluate('document.querySelector("#suspect-1 a.back")'
                                '.getAttribute("href")') == "#summary"
        monkeypatch.setattr(html, "OPEN_SECTIONS", 0)
        page.write_text(report_html(table_records(tmp_path, texts)), encoding="utf-8")
        browser.open(page)
        assert browser.evaluate(CONTROLS_READY) is True
        assert browser.evaluate(f"{folded}.open") is False
        click('a[href="#suspect-1"]')
        assert browser.evaluate(f"{folded}.open") is True

        # printing opens every folded view, and closes again those it opened
        every = 'Array.from(document.querySelectorAll("details.fold")).map(d => d.open)'
        browser.evaluate(f"{folded}.open = false")
        browser.evaluate('window.dispatchEvent(new Event("beforeprint"))')
        assert browser.evaluate(every) == [True]
        browser.evaluate('window.dispatchEvent(new Event("afterprint"))')
        assert browser.evaluate(every) == [False]


def test_without_javascript_the_table_lists_every_suspect(tmp_path, texts):
    from tests.browser import Browser

    page = write(tmp_path, "table.html", report_html(table_records(tmp_path, texts)))
    with Browser(tmp_path / "profile", executable=chromium()) as browser:
        browser.send("Emulation.setScriptExecutionDisabled", session=True, value=True)
        browser.open(page)
        assert browser.evaluate('document.documentElement.getAttribute("data-controls")') is None
        assert browser.evaluate('document.getElementById("controls").getClientRects().length') == 0
        assert len(browser.evaluate(VISIBLE_ROWS)) == 6
        assert browser.evaluate('document.querySelector("#suspect-1 h3 + table.sbs") !== null')


# --- a scan against an index, reported with and without it --------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("sqlite", "ref.sqlite"), ("parquet", "ref")])
def test_report_index_takes_originals_from_the_index(tmp_path, texts, tiny_model_dir, capsys,
                                                     fmt, name):
    import json

    from detector.cli import main

    originals, suspects = tmp_path / "originals", tmp_path / "suspects"
    originals.mkdir()
    suspects.mkdir()
    council = write(originals, "council.txt", texts["original"])
    write(originals, "comet.txt", texts["unrelated"])
    spun = write(suspects, "spun.txt", texts["spun"])
    index, results = tmp_path / name, tmp_path / "scan.jsonl"
    assert main(["index", "build", str(originals), str(index), "--jobs", "1",
                 "--format", fmt]) == 0
    assert main(["--model", str(tiny_model_dir), "scan", str(suspects), "--index", str(index),
                 "--out", str(results), "--jobs", "1"]) == 0
    (scanned,) = [json.loads(line) for line in results.read_text().splitlines()]
    assert scanned["suspect_sha256"] == sha(spun)
    hashes = {c["original"]: c["sha256"] for c in scanned["candidates"]}
    assert hashes[str(council.resolve())] == sha(council)  # the index's hash of what it holds
    council.unlink()  # the original is gone from disk: only the index still has its text
    without, with_index = tmp_path / "without.html", tmp_path / "with.html"
    assert main(["report", str(results), "--out", str(without)]) == 0
    assert main(["report", str(results), "--out", str(with_index), "--index", str(index)]) == 0
    assert "council.txt: no such file" in without.read_text()
    page = with_index.read_text()
    assert 'data-orig="voted">elected</mark>' in page and "Text not shown" not in page
    capsys.readouterr()
