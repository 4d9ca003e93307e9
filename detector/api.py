"""The Python API: score a suspect against originals, one pair or a whole batch.

    >>> from detector import score_files
    >>> result = score_files("suspect.txt", ["original.txt"])
    >>> result.verdict, round(result.score, 2), result.evidence["swaps"][:3]

Scoring needs numpy and rapidfuzz only; the trained model and lexicon load lazily, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from detector.features import FEATURES, Pair, pair_features
from detector.lexicon import Lexicon, load_lexicon
from detector.model import CompactModel, load_model
from detector.text import Document, read_document

DERIVED = ("spun", "copy")
MAX_SWAPS_IN_EVIDENCE = 200


@dataclass(frozen=True)
class PairResult:
    """How likely `suspect` is machine-paraphrased from `original`, and the evidence."""

    suspect: str
    original: str
    score: float  # probability of `spun`
    verdict: str  # spun, copy, independent or unrelated
    probabilities: dict[str, float]
    evidence: dict

    def to_record(self) -> dict:
        return {
            "suspect": self.suspect,
            "original": self.original,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "evidence": self.evidence,
        }

    @property
    def derived(self) -> float:
        """Probability the suspect derives from the original at all (spun or copied)."""
        return sum(self.probabilities.get(k, 0.0) for k in DERIVED)


@dataclass(frozen=True)
class SuspectResult:
    """A suspect scored against several originals; `best` is the likeliest source."""

    suspect: str
    candidates: list[PairResult] = field(default_factory=list)

    @property
    def best(self) -> PairResult | None:
        return max(self.candidates, key=lambda r: (r.derived, r.score), default=None)

    @property
    def verdict(self) -> str:
        return self.best.verdict if self.best else "unrelated"

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0

    @property
    def source(self) -> str | None:
        """The best candidate when the suspect derives from it, else None."""
        best = self.best
        return best.original if best and best.verdict in DERIVED else None

    def to_record(self) -> dict:
        best = self.best
        return {
            "suspect": self.suspect,
            "source": self.source,
            "original": best.original if best else None,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "probabilities": best.to_record()["probabilities"] if best else {},
            "evidence": best.evidence if best else {},
            "candidates": [
                {"original": r.original, "score": round(r.score, 4), "verdict": r.verdict}
                for r in sorted(self.candidates, key=lambda r: -r.derived)
            ],
        }


def evidence_of(pair: Pair) -> dict:
    """What a person can check: the swaps, and how much of the text lines up."""
    alignment = pair.alignment
    swaps = [[a, b] for a, b in alignment.swaps]
    return {
        "swaps": swaps[:MAX_SWAPS_IN_EVIDENCE],
        "n_swaps": len(swaps),
        "aligned_share": round(alignment.aligned_share("suspect"), 4),
        "original_aligned_share": round(alignment.aligned_share("original"), 4),
        "verbatim_share": round(FEATURES["verbatim_share"](pair), 4),
        "substitution_rate": round(FEATURES["substitution_rate"](pair), 4),
        "synonym_share": round(FEATURES["swap_synonym_share"](pair), 4),
        "paragraphs_derived": round(FEATURES["paragraph_derived_share"](pair), 4),
    }


class Detector:
    """A loaded model and lexicon; reuse one to score many pairs."""

    def __init__(self, model: CompactModel | None = None, lexicon: Lexicon | None = None):
        self.model = model or load_model()
        self.lexicon = lexicon or load_lexicon()

    def score_pairs(self, pairs: Sequence[tuple[Document, Document]]) -> list[PairResult]:
        """Score (suspect, original) document pairs in one batch."""
        if not pairs:
            return []
        built = [Pair(s, o, self.lexicon) for s, o in pairs]
        X = np.vstack([pair_features(p, self.model.features) for p in built])
        proba = self.model.predict_proba(X)
        classes = self.model.classes
        spun = classes.index("spun")
        results = []
        for p, row in zip(built, proba, strict=True):
            results.append(
                PairResult(
                    suspect=p.suspect.name,
                    original=p.original.name,
                    score=float(row[spun]),
                    verdict=classes[int(np.argmax(row))],
                    probabilities={c: float(v) for c, v in zip(classes, row, strict=True)},
                    evidence=evidence_of(p),
                )
            )
        return results

    def score_pair(self, suspect: Document | str, original: Document | str) -> PairResult:
        """Score one pair of documents or raw texts."""
        s = Document(suspect, "suspect") if isinstance(suspect, str) else suspect
        o = Document(original, "original") if isinstance(original, str) else original
        return self.score_pairs([(s, o)])[0]

    def score_suspect(
        self, suspect: Document, originals: Iterable[Document]
    ) -> SuspectResult:
        """Score one suspect against each original."""
        return SuspectResult(suspect.name, self.score_pairs([(suspect, o) for o in originals]))


def score_texts(suspect: str, original: str) -> PairResult:
    """Score a suspect text against an original text with the shipped model."""
    return Detector().score_pair(suspect, original)


def score_files(suspect: str | Path, originals: Sequence[str | Path]) -> SuspectResult:
    """Score a suspect file against original files; raises `InputError` for unreadable files."""
    s = read_document(suspect)
    return Detector().score_suspect(s, [read_document(p) for p in originals])
