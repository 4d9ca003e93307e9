"""From class probabilities and evidence to a verdict: what spundetect will say it found.

The classifier gives probabilities; a verdict that accuses someone of copying needs evidence
too. The pair's verdict first decides derived or not (the derived classes together against
the rest), then how; three rules only ever withdraw an accusation:

- the evidence floor: a derived verdict (copy, spun, rewritten) needs several suspect
  sentences that come from the original and a minimum share of the suspect; `spun` needs
  swaps (a copy with no swaps is a copy, whatever the page around it);
- a paraphrase verdict (spun, rewritten) agrees with the score: the paraphrase classes
  together must be more likely than not (`MIN_PARAPHRASE`). A pair whose derived probability
  is split between `copy` and `rewritten`, neither likely, is not called a rewrite of the
  original on that split: two reports of one press release look just so;
- the allowance for K candidates: a scan takes the best of K originals, so one of several
  same-subject siblings scores high by chance more often than a single one would. The best
  candidate's derived probability must clear a bar that rises with the number of candidates
  about the same subject (Bonferroni: an error rate of `ALPHA` shared among them).

The probabilities themselves are not constrained to rise with the aligned share: scikit-learn's
gradient boosting refuses monotonic constraints for more than two classes, and a second,
binary model would need a second set of trees in the shipped format. The floor does the part
that matters for accusations: too little aligned text is never derived, whatever the score.

A stitched suspect draws from several originals; `further_sources` names the others, from the
sentences each supplies that no likelier source explains. A short stitched page may have too
few sentences from any one source for the floor: `joint_sources` applies the floor to the
sentences of several candidates together, each of which clears the bar for K candidates on its
own. It is the one rule that makes a scan derived where every pair verdict was withdrawn, and
it asks for the model's confidence in each source as well as the sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

VERDICTS = ("spun", "rewritten", "copy", "independent", "unrelated")
PARAPHRASE = ("spun", "rewritten")
DERIVED = ("spun", "rewritten", "copy")
# The verdicts each `--fail-on` level counts as flagged (`scan --fail-on`).
FAIL_ON = {"spun": ("spun",), "paraphrase": PARAPHRASE, "derived": DERIVED}
NOT_DERIVED = ("independent", "unrelated")

MIN_SEGMENTS = 3  # suspect sentences from the original (fewer if the suspect is that short)
MIN_MATCHED_SHARE = 0.2  # share of the suspect's sentences that come from the original
MIN_SWAPS_FOR_SPUN = 3
ALPHA = 0.5  # the argmax rule for one candidate: derived when more likely than not
MIN_PARAPHRASE = 0.5  # a spun or rewritten verdict's score (P(spun) + P(rewritten)) at least
MAX_BAR = 0.97
MIN_SOURCE_SEGMENTS = 3  # verbatim sentences that name a further source (one swapped one does)
MIN_SOURCE_WORDS = 8  # shorter sentences ("Share this article") say nothing of where they are from
WORD_ALIGNED = ("verbatim", "swapped")
SHORT = "short"  # a sentence from the original under MIN_SOURCE_WORDS words: names no source


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
    return _floor(matched, n, segments.get("matched_share", 0.0))


def _floor(matched: int, n: int, share: float) -> bool:
    """The evidence floor on counts: `matched` of the suspect's `n` sentences (a `share`)."""
    return matched >= min(MIN_SEGMENTS, n) and share >= MIN_MATCHED_SHARE


def derived_class(probabilities: Mapping[str, float], n_swaps: int) -> str | None:
    """The likeliest derived class the swaps allow (`spun` needs `MIN_SWAPS_FOR_SPUN`: a copy
    with no swaps is a copy, whatever the page around it); None if the model has none, or if
    it is a paraphrase the score does not back (`MIN_PARAPHRASE`)."""
    ranked = sorted(probabilities, key=lambda k: -probabilities[k])
    found = next((v for v in ranked if v in DERIVED
                  and (v != "spun" or n_swaps >= MIN_SWAPS_FOR_SPUN)), None)
    if found in PARAPHRASE and paraphrase_probability(probabilities) < MIN_PARAPHRASE:
        return None
    return found


