"""PAN's text-alignment XML: passage groups as detections, one document per pair."""

import xml.etree.ElementTree as ET

from detector import cli
from detector.report.pan import detections, pan_name, pan_xml


def passage(s1, s2, o1, o2, kind="verbatim"):
    return {"kind": kind, "suspect": [s1, s2], "original": [o1, o2]}


def test_neighbouring_passages_make_one_detection_and_gaps_split_them():
    passages = [passage(0, 60, 100, 160), passage(61, 68, 161, 166, "swapped"),
                passage(69, 200, 167, 300),
                passage(900, 1000, 310, 410),  # far on the suspect's side: a new group
                passage(1001, 1100, 2000, 2100),  # far on the original's side: another
                passage(1101, 1120, 2101, 2120)]
    assert detections(passages) == [(0, 200, 100, 200), (900, 100, 310, 100),
                                    (1001, 119, 2000, 120)]
    assert detections(passages, min_length=150) == [(0, 200, 100, 200)]
    assert detections([]) == []


def _record(verdict="spun"):
    return {"suspect": "in/suspicious-document00001.txt",
            "original": "/data/source-document00042.txt", "verdict": verdict,
            "evidence": {"passages": [passage(5, 1005, 100, 1100)]}}


def test_one_xml_document_per_pair():
    root = ET.fromstring(pan_xml(_record()))
    assert root.tag == "document" and root.get("reference") == "suspicious-document00001.txt"
    [feature] = root
    assert feature.attrib == {"name": "detected-plagiarism", "this_offset": "5",
                              "this_length": "1000",
                              "source_reference": "source-document00042.txt",
                              "source_offset": "100", "source_length": "1000"}
    assert pan_name(_record()) == "suspicious-document00001-source-document00042.xml"


def test_no_detections_unless_derived_and_names_are_escaped():
    assert list(ET.fromstring(pan_xml(_record("independent")))) == []
    odd = {**_record(), "suspect": 'a"<b>&\x1b.txt'}
    assert ET.fromstring(pan_xml(odd)).get("reference") == 'a"<b>&\\x1b.txt'


def test_pairs_format_pan_writes_a_file_per_pair(tiny_model, article_files, tmp_path, capsys):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{article_files['spun']}\t{article_files['original']}\n"
                     f"{article_files['unrelated']}\t{article_files['original']}\n"
                     f"{tmp_path / 'missing.txt'}\t{article_files['original']}\n")
    out = tmp_path / "pan"
    argv = ["--model", str(tiny_model), "pairs", str(pairs), "--jobs", "1", "--format", "pan",
            "--out", str(out)]
    assert cli.main(argv) == 2  # the missing file
    err = capsys.readouterr().err
    assert "missing.txt: no such file" in err and "3 records" in err and "1 error," in err
    assert sorted(p.name for p in out.iterdir()) == ["spun-original.xml",
                                                     "unrelated-original.xml"]
    for xml in out.iterdir():
        assert ET.parse(xml).getroot().get("reference") == xml.name.split("-")[0] + ".txt"
    assert cli.main(argv) == 2 and "already holds files" in capsys.readouterr().err
    assert cli.main(argv[:-2]) == 2 and "--out DIR" in capsys.readouterr().err


def test_pairs_whose_files_are_named_alike_get_a_file_each(tiny_model, article_files,
                                                           tmp_path, capsys):
    """Two suspects named alike in different folders: the second pair's file is `-2`, not the
    first's replaced."""
    for folder, kind in (("a", "spun"), ("b", "unrelated")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(article_files[kind].read_text())
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{tmp_path / f / 'x.txt'}\t{article_files['original']}\n"
                             for f in ("a", "b")))
    out = tmp_path / "pan"
    assert cli.main(["--model", str(tiny_model), "pairs", str(pairs), "--jobs", "1",
                     "--format", "pan", "--out", str(out)]) == 0
    assert "2 records" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["x-original-2.xml", "x-original.xml"]
    features = [len(ET.parse(out / n).getroot()) for n in ("x-original.xml", "x-original-2.xml")]
    assert features[0] > 0 and features[1] == 0  # the spun pair's, then the unrelated one's
    taken: set[str] = set()
    assert [pan_name(_record(), taken) for _ in range(3)] == [
        "suspicious-document00001-source-document00042.xml",
        "suspicious-document00001-source-document00042-2.xml",
        "suspicious-document00001-source-document00042-3.xml"]
