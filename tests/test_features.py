import re

import numpy as np
import pytest

from detector.features import FEATURE_NAMES, FEATURES, extract, make_pair, pair_features
from detector.text import split_sentences


def vector(texts, suspect, original="original"):
    pair = make_pair(texts[suspect], texts[original])
    return dict(zip(FEATURE_NAMES, pair_features(pair), strict=True))


def test_every_feature_is_documented_and_finite(texts):
    for name, func in FEATURES.items():
        assert func.__doc__ and len(func.__doc__.strip().splitlines()) <= 2, name
    for suspect in texts:
        values = np.array(list(vector(texts, suspect).values()))
        assert np.isfinite(values).all(), suspect


def test_copy_spun_independent_are_ordered_on_key_features(texts):
    copy = vector(texts, "original")
    spun = vector(texts, "spun")
    independent = vector(texts, "independent")
    assert copy["substitution_rate"] == 0.0 and copy["aligned_share_suspect"] == 1.0
    assert 0.15 < spun["substitution_rate"] < 0.6
    assert spun["aligned_share_suspect"] > 0.8 > 0.5 > independent["aligned_share_suspect"]
    assert spun["sentence_aligned_share"] == 1.0
    assert independent["sentence_aligned_share"] < 0.7
    assert spun["name_order"] == 1.0
    assert spun["swap_synonym_share"] > 0.3
    assert spun["filler_rate"] > 0
    assert independent["quote_overlap"] == 1.0  # independent reports share quotes


def test_spinner_leaves_names_and_numbers(texts):
    spun = vector(texts, "spun")
    assert spun["name_overlap"] == 1.0 and spun["number_overlap"] == 1.0
    assert spun["swap_name_share"] == 0.0


def test_partial_spin_shows_per_paragraph(texts):
    paragraphs = texts["spun"].split("\n\n")
    mixed = "\n\n".join([paragraphs[0], texts["unrelated"]])
    v = vector({"mixed": mixed, "original": texts["original"]}, "mixed")
    assert v["paragraph_aligned_max"] > 0.9
    assert v["paragraph_derived_share"] < 0.6


def test_a_copy_with_its_paragraphs_reordered_still_aligns_verbatim(texts):
    """A copy with its paragraphs in another order lines up as a copy in order does: every
    sentence verbatim, nothing swapped; only the order features see it."""
    reordered = "\n\n".join(reversed(texts["original"].split("\n\n")))
    pair = make_pair(reordered, texts["original"])
    assert pair.feature("aligned_share_suspect") == pair.feature("aligned_share_original") == 1.0
    assert pair.feature("verbatim_share") == 1.0 and pair.alignment.swaps == []
    assert {s.kind for s in pair.segments} == {"verbatim"}
    assert pair.feature("sentence_order") < 1.0


def test_extract_accepts_text_pairs_in_order(texts):
    X = extract([(texts["spun"], texts["original"]), (texts["unrelated"], texts["original"])])
    assert X.shape == (2, len(FEATURE_NAMES))
    assert X[0, FEATURE_NAMES.index("aligned_share_suspect")] > X[1, 0]


@pytest.mark.parametrize("names", [("length_ratio",), ("name_order", "filler_rate")])
def test_extract_selected_features(texts, names):
    X = extract([(texts["spun"], texts["original"])], names)
    assert X.shape == (1, len(names))


def test_sentence_content_match_survives_heavy_paraphrase(texts):
    # Word order inside every sentence scrambled: token alignment breaks, content survives.
    scrambled = "\n\n".join(
        " ".join(" ".join(reversed(s.rstrip(".").split())) + "." for s in split_sentences(p))
        for p in texts["original"].split("\n\n")
    )
    heavy = vector({"heavy": scrambled, "original": texts["original"]}, "heavy")
    independent = vector(texts, "independent")
    assert heavy["aligned_share_suspect"] < 0.5
    assert heavy["sentence_content_match"] > 0.9 > independent["sentence_content_match"]
    assert heavy["sentence_content_order"] == 1.0


def test_readme_lists_every_feature_with_its_docstring():
    """The README's feature table is the registry's: names and docstrings, in order."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Features", 1)[1].split("\n## ", 1)[0]  # up to the next section
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", section, flags=re.MULTILINE)
    assert [name for name, _ in rows] == list(FEATURES)
    for name, text in rows:
        assert text == " ".join(FEATURES[name].__doc__.split()), name
