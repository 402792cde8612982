"""Accuracy functions and classes: Keras's golden values, hand-worked cases, sample weights."""

import json

import numpy as np
import pytest

from neuronet import metrics
from neuronet.errors import UnknownArgumentError
from neuronet.metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from neuronet.testing import check_config_roundtrip, float64


def _keras_cases(folder):
    cases = json.loads((folder / "metrics.json").read_text())
    arrays = np.load(folder / "metrics.npz")
    return [
        (case, {k: arrays[f"{case['key']}__{k}"] for k in ("y_true", "y_pred", "value")})
        for case in cases
    ]


def test_per_sample_functions_match_keras(keras_fixtures):
    cases = _keras_cases(keras_fixtures)
    assert {case["metric"] for case, _ in cases} >= {
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
    }
    for case, data in cases:
        fn = metrics.METRICS.lookup(case["metric"])
        got = fn(data["y_true"], data["y_pred"])
        assert got.shape == tuple(case["shape"]) == data["value"].shape, case["key"]
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, data["value"], atol=1e-6, err_msg=case["key"])


def test_classes_average_keras_values(keras_fixtures):
    classes = {
        "binary_accuracy": BinaryAccuracy,
        "categorical_accuracy": CategoricalAccuracy,
        "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    }
    for case, data in _keras_cases(keras_fixtures):
        metric = classes[case["metric"]]()
        # Two uneven batches: the running mean must still be the mean over all samples.
        metric.update_state(data["y_true"][:5], data["y_pred"][:5])
        metric.update_state(data["y_true"][5:], data["y_pred"][5:])
        assert abs(metric.result() - float(np.mean(data["value"]))) < 1e-6, case["key"]


def test_binary_accuracy_threshold_is_strict():
    # 0.5 is not > 0.5, so it predicts class 0: right for label 0, wrong for label 1.
    got = binary_accuracy([[1], [0], [1], [0]], [[0.5], [0.5], [0.51], [0.49]])
    np.testing.assert_array_equal(got, [[0], [1], [1], [1]])
    # threshold 0.7: 0.6 -> 0 (label 1, miss), 0.7 -> 0 (label 0, hit), 0.8 -> 1 (label 1, hit)
    np.testing.assert_array_equal(
        binary_accuracy([1, 0, 1], [0.6, 0.7, 0.8], threshold=0.7), [0, 1, 1]
    )


def test_binary_accuracy_matches_ranks():
    # (n,) labels against (n, 1) predictions become (n, 1) against (n, 1).
    got = binary_accuracy(np.array([1, 0]), np.array([[0.9], [0.8]]))
    assert got.shape == (2, 1)
    np.testing.assert_array_equal(got, [[1], [0]])
    # Several columns: one value per element, not averaged over the last axis (Keras 3).
    got = binary_accuracy([[1, 0], [1, 1]], [[0.9, 0.2], [0.3, 0.6]])
    np.testing.assert_array_equal(got, [[1, 1], [0, 1]])


def test_categorical_accuracy_by_hand():
    # argmax(true) = [2, 1]; argmax(pred) = [1, 1] -> [0, 1]
    got = categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    np.testing.assert_array_equal(got, [0, 1])
    # A tie goes to the first maximal class: argmax([0.4, 0.4, 0.2]) = 0.
    np.testing.assert_array_equal(
        categorical_accuracy([[1, 0, 0], [0, 1, 0]], [[0.4, 0.4, 0.2]] * 2), [1, 0]
    )


@pytest.mark.parametrize(
    "labels",
    [[2, 1], [[2], [1]], [2.0, 1.0], [[2.0], [1.0]], np.array([2, 1], dtype="int64")],
    ids=["int_flat", "int_column", "float_flat", "float_column", "int64"],
)
def test_sparse_categorical_accuracy_label_shapes(labels):
    # argmax(pred) = [1, 1]; labels [2, 1] -> [0, 1], shape (n,) whatever the label shape.
    got = sparse_categorical_accuracy(labels, [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert got.shape == (2,)
    np.testing.assert_array_equal(got, [0, 1])


def test_top_k_categorical_accuracy_by_hand():
    y_pred = [[0.1, 0.5, 0.3, 0.1], [0.5, 0.3, 0.15, 0.05]]
    # row 0: label 2 scores 0.3, one class scores higher -> in the top 2, not the top 1
    # row 1: label 2 scores 0.15, two classes score higher -> in the top 3 only
    y_true = [[0, 0, 1, 0], [0, 0, 1, 0]]
    np.testing.assert_array_equal(top_k_categorical_accuracy(y_true, y_pred, k=1), [0, 0])
    np.testing.assert_array_equal(top_k_categorical_accuracy(y_true, y_pred, k=2), [1, 0])
    np.testing.assert_array_equal(top_k_categorical_accuracy(y_true, y_pred, k=3), [1, 1])
    np.testing.assert_array_equal(top_k_categorical_accuracy(y_true, y_pred), [1, 1])  # k=5


def test_top_k_ties_at_the_boundary_count_as_in():
    # Label 3 scores 0.1, tied with class 0; only class 1 and 2 are strictly higher, so it
    # is in the top 3 (TensorFlow's in_top_k rule), though a sort could put it 4th.
    y_pred = [[0.1, 0.5, 0.3, 0.1]]
    np.testing.assert_array_equal(sparse_top_k_categorical_accuracy([3], y_pred, k=3), [1])
    np.testing.assert_array_equal(sparse_top_k_categorical_accuracy([3], y_pred, k=2), [0])
    # A row with a non-finite score is never a hit.
    assert sparse_top_k_categorical_accuracy([1], [[np.nan, 0.9, 0.1]], k=3)[0] == 0


def test_sparse_top_k_shapes_and_sorted_ids():
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    np.testing.assert_array_equal(sparse_top_k_categorical_accuracy([2, 1], y_pred, k=1), [0, 1])
    got = sparse_top_k_categorical_accuracy([[2], [1]], y_pred, k=1)
    assert got.shape == (2, 1)  # the labels' shape
    # Ids sorted best first: row 0's top 1 is id 1 (label 2: miss); row 1's top 1 is 1 (hit).
    ids = [[1, 0, 3], [1, 2, 3]]
    np.testing.assert_array_equal(
        sparse_top_k_categorical_accuracy([2, 1], ids, k=1, from_sorted_ids=True), [0, 1]
    )
    np.testing.assert_array_equal(
        sparse_top_k_categorical_accuracy([0, 3], ids, k=2, from_sorted_ids=True), [1, 0]
    )


def test_exact_accuracy():
    np.testing.assert_array_equal(
        accuracy([[1], [2], [3], [4]], [[0], [2], [3], [4]]), [[0], [1], [1], [1]]
    )


@pytest.mark.parametrize(
    "make, y_true, y_pred",
    [
        (BinaryAccuracy, [[0], [1], [0], [1]], [[0.6], [1], [0], [0.98]]),
        (
            CategoricalAccuracy,
            [[0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 0]],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0], [0.6, 0.3, 0.1], [0.7, 0.2, 0.1]],
        ),
        (
            SparseCategoricalAccuracy,
            [[2], [1], [0], [0]],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0], [0.6, 0.3, 0.1], [0.7, 0.2, 0.1]],
        ),
        (
            lambda: TopKCategoricalAccuracy(k=1),
            [[0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 0]],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0], [0.6, 0.3, 0.1], [0.7, 0.2, 0.1]],
        ),
        (
            lambda: SparseTopKCategoricalAccuracy(k=1),
            [2, 1, 0, 0],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0], [0.6, 0.3, 0.1], [0.7, 0.2, 0.1]],
        ),
        (Accuracy, [[1], [2], [3], [4]], [[0], [2], [3], [4]]),
    ],
    ids=["binary", "categorical", "sparse", "top_k", "sparse_top_k", "exact"],
)
def test_classes_weighted_running_mean_and_reset(make, y_true, y_pred):
    # Each case has hits [0, 1, 1, 1].
    metric = make()
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(0.75)
    # weights [0.7, 0.3, 0, 0]: (0.7*0 + 0.3*1) / (0.7 + 0.3) = 0.3
    metric.reset_state()
    assert metric.result() == 0.0
    metric.update_state(y_true, y_pred, sample_weight=[0.7, 0.3, 0, 0])
    assert metric.result() == pytest.approx(0.3)
    # A second batch (the first two samples, weight 1 each) adds 1 hit over weight 2:
    # (0.3 + 1) / (1 + 2) = 0.43333...
    metric.update_state(y_true[:2], y_pred[:2])
    assert metric.result() == pytest.approx(1.3 / 3, abs=1e-6)
    assert isinstance(metric.result(), float)
    assert [v.name for v in metric.variables] == ["total", "count"]


