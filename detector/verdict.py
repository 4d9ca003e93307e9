"""From class probabilities and evidence to a verdict: what spundetect will say it found.

The classifier gives probabilities; a verdict that accuses someone of copying needs evidence
too. Two rules sit on top of the argmax, both only ever withdraw an accusation:

- the evidence floor: a derived verdict (copy, spun, rewritten) needs several suspect
  sentences that come from the original and a minimum share of the suspect; `spun` needs
  swaps (a copy with no swaps is a copy, whatever the page around it);
- the allowance for K candidates: a scan takes the best of K originals, so one of several
  same-subject siblings scores high by chance more often than a single one would. The best
  candidate's derived probability must clear a bar that rises with the number of candidates
  about the same subject (Bonferroni: an error rate of `ALPHA` shared among them).
"""

from __future__ import annotations

from collections.abc import Mapping

VERDICTS = ("spun", "rewritten", "copy", "independent", "unrelated")
PARAPHRASE = ("spun", "rewritten")
DERIVED = ("spun", "rewritten", "copy")
NOT_DERIVED = ("independent", "unrelated")

MIN_SEGMENTS = 3  # suspect sentences from the original (fewer if the suspect is that short)
MIN_MATCHED_SHARE = 0.2  # share of the suspect's sentences that come from the original
MIN_SWAPS_FOR_SPUN = 3
ALPHA = 0.5  # the argmax rule for one candidate: derived when more likely than not
MAX_BAR = 0.97


def paraphrase_probability(probabilities: Mapping[str, float]) -> float:
    """Probability that the suspect is a paraphrase (spun or rewritten) of the original."""
    return sum(probabilities.get(k, 0.0) for k in PARAPHRASE)


def derived_probability(probabilities: Mapping[str, float]) -> float:
    """Probability that the suspect derives from the original at all (copy, spun, rewritten)."""
    return sum(probabilities.get(k, 0.0) for k in DERIVED)


def has_evidence(segments: Mapping[str, float]) -> bool:
    """Enough of the suspect comes from the original to say it was derived from it."""
    n = sum(int(segments.get(k, 0)) for k in ("verbatim", "swapped", "rewritten", "new"))
    matched = n - int(segments.get("new", 0))
    return matched >= min(MIN_SEGMENTS, n) and segments.get("matched_share", 0.0) >= \
        MIN_MATCHED_SHARE


def pair_verdict(probabilities: Mapping[str, float], segments: Mapping[str, float],
                 n_swaps: int) -> str:
    """The likeliest class that the evidence supports."""
    ranked = sorted(probabilities, key=lambda k: -probabilities[k])
    evidence = has_evidence(segments)
    for verdict in ranked:
        if verdict in DERIVED and not evidence:
            continue
        if verdict == "spun" and n_swaps < MIN_SWAPS_FOR_SPUN:
            continue
        return verdict
    return "independent"


def candidate_bar(n_related: int) -> float:
    """The derived probability the best of `n_related` same-subject candidates must reach."""
    return min(1 - ALPHA / max(n_related, 1), MAX_BAR)


def related(probabilities: Mapping[str, float]) -> bool:
    """A candidate about the same subject: more likely anything than unrelated."""
    return probabilities.get("unrelated", 0.0) < 0.5
