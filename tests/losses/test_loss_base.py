"""The Loss base: reductions, sample weights, rank alignment, dtypes, configs, custom losses."""

import numpy as np
import pytest

from neuronet import losses
from neuronet.errors import DataError, UnknownArgumentError
from neuronet.losses import (
    Loss,
    LossFunctionWrapper,
    reduce_weighted_values,
    reduce_weighted_values_grad,
    squeeze_or_expand_to_same_rank,
)
from neuronet.testing import (
    check_config_roundtrip,
    check_loss_gradient,
    float64,
    numerical_gradient,
    relative_error,
)

ALL_CLASSES = [
    losses.BinaryCrossentropy,
    losses.CategoricalCrossentropy,
    losses.SparseCategoricalCrossentropy,
    losses.MeanSquaredError,
    losses.MeanAbsoluteError,
    losses.MeanAbsolutePercentageError,
    losses.MeanSquaredLogarithmicError,
    losses.Hinge,
    losses.SquaredHinge,
    losses.CategoricalHinge,
    losses.Huber,
    losses.LogCosh,
    losses.KLDivergence,
    losses.Poisson,
    losses.CosineSimilarity,
]

# --- reductions, worked by hand -----------------------------------------------------------------
# values [1, 2, 3, 4], sample_weight [1, 0, 2, 3]: weighted [1, 0, 6, 12], sum 19,
# 4 values, sum of weights 6.
VALUES = np.array([1.0, 2.0, 3.0, 4.0])
WEIGHTS = np.array([1.0, 0.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "reduction, expected",
    [
        ("sum", 19.0),
        ("sum_over_batch_size", 19.0 / 4),
        ("mean", 19.0 / 4),
        ("mean_with_sample_weight", 19.0 / 6),
        ("none", [1.0, 0.0, 6.0, 12.0]),
        (None, [1.0, 0.0, 6.0, 12.0]),
    ],
)
def test_reductions_by_hand(reduction, expected):
    result = reduce_weighted_values(VALUES, WEIGHTS, reduction=reduction)
    np.testing.assert_allclose(result, expected, rtol=1e-12)
    # the same weights as a column (n, 1) give the same number
    column = reduce_weighted_values(VALUES, WEIGHTS[:, None], reduction=reduction)
    np.testing.assert_allclose(np.ravel(column), np.ravel(expected), rtol=1e-12)


def test_reductions_without_weights():
    # sum 10; mean 10 / 4; mean_with_sample_weight without weights is the plain mean
    assert reduce_weighted_values(VALUES, reduction="sum") == 10.0
    assert reduce_weighted_values(VALUES) == 2.5
    assert reduce_weighted_values(VALUES, reduction="mean_with_sample_weight") == 2.5
    # a scalar weight scales every value: 2 * 10 / 4
    assert reduce_weighted_values(VALUES, 2.0) == 5.0


def test_all_zero_weights_give_zero_not_nan():
    # Keras's divide_no_nan: 0 / sum(0 weights) is 0
    result = reduce_weighted_values(VALUES, np.zeros(4), reduction="mean_with_sample_weight")
    assert result == 0.0


def test_scalar_and_empty_values_are_returned_unreduced():
    assert reduce_weighted_values(np.float64(3.0), reduction="sum_over_batch_size") == 3.0
    assert reduce_weighted_values(np.zeros((0,))).shape == (0,)


@pytest.mark.parametrize("reduction", ["sum", "sum_over_batch_size", "mean_with_sample_weight"])
@pytest.mark.parametrize("weights", [None, WEIGHTS, WEIGHTS[:, None], 0.5])
def test_reduction_gradient_matches_central_differences(reduction, weights):
    values = VALUES.copy()
    analytic = reduce_weighted_values_grad(values.shape, weights, None, reduction, "float64")
    numeric = numerical_gradient(
        lambda v: reduce_weighted_values(v, weights, reduction=reduction), values, 1.0
    )
    assert relative_error(analytic, numeric) < 1e-9


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="reduction"):
        reduce_weighted_values(VALUES, reduction="auto")


