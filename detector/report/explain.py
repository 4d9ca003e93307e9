"""The numbers behind a verdict said in plain words, for the report and the terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from detector.report.evidence import ParagraphMatch
from detector.report.records import SuspectEntry

_VERDICT_WORDS = {
    "spun": "a machine-spun copy",
    "rewritten": "a rewrite of the original (reworded or restructured)",
    "copy": "a plain copy",
    "independent": "an independent report of the same news",
    "unrelated": "an unrelated article",
}


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
            f"({n_swaps} swap{'' if n_swaps == 1 else 's'}), leaving {_pct(verbatim)} of the "
            "suspect word for word as in the original. A plain copy swaps next to nothing; "
            "article spinners swap roughly 10% to 70%."
        )
        if n_swaps:
            synonyms = ev.get("synonym_share", 0.0)
            example = next((f"“{a}” became “{b}”" for a, b in ev.get("swaps", [])
                            if " " not in a and " " not in b), "")
            lines.append(
                f"{_pct(synonyms)} of the one-word swaps are dictionary synonyms (WordNet), "
                "the mark of a thesaurus run over the text rather than a rewrite by a person"
                + (f"; for example {example}." if example else ".")
            )
    if matches:
        n = len(matches)
        kept = sum(m.original is not None for m in matches)
        lines.append(
            f"{kept} of the suspect's {n} paragraphs match a paragraph of the original; "
            f"{n - kept} have no counterpart there (greyed below)."
        )
        if len(source_names) > 1:
            counts = Counter(m.source for m in matches if m.original is not None)
            parts = [f"{counts.get(k, 0)} from {name}" for k, name in enumerate(source_names)]
            lines.append("The paragraphs come from several articles: " + ", ".join(parts) + ".")
    elif "paragraphs_derived" in ev:
        lines.append(f"{_pct(ev['paragraphs_derived'])} of the suspect's paragraphs come mostly "
                     "from the original.")
    return lines
