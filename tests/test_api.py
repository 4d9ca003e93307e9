import hashlib
from pathlib import Path

import pytest

from detector.api import Detector, SuspectResult, score_files
from detector.errors import InputError
from detector.text import Document


def test_score_pair_of_texts(detector, texts):
    result = detector.score_pair(texts["spun"], texts["original"])
    assert 0.0 <= result.score <= 1.0
    p = result.probabilities
    assert result.score == pytest.approx(p["spun"] + p["rewritten"])
    assert result.derived == pytest.approx(p["spun"] + p["rewritten"] + p["copy"])
    assert result.to_record()["derived"] == round(result.derived, 4)
    assert sum(result.probabilities.values()) == pytest.approx(1.0)
    assert ["keeps", "maintains"] in result.evidence["swaps"]
    record = result.to_record()
    assert set(record) >= {"suspect", "original", "score", "verdict", "evidence"}


def test_verbatim_copy_is_copy(detector, texts):
    assert detector.score_pair(texts["original"], texts["original"]).verdict == "copy"


def test_unrelated_text_is_not_derived(detector, texts):
    result = detector.score_pair(texts["unrelated"], texts["original"])
    assert result.verdict in ("unrelated", "independent")
    assert result.score < 0.5


def test_a_batch_scores_each_pair_as_it_would_be_scored_alone(detector, texts):
    docs = {k: Document(v, k) for k, v in texts.items()}
    pairs = [(docs[k], docs["original"]) for k in docs] + [(docs["original"], docs["spun"])]
    together = [r.to_record() for r in detector.score_pairs(pairs)]
    alone = [detector.score_pairs([p])[0].to_record() for p in pairs]
    assert together == alone and len({r["score"] for r in alone}) > 1


def test_best_candidate_and_source(detector, texts):
    suspect = Document(texts["original"], "s")
    originals = [Document(texts["unrelated"], "u"), Document(texts["original"], "o")]
    result = detector.score_suspect(suspect, originals)
    assert result.best.original == "o" and result.source == "o"
    record = result.to_record()
    assert record["source"] == "o" and len(record["candidates"]) == 2
    assert record["candidates"][0]["original"] == "o"


def test_passages_of_the_best_candidate_only_give_the_same_record(detector, texts):
    from tests.conftest import corpus_files

    originals = [Document(v, k) for k, v in texts.items()]
    originals += [Document(p.read_text(), p.name) for p in corpus_files(("1",))[:3]]
    stitched = texts["spun"] + "\n\n" + originals[-1].text  # two sources
    for suspect in (texts["spun"], texts["independent"], texts["unrelated"], stitched):
        every = detector.score_suspect(Document(suspect, "s"), originals)
        best = detector.score_suspect(Document(suspect, "s"), originals, passages="best")
        assert best.to_record() == every.to_record()
        assert best.best.evidence == every.best.evidence and "passages" in best.best.evidence
        others = [(b, e) for b, e in zip(best.candidates, every.candidates, strict=True)
                  if b is not best.best]
        assert others and all("passages" not in b.evidence for b, _ in others)
        assert all(b.evidence == {k: v for k, v in e.evidence.items() if k != "passages"}
                   for b, e in others)


def test_no_source_when_nothing_derives(detector, texts):
    result = detector.score_suspect(Document(texts["unrelated"], "s"),
                                    [Document(texts["original"], "o")])
    assert result.source is None and result.to_record()["original"] == "o"
    assert SuspectResult("s").to_record()["source"] is None