# --- rank alignment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape1, shape2, expected1, expected2",
    [
        ((4,), (4, 1), (4, 1), (4, 1)),  # rank-1 partner is expanded
        ((4, 1), (4,), (4, 1), (4, 1)),
        ((4, 3, 1), (4, 3), (4, 3), (4, 3)),  # otherwise the trailing 1 is squeezed
        ((4, 3), (4, 3, 1), (4, 3), (4, 3)),
        ((4,), (4, 3), (4,), (4, 3)),  # last axis not 1: left alone
        ((4, 2), (4, 2), (4, 2), (4, 2)),
    ],
)
def test_squeeze_or_expand_to_same_rank(shape1, shape2, expected1, expected2):
    x1, x2 = squeeze_or_expand_to_same_rank(np.zeros(shape1), np.zeros(shape2))
    assert (x1.shape, x2.shape) == (expected1, expected2)


@pytest.mark.parametrize("labels_shape", [(6,), (6, 1)])
@pytest.mark.parametrize("pred_shape", [(6,), (6, 1)])
def test_column_and_flat_targets_give_the_same_loss(labels_shape, pred_shape):
    rng = np.random.default_rng(3)
    y_true = rng.normal(size=6)
    y_pred = rng.normal(size=6)
    loss = losses.MeanSquaredError()
    reference = loss(y_true[:, None], y_pred[:, None])
    np.testing.assert_allclose(
        loss(y_true.reshape(labels_shape), y_pred.reshape(pred_shape)), reference, rtol=1e-6
    )
    with float64():
        check_loss_gradient(loss, y_true.reshape(labels_shape), y_pred.reshape(pred_shape))


def test_prediction_broadcast_against_wider_labels_gradient():
    # y_pred (n, 1) against y_true (n, 3): Keras broadcasts; each prediction collects the
    # gradient of all three labels it is compared with.
    rng = np.random.default_rng(4)
    with float64():
        for loss in (losses.MeanSquaredError(), losses.Huber(), losses.BinaryCrossentropy()):
            y_true = rng.uniform(0.1, 0.9, size=(5, 3))
            y_pred = rng.uniform(0.1, 0.9, size=(5, 1))
            check_loss_gradient(loss, y_true, y_pred)


# --- dtypes -------------------------------------------------------------------------------------


def test_float64_predictions_stay_float64_and_float32_stays_float32():
    y_true = np.array([[0.0, 1.0]])
    assert losses.MeanSquaredError()(y_true, np.array([[0.5, 0.5]])).dtype == np.float64
    assert losses.MeanSquaredError()(y_true, np.array([[0.5, 0.5]], "float32")).dtype == np.float32
    grad = losses.MeanSquaredError().grad(y_true, np.array([[0.5, 0.5]], "float32"))
    assert grad.dtype == np.float32
    # an explicit dtype wins
    explicit = losses.MeanSquaredError(dtype="float32")
    assert explicit(y_true, np.array([[0.5, 0.5]])).dtype == np.float32
    assert explicit.dtype == "float32"


def test_integer_predictions_become_floatx():
    assert losses.mean_squared_error([[1, 2]], [[1, 3]]).dtype == np.float32
    np.testing.assert_allclose(losses.mean_squared_error([[1, 2]], [[1, 3]]), [0.5])


# --- 'none' reduction and sample weights through a class ----------------------------------------


def test_none_reduction_returns_weighted_per_sample_values():
    # per-sample MSE: [(1 - 0)^2, (0 - 2)^2] = [1, 4]; weights [2, 0.5] -> [2, 2]
    loss = losses.MeanSquaredError(reduction=None)
    out = loss([[1.0], [0.0]], [[0.0], [2.0]], sample_weight=[2.0, 0.5])
    np.testing.assert_allclose(out, [2.0, 2.0])
    # the gradient is that of the sum: 2 * w * (p - t) = [2*2*(-1), 2*0.5*2] = [-4, 2]
    grad = loss.grad([[1.0], [0.0]], [[0.0], [2.0]], sample_weight=[2.0, 0.5])
    np.testing.assert_allclose(grad, [[-4.0], [2.0]])


