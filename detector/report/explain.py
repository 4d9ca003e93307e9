"""The numbers behind a verdict said in plain words, for the HTML report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from detector.display import count
from detector.report.evidence import ParagraphMatch
from detector.report.records import SuspectEntry

_VERDICT_WORDS = {
    "spun": "a machine-spun copy",
    "rewritten": "a rewrite of the original (reworded or restructured)",
    "copy": "a plain copy",
    "independent": "an independent report of the same news",
    "unrelated": "an unrelated article",
}


THESAURUS_MARK = 0.2  # a synonym share at least this high is called a thesaurus run's mark


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _probability(x: float) -> str:
    """A percentage that never rounds a doubt away: 0.996 is "over 99%", not "100%"."""
    if 0 < x < 0.005:
        return "under 1%"
    if 0.995 <= x < 1:
        return "over 99%"
    return _pct(x)


def explain(entry: SuspectEntry, matches: Sequence[ParagraphMatch] | None = None,
            source_names: Sequence[str] = ()) -> list[str]:
    """The numbers behind a verdict as sentences a non-specialist can check against the text.

    `matches` (from `match_paragraphs`) adds the paragraph counts seen in the side-by-side view;
    `source_names` names the sources of a stitched suspect.
    """
    ev, lines = entry.evidence, []
    p = entry.probabilities
    if p:
        ranked = sorted(((v, k) for k, v in p.items() if k in _VERDICT_WORDS), reverse=True)
        said = ", ".join(f"{_probability(v)} {_VERDICT_WORDS[k]}" for v, k in ranked)
        lines.append(f"The model's probabilities: {said}.")
    if not ev:
        return lines
    aligned = ev.get("aligned_share", 0.0)
    sentence = f"{_pct(aligned)} of the suspect's words line up with the original in the same order"
    if "original_aligned_share" in ev:
        sentence += f", covering {_pct(ev['original_aligned_share'])} of the original's words"
    if aligned < 0.5:
        sentence += ("; an article written independently shares names, numbers and quotes "
                     "but few stretches of text")
    lines.append(sentence + ".")
    n_swaps = ev.get("n_swaps", len(ev.get("swaps", [])))
    if aligned >= 0.2:
        verbatim = ev.get("verbatim_share", 0.0)
        rate = ev.get("substitution_rate", 0.0)
        lines.append(
            f"Of the original's words that line up, {_pct(rate)} were swapped for other words "
            f"({count(n_swaps, 'swap')}), leaving {_pct(verbatim)} of the "
            "suspect word for word as in the original. A plain copy swaps next to nothing; "
            "article spinners swap roughly 10% to 70%."
        )
        one_word = [(a, b) for a, b in ev.get("swaps", []) if " " not in a and " " not in b]
        if n_swaps and one_word:
            lines.append(_synonyms(ev.get("synonym_share", 0.0), one_word[0]))
    if matches:
        n = len(matches)
        kept = sum(m.original is not None for m in matches)
        lines.append(
            f"{kept} of the suspect's {count(n, 'paragraph')} "
            f"{'matches' if kept == 1 else 'match'} a paragraph of the original; "
            f"{n - kept} {'has' if n - kept == 1 else 'have'} no counterpart there "
            "(greyed below)."
        )
        if len(source_names) > 1:
            counts = Counter(m.source for m in matches if m.original is not None)
            parts = [f"{counts.get(k, 0)} from {name}" for k, name in enumerate(source_names)]
            lines.append("The paragraphs come from several articles: " + ", ".join(parts) + ".")
    elif "paragraphs_derived" in ev:
        lines.append(f"{_pct(ev['paragraphs_derived'])} of the suspect's paragraphs come mostly "
                     "from the original.")
    return lines


def _synonyms(share: float, example: tuple[str, str]) -> str:
    """What the synonym share says: a thesaurus run's mark only when there are enough."""
    said = f"; for example “{example[0]}” became “{example[1]}”."
    if share >= THESAURUS_MARK:
        return (f"{_pct(share)} of the one-word swaps are dictionary synonyms (WordNet), the mark "
                "of a thesaurus run over the text rather than a rewrite by a person" + said)
    if share <= 0:
        return ("None of the one-word swaps are dictionary synonyms (WordNet), so they do not "
                "show a thesaurus run" + said)
    return (f"Only {_pct(share)} of the one-word swaps are dictionary synonyms (WordNet), too few "
            "to show a thesaurus run" + said)
