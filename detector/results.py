"""What scoring returns: a pair's verdict and evidence, a suspect's candidates, error records.

One shape for every record spundetect writes (`to_record`, `error_record`), so `pairs`, `scan`,
the report and users' own code read the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detector import segments as segments_mod
from detector.analysis import skeletons
from detector.features import Pair
from detector.verdict import (
    DERIVED,
    MIN_SOURCE_WORDS,
    PARAPHRASE,
    SHORT,
    VERDICTS,
    candidate_bar,
    derived_class,
    derived_probability,
    further_sources,
    joint_sources,
    related,
)

__all__ = ["DERIVED", "PARAPHRASE", "VERDICTS", "PairResult", "SuspectResult", "error_record",
           "evidence_of", "segment_kinds", "skeleton_matches"]

MAX_SWAPS_IN_EVIDENCE = 200
MAX_PASSAGES_IN_EVIDENCE = 1000  # about 30 kB of JSON; n_passages says how many there were


@dataclass(frozen=True)
class PairResult:
    """How likely `suspect` is a paraphrase of `original` (`score`: spun or rewritten), how
    likely it derives from it at all (`derived`: copy too), the verdict and the evidence.

    `suspect_sha256` and `original_sha256` are the SHA-256 of the files' bytes as scored
    (None for texts that did not come from a file), so a report can tell the same files.
    `language` is the suspect's language ("en"; None if too short to tell): the model is
    trained on English, so a score for another language is unreliable.
    """

    suspect: str
    original: str
    score: float  # probability of a paraphrase: spun or rewritten
    verdict: str  # spun, rewritten, copy, independent or unrelated
    probabilities: dict[str, float]
    evidence: dict
    suspect_sha256: str | None = None
    original_sha256: str | None = None
    language: str | None = None
    # how each suspect sentence was made from this original (`detector.segments.KINDS`, or
    # `SHORT`, `segment_kinds`): what names a stitched suspect's further sources and lets
    # a short one's sources pass the evidence floor together; not written to records
    segment_kinds: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # the suspect sentences, neither aligned word by word nor short, that have the skeleton of
    # an original sentence (`skeleton_matches`): heavily spun ones, which name a further source
    skeleton_matches: tuple[int, ...] = field(default=(), repr=False, compare=False)

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
            "language": self.language,
        }

    @property
    def derived(self) -> float:
        """Probability the suspect derives from the original at all (copy, spun, rewritten):
        what candidates with a derived verdict, and then the rest, are ranked by."""
        return derived_probability(self.probabilities)


@dataclass(frozen=True)
class SuspectResult:
    """A suspect scored against several originals; `best` is the likeliest source."""

    suspect: str
    candidates: list[PairResult] = field(default_factory=list)
    suspect_sha256: str | None = None
    language: str | None = None  # the suspect's, as in PairResult

    @property
    def best(self) -> PairResult | None:
        return max(self.candidates, key=_rank_key, default=None)

    @property
    def ranked(self) -> list[PairResult]:
        """The candidates, likeliest source first: derived on their own evidence, then the
        highest probability of being derived."""
        return sorted(self.candidates, key=_rank_key, reverse=True)

    @property
    def bar(self) -> float:
        """The derived probability a source must reach, allowing for the candidates compared."""
        return candidate_bar(sum(related(r.probabilities) for r in self.candidates))

    @property
    def verdict(self) -> str:
        """The best candidate's verdict, if it clears the bar; else, for a short stitched page
        whose sources pass the evidence floor only together (`joint`), how the likeliest of
        them was used (its likeliest derived class, `spun` if they show the swaps).

        Swaps are counted over every named source: a page stitched from a copy of one report
        and a spin of another is spun, though its best source alone shows too few swaps."""
        best = self.best
        if best is None:
            return "unrelated"
        if best.verdict in DERIVED:
            if best.derived < self.bar:
                return "independent"  # about the same subject, but not shown to derive from it
            if best.verdict == "copy" and derived_class(
                    best.probabilities, _swaps(self._named())) == "spun":
                return "spun"
            return best.verdict
        joint = self.joint
        if joint:
            return derived_class(joint[0].probabilities, _swaps(joint)) or best.verdict
        return best.verdict

    @property
    def joint(self) -> list[PairResult]:
        """When no candidate is derived on its own evidence: the candidates that together pass
        the evidence floor, each one the model is sure of on its own (derived probability at
        the bar) and supplying sentences the others do not explain, the best one among them
        (`detector.verdict.joint_sources`); else []. A page stitched from a few sentences of
        each source has too few from either for the floor."""
        best = self.best
        bar = self.bar
        if best is None or best.verdict in DERIVED or best.derived < bar:
            return []
        backed = [r for r in self.ranked if r.derived >= bar]
        joint = [backed[k] for k in joint_sources([r.segment_kinds for r in backed])]
        return joint if joint and joint[0] is best else []

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0

    @property
    def source(self) -> str | None:
        """The best candidate when the suspect derives from it, else None."""
        best = self.best
        return best.original if best and self.verdict in DERIVED else None

    @property
    def sources(self) -> list[dict]:
        """Every original the suspect draws from (several for a stitched page): the share of
        the suspect's sentences each supplies and how (its verdict), largest first.

        The best candidate, every other that is derived on its own and clears the bar (or the
        `joint` sources, when they decided the verdict), and every other that supplies
        sentences no named source explains (`detector.verdict.further_sources`: one verbatim
        sentence is enough from a candidate whose derived probability clears the bar).
        """
        if self.verdict not in DERIVED:
            return []
        found = sorted(self._named(), key=lambda r: -_share(r))
        return [{"original": r.original, "verdict": _how(r), "share": _share(r)} for r in found]

    def _named(self) -> list[PairResult]:
        """The candidates `sources` names, likeliest first, if the suspect is derived."""
        bar = self.bar
        best = self.best
        if best is None:
            return []
        others = [r for r in self.ranked if r is not best]
        found = self.joint or [best] + [r for r in others
                                        if r.verdict in DERIVED and r.derived >= bar]
        rest = [r for r in others if all(r is not f for f in found)]
        return found + [rest[k] for k in further_sources([r.segment_kinds for r in found],
                                                         [r.segment_kinds for r in rest],
                                                         [r.derived >= bar for r in rest],
                                                         [r.skeleton_matches for r in rest])]

    def to_record(self) -> dict:
        best = self.best
        return {
            "suspect": self.suspect,
            "source": self.source,
            "original": best.original if best else None,
            "score": round(self.score, 4),
            "derived": round(best.derived, 4) if best else 0.0,
            "verdict": self.verdict,
            "sources": self.sources,
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
            "language": self.language,
        }


def _how(result: PairResult) -> str:
    """How a source was used: its verdict, or for a further source that is not derived on its
    own (a stitched paragraph), spun if a sentence from it has swaps or was spun past word
    alignment (`skeleton_matches`), else copy."""
    if result.verdict in DERIVED:
        return result.verdict
    return "spun" if "swapped" in result.segment_kinds or result.skeleton_matches else "copy"


def _share(result: PairResult) -> float:
    """The share of the suspect's sentences a source supplies: those matched to it (the
    evidence's `matched_share`) and those spun from it past word alignment."""
    matched = result.evidence.get("segments", {}).get("matched_share", 0.0)
    kinds = result.segment_kinds
    spun = sum(kinds[k] == "new" for k in result.skeleton_matches if k < len(kinds))
    return round(matched + spun / len(kinds), 4) if spun else matched


