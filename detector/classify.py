"""The scikit-learn side: a feature-extracting transformer and the calibrated classifier.

Step four of the pipeline, as estimators: `build_pipeline()` composes `PairFeaturizer` and a
calibrated gradient-boosting classifier into one `Pipeline` that is fitted, persisted and
validated as a single object. Scoring does not import this module (scikit-learn takes over a
second to import); it runs the same model exported by `detector.model.CompactModel`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from detector.features import FEATURE_NAMES, FEATURES, extract


class PairFeaturizer(TransformerMixin, BaseEstimator):
    """Turn (suspect, original) pairs into the pairwise feature matrix.

    Parameters
    ----------
    features : sequence of str or None
        Names from `detector.features.FEATURES` to compute; None means all, in registry order.
    """

    def __init__(self, *, features: Sequence[str] | None = None):
        self.features = features

    def fit(self, X, y=None):
        names = tuple(self.features) if self.features is not None else FEATURE_NAMES
        unknown = [n for n in names if n not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown}; choose from {sorted(FEATURES)}")
        self.feature_names_ = names
        return self

    def transform(self, X):
        check_is_fitted(self, "feature_names_")
        return extract(X, self.feature_names_)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_")
        return np.asarray(self.feature_names_, dtype=object)


def build_booster(*, random_state: int = 0) -> HistGradientBoostingClassifier:
    """Gradient-boosted trees over the pairwise features (uncalibrated)."""
    return HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=random_state,
    )


def build_classifier(*, random_state: int = 0, cv=3) -> CalibratedClassifierCV:
    """Gradient boosting with temperature-scaled probabilities (calibrated on held-out folds).

    Temperature scaling keeps the trees' ranking and argmax and fixes their confidence.
    """
    booster = build_booster(random_state=random_state)
    return CalibratedClassifierCV(booster, method="temperature", cv=cv, ensemble=False)


def build_pipeline(
    *, features: Sequence[str] | None = None, random_state: int = 0, cv=3
) -> Pipeline:
    """The whole detector as one estimator: pairs in, class probabilities out."""
    return Pipeline(
        [
            ("features", PairFeaturizer(features=features)),
            ("classify", build_classifier(random_state=random_state, cv=cv)),
        ]
    )