def test_score_files_reports_unreadable_input(article_files, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00binary")
    with pytest.raises(InputError, match=r"bad\.txt"):
        score_files(bad, [article_files["original"]])


def test_default_detector_loads_shipped_model():
    assert Detector().model.classes == ("copy", "independent", "rewritten", "spun", "unrelated")


def test_records_carry_the_sha256_of_the_files_scored(detector, article_files, texts):
    from detector.text import read_document

    def digest(path):
        return hashlib.sha256(path.read_bytes()).hexdigest()

    suspect, original = (read_document(article_files[k]) for k in ("spun", "original"))
    record = detector.score_suspect(suspect, [original]).to_record()
    assert record["suspect_sha256"] == digest(article_files["spun"])
    assert record["original_sha256"] == digest(article_files["original"])
    assert record["candidates"][0]["sha256"] == digest(article_files["original"])
    pair = detector.score_pairs([(suspect, original)])[0].to_record()
    assert (pair["suspect_sha256"], pair["original_sha256"]) == (
        record["suspect_sha256"], record["original_sha256"])
    texts_only = detector.score_pair(texts["spun"], texts["original"]).to_record()
    assert texts_only["suspect_sha256"] is None and texts_only["original_sha256"] is None


# --- indexes, scans and reports from Python ---------------------------------------------------


@pytest.fixture
def folders(tmp_path, texts):
    originals, suspects = tmp_path / "originals", tmp_path / "suspects"
    originals.mkdir()
    suspects.mkdir()
    for name in ("original", "unrelated"):
        (originals / f"{name}.txt").write_text(texts[name])
    (originals / "bad.txt").write_bytes(b"caf\xe9")
    for name in ("spun", "independent"):
        (suspects / f"{name}.txt").write_text(texts[name])
    return originals, suspects


def test_build_open_and_scan_an_index(folders, tmp_path, tiny_model_dir):
    import detector as api
    from detector.model import load_model

    originals, suspects = folders
    index, report = api.build_index(originals, tmp_path / "ref.sqlite", jobs=1)
    with index:
        assert len(index) == 2 and len(report.added) == 2
        assert [Path(e["original"]).name for e in report.errors] == ["bad.txt"]
    rules = api.Detector(model=load_model(tiny_model_dir))
    with api.open_index(tmp_path / "ref.sqlite", readonly=True) as index:
        assert len(index) == 2
        by_index = list(api.scan_index(suspects, index, detector=rules, jobs=1))
    by_path = list(api.scan_index([suspects / "spun.txt", str(suspects / "independent.txt")],
                                  tmp_path / "ref.sqlite", detector=rules, jobs=1))
    records = {Path(r["suspect"]).name: r for r in by_index}
    assert records["spun.txt"]["verdict"] == "spun" and records["spun.txt"]["name"] == "spun.txt"
    assert Path(records["spun.txt"]["source"]).name == "original.txt"
    assert records["spun.txt"]["source_id"] == 1
    assert [r["verdict"] for r in by_path] == [records["spun.txt"]["verdict"],
                                               records["independent.txt"]["verdict"]]
    assert "name" not in by_path[0]  # a Path of a list: no folder to be named in
    assert by_path[1]["name"] == str(suspects / "independent.txt")  # a string: as given
    result = api.score_with_index(suspects / "spun.txt", tmp_path / "ref.sqlite",
                                  detector=rules, top_k=1)
    record = result.to_record()
    assert result.verdict == "spun" and record["source_id"] == 1
    assert len(record["candidates"]) == 1 and record["candidates"][0]["retrieval"] > 0
    with pytest.raises(InputError, match="no such directory"):
        list(api.scan_index(tmp_path / "none", tmp_path / "ref.sqlite"))


def test_add_files_and_folders_to_an_index(folders, tmp_path, monkeypatch):
    import detector as api
    from tests.conftest import deny_listing

    originals, suspects = folders
    location = tmp_path / "ref.sqlite"
    api.build_index([originals / "original.txt"], location, jobs=1)[0].close()
    more = tmp_path / "more"
    (more / "shut").mkdir(parents=True)
    (more / "copy.txt").write_text((suspects / "spun.txt").read_text())
    deny_listing(monkeypatch, more / "shut")
    report = api.add_to_index(location, [more, originals / "original.txt"], jobs=1)
    assert report.added == [2] and report.unchanged == [str((originals / "original.txt").resolve())]
    assert [e["original"] for e in report.errors] == [str(more / "shut")]
    with api.open_index(location) as index:
        again = [more / "copy.txt", str(more / "copy.txt"), more / "shut" / ".." / "copy.txt"]
        assert api.add_to_index(index, again, jobs=1).unchanged == [
            str((more / "copy.txt").resolve())]  # an open index too; one file, spelt 3 ways
        assert len(index) == 2
    (more / "alias.txt").symlink_to("copy.txt")  # the same file, as the index names it
    assert api.add_to_index(location, more, jobs=1).unchanged == [
        str((more / "copy.txt").resolve())]  # one folder, given alone
    assert api.add_to_index(location, str(more), jobs=1).added == []
    with pytest.raises(InputError, match=r"top k \(--top-k\) must be at least 1"):
        api.score_with_index(more / "copy.txt", location, top_k=0)
    parts = tmp_path / "parts"
    pytest.importorskip("pyarrow")
    api.build_index([originals / "original.txt"], parts, format="parquet", jobs=1)
    with pytest.raises(InputError, match="a partitioned index is written whole"):
        api.add_to_index(parts, [more], jobs=1)


def test_scan_a_folder_from_python(folders, detector):
    import detector as api

    originals, suspects = folders
    records = list(api.scan_folder([str(suspects / "spun.txt")], originals, detector=detector,
                                   jobs=1))
    assert [r["verdict"] for r in records] == ["error", "spun"]  # bad.txt, then the suspect
    assert records[0]["original"].endswith("bad.txt")
    assert records[1]["name"] == str(suspects / "spun.txt")


def test_write_report_from_records_or_a_results_file(folders, tmp_path, detector):
    import json

    import detector as api

    originals, suspects = folders
    records = list(api.scan_folder(suspects, originals, detector=detector, jobs=1))
    out = tmp_path / "report.html"
    assert api.write_report(records, out) == []
    page = out.read_text()
    assert "spundetect report: 2 suspects" in page and "maintains" in page
    with pytest.raises(InputError, match="already exists"):
        api.write_report(records, out)
    problems = api.write_report([*records, {"verdict": "spun"}], out, force=True)
    assert len(problems) == 1 and problems[0].startswith("record 4: ")
    results = tmp_path / "scan.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert api.write_report(results, tmp_path / "again.html") == []
    before = results.read_bytes()
    with pytest.raises(InputError, match="is the results file"):
        api.write_report(results, results, force=True)
    index = tmp_path / "ref.sqlite"
    api.build_index(originals, index, jobs=1)[0].close()
    with pytest.raises(InputError, match="is the index"):
        api.write_report(records, index, index=index, force=True)
    assert results.read_bytes() == before and index.read_bytes()[:16] == b"SQLite format 3\x00"
    with pytest.raises(InputError, match="no spundetect result"):
        api.write_report([{"not": "a record"}], tmp_path / "none.html")
    assert not (tmp_path / "none.html").exists()


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    """Every ```python block of README.md, in order, in a folder holding a copy of seeds/;
    what each `print(...)  # comment` line prints is its comment (`...` stands for any text)."""
    import re
    import shutil

    from tests.conftest import ROOT

    blocks = re.findall(r"^```python\n(.*?)^```$", (ROOT / "README.md").read_text(),
                        re.MULTILINE | re.DOTALL)
    assert blocks
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        capsys.readouterr()
        exec(compile(block, "README.md", "exec"), namespace)
        printed = capsys.readouterr().out.splitlines()
        expected = re.findall(r"^\s*print\(.*\)\s+# (.*)$", block, re.MULTILINE)
        assert len(printed) == len(expected), (printed, expected)
        for line, comment in zip(printed, expected, strict=True):
            pattern = ".*".join(map(re.escape, comment.split("...")))
            assert re.fullmatch(pattern, line), (line, comment)


def test_a_paragraph_spun_past_word_alignment_names_its_source():
    """A page of one report's paragraphs as they are and one of another report's sentences
    with every content word swapped (by hand: no word of it aligns) names both reports."""
    from tests.test_analysis import ORIGINAL_SENTENCE, SPUN_SENTENCE

    first = ("Heavy rain flooded the lower town overnight, forcing dozens of families to leave "
             "their homes before dawn.\n\nFirefighters used boats to reach people trapped on "
             "the upper floors of several buildings near the river.\n\nThe river rose almost "
             "two metres in six hours, the regional water authority said in a statement.\n\n"
             "Schools in the district will stay closed until Friday while crews clear mud and "
             "debris from the streets.\n\nVolunteers opened a shelter in the sports hall, "
             "where they handed out blankets, food and dry clothes.\n\n")
    second = (ORIGINAL_SENTENCE + " The council approved the final budget last month after a "
              "long debate about tolls.\n\nEngineers said the steel frame was finished ahead "
              "of schedule despite the cold winter.\n\n")
    unrelated = ("The orchestra announced a new season of concerts with three guest conductors "
                 "from abroad.\n\nTickets go on sale next week at the box office and online.")
    suspect = first + SPUN_SENTENCE + "\n"
    result = Detector().score_suspect(Document(suspect, "page.txt"), [
        Document(first, "first.txt"), Document(second, "second.txt"),
        Document(unrelated, "other.txt")])
    assert result.source == "first.txt"
    assert [s["original"] for s in result.sources] == ["first.txt", "second.txt"]
