"""Loss-like metrics: running means of neuronet.losses's functions, with Keras's numbers."""

import numpy as np
import pytest

from neuronet import losses, metrics
from neuronet.metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from neuronet.testing import check_config_roundtrip, float64

REG_TRUE, REG_PRED = [[0, 1], [0, 0]], [[1, 1], [0, 0]]
PROB_TRUE, PROB_PRED = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
CAT_TRUE, CAT_PRED = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]

# (class, y_true, y_pred, sample_weight, unweighted, weighted): the values Keras 3 documents for
# each metric class (float32), most also worked out by hand in the comment.
KERAS_VALUES = [
    # squared errors per sample [0.5, 0] -> 0.25; weights [1, 0] -> 0.5
    (MeanSquaredError, REG_TRUE, REG_PRED, [1, 0], 0.25, 0.5),
    (MeanAbsoluteError, REG_TRUE, REG_PRED, [1, 0], 0.25, 0.5),
    # |0 - 1| / max(|0|, 1e-7) = 1e7 -> 100 * mean([1e7, 0]) = 5e8 per sample [5e8, 0]
    (MeanAbsolutePercentageError, REG_TRUE, REG_PRED, [1, 0], 2.5e8, 5e8),
    (MeanSquaredLogarithmicError, REG_TRUE, REG_PRED, [1, 0], 0.12011322, 0.24022643),
    (RootMeanSquaredError, REG_TRUE, REG_PRED, [1, 0], 0.5, 0.70710677),  # sqrt(.25), sqrt(.5)
    (LogCoshError, REG_TRUE, REG_PRED, [1, 0], 0.10844523, 0.21689045),
    (KLDivergence, PROB_TRUE, PROB_PRED, [1, 0], 0.45814306, 0.9162892),
    (Poisson, REG_TRUE, REG_PRED, [1, 0], 0.49999997, 0.99999994),
    (BinaryCrossentropy, PROB_TRUE, PROB_PRED, [1, 0], 0.81492424, 0.9162905),
    # -log(0.95) = 0.0513, -log(0.1) = 2.3026 -> mean 1.1769; weights .3/.7 -> 1.6272
    (CategoricalCrossentropy, CAT_TRUE, CAT_PRED, [0.3, 0.7], 1.1769392, 1.6271976),
    (SparseCategoricalCrossentropy, [1, 2], CAT_PRED, [0.3, 0.7], 1.1769392, 1.6271976),
    # labels -> [[-1, 1], [-1, -1]]; 1 - y*p = [[1.6, .6], [1.4, 1.6]] -> [1.1, 1.5] -> 1.3
    (Hinge, PROB_TRUE, PROB_PRED, [1, 0], 1.3, 1.1),
    # squares [[2.56, .36], [1.96, 2.56]] -> [1.46, 2.26] -> 1.86
    (SquaredHinge, PROB_TRUE, PROB_PRED, [1, 0], 1.86, 1.46),
    # row 0: pos .4, neg .6 -> 1.2; row 1: pos 0, neg .6 -> 1.6 -> 1.4
    (CategoricalHinge, PROB_TRUE, PROB_PRED, [1, 0], 1.4000001, 1.2),
]


@pytest.mark.parametrize(
    "cls, y_true, y_pred, weights, unweighted, weighted",
    KERAS_VALUES,
    ids=[case[0].__name__ for case in KERAS_VALUES],
)
def test_keras_documented_values(cls, y_true, y_pred, weights, unweighted, weighted):
    metric = cls()
    metric.update_state(np.array(y_true, dtype="float32"), np.array(y_pred, dtype="float32"))
    assert metric.result() == pytest.approx(unweighted, rel=1e-6)
    metric.reset_state()
    metric.update_state(
        np.array(y_true, dtype="float32"), np.array(y_pred, dtype="float32"), sample_weight=weights
    )
    assert metric.result() == pytest.approx(weighted, rel=1e-6)


def test_cosine_similarity_by_hand():
    # normalised: true [[0, 1], [.707, .707]], pred [[1, 0], [.707, .707]] -> [0, 1] -> 0.5
    # weights [.3, .7] -> .7 (Keras: 0.49999997 and 0.6999999)
    metric = CosineSimilarity(axis=1)
    metric.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    assert metric.result() == pytest.approx(0.5, rel=1e-6)
    metric.reset_state()
    metric.update_state(
        [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], sample_weight=[0.3, 0.7]
    )
    assert metric.result() == pytest.approx(0.7, rel=1e-6)
    # The metric is the similarity, the loss of that name its negative; a zero vector gives 0.
    np.testing.assert_allclose(
        metrics.cosine_similarity([[1.0, 1.0], [0.0, 0.0]], [[-1.0, -1.0], [1.0, 2.0]]),
        [-1.0, 0.0],
        atol=1e-6,
    )


@pytest.mark.parametrize(
    "cls, fn, kwargs",
    [
        (MeanSquaredError, losses.mean_squared_error, {}),
        (BinaryCrossentropy, losses.binary_crossentropy, {"label_smoothing": 0.1}),
        (CategoricalCrossentropy, losses.categorical_crossentropy, {"from_logits": True}),
        (KLDivergence, losses.kl_divergence, {}),
    ],
)
def test_running_weighted_mean_of_the_loss_function(cls, fn, kwargs):
    # The metric is the loss function's per-sample values, weighted and averaged over every
    # batch seen, computed here directly from neuronet.losses.
    rng = np.random.default_rng(1)
    y_true = np.eye(3, dtype="float32")[rng.integers(0, 3, size=11)]
    y_pred = rng.random((11, 3)).astype("float32") * 0.8 + 0.1
    weights = rng.random(11).astype("float32")
    metric = cls(**kwargs)
    assert metric.fn is fn
    metric.update_state(y_true[:6], y_pred[:6], sample_weight=weights[:6])
    metric.update_state(y_true[6:], y_pred[6:], sample_weight=weights[6:])
    values = np.asarray(fn(y_true, y_pred, **kwargs), dtype=np.float64)
    expected = np.sum(values * weights) / np.sum(weights)
    assert metric.result() == pytest.approx(expected, rel=1e-5)


def test_float64():
    with float64():
        metric = MeanSquaredError()
        metric.update_state([[0.1, 0.2]], [[0.3, 0.1]])
        assert metric.dtype == "float64"
        assert metric.result() == pytest.approx((0.04 + 0.01) / 2, rel=1e-12)


def test_configs_follow_keras():
    assert MeanSquaredError().get_config() == {"name": "mean_squared_error", "dtype": "float32"}
    assert LogCoshError().name == "logcosh"
    assert BinaryCrossentropy(from_logits=True).get_config() == {
        "name": "binary_crossentropy",
        "dtype": "float32",
        "from_logits": True,
        "label_smoothing": 0,
    }
    assert CategoricalCrossentropy(axis=1).get_config()["axis"] == 1
    assert SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy",
        "dtype": "float32",
        "from_logits": False,
        "axis": -1,
    }
    assert CosineSimilarity(axis=0).get_config() == {
        "name": "cosine_similarity",
        "dtype": "float32",
        "axis": 0,
    }
    for cls in (
        MeanSquaredError,
        RootMeanSquaredError,
        BinaryCrossentropy,
        Hinge,
        CategoricalCrossentropy,
        CosineSimilarity,
        Poisson,
    ):
        clone = check_config_roundtrip(cls())
        assert type(clone) is cls
