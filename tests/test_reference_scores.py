"""The scoring code against recorded reference values: every feature value and the evidence
of 62 varied pairs (spun, copied, rewritten, independent, unrelated, empty and tiny texts) as
the straightforward feature code computed them (`tests.make_reference_scores`), and the class
probabilities the shipped model gives those feature values. Speed-ups must leave each value
where it was (within 1e-6), so the shipped model stays valid."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from detector.api import Detector
from detector.features import FEATURE_NAMES, Pair, pair_features
from detector.text import Document
from detector.verdict import pair_verdict
from tests.make_reference_scores import FIXTURE

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def reference() -> list[dict]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _features(detector: Detector, suspect: Document, original: Document) -> dict[str, float]:
    values = pair_features(Pair(suspect, original, detector.lexicon), FEATURE_NAMES)
    return dict(zip(FEATURE_NAMES, values.tolist(), strict=True))


def _assert_close(name: str, got: dict[str, float], expected: dict[str, float]) -> None:
    assert got.keys() == expected.keys(), name
    off = {k: (got[k], expected[k]) for k in expected
           if not abs(got[k] - expected[k]) <= TOLERANCE}
    assert not off, f"{name}: {off}"


def test_fixture_covers_every_kind(reference):
    kinds = {r["name"].split("/")[0] for r in reference}
    assert {"spun", "copy", "rewritten", "independent", "unrelated", "empty_suspect",
            "both_empty", "one_word", "identical"} <= kinds
    assert len(reference) >= 40


def test_features_equal_reference(reference, detector):
    for r in reference:
        got = _features(detector, Document(r["suspect"]), Document(r["original"]))
        _assert_close(r["name"], got, r["features"])


def test_probabilities_verdict_and_evidence_equal_reference(reference, detector):
    """Probabilities and verdicts follow the shipped model, which is retrained from time to
    time: the expected ones are the model's on the recorded feature values, decided by the
    verdict rule on the recorded evidence."""
    model = detector.model
    for r in reference:
        result = detector.score_pair(Document(r["suspect"], "suspect"),
                                     Document(r["original"], "original"))
        row = np.array([[r["features"][name] for name in model.features]])
        expected = dict(zip(model.classes, model.predict_proba(row)[0].tolist(), strict=True))
        _assert_close(r["name"], result.probabilities, expected)
        assert result.verdict == pair_verdict(expected, r["evidence"]["segments"],
                                              r["evidence"]["n_swaps"]), r["name"]
        assert json.loads(json.dumps(result.evidence)) == r["evidence"], r["name"]


def test_documents_reused_across_pairs_give_the_same_values(reference, detector):
    """One suspect against many originals, and one original against many suspects (what
    `pairs` and scans do), reusing each Document's per-document work: same values."""
    originals = [Document(r["original"]) for r in reference]
    suspects = [Document(r["suspect"]) for r in reference]
    for k in (8, 14, 20):  # a spun, a corpus spun and a corpus copy suspect
        for r, original in zip(reference, originals, strict=True):
            got = _features(detector, suspects[k], original)
            expected = _features(detector, Document(reference[k]["suspect"]),
                                 Document(r["original"]))
            _assert_close(f"{reference[k]['name']} x {r['name']}", got, expected)
    batch = detector.score_pairs([(s, originals[0]) for s in suspects])
    for r, result in zip(reference, batch, strict=True):
        single = detector.score_pair(r["suspect"], reference[0]["original"])
        assert np.allclose(list(result.probabilities.values()),
                           list(single.probabilities.values()), atol=TOLERANCE, rtol=0)
