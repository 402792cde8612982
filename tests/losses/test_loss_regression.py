"""Regression, hinge and probabilistic losses: values by hand, gradients in float64."""

import math

import numpy as np
import pytest

from neuronet import losses
from neuronet.testing import check_loss_gradient, float64, numerical_gradient, relative_error

LN2 = math.log(2.0)
RNG = np.random.default_rng(21)
N = 6
TRUE = RNG.normal(size=(N, 3))
# predictions at least 0.1 from the labels: away from the |x| kinks of MAE, MAPE and Huber
PRED = TRUE + RNG.choice([-1.0, 1.0], size=(N, 3)) * RNG.uniform(0.1, 2.0, size=(N, 3))
POSITIVE_TRUE = RNG.uniform(0.1, 3.0, size=(N, 3))
POSITIVE_PRED = RNG.uniform(0.1, 3.0, size=(N, 3))
SIGNS = RNG.choice([-1.0, 1.0], size=(N, 3))
ZERO_ONE = (SIGNS + 1.0) / 2.0
# margins 1 - t * p kept at least 0.1 from the hinge's kink at 0
MARGINS = RNG.choice([-1.0, 1.0], size=(N, 3)) * RNG.uniform(0.1, 1.0, size=(N, 3))
HINGE_PRED = SIGNS * (1.0 - MARGINS)
ONE_HOT = np.eye(4)[RNG.integers(0, 4, size=N)]
CLASS_SCORES = RNG.normal(size=(N, 4))
DISTRIBUTION_TRUE = POSITIVE_TRUE / POSITIVE_TRUE.sum(axis=-1, keepdims=True)
DISTRIBUTION_PRED = POSITIVE_PRED / POSITIVE_PRED.sum(axis=-1, keepdims=True)
WEIGHTS = RNG.uniform(0.5, 2.0, size=N)


# --- values worked by hand ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, y_true, y_pred, expected",
    [
        # squared errors [0, 1 | 4, 0] -> means [0.5, 2]
        (losses.mean_squared_error, [[1, 2], [3, 4]], [[1, 3], [5, 4]], [0.5, 2.0]),
        # absolute errors [0, 1 | 2, 0] -> [0.5, 1]
        (losses.mean_absolute_error, [[1, 2], [3, 4]], [[1, 3], [5, 4]], [0.5, 1.0]),
        # |(2 - 3) / 2| = |(-4 + 2) / 4| = 0.5 -> 50 %
        (losses.mean_absolute_percentage_error, [[2.0, -4.0]], [[3.0, -2.0]], [50.0]),
        # a zero label is floored at 1e-7: 100 * 0.5 / 1e-7
        (losses.mean_absolute_percentage_error, [[0.0]], [[0.5]], [5e8]),
        # (ln 2 - ln(1 + 1e-7))^2 and (ln 4 - ln 2)^2, halved
        (losses.mean_squared_logarithmic_error, [[0.0, 1.0]], [[1.0, 3.0]], [0.48045294460]),
        # Keras's docstring: errors 0.6, 0.6 | 0.4, 0.6, all within delta=1:
        # 0.5 * [0.36, 0.36 | 0.16, 0.36] -> [0.18, 0.13] (Keras prints the mean 0.155)
        (losses.huber, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], [0.18, 0.13]),
        # log cosh(1) = 0.43378083 and 0, halved; Keras prints the batch mean 0.108
        (losses.log_cosh, [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], [0.2168904152, 0]),
        # no overflow: log cosh(100) = 100 - ln 2
        (losses.log_cosh, [[0.0]], [[100.0]], [100.0 - LN2]),
        # Keras's docstring: orthogonal, same direction, opposite
        (
            losses.cosine_similarity,
            [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]],
            [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]],
            [0.0, -1.0, 1.0],
        ),
        # a zero vector has similarity 0, not NaN
        (losses.cosine_similarity, [[0.0, 0.0]], [[1.0, 2.0]], [0.0]),
        # 0/1 labels become -1/1: margins max(1 - 0.5, 0), max(1 - 2, 0) | 0.75, 1.5
        (losses.hinge, [[0, 1], [1, 0]], [[-0.5, 2.0], [0.25, 0.5]], [0.25, 1.125]),
        # -1/1 labels stay: 1 - (-1)(0.5) = 1.5 and 1 - 0.5 = 0.5
        (losses.hinge, [[-1.0, 1.0]], [[0.5, 0.5]], [1.0]),
        # squares of the margins above: (0.25 + 0) / 2, (0.5625 + 2.25) / 2
        (losses.squared_hinge, [[0, 1], [1, 0]], [[-0.5, 2.0], [0.25, 0.5]], [0.125, 1.40625]),
        # pos = 0.5, neg = max(0.3, 0, 0.6) = 0.6: 0.6 - 0.5 + 1 = 1.1; then a satisfied margin
        (
            losses.categorical_hinge,
            [[0, 1, 0], [0, 1, 0]],
            [[0.3, 0.5, 0.6], [0, 3, 0.5]],
            [1.1, 0.0],
        ),
        # 0.5 ln(0.5 / 0.25) + 0.5 ln(0.5 / 0.75)
        (losses.kl_divergence, [[0.5, 0.5]], [[0.25, 0.75]], [0.14384103623]),
        # a zero label is clipped to 1e-7: ln 2 + 1e-7 ln(1e-7 / 0.5)
        (losses.kl_divergence, [[1.0, 0.0]], [[0.5, 0.5]], [0.69314563807]),
        # (1 - ln(1 + 1e-7) + 2 - 2 ln(2 + 1e-7)) / 2
        (losses.poisson, [[1.0, 2.0]], [[1.0, 2.0]], [0.80685271944]),
    ],
)
def test_values_by_hand(fn, y_true, y_pred, expected):
    with float64():
        np.testing.assert_allclose(
            fn(np.asarray(y_true, "float64"), np.asarray(y_pred, "float64")),
            expected,
            rtol=1e-9,
            atol=1e-12,
        )


