from detector.report.evidence import ParagraphMatch
from detector.report.explain import explain
from detector.report.records import SuspectEntry


def test_explain_says_the_numbers_in_words():
    entry = SuspectEntry(
        "s.txt", "spun", 0.97, "o.txt",
        probabilities={"spun": 0.97, "copy": 0.02, "independent": 0.01, "unrelated": 0.0},
        evidence={"aligned_share": 0.81, "substitution_rate": 0.19, "synonym_share": 0.38,
                  "verbatim_share": 0.62, "n_swaps": 40,
                  "swaps": [["strongest show", "greatest program"], ["meet", "satisfy"]]},
    )
    matches = [ParagraphMatch(0, 0, 1.0), ParagraphMatch(1, None, 0.1), ParagraphMatch(2, 1, 1.0)]
    text = " ".join(explain(entry, matches))
    assert "97% a machine-spun copy, 2% a plain copy" in text
    assert "81% of the suspect's words line up with the original in the same order" in text
    assert "19% were swapped for other words (40 swaps)" in text
    assert "62% of the suspect word for word" in text
    assert "38% of the one-word swaps are dictionary synonyms" in text
    assert "“meet” became “satisfy”" in text
    assert "2 of the suspect's 3 paragraphs match" in text and "1 has no counterpart" in text
    assert "the mark of a thesaurus run" in text


def test_explain_never_rounds_a_probability_to_certainty():
    entry = SuspectEntry("s.txt", "spun", 0.9959, "o.txt", probabilities={
        "spun": 0.9959, "independent": 0.0028, "copy": 0.0013, "unrelated": 0.0})
    assert explain(entry) == ["The model's probabilities: over 99% a machine-spun copy, "
                              "under 1% an independent report of the same news, under 1% a "
                              "plain copy, 0% an unrelated article."]


def test_explain_for_an_independent_report_skips_swap_talk():
    entry = SuspectEntry("s.txt", "independent", 0.02, "o.txt",
                         evidence={"aligned_share": 0.12, "n_swaps": 2, "swaps": []})
    text = " ".join(explain(entry))
    assert "12% of the suspect's words line up" in text and "independently" in text
    assert "swapped" not in text


def _spun(synonyms, swaps=(("meet", "satisfy"),), n_swaps=1):
    return SuspectEntry("s.txt", "spun", 0.9, "o.txt", evidence={
        "aligned_share": 0.8, "original_aligned_share": 0.7, "substitution_rate": 0.1,
        "verbatim_share": 0.7, "synonym_share": synonyms, "n_swaps": n_swaps,
        "swaps": [list(s) for s in swaps]})


def test_no_thesaurus_claim_without_synonyms():
    text = " ".join(explain(_spun(0.0)))
    assert "thesaurus run over the text" not in text and "mark of" not in text
    assert "None of the one-word swaps are dictionary synonyms" in text
    assert "(1 swap)" in text and "covering 70% of the original's words" in text
    few = " ".join(explain(_spun(0.1)))
    assert "Only 10% of the one-word swaps" in few and "mark of" not in few
    assert "mark of a thesaurus run" in " ".join(explain(_spun(0.5)))


def test_no_synonym_sentence_without_one_word_swaps():
    text = " ".join(explain(_spun(0.0, swaps=[("since", "considering that")])))
    assert "one-word swaps" not in text


def test_one_paragraph_is_said_in_the_singular():
    text = " ".join(explain(_spun(0.5), [ParagraphMatch(0, 0, 1.0), ParagraphMatch(1, 0, 0.9)]))
    assert "2 of the suspect's 2 paragraphs match a paragraph of the original; 0 have" in text
    text = " ".join(explain(_spun(0.5), [ParagraphMatch(0, 0, 1.0), ParagraphMatch(1, None, 0)]))
    assert "1 of the suspect's 2 paragraphs matches a paragraph" in text
    assert "1 has no counterpart" in text
