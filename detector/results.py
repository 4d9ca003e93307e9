"""What scoring returns: a pair's verdict and evidence, a suspect's candidates, error records.

One shape for every record spundetect writes (`to_record`, `error_record`), so `pairs`, `scan`,
the report and users' own code read the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from detector.features import FEATURES, Pair

VERDICTS = ("spun", "copy", "independent", "unrelated")
DERIVED = ("spun", "copy", "rewritten")  # verdicts that name a source (those a model has)
MAX_SWAPS_IN_EVIDENCE = 200
MAX_PASSAGES_IN_EVIDENCE = 1000  # about 30 kB of JSON; n_passages says how many there were


@dataclass(frozen=True)
class PairResult:
    """How likely `suspect` is machine-paraphrased from `original`, and the evidence.

    `suspect_sha256` and `original_sha256` are the SHA-256 of the files' bytes as scored
    (None for texts that did not come from a file), so a report can tell the same files.
    """

    suspect: str
    original: str
    score: float  # probability of `spun`
    verdict: str  # spun, copy, independent or unrelated
    probabilities: dict[str, float]
    evidence: dict
    suspect_sha256: str | None = None
    original_sha256: str | None = None

    def to_record(self) -> dict:
        return {
            "suspect": self.suspect,
            "original": self.original,
            "score": round(self.score, 4),
            "derived": round(self.derived, 4),
            "verdict": self.verdict,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "evidence": self.evidence,
            "suspect_sha256": self.suspect_sha256,
            "original_sha256": self.original_sha256,
        }

    @property
    def derived(self) -> float:
        """Probability the suspect derives from the original at all: copied, spun or (with a
        model that has the class) rewritten. What candidates are ranked by."""
        return sum(self.probabilities.get(k, 0.0) for k in DERIVED)


@dataclass(frozen=True)
class SuspectResult:
    """A suspect scored against several originals; `best` is the likeliest source."""

    suspect: str
    candidates: list[PairResult] = field(default_factory=list)
    suspect_sha256: str | None = None

    @property
    def best(self) -> PairResult | None:
        return max(self.candidates, key=_rank_key, default=None)

    @property
    def ranked(self) -> list[PairResult]:
        """The candidates, likeliest source first (highest probability of being derived)."""
        return sorted(self.candidates, key=_rank_key, reverse=True)

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
            "derived": round(best.derived, 4) if best else 0.0,
            "verdict": self.verdict,
            "probabilities": best.to_record()["probabilities"] if best else {},
            "evidence": best.evidence if best else {},
            "candidates": [
                {"original": r.original, "score": round(r.score, 4),
                 "derived": round(r.derived, 4), "verdict": r.verdict,
                 "aligned_share": r.evidence.get("aligned_share"),
                 "original_aligned_share": r.evidence.get("original_aligned_share"),
                 "sha256": r.original_sha256}
                for r in self.ranked
            ],
            "suspect_sha256": self.suspect_sha256,
            "original_sha256": best.original_sha256 if best else None,
        }


def _rank_key(result: PairResult) -> tuple[float, float]:
    return result.derived, result.score


def evidence_of(pair: Pair) -> dict:
    """What a person can check: the swaps, how much of the text lines up, and where."""
    alignment = pair.alignment
    swaps = [[a, b] for a, b in alignment.swaps]
    passages = alignment.passages()
    return {
        "swaps": swaps[:MAX_SWAPS_IN_EVIDENCE],
        "n_swaps": len(swaps),
        "aligned_share": round(alignment.aligned_share("suspect"), 4),
        "original_aligned_share": round(alignment.aligned_share("original"), 4),
        "verbatim_share": round(FEATURES["verbatim_share"](pair), 4),
        "substitution_rate": round(FEATURES["substitution_rate"](pair), 4),
        "synonym_share": round(FEATURES["swap_synonym_share"](pair), 4),
        "paragraphs_derived": round(FEATURES["paragraph_derived_share"](pair), 4),
        "passages": [{"kind": p.kind, "suspect": list(p.suspect), "original": list(p.original)}
                     for p in passages[:MAX_PASSAGES_IN_EVIDENCE]],
        "n_passages": len(passages),
    }


def error_record(message: str, **fields) -> dict:
    """The record a batch writes for an input it could not score (`verdict` "error")."""
    return {**fields, "score": None, "verdict": "error", "error": message}
