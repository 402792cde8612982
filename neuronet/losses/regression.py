"""Regression losses: squared, absolute, percentage, logarithmic, Huber, log-cosh, cosine.

Each is a mean over the last axis of an elementwise error (cosine similarity: a sum over
``axis``), with ``y_true`` cast to ``y_pred``'s dtype and ranks aligned as Keras does. The
derivatives take TensorFlow's values at kinks: ``|x|' = sign(x)`` (0 at 0), and
``maximum(x, c)`` passes the gradient to ``x`` where ``x >= c``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.losses.loss import (
    LOSSES,
    BuiltinLoss,
    _derivative_of,
    prepare,
    reduced_vjp,
    reject_unknown,
)

if TYPE_CHECKING:
    from neuronet.backend import Array


def mean_squared_error(y_true: Array, y_pred: Array) -> Array:
    """Mean squared error per sample.

    Formula:
        loss = mean((y_true - y_pred)^2, axis=-1)

    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])
    array([0.5])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    return xp.mean(xp.square(y_true - y_pred), axis=-1)


@_derivative_of(mean_squared_error, "mean_squared_error", "mse", "MSE")
def mean_squared_error_grad(
    y_true: Array, y_pred: Array, grad_values: Array | None = None
) -> Array:
    return reduced_vjp(y_true, y_pred, grad_values, lambda t, p: 2.0 * (p - t))


def mean_absolute_error(y_true: Array, y_pred: Array) -> Array:
    """Mean absolute error per sample.

    Formula:
        loss = mean(|y_true - y_pred|, axis=-1)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    return xp.mean(xp.abs(y_true - y_pred), axis=-1)


@_derivative_of(mean_absolute_error, "mean_absolute_error", "mae", "MAE")
def mean_absolute_error_grad(
    y_true: Array, y_pred: Array, grad_values: Array | None = None
) -> Array:
    return reduced_vjp(y_true, y_pred, grad_values, lambda t, p: xp.sign(p - t))


def mean_absolute_percentage_error(y_true: Array, y_pred: Array) -> Array:
    """Mean absolute percentage error per sample; labels near 0 are floored at epsilon.

    Formula:
        loss = 100 * mean(|(y_true - y_pred) / max(|y_true|, eps)|, axis=-1)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    diff = xp.abs((y_true - y_pred) / xp.maximum(xp.abs(y_true), backend.epsilon()))
    return 100.0 * xp.mean(diff, axis=-1)


@_derivative_of(mean_absolute_percentage_error, "mean_absolute_percentage_error", "mape", "MAPE")
def mean_absolute_percentage_error_grad(
    y_true: Array, y_pred: Array, grad_values: Array | None = None
) -> Array:
    def elementwise(t, p):
        return 100.0 * xp.sign(p - t) / xp.maximum(xp.abs(t), backend.epsilon())

    return reduced_vjp(y_true, y_pred, grad_values, elementwise)


def mean_squared_logarithmic_error(y_true: Array, y_pred: Array) -> Array:
    """Mean squared logarithmic error per sample; values below epsilon count as epsilon.

    Formula:
        loss = mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2, axis=-1)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    eps = backend.epsilon()
    first_log = xp.log(xp.maximum(y_pred, eps) + 1.0)
    second_log = xp.log(xp.maximum(y_true, eps) + 1.0)
    return xp.mean(xp.square(first_log - second_log), axis=-1)


@_derivative_of(mean_squared_logarithmic_error, "mean_squared_logarithmic_error", "msle", "MSLE")
def mean_squared_logarithmic_error_grad(
    y_true: Array, y_pred: Array, grad_values: Array | None = None
) -> Array:
    def elementwise(t, p):
        eps = backend.epsilon()
        floored = xp.maximum(p, eps)
        difference = xp.log(floored + 1.0) - xp.log(xp.maximum(t, eps) + 1.0)
        # forward was: first_log = log(max(p, eps) + 1); the floor passes where p >= eps
        return 2.0 * difference / (floored + 1.0) * (p >= eps)

    return reduced_vjp(y_true, y_pred, grad_values, elementwise)


def huber(y_true: Array, y_pred: Array, delta: float = 1.0) -> Array:
    """Huber loss per sample: quadratic for errors up to ``delta``, linear beyond.

    Args:
        delta: the error size where the loss turns from quadratic to linear.

    Formula:
        e = y_pred - y_true
        loss = mean(0.5 * e^2 if |e| <= delta else delta * |e| - 0.5 * delta^2, axis=-1)

    >>> huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).round(4)
    array([0.18, 0.13])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    error = y_pred - y_true
    abs_error = xp.abs(error)
    quadratic = 0.5 * xp.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return xp.mean(xp.where(abs_error <= delta, quadratic, linear), axis=-1)


@_derivative_of(huber)
def huber_grad(
    y_true: Array, y_pred: Array, delta: float = 1.0, grad_values: Array | None = None
) -> Array:
    def elementwise(t, p):
        error = p - t
        return xp.where(xp.abs(error) <= delta, error, delta * xp.sign(error))

    return reduced_vjp(y_true, y_pred, grad_values, elementwise)