@pytest.mark.parametrize(
    "loss, expected",
    [
        (losses.MeanSquaredError(), 1.25),
        (losses.MeanAbsoluteError(), 0.75),
        (losses.MeanSquaredError(reduction="sum"), 2.5),
        # weights [1, 3]: (0.5 + 6) / 2 and / 4
        (losses.MeanSquaredError(reduction="sum_over_batch_size"), 1.25),
    ],
)
def test_class_means_by_hand(loss, expected):
    np.testing.assert_allclose(loss([[1, 2], [3, 4]], [[1, 3], [5, 4]]), expected)


def test_sample_weight_by_hand():
    # per-sample MSE [0.5, 2] weighted [1, 3] -> [0.5, 6]: mean 3.25, over the weights 6.5 / 4
    mse = losses.MeanSquaredError()
    np.testing.assert_allclose(mse([[1, 2], [3, 4]], [[1, 3], [5, 4]], [1.0, 3.0]), 3.25)
    mse_w = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    np.testing.assert_allclose(mse_w([[1, 2], [3, 4]], [[1, 3], [5, 4]], [1.0, 3.0]), 1.625)


def test_huber_delta_and_keras_mean():
    # delta 0.5: |0.6| is linear, 0.5 * 0.6 - 0.125 = 0.175; 0.4 is quadratic, 0.08
    y_true, y_pred = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    np.testing.assert_allclose(losses.huber(y_true, y_pred, delta=0.5), [0.175, 0.1275])
    np.testing.assert_allclose(losses.Huber()(y_true, y_pred), 0.155)
    np.testing.assert_allclose(
        losses.LogCosh()([[0.0, 1.0], [0.0, 0.0]], [[1, 1], [0, 0]]), 0.10844521, rtol=1e-6
    )


def test_one_dimensional_inputs_reduce_to_a_scalar_as_in_keras():
    # mean over the last (only) axis: (1 + 4) / 2
    assert losses.mean_squared_error([1.0, 2.0], [0.0, 4.0]).shape == ()
    np.testing.assert_allclose(losses.mean_squared_error([1.0, 2.0], [0.0, 4.0]), 2.5)


def test_hinge_labels_are_converted_only_when_all_are_zero_or_one():
    np.testing.assert_array_equal(
        losses.convert_binary_labels_to_hinge(np.array([0.0, 1.0])), [-1.0, 1.0]
    )
    np.testing.assert_array_equal(
        losses.convert_binary_labels_to_hinge(np.array([0.0, 0.5])), [0.0, 0.5]
    )


