"""The estimators among scikit-learn's tools: Pipeline, GridSearchCV, cross_val_score, pandas,
clone/get_params/set_params, pickle."""

import copy
import importlib
import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from neuronet.sklearn import NeuronetClassifier, NeuronetRegressor


def _two_moons_like(n=80, seed=0):
    """Two classes on either side of a curve, with features on different scales."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = np.where(X[:, 1] > X[:, 0] ** 2 - 0.5, "up", "down")
    return X * [100.0, 0.01], y


def test_pipeline_in_grid_search():
    X, y = _two_moons_like()
    pipeline = make_pipeline(
        StandardScaler(), NeuronetClassifier(epochs=40, learning_rate=0.02, random_state=0)
    )
    grid = GridSearchCV(
        pipeline,
        {"neuronetclassifier__hidden_layer_sizes": [(2,), (16,)]},
        cv=2,
    )
    grid.fit(X, y)
    assert grid.best_params_ == {"neuronetclassifier__hidden_layer_sizes": (16,)}
    assert grid.best_score_ > 0.85
    fitted = grid.best_estimator_[-1]
    assert fitted.model_.layers[0].units == 16
    assert grid.score(X, y) > 0.9


def test_cross_val_score():
    X, y = _two_moons_like()
    clf = make_pipeline(
        StandardScaler(),
        NeuronetClassifier(hidden_layer_sizes=(16,), epochs=40, learning_rate=0.02),
    )
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    reg = NeuronetRegressor(hidden_layer_sizes=(), learning_rate=0.05, epochs=40)
    X_r = np.random.default_rng(1).normal(size=(60, 2))
    r2 = cross_val_score(reg, X_r, X_r @ [1.0, -1.0], cv=3)
    assert r2.min() > 0.95


def test_dataframe_and_series_input():
    X, y = _two_moons_like(n=40)
    frame = pd.DataFrame(X / [100.0, 0.01], columns=["width", "height"])
    labels = pd.Series(y, name="side")
    clf = NeuronetClassifier(hidden_layer_sizes=(8,), epochs=20, learning_rate=0.05)
    clf.fit(frame, labels)
    assert clf.n_features_in_ == 2
    assert clf.feature_names_in_.tolist() == ["width", "height"]
    assert set(clf.classes_) == {"down", "up"}
    assert clf.predict(frame).shape == (40,) and clf.score(frame, labels) > 0.8
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[["height", "width"]])
    reg = NeuronetRegressor(hidden_layer_sizes=(), epochs=2)
    reg.fit(frame, pd.Series(frame["width"] - frame["height"]))
    assert reg.feature_names_in_.tolist() == ["width", "height"]
    targets = pd.DataFrame({"a": frame["width"], "b": frame["height"]})
    assert reg.fit(frame, targets).predict(frame).shape == (40, 2)


def test_lists_are_accepted():
    clf = NeuronetClassifier(hidden_layer_sizes=(2,), epochs=1)
    clf.fit([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], ["a", "b", "a"])
    assert clf.predict([[0.0, 1.0]]).shape == (1,)
    assert not hasattr(clf, "feature_names_in_")


def test_wrong_feature_count_and_unfitted_use_are_refused():
    clf = NeuronetClassifier(hidden_layer_sizes=(2,), epochs=1)
    with pytest.raises(NotFittedError):
        clf.predict([[0.0, 1.0]])
    clf.fit([[0.0, 1.0], [1.0, 0.0]], ["a", "b"])
    with pytest.raises(ValueError, match="X has 3 features, but NeuronetClassifier is expecting 2"):
        clf.predict([[0.0, 1.0, 2.0]])


def test_get_params_set_params_and_clone():
    clf = NeuronetClassifier(hidden_layer_sizes=(7, 3), epochs=9, random_state=4)
    params = clf.get_params()
    assert params["hidden_layer_sizes"] == (7, 3) and params["epochs"] == 9
    assert set(params) == {
        "model", "hidden_layer_sizes", "activation", "optimizer", "learning_rate", "loss",
        "metrics", "epochs", "batch_size", "validation_split", "early_stopping", "patience",
        "random_state", "verbose", "warm_start", "shuffle", "model_params",
    }  # fmt: skip
    assert clf.set_params(activation="tanh", epochs=2) is clf
    assert clf.activation == "tanh" and clf.epochs == 2
    clf.fit([[0.0], [1.0]], ["a", "b"])
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert not hasattr(twin, "model_") and not hasattr(twin, "classes_")
    with pytest.raises(ValueError, match="Invalid parameter"):
        clf.set_params(units=3)


def test_pickled_estimator_predicts_and_trains_on():
    """After pickle.loads, partial_fit continues exactly where it would have without it."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.where(X[:, 0] > 0, "a", "b")
    straight = NeuronetClassifier(hidden_layer_sizes=(5,), shuffle=False, random_state=0)
    straight.partial_fit(X, y, classes=["a", "b"])
    restored = pickle.loads(pickle.dumps(straight))
    np.testing.assert_array_equal(restored.predict_proba(X), straight.predict_proba(X))
    assert restored.classes_.tolist() == ["a", "b"]
    straight.partial_fit(X, y)
    restored.partial_fit(X, y)
    assert int(restored.model_.optimizer.iterations) == 4
    for a, b in zip(straight.model_.get_weights(), restored.model_.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert restored.history_ == straight.history_


def test_deepcopy_and_warm_start_after_pickling():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(32, 2))
    y = X @ [1.0, 2.0]
    reg = NeuronetRegressor(hidden_layer_sizes=(3,), epochs=2, warm_start=True, shuffle=False)
    reg.fit(X, y)
    copied = copy.deepcopy(reg)
    assert copied.model_ is not reg.model_
    reg.fit(X, y)
    copied.fit(X, y)
    np.testing.assert_array_equal(copied.predict(X), reg.predict(X))
    assert copied.n_iter_ == 4 and int(copied.model_.optimizer.iterations) == 4


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m.startswith("neuronet.sklearn")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` fail
    with pytest.raises(ImportError, match=r"pip install 'neuronet\[sklearn\]'"):
        importlib.import_module("neuronet.sklearn")
