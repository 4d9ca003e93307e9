import hashlib

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


def test_best_candidate_and_source(detector, texts):
    suspect = Document(texts["original"], "s")
    originals = [Document(texts["unrelated"], "u"), Document(texts["original"], "o")]
    result = detector.score_suspect(suspect, originals)
    assert result.best.original == "o" and result.source == "o"
    record = result.to_record()
    assert record["source"] == "o" and len(record["candidates"]) == 2
    assert record["candidates"][0]["original"] == "o"


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