def test_sample_weight_shapes_agree():
    rng = np.random.default_rng(5)
    y_true, y_pred = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    weights = rng.uniform(0.5, 2.0, size=6)
    loss = losses.MeanAbsoluteError()
    flat = loss(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(loss(y_true, y_pred, sample_weight=weights[:, None]), flat)
    np.testing.assert_allclose(
        loss.grad(y_true, y_pred, weights[:, None]), loss.grad(y_true, y_pred, weights)
    )


# --- names, arguments, configs ------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_config_roundtrip(cls):
    loss = cls(reduction="sum", name="my_loss")
    clone = check_config_roundtrip(loss)
    assert clone.name == "my_loss" and clone.reduction == "sum"
    assert "fn" not in loss.get_config()


def test_configs_carry_the_keras_arguments():
    assert losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1).get_config() == {
        "name": "binary_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": True,
        "label_smoothing": 0.1,
        "axis": -1,
    }
    assert losses.SparseCategoricalCrossentropy(ignore_class=-1).get_config() == {
        "name": "sparse_categorical_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": False,
        "ignore_class": -1,
    }
    assert losses.MeanSquaredError().get_config() == {
        "name": "mean_squared_error",
        "reduction": "sum_over_batch_size",
    }
    assert losses.Huber(delta=2.0).get_config()["delta"] == 2.0
    assert losses.CosineSimilarity(axis=1).get_config()["axis"] == 1


@pytest.mark.parametrize(
    "cls, name",
    [
        (losses.BinaryCrossentropy, "binary_crossentropy"),
        (losses.CategoricalCrossentropy, "categorical_crossentropy"),
        (losses.SparseCategoricalCrossentropy, "sparse_categorical_crossentropy"),
        (losses.MeanSquaredError, "mean_squared_error"),
        (losses.MeanAbsoluteError, "mean_absolute_error"),
        (losses.MeanAbsolutePercentageError, "mean_absolute_percentage_error"),
        (losses.MeanSquaredLogarithmicError, "mean_squared_logarithmic_error"),
        (losses.Hinge, "hinge"),
        (losses.SquaredHinge, "squared_hinge"),
        (losses.CategoricalHinge, "categorical_hinge"),
        (losses.Huber, "huber_loss"),
        (losses.LogCosh, "log_cosh"),
        (losses.KLDivergence, "kl_divergence"),
        (losses.Poisson, "poisson"),
        (losses.CosineSimilarity, "cosine_similarity"),
    ],
)
def test_keras_default_names_and_reduction(cls, name):
    loss = cls()
    assert loss.name == name
    assert loss.reduction == "sum_over_batch_size"
    expected_fused = {
        losses.BinaryCrossentropy: "sigmoid",
        losses.CategoricalCrossentropy: "softmax",
        losses.SparseCategoricalCrossentropy: "softmax",
    }.get(cls)
    assert loss.fused_activation == expected_fused


def test_keras2_auto_reduction_is_read_as_sum_over_batch_size():
    loss = losses.MeanSquaredError.from_config({"name": "mse", "reduction": "auto"})
    assert loss.reduction == "sum_over_batch_size"


def test_unknown_keyword_argument_suggests_the_right_one():
    with pytest.raises(UnknownArgumentError, match="Did you mean 'from_logits'"):
        losses.BinaryCrossentropy(from_logit=True)
    with pytest.raises(UnknownArgumentError, match="Did you mean 'reduction'"):
        losses.MeanSquaredError(reducton="sum")


# --- custom losses ------------------------------------------------------------------------------


class CubeLoss(Loss):
    """mean(|p - t|^3) per sample, with its backward: 3 (p - t) |p - t| / n."""

    def call(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true) ** 3, axis=-1)

    def backward(self, y_true, y_pred, grad_values):
        diff = y_pred - y_true
        return 3.0 * diff * np.abs(diff) / diff.shape[-1] * grad_values[..., None]


def test_custom_subclass_trains_through_call_and_backward():
    rng = np.random.default_rng(6)
    loss = CubeLoss()
    assert loss.name == "cube_loss"
    assert CubeLoss().name == "cube_loss_1"
    # by hand: |0.5 - 0|^3 = 0.125 and |1 - 3|^3 = 8, mean over 2 samples = 4.0625
    assert loss([[0.0], [3.0]], [[0.5], [1.0]]) == pytest.approx(4.0625)
    with float64():
        check_loss_gradient(loss, rng.normal(size=(4, 3)), rng.normal(size=(4, 3)))
        check_loss_gradient(loss, rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), np.ones(4))


def test_subclass_without_backward_says_what_to_implement():
    class ValueOnly(Loss):
        def call(self, y_true, y_pred):
            return np.mean(y_pred - y_true, axis=-1)

    with pytest.raises(NotImplementedError, match="backward"):
        ValueOnly().grad([[1.0]], [[2.0]])
    with pytest.raises(NotImplementedError, match="call"):
        Loss()([[1.0]], [[2.0]])


