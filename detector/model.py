"""Persist the trained detector and load it fast, refusing a model that does not fit the code.

`save_model` writes three files to a folder: `pipeline.joblib` (the fitted scikit-learn
`Pipeline`, for users who want the estimator), `compact.npz` (the same trees and temperature
as plain arrays) and `metadata.json` (versions, feature list, training-data hash, validation
metrics). Scoring loads only the arrays with numpy: importing scikit-learn alone takes longer
than the whole cold start we allow. Both give the same probabilities; a test holds them to it.
Loading checks the metadata and the arrays (names, shapes, dtypes, node indices), so a damaged
or foreign model is refused with one line, never a traceback or a wrong score.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from detector.errors import ModelError
from detector.features import FEATURE_NAMES
from detector.resources import model_dir

FORMAT_VERSION = 1
TREE_ARRAYS = ("tree_class", "roots")  # one entry per tree
NODE_ARRAYS = ("feature", "threshold", "left", "right", "is_leaf", "value")  # one per node
ARRAYS = ("baseline", "beta", *TREE_ARRAYS, *NODE_ARRAYS)


@dataclass(frozen=True)
class CompactModel:
    """Gradient-boosted trees plus temperature scaling, evaluated with numpy alone."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    baseline: np.ndarray  # (n_classes,)
    beta: float  # inverse temperature
    tree_class: np.ndarray  # (n_trees,) which class each tree adds to
    roots: np.ndarray  # (n_trees,) index of each tree's root in the node arrays
    feature: np.ndarray  # per node
    threshold: np.ndarray
    left: np.ndarray  # absolute node indices
    right: np.ndarray
    is_leaf: np.ndarray
    value: np.ndarray
    metadata: dict

    @cached_property
    def _walk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The trees for `decision_function`: (feature, threshold, children, depth). Node k's
        children are at 2k (left) and 2k + 1 (right) of the flat `children`; a leaf is its own
        child with threshold +inf, so every walk can take `depth` steps and ends on its leaf."""
        leaf = self.is_leaf
        nodes = np.arange(self.feature.size)
        children = np.stack([np.where(leaf, nodes, self.left), np.where(leaf, nodes, self.right)],
                            axis=1)
        threshold = np.where(leaf, np.inf, self.threshold)
        feature = np.where(leaf, 0, self.feature)
        frontier, depth = self.roots, 0
        while frontier.size:  # breadth first: as many rounds as the deepest tree is deep
            inner = frontier[~leaf[frontier]]
            frontier = np.concatenate((self.left[inner], self.right[inner]))
            depth += inner.size > 0
        return feature, threshold, children.ravel(), depth

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Raw per-class scores (logits) of the boosted trees."""
        X = np.nan_to_num(np.asarray(X, dtype=np.float64))
        feature, threshold, children, depth = self._walk
        n, width = X.shape
        values = X.ravel()
        row_start = (np.arange(n) * width)[:, None]
        node = np.tile(self.roots, (n, 1))
        for _ in range(depth):
            go_right = values[row_start + feature[node]] > threshold[node]  # left when <=
            node = children[2 * node + go_right]
        leaf_values = self.value[node]  # (n, n_trees)
        k = len(self.classes)
        if self._round_robin:  # trees in rounds of one per class, as boosting adds them
            return leaf_values.reshape(n, -1, k).sum(axis=1) + self.baseline
        raw = np.zeros((n, k))
        for c in range(k):
            raw[:, c] = leaf_values[:, self.tree_class == c].sum(axis=1)
        return raw + self.baseline

    @cached_property
    def _round_robin(self) -> bool:
        k = len(self.classes)
        return self.tree_class.size % k == 0 and np.array_equal(
            self.tree_class, np.tile(np.arange(k), self.tree_class.size // k))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities, columns in the order of `classes`."""
        z = self.beta * self.decision_function(X)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def compact_from_pipeline(pipeline, metadata: dict | None = None) -> CompactModel:
    """Export a fitted `build_pipeline()` pipeline's trees and temperature to arrays."""
    calibrated = pipeline.named_steps["classify"]
    if len(calibrated.calibrated_classifiers_) != 1:
        raise ModelError("export needs CalibratedClassifierCV(ensemble=False)")
    member = calibrated.calibrated_classifiers_[0]
    booster = member.estimator
    parts: dict[str, list] = {k: [] for k in NODE_ARRAYS}
    roots, tree_class = [], []
    offset = 0
    for iteration in booster._predictors:
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise ModelError("categorical splits are not supported by the compact model")
            roots.append(offset)
            tree_class.append(k)
            parts["feature"].append(nodes["feature_idx"].astype(np.int64))
            parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
            parts["left"].append(nodes["left"].astype(np.int64) + offset)
            parts["right"].append(nodes["right"].astype(np.int64) + offset)
            parts["is_leaf"].append(nodes["is_leaf"].astype(bool))
            parts["value"].append(nodes["value"].astype(np.float64))
            offset += len(nodes)
    classes = tuple(str(c) for c in calibrated.classes_)
    baseline = np.asarray(booster._baseline_prediction, dtype=np.float64).reshape(-1)
    if baseline.size == 1 and len(classes) > 2:
        baseline = np.repeat(baseline, len(classes))
    return CompactModel(
        classes=classes,
        features=tuple(pipeline.named_steps["features"].feature_names_),
        baseline=baseline,
        beta=float(member.calibrators[0].beta_),
        tree_class=np.asarray(tree_class, dtype=np.int64),
        roots=np.asarray(roots, dtype=np.int64),
        **{k: np.concatenate(v) for k, v in parts.items()},
        metadata=dict(metadata or {}),
    )


def save_model(pipeline, metadata: dict, directory: Path | None = None) -> Path:
    """Write pipeline.joblib, compact.npz and metadata.json into `directory` (default: shipped)."""
    directory = Path(directory or model_dir())
    import joblib
    import sklearn

    directory.mkdir(parents=True, exist_ok=True)
    compact = compact_from_pipeline(pipeline)
    meta = {
        "format_version": FORMAT_VERSION,
        "sklearn_version": sklearn.__version__,
        "classes": list(compact.classes),
        "features": list(compact.features),
        **metadata,
    }
    joblib.dump(pipeline, directory / "pipeline.joblib", compress=3)
    np.savez_compressed(
        directory / "compact.npz",
        baseline=compact.baseline,
        beta=np.array(compact.beta),
        tree_class=compact.tree_class,
        roots=compact.roots,
        feature=compact.feature,
        threshold=compact.threshold,
        left=compact.left,
        right=compact.right,
        is_leaf=compact.is_leaf,
        value=compact.value,
    )
    (directory / "metadata.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return directory


def _unfit(directory: Path, detail: str) -> ModelError:
    return ModelError(f"model in {directory} does not fit this code ({detail}); "
                      "retrain with `make train`")


def _check_metadata(meta: dict, directory: Path) -> None:
    if not isinstance(meta, dict):
        raise _unfit(directory, "metadata.json does not hold an object")
    for key in ("format_version", "classes", "features"):
        if key not in meta:
            raise _unfit(directory, f"metadata.json has no {key}")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"model in {directory} has format {meta.get('format_version')}, this code reads "
            f"{FORMAT_VERSION}; retrain with `make train`"
        )
    features = meta["features"]
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise _unfit(directory, "metadata.json: features is not a list of names")
    if tuple(features) != FEATURE_NAMES:
        missing = sorted(set(FEATURE_NAMES) - set(meta.get("features", ())))
        extra = sorted(set(meta.get("features", ())) - set(FEATURE_NAMES))
        raise ModelError(
            f"model in {directory} was trained on other features (missing {missing}, "
            f"unknown {extra}); retrain with `make train`"
        )
    classes = meta["classes"]
    if (not isinstance(classes, list) or len(classes) < 2
            or not all(isinstance(c, str) for c in classes) or len(set(classes)) != len(classes)):
        raise _unfit(directory, "metadata.json: classes is not a list of two or more names")


def _check_arrays(arrays: dict[str, np.ndarray], n_classes: int, directory: Path) -> None:
    """Refuse arrays that would fail or mislead in `decision_function`: shapes, types, links."""
    for name, array in arrays.items():
        if array.dtype.kind not in "biuf":
            raise _unfit(directory, f"{name} holds {array.dtype} values, expected numbers")
        if name == "beta" and array.size != 1:
            raise _unfit(directory, f"beta has shape {array.shape}, expected one number")
        if name != "beta" and array.ndim != 1:
            raise _unfit(directory, f"{name} has shape {array.shape}, expected a vector")
    for name in ("tree_class", "roots", "feature", "left", "right"):
        if arrays[name].dtype.kind not in "iu":
            raise _unfit(directory, f"{name} holds {arrays[name].dtype} values, expected integers")
    if arrays["baseline"].size != n_classes:
        raise _unfit(directory, f"baseline has {arrays['baseline'].size} entries for "
                                f"{n_classes} classes")
    for group in (TREE_ARRAYS, NODE_ARRAYS):
        sizes = {name: arrays[name].size for name in group}
        if len(set(sizes.values())) != 1 or not sizes[group[0]]:
            raise _unfit(directory, "arrays of different lengths: " +
                         ", ".join(f"{name} {size}" for name, size in sizes.items()))
    n_nodes = arrays["feature"].size
    is_leaf = arrays["is_leaf"]
    if is_leaf.dtype.kind != "b" and not np.isin(is_leaf, (0, 1)).all():
        raise _unfit(directory, "is_leaf holds values other than true and false")
    inner = ~is_leaf.astype(bool)
    index = np.arange(n_nodes)
    checks = [
        ("tree_class", arrays["tree_class"], 0, n_classes),
        ("roots", arrays["roots"], 0, n_nodes),
        ("feature", arrays["feature"], 0, len(FEATURE_NAMES)),
        # a child comes after its parent, so every walk from a root ends at a leaf
        ("left", arrays["left"][inner] - index[inner], 1, n_nodes - index[inner]),
        ("right", arrays["right"][inner] - index[inner], 1, n_nodes - index[inner]),
    ]
    for name, values, low, high in checks:
        if values.size and ((values < low).any() or (values >= high).any()):
            raise _unfit(directory, f"{name} holds node or feature indices out of range")
    for name in ("baseline", "beta", "value"):
        if not np.isfinite(arrays[name]).all():
            raise _unfit(directory, f"{name} holds values that are not finite")
    if np.isnan(arrays["threshold"]).any():
        raise _unfit(directory, "threshold holds NaN")


def load_model(directory: Path | None = None) -> CompactModel:
    """Load the compact model once per process (default: the shipped one), checking it fits."""
    return _load_model(Path(directory or model_dir()).resolve())


@cache
def _load_model(directory: Path) -> CompactModel:
    try:
        meta = json.loads((directory / "metadata.json").read_text())
        with np.load(directory / "compact.npz") as npz:  # no pickles: allow_pickle=False
            missing = [name for name in ARRAYS if name not in npz.files]
            arrays = {name: npz[name] for name in ARRAYS if name in npz.files}
    except FileNotFoundError as err:
        raise ModelError(f"no trained model in {directory}; run `make train`") from err
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ModelError(f"model in {directory} is unreadable ({detail}); "
                         "retrain with `make train`") from err
    _check_metadata(meta, directory)
    if missing:
        raise _unfit(directory, f"compact.npz has no {', '.join(missing)}")
    _check_arrays(arrays, len(meta["classes"]), directory)
    return CompactModel(
        classes=tuple(meta["classes"]),
        features=tuple(meta["features"]),
        baseline=arrays["baseline"].astype(np.float64),
        beta=float(arrays["beta"].reshape(-1)[0]),
        tree_class=arrays["tree_class"].astype(np.int64),
        roots=arrays["roots"].astype(np.int64),
        feature=arrays["feature"].astype(np.int64),
        threshold=arrays["threshold"].astype(np.float64),
        left=arrays["left"].astype(np.int64),
        right=arrays["right"].astype(np.int64),
        is_leaf=arrays["is_leaf"].astype(bool),
        value=arrays["value"].astype(np.float64),
        metadata=meta,
    )


def load_pipeline(directory: Path | None = None):
    """Load the fitted scikit-learn `Pipeline`, refusing one from another scikit-learn version."""
    import joblib
    import sklearn

    directory = Path(directory or model_dir())
    try:
        meta = json.loads((directory / "metadata.json").read_text())
    except FileNotFoundError as err:
        raise ModelError(f"no trained model in {directory}; run `make train`") from err
    _check_metadata(meta, directory)
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"model in {directory} was saved with scikit-learn {meta.get('sklearn_version')}, "
            f"this environment has {sklearn.__version__}; retrain with `make train`"
        )
    path = directory / "pipeline.joblib"
    try:
        pipeline = joblib.load(path)
    except FileNotFoundError as err:
        raise ModelError(f"no {path.name} in {directory}; run `make train`") from err
    except Exception as err:  # a truncated or foreign pickle fails in many ways
        raise ModelError(f"{path} is damaged ({type(err).__name__}); run `make train`") from err
    if not hasattr(pipeline, "predict_proba"):
        raise ModelError(f"{path} holds no fitted pipeline; run `make train`")
    return pipeline