def test_gradients_are_zero_where_a_floor_or_clip_is_active():
    # MSLE floors y_pred at 1e-7; KL divergence clips it to [1e-7, 1]
    np.testing.assert_array_equal(
        losses.mean_squared_logarithmic_error.grad([[1.0, 1.0]], [[-0.5, 0.0]]), [[0.0, 0.0]]
    )
    np.testing.assert_array_equal(
        losses.kl_divergence.grad([[0.5, 0.5]], [[0.0, 1.5]]), [[0.0, 0.0]]
    )


def test_categorical_hinge_splits_the_gradient_between_tied_maxima():
    # neg = max(2, 2) over the two wrong classes: each gets half of d neg
    grad = losses.categorical_hinge.grad([[1.0, 0.0, 0.0]], [[1.5, 2.0, 2.0]])
    np.testing.assert_allclose(grad, [[-1.0, 0.5, 0.5]])


# --- gradients in float64 -----------------------------------------------------------------------

CASES = [
    ("mse", losses.MeanSquaredError, {}, TRUE, PRED),
    ("mae", losses.MeanAbsoluteError, {}, TRUE, PRED),
    ("mape", losses.MeanAbsolutePercentageError, {}, TRUE, PRED),
    ("msle", losses.MeanSquaredLogarithmicError, {}, POSITIVE_TRUE, POSITIVE_PRED),
    ("huber", losses.Huber, {}, TRUE, PRED),
    ("huber delta", losses.Huber, {"delta": 0.05}, TRUE, PRED),
    ("log_cosh", losses.LogCosh, {}, TRUE, PRED),
    ("cosine", losses.CosineSimilarity, {}, TRUE, PRED),
    ("hinge", losses.Hinge, {}, ZERO_ONE, HINGE_PRED),
    ("hinge signs", losses.Hinge, {}, SIGNS, HINGE_PRED),
    ("squared_hinge", losses.SquaredHinge, {}, ZERO_ONE, HINGE_PRED),
    ("categorical_hinge", losses.CategoricalHinge, {}, ONE_HOT, CLASS_SCORES),
    ("kld", losses.KLDivergence, {}, DISTRIBUTION_TRUE, DISTRIBUTION_PRED),
    ("poisson", losses.Poisson, {}, POSITIVE_TRUE, POSITIVE_PRED),
]


@pytest.mark.parametrize(
    "reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", None]
)
@pytest.mark.parametrize("weights", [None, WEIGHTS, WEIGHTS[:, None]])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_class_gradient(case, weights, reduction):
    _, cls, kwargs, y_true, y_pred = case
    with float64():
        check_loss_gradient(cls(reduction=reduction, **kwargs), y_true, y_pred, weights)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_function_gradient_is_a_vector_jacobian_product(case):
    _, cls, kwargs, y_true, y_pred = case
    fn = cls().fn
    grad_values = RNG.normal(size=N)
    analytic = fn.grad(y_true, y_pred, grad_values=grad_values, **kwargs)
    numeric = numerical_gradient(lambda p: fn(y_true, p, **kwargs), y_pred.copy(), grad_values)
    assert relative_error(analytic, numeric) < 1e-6
    assert losses.gradient(fn) is fn.grad


def test_cosine_over_the_first_axis_and_below_the_norm_floor():
    with float64():
        check_loss_gradient(losses.CosineSimilarity(axis=0), TRUE, PRED)
    # |y_pred| = 2.2e-9 is under the 1e-7 floor: y_pred is scaled by 1 / eps = 1e7, a constant,
    # so loss = -(0 * 1e-9 + 1 * 2e-9) * 1e7 = -0.02 and its gradient is -y_true_unit * 1e7
    y_true, y_pred = [[0.0, 1.0]], [[1e-9, 2e-9]]
    np.testing.assert_allclose(losses.cosine_similarity(y_true, y_pred), [-0.02], rtol=1e-9)
    np.testing.assert_allclose(losses.cosine_similarity.grad(y_true, y_pred), [[0.0, -1e7]])


def test_three_dimensional_outputs():
    # (batch, time, features): per-sample values (batch, time), the mean over all of them
    y_true, y_pred = RNG.normal(size=(3, 4, 2)), RNG.normal(size=(3, 4, 2))
    assert losses.mean_squared_error(y_true, y_pred).shape == (3, 4)
    np.testing.assert_allclose(
        losses.MeanSquaredError()(y_true, y_pred), np.mean((y_true - y_pred) ** 2)
    )
    with float64():
        check_loss_gradient(losses.LogCosh(), y_true, y_pred, RNG.uniform(size=(3, 1)))
