"""Hinge losses: hinge, squared hinge and categorical hinge (maximum-margin classification).

``hinge`` and ``squared_hinge`` expect labels of -1 or 1; when every label is 0 or 1 they are
converted (``2 t - 1``), as Keras does. At the kink (margin exactly 1) the derivative takes
TensorFlow's value: ``maximum(x, 0)`` passes the gradient where ``x >= 0``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy.typing as npt

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


def convert_binary_labels_to_hinge(y_true: Array) -> Array:
    """Labels that are all 0 or 1 become -1 or 1; any other labels are returned unchanged."""
    if xp.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true: Array, y_pred: Array) -> Array:
    """Hinge loss per sample.

    Formula:
        loss = mean(max(1 - y_true * y_pred, 0), axis=-1)     (0/1 labels become -1/1)

    >>> hinge([[0, 1], [1, 0]], [[-0.5, 2.0], [0.25, 0.5]])
    array([0.25 , 1.125])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return xp.mean(xp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@_derivative_of(hinge)
def hinge_grad(y_true: Array, y_pred: Array, grad_values: Array | None = None) -> Array:
    def elementwise(t, p):
        t = convert_binary_labels_to_hinge(t)
        return -t * (1.0 - t * p >= 0.0)

    return reduced_vjp(y_true, y_pred, grad_values, elementwise)


def squared_hinge(y_true: Array, y_pred: Array) -> Array:
    """Squared hinge loss per sample.

    Formula:
        loss = mean(max(1 - y_true * y_pred, 0)^2, axis=-1)   (0/1 labels become -1/1)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return xp.mean(xp.square(xp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@_derivative_of(squared_hinge)
def squared_hinge_grad(y_true: Array, y_pred: Array, grad_values: Array | None = None) -> Array:
    def elementwise(t, p):
        t = convert_binary_labels_to_hinge(t)
        return -2.0 * t * xp.maximum(1.0 - t * p, 0.0)

    return reduced_vjp(y_true, y_pred, grad_values, elementwise)


def categorical_hinge(y_true: Array, y_pred: Array) -> Array:
    """Categorical hinge loss per sample, for one-hot labels.

    Formula:
        pos = sum(y_true * y_pred, axis=-1)
        neg = max((1 - y_true) * y_pred, axis=-1)
        loss = max(neg - pos + 1, 0)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    pos = xp.sum(y_true * y_pred, axis=-1)
    neg = xp.max((1.0 - y_true) * y_pred, axis=-1)
    return xp.maximum(neg - pos + 1.0, 0.0)


@_derivative_of(categorical_hinge)
def categorical_hinge_grad(y_true: Array, y_pred: Array, grad_values: Array | None = None) -> Array:
    def row_grad(t, p):
        others = (1.0 - t) * p
        neg = xp.max(others, axis=-1, keepdims=True)
        active = neg - xp.sum(t * p, axis=-1, keepdims=True) + 1.0 >= 0.0
        # forward was: neg = max(others); TensorFlow splits the gradient among tied maxima
        winners = others == neg
        d_neg = (1.0 - t) * winners / xp.sum(winners, axis=-1, keepdims=True)
        return (d_neg - t) * active

    return reduced_vjp(y_true, y_pred, grad_values, row_grad, mean=False)


class Hinge(BuiltinLoss):
    """Hinge loss; 0/1 labels are converted to -1/1.

    Formula:
        loss = reduce(mean(max(1 - y_true * y_pred, 0), axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "hinge",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(BuiltinLoss):
    """Squared hinge loss; 0/1 labels are converted to -1/1.

    Formula:
        loss = reduce(mean(max(1 - y_true * y_pred, 0)^2, axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "squared_hinge",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(BuiltinLoss):
    """Categorical hinge loss for one-hot labels.

    Formula:
        loss = reduce(max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_hinge",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


for _cls in (Hinge, SquaredHinge, CategoricalHinge):
    LOSSES.add(_cls)