def test_float64_everywhere():
    with float64():
        metric = BinaryAccuracy()
        assert metric.dtype == "float64"
        assert binary_accuracy([1.0], [0.9]).dtype == np.float64
        metric.update_state([1, 0, 1], [0.9, 0.2, 0.1])
        assert metric.result() == 2 / 3  # exact in float64
        assert metric.variables[0].value.dtype == np.float64


def test_configs_follow_keras_and_round_trip():
    assert BinaryAccuracy(threshold=0.7).get_config() == {
        "name": "binary_accuracy",
        "dtype": "float32",
        "threshold": 0.7,
    }
    assert TopKCategoricalAccuracy(k=3, name="top3").get_config() == {
        "name": "top3",
        "dtype": "float32",
        "k": 3,
    }
    assert "from_sorted_ids" not in SparseTopKCategoricalAccuracy().get_config()
    assert SparseTopKCategoricalAccuracy(from_sorted_ids=True).get_config()["from_sorted_ids"]
    for metric in (
        BinaryAccuracy(threshold=0.3),
        CategoricalAccuracy(name="ca"),
        SparseTopKCategoricalAccuracy(k=2),
        Accuracy(dtype="float64"),
    ):
        clone = check_config_roundtrip(metric)
        assert type(clone) is type(metric)
    assert (
        BinaryAccuracy.from_config({"name": "b", "dtype": "float32", "threshold": 0.9})([1], [0.8])
        == 0.0
    )


def test_misspelt_arguments_are_suggested():
    with pytest.raises(UnknownArgumentError, match="Did you mean 'threshold'"):
        BinaryAccuracy(treshold=0.7)
    with pytest.raises(TypeError, match="threshold=0.7"):
        BinaryAccuracy(0.7)  # Keras's first positional argument is the name
