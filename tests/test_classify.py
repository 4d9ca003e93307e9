import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from detector.classify import PairFeaturizer, build_pipeline
from detector.features import FEATURE_NAMES


def test_featurizer_is_a_transformer(texts):
    featurizer = PairFeaturizer(features=("length_ratio", "name_order"))
    X = featurizer.fit_transform([(texts["spun"], texts["original"])])
    assert X.shape == (1, 2)
    assert list(featurizer.get_feature_names_out()) == ["length_ratio", "name_order"]
    assert clone(featurizer).get_params() == {"features": ("length_ratio", "name_order")}


def test_featurizer_checks_names_in_fit():
    with pytest.raises(ValueError, match="unknown features"):
        PairFeaturizer(features=("nope",)).fit(None)


def test_transform_before_fit_raises(texts):
    with pytest.raises(NotFittedError):
        PairFeaturizer().transform([(texts["spun"], texts["original"])])


def test_pipeline_fits_and_predicts_on_text_pairs(texts):
    pairs = [(texts["spun"], texts["original"]), (texts["original"], texts["original"]),
             (texts["independent"], texts["original"]), (texts["unrelated"], texts["original"])]
    X, y = pairs * 6, ["spun", "copy", "independent", "unrelated"] * 6
    pipeline = build_pipeline(cv=2).fit(X, y)
    proba = pipeline.predict_proba(pairs)
    assert proba.shape == (4, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert pipeline.named_steps["features"].feature_names_ == FEATURE_NAMES