def log_cosh(y_true: Array, y_pred: Array) -> Array:
    """Logarithm of the hyperbolic cosine of the error, per sample (overflow-free form).

    Formula:
        x = y_pred - y_true
        loss = mean(x + softplus(-2x) - log(2), axis=-1)      ( = mean(log(cosh(x))) )

    >>> log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).round(4)
    array([0.2169, 0.    ])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    x = y_pred - y_true
    softplus = xp.maximum(-2.0 * x, 0.0) + xp.log1p(xp.exp(-xp.abs(2.0 * x)))
    return xp.mean(x + softplus - math.log(2.0), axis=-1)


@_derivative_of(log_cosh, "log_cosh", "logcosh")
def log_cosh_grad(y_true: Array, y_pred: Array, grad_values: Array | None = None) -> Array:
    # d/dx log(cosh(x)) = tanh(x)
    return reduced_vjp(y_true, y_pred, grad_values, lambda t, p: xp.tanh(p - t))


def _inverse_norm(x, axis):
    # Keras's min(rsqrt(sum(x^2)), 1 / eps), written without dividing by zero.
    eps = backend.epsilon()
    square_sum = xp.sum(xp.square(x), axis=axis, keepdims=True)
    return 1.0 / xp.sqrt(xp.maximum(square_sum, eps * eps)), square_sum >= eps * eps


def cosine_similarity(y_true: Array, y_pred: Array, axis: int = -1) -> Array:
    """Negative cosine similarity per sample: -1 for equal directions, 0 for orthogonal ones.

    Args:
        axis: the axis the vectors lie along.

    Formula:
        l2_normalize(x) = x * min(1 / sqrt(sum(x^2, axis)), 1 / eps)
        loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)

    >>> y_true = [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    >>> cosine_similarity(y_true, [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]]).round(4)
    array([-0., -1.,  1.])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    true_unit = y_true * _inverse_norm(y_true, axis)[0]
    pred_unit = y_pred * _inverse_norm(y_pred, axis)[0]
    return -xp.sum(true_unit * pred_unit, axis=axis)


@_derivative_of(cosine_similarity)
def cosine_similarity_grad(
    y_true: Array, y_pred: Array, axis: int = -1, grad_values: Array | None = None
) -> Array:
    def row_grad(t, p):
        true_unit = t * _inverse_norm(t, axis)[0]
        inverse_norm, scaled = _inverse_norm(p, axis)
        pred_unit = p * inverse_norm
        # forward was: pred_unit = p / |p|, so d pred_unit = (I - u u^T) / |p|; below the
        # epsilon floor the scale 1 / eps is a constant.
        along = xp.sum(true_unit * pred_unit, axis=axis, keepdims=True)
        return -inverse_norm * (true_unit - scaled * along * pred_unit)

    return reduced_vjp(y_true, y_pred, grad_values, row_grad, axis, mean=False)


# --- classes ----------------------------------------------------------------------------------


class MeanSquaredError(BuiltinLoss):
    """Mean of the squared errors.

    Formula:
        loss = reduce(mean((y_true - y_pred)^2, axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_squared_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def value_and_grad(
        self,
        y_true: Array,
        y_pred: Array,
        sample_weight: npt.ArrayLike | None = None,
        scale: float = 1.0,
    ) -> tuple[Array, Array]:
        # The training step's common case in a few operations: sum(d^2) / size, 2 d / size.
        if (
            sample_weight is None
            and self.reduction == "sum_over_batch_size"
            and self._dtype is None
            and getattr(y_pred, "dtype", None) is not None
            and y_pred.dtype.kind == "f"
            and getattr(y_true, "dtype", None) == y_pred.dtype
            and y_true.shape == y_pred.shape
        ):
            difference = y_pred - y_true
            loss = xp.vdot(difference, difference) / difference.size
            difference *= backend.constant(2.0 * scale / difference.size, difference.dtype)
            return loss, difference
        return super().value_and_grad(y_true, y_pred, sample_weight, scale)


class MeanAbsoluteError(BuiltinLoss):
    """Mean of the absolute errors.

    Formula:
        loss = reduce(mean(|y_true - y_pred|, axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_absolute_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsolutePercentageError(BuiltinLoss):
    """Mean absolute percentage error.

    Formula:
        loss = reduce(100 * mean(|(y_true - y_pred) / max(|y_true|, eps)|, axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_absolute_percentage_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype
        )


class MeanSquaredLogarithmicError(BuiltinLoss):
    """Mean squared logarithmic error.

    Formula:
        loss = reduce(mean((log(y_pred + 1) - log(y_true + 1))^2, axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_squared_logarithmic_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype
        )


class Huber(BuiltinLoss):
    """Huber loss: quadratic for small errors, linear for large ones.

    Args:
        delta: the error size where the loss turns from quadratic to linear.

    Formula:
        loss = reduce(mean(0.5 e^2 if |e| <= delta else delta |e| - 0.5 delta^2, axis=-1))
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "huber_loss",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(BuiltinLoss):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Formula:
        loss = reduce(mean(log(cosh(y_pred - y_true)), axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "log_cosh",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)


class CosineSimilarity(BuiltinLoss):
    """Negative cosine similarity between labels and predictions.

    Args:
        axis: the axis the vectors lie along.

    Formula:
        loss = reduce(-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis))
    """

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "cosine_similarity",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis


for _cls in (
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    Huber,
    LogCosh,
    CosineSimilarity,
):
    LOSSES.add(_cls)