def _swaps(named: list[PairResult]) -> int:
    """The swaps of `named` sources together (`evidence["n_swaps"]`, 0 where not given)."""
    return sum(int(r.evidence.get("n_swaps", 0)) for r in named)


def _rank_key(result: PairResult) -> tuple[bool, float, float]:
    """Candidates whose own verdict is derived first (the evidence floor passed), then by the
    probability of being derived and of a paraphrase."""
    return result.verdict in DERIVED, result.derived, result.score


def segment_kinds(pair: Pair) -> tuple[str, ...]:
    """How each suspect sentence was made from the original (`PairResult.segment_kinds`), a
    sentence under `MIN_SOURCE_WORDS` words that comes from it counted as `SHORT`: evidence that
    the suspect derives (`detector.verdict.joint_sources` counts it, as the evidence floor
    does), but page furniture ("Leave a Reply", "Copyright 2021 The Evening Post") is in many
    pages and names no source (`detector.verdict.further_sources` does not count it)."""
    words = _words_per_sentence(pair)
    return tuple(s.kind if words[s.suspect] >= MIN_SOURCE_WORDS or s.kind == "new" else SHORT
                 for s in pair.segments)


def _words_per_sentence(pair: Pair) -> list[int]:
    """The number of words of each suspect sentence."""
    return np.bincount(pair.suspect.token_columns.sentences,
                       minlength=pair.suspect.n_sentences).tolist()


def skeleton_matches(pair: Pair, kinds: tuple[str, ...]) -> tuple[int, ...]:
    """The suspect sentences (`PairResult.skeleton_matches`) that come from the original with
    every content word swapped: of `MIN_SOURCE_WORDS` words or more, `new` or `rewritten` by
    their words (`kinds`, from `segment_kinds`), with an original sentence's skeleton
    (`detector.segments.skeleton_matches`)."""
    words = _words_per_sentence(pair)
    asked = [k for k, kind in enumerate(kinds)
             if kind in ("new", "rewritten") and words[k] >= MIN_SOURCE_WORDS]
    if not asked:
        return ()
    return segments_mod.skeleton_matches(skeletons(pair.suspect), skeletons(pair.original),
                                         asked)


def evidence_of(pair: Pair, passages: bool = True) -> dict:
    """What a person can check: the swaps, how much of the text lines up, and where.

    Without `passages`, the aligned stretches are left out (`n_passages` still counts them):
    what a suspect's other candidates need, whose records carry no passages."""
    alignment = pair.alignment
    swaps = [[a, b] for a, b in alignment.swaps]
    evidence = {
        "swaps": swaps[:MAX_SWAPS_IN_EVIDENCE],
        "n_swaps": len(swaps),
        "aligned_share": round(alignment.aligned_share("suspect"), 4),
        "original_aligned_share": round(alignment.aligned_share("original"), 4),
        "verbatim_share": round(pair.feature("verbatim_share"), 4),
        "substitution_rate": round(pair.feature("substitution_rate"), 4),
        "synonym_share": round(pair.feature("swap_synonym_share"), 4),
        "paragraphs_derived": round(pair.feature("paragraph_derived_share"), 4),
        "segments": segments_mod.summary(pair.segments),
    }
    if not passages:
        evidence["n_passages"] = len(alignment.passage_blocks)
        return evidence
    kinds, *ends = alignment.passage_columns()
    shown = [c[:MAX_PASSAGES_IN_EVIDENCE] for c in (kinds, *ends)]
    evidence["passages"] = [{"kind": k, "suspect": [a, z], "original": [c, e]}
                            for k, a, z, c, e in zip(*shown, strict=True)]
    evidence["n_passages"] = len(kinds)
    return evidence


def error_record(message: str, **fields) -> dict:
    """The record a batch writes for an input it could not score (`verdict` "error")."""
    return {**fields, "score": None, "verdict": "error", "error": message}
