"""Write tests/fixtures/reference_scores.json.gz: pairs of texts with every feature value,
class probability and evidence record that the straightforward feature code gave them.

The fixture was written by the feature code as it was before it was made faster, and
`tests/test_reference_scores.py` holds today's code to it. Rerun this only when a feature's
definition changes on purpose (the shipped model must then be retrained too):

    .venv/bin/python -m tests.make_reference_scores
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from detector.api import Detector
from detector.features import FEATURE_NAMES, Pair, pair_features
from detector.text import Document
from detector.training.config import CORPUS_DIR
from detector.training.dataset import generate_pairs, load_corpus
from tests.conftest import GERMAN, INDEPENDENT, ORIGINAL, SPUN, UNRELATED

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "reference_scores.json.gz"
PER_KIND = 4  # corpus pairs of each kind (spun styles, copies, rewrites, independent...)

# Edge cases: empty and tiny texts, one sentence, numbers only, identical, no shared word.
EDGE_CASES: list[tuple[str, str, str]] = [
    ("empty_suspect", "", ORIGINAL),
    ("empty_original", SPUN, ""),
    ("both_empty", "", ""),
    ("one_word", "Budget.", ORIGINAL),
    ("one_sentence", "The city council voted on Tuesday to approve a new budget.", ORIGINAL),
    ("numbers_only", "12 7 2 2023 3.5% 1st", "12 7 2 2023"),
    ("identical", ORIGINAL, ORIGINAL),
    ("no_shared_word", "Zebras gallop quickly.", "Penguins waddle slowly northward."),
    ("spun", SPUN, ORIGINAL),
    ("independent", INDEPENDENT, ORIGINAL),
    ("unrelated", UNRELATED, ORIGINAL),
    ("german", GERMAN, ORIGINAL),
    ("single_newlines", ORIGINAL.replace("\n\n", "\n"), ORIGINAL),
    ("reversed_paragraphs", "\n\n".join(reversed(ORIGINAL.split("\n\n"))), ORIGINAL),
]


def corpus_cases() -> list[tuple[str, str, str]]:
    """A few pairs of every kind the training set holds, from the shipped corpus."""
    seen: Counter[str] = Counter()
    out = []
    for pair in generate_pairs(load_corpus(CORPUS_DIR, seed=3), seed=3):
        kind = f"{pair.label}/{pair.stratum.get('style') or pair.stratum.get('kind')}"
        if seen[kind] < PER_KIND:
            seen[kind] += 1
            out.append((kind, pair.suspect, pair.original))
        if len(out) >= 48:
            break
    return out


def record(detector: Detector, name: str, suspect: str, original: str) -> dict:
    s, o = Document(suspect, "suspect"), Document(original, "original")
    features = pair_features(Pair(s, o, detector.lexicon), FEATURE_NAMES)
    result = detector.score_pair(Document(suspect, "suspect"), Document(original, "original"))
    return {"name": name, "suspect": suspect, "original": original,
            "features": dict(zip(FEATURE_NAMES, features.tolist(), strict=True)),
            "probabilities": result.probabilities, "verdict": result.verdict,
            "evidence": result.evidence}


def main() -> None:
    detector = Detector()
    cases = EDGE_CASES + corpus_cases()
    records = [record(detector, *case) for case in cases]
    FIXTURE.parent.mkdir(exist_ok=True)
    with gzip.open(FIXTURE, "wt", encoding="utf-8") as fh:
        json.dump(records, fh)
    kinds = Counter(r["name"].split("/")[0] for r in records)
    print(f"{len(records)} pairs written to {FIXTURE}: {dict(kinds)}")


if __name__ == "__main__":
    main()