def pair_verdict(probabilities: Mapping[str, float], segments: Mapping[str, float],
                 n_swaps: int) -> str:
    """Derived or not first, then how: a derived verdict when the derived classes together
    are more likely than not (`ALPHA`, the bar for one candidate) and the evidence supports
    it, the likeliest derived class it supports (a paraphrase only when the score backs it,
    `derived_class`); else the likeliest class that does not derive. A rewrite the model
    splits between `rewritten` and `spun` is still derived."""
    if derived_probability(probabilities) >= 1 - ALPHA and has_evidence(segments):
        verdict = derived_class(probabilities, n_swaps)
        if verdict is not None:
            return verdict
    ranked = sorted(probabilities, key=lambda k: -probabilities[k])
    return next((v for v in ranked if v not in DERIVED), "independent")


def candidate_bar(n_related: int) -> float:
    """The derived probability the best of `n_related` same-subject candidates must reach."""
    return min(1 - ALPHA / max(n_related, 1), MAX_BAR)


def related(probabilities: Mapping[str, float]) -> bool:
    """A candidate about the same subject: more likely anything than unrelated."""
    return probabilities.get("unrelated", 0.0) < 0.5


def further_sources(named: Sequence[Sequence[str]], others: Sequence[Sequence[str]],
                    backed: Sequence[bool] = (),
                    skeletons: Sequence[Sequence[int]] = ()) -> list[int]:
    """Which of `others` a derived suspect also draws from (a stitched page's other sources).

    Each entry is the kind of every suspect sentence against one candidate: `named`, the
    sources already named (the verdict's first); `others`, the rest, likeliest first. A
    candidate is a further source when suspect sentences come from it word by word that come
    from no source before it: one with swapped words, or `MIN_SOURCE_SEGMENTS` verbatim ones,
    or a single verbatim one when the model is sure on its own that the suspect derives from
    it (`backed[i]`: its derived probability clears the bar for the candidates compared). A
    spun copy's sentences come word by word from its own original, so a same-event sibling
    that shares a quote with it is not named; a paragraph spun from the sibling is. Verbatim
    sentences alone name a source only in numbers or with the model's backing: page furniture
    is verbatim in many pages, and the model does not take a page for derived on furniture
    (sentences under `MIN_SOURCE_WORDS` words are `SHORT`, `detector.results.segment_kinds`).

    A sentence spun so hard that no word of it aligns (every content word swapped) names its
    source as a swapped one does: `skeletons[i]` are the suspect sentences that have the
    skeleton of one of candidate i's sentences (`detector.results.skeleton_matches`).
    """
    explained = {k for kinds in named for k, kind in enumerate(kinds) if kind in WORD_ALIGNED}
    found = []
    for index, kinds in enumerate(others):
        supplied = {k for k, kind in enumerate(kinds) if kind in WORD_ALIGNED} - explained
        spun = set(skeletons[index] if index < len(skeletons) else ()) - explained
        enough = 1 if index < len(backed) and backed[index] else MIN_SOURCE_SEGMENTS
        if len(supplied) >= enough or any(kinds[k] == "swapped" for k in supplied) or spun:
            found.append(index)
            explained |= supplied | spun
    return found


def joint_sources(candidates: Sequence[Sequence[str]]) -> list[int]:
    """Which of `candidates` (likeliest first, each one the model is sure the suspect derives
    from) together pass the evidence floor that none passes alone: a short stitched page,
    a few sentences from each source.

    Each entry is the kind of every suspect sentence against one candidate. Those that supply
    sentences (of any kind but new, as the floor counts them) no earlier one explains are
    kept; their sentences together must pass the floor (`MIN_SEGMENTS`, `MIN_MATCHED_SHARE`),
    and at least two must be kept (one alone already failed it). Returns their indices, or []
    when they do not.
    """
    explained: set[int] = set()
    kept = []
    for index, kinds in enumerate(candidates):
        supplied = {k for k, kind in enumerate(kinds) if kind != "new"} - explained
        if supplied:
            kept.append(index)
            explained |= supplied
    n = max((len(kinds) for kinds in candidates), default=0)
    matched = len(explained)
    return kept if len(kept) >= 2 and _floor(matched, n, matched / n if n else 0.0) else []