def test_wrapper_with_a_per_sample_derivative():
    # a derivative without grad_values: the wrapper weights it by the reduction itself
    def quartic(y_true, y_pred):
        return np.mean((y_pred - y_true) ** 4, axis=-1)

    def quartic_grad(y_true, y_pred):
        return 4.0 * (y_pred - y_true) ** 3 / y_pred.shape[-1]

    loss = LossFunctionWrapper(quartic, quartic_grad, reduction="sum")
    assert loss.name == "quartic"
    rng = np.random.default_rng(7)
    with float64():
        check_loss_gradient(loss, rng.normal(size=(4, 2)), rng.normal(size=(4, 2)))
        check_loss_gradient(loss, rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), np.ones(4))


def test_wrapper_of_a_function_that_reduces_several_axes():
    # per-sample mean over (height, width): the reduction's shape comes from the forward
    def image_mse(y_true, y_pred):
        return np.mean((y_pred - y_true) ** 2, axis=(1, 2))

    def image_mse_grad(y_true, y_pred, grad_values=None):
        weights = 1.0 if grad_values is None else np.asarray(grad_values)[:, None, None]
        return 2.0 * (y_pred - y_true) / (y_pred.shape[1] * y_pred.shape[2]) * weights

    loss = LossFunctionWrapper(image_mse, image_mse_grad)
    rng = np.random.default_rng(8)
    with float64():
        y_true, y_pred = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
        check_loss_gradient(loss, y_true, y_pred, rng.uniform(0.5, 2.0, size=3))


def test_wrapper_of_a_registered_function_config_roundtrip():
    loss = LossFunctionWrapper(losses.huber, name="h", delta=0.5)
    config = loss.get_config()
    assert config["fn"] == "huber" and config["delta"] == 0.5
    clone = LossFunctionWrapper.from_config(config)
    y_true, y_pred = [[0.0, 1.0]], [[0.3, 2.0]]
    assert clone(y_true, y_pred) == loss(y_true, y_pred)


def test_wrapper_without_derivative_fails_only_when_asked_for_a_gradient():
    loss = LossFunctionWrapper(lambda y_true, y_pred: np.mean(y_pred - y_true, axis=-1))
    assert loss([[1.0]], [[3.0]]) == 2.0
    with pytest.raises(ValueError, match="no derivative"):
        loss.grad([[1.0]], [[3.0]])


def test_base_loss_has_no_fused_gradient():
    assert losses.MeanSquaredError().fused_activation is None
    with pytest.raises(ValueError, match="fused"):
        losses.MeanSquaredError().grad_wrt_logits([[1.0]], [[0.5]])


# --- validate_targets: the general rule ---------------------------------------------------------


@pytest.mark.parametrize(
    "labels_shape, output_shape",
    [
        ((8,), (None, 1)),
        ((8, 1), (None, 1)),
        ((8, 3), (None, 3)),
        ((8, 3), (8, 3)),
        ((8, 1), (None, 3)),  # Keras broadcasts one target against three outputs
        ((8, 5, 2), (None, 5, 2)),
    ],
)
def test_regression_targets_keras_accepts(labels_shape, output_shape):
    losses.MeanSquaredError().validate_targets(np.zeros(labels_shape), output_shape)


@pytest.mark.parametrize(
    "labels_shape, output_shape, expected",
    [
        ((8, 4), (None, 3), r"expects y_true of shape \(8, 3\).*received y_true of shape \(8, 4\)"),
        ((8,), (None, 3), r"\(8, 3\)"),
        ((8, 3), (10, 3), "8 labels .* for 10 predictions"),
    ],
)
def test_regression_targets_that_cannot_fit(labels_shape, output_shape, expected):
    with pytest.raises(DataError, match=expected) as info:
        losses.MeanSquaredError().validate_targets(np.zeros(labels_shape), output_shape)
    assert "mean_squared_error" in str(info.value) and "Fix:" in str(info.value)


def test_non_numeric_and_non_finite_labels_are_refused():
    with pytest.raises(DataError, match="numeric labels"):
        losses.MeanSquaredError().validate_targets(np.array([["a"], ["b"]]), (None, 1))
    with pytest.raises(DataError, match="NaN or infinite"):
        losses.MeanSquaredError().validate_targets(np.array([[1.0], [np.nan]]), (None, 1))
    with pytest.raises(DataError, match="one label per sample"):
        losses.MeanSquaredError().validate_targets(np.array(1.0), (None, 1))
