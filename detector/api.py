"""The Python API: score a suspect against originals, one pair or a whole batch.

    >>> from detector import score_files
    >>> result = score_files("suspect.txt", ["original.txt"])
    >>> result.verdict, round(result.score, 2), result.evidence["swaps"][:3]

Scoring needs numpy and rapidfuzz only; the trained model and lexicon load lazily, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from detector.features import Pair, pair_features
from detector.lexicon import Lexicon, load_lexicon
from detector.model import CompactModel, load_model
from detector.results import PairResult, SuspectResult, evidence_of
from detector.text import Document, read_document


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
                    suspect_sha256=p.suspect.sha256 or None,
                    original_sha256=p.original.sha256 or None,
                    language=p.suspect.language,
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
        return SuspectResult(suspect.name, self.score_pairs([(suspect, o) for o in originals]),
                             suspect_sha256=suspect.sha256 or None, language=suspect.language)


def score_texts(suspect: str, original: str) -> PairResult:
    """Score a suspect text against an original text with the shipped model."""
    return Detector().score_pair(suspect, original)


def score_files(suspect: str | Path, originals: Sequence[str | Path]) -> SuspectResult:
    """Score a suspect file against original files; raises `InputError` for unreadable files."""
    s = read_document(suspect)
    return Detector().score_suspect(s, [read_document(p) for p in originals])
