"""Losses between distributions and counts: Kullback-Leibler divergence and Poisson."""

from __future__ import annotations

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


def kl_divergence(y_true: Array, y_pred: Array) -> Array:
    """Kullback-Leibler divergence per sample; both are clipped to [eps, 1].

    Formula:
        t = clip(y_true, eps, 1), p = clip(y_pred, eps, 1)
        loss = sum(t * log(t / p), axis=-1)

    >>> kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).round(4)  # 0.5 ln 2 + 0.5 ln(2/3)
    array([0.1438])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    eps = backend.epsilon()
    y_true = xp.clip(y_true, eps, 1.0)
    y_pred = xp.clip(y_pred, eps, 1.0)
    return xp.sum(y_true * xp.log(y_true / y_pred), axis=-1)


@_derivative_of(kl_divergence, "kl_divergence", "kld", "KLD", "kullback_leibler_divergence")
def kl_divergence_grad(y_true: Array, y_pred: Array, grad_values: Array | None = None) -> Array:
    def elementwise(t, p):
        eps = backend.epsilon()
        t = xp.clip(t, eps, 1.0)
        # forward was: -t * log(clip(p)); the clip passes the gradient inside [eps, 1]
        return -t / xp.clip(p, eps, 1.0) * ((p >= eps) & (p <= 1.0))

    return reduced_vjp(y_true, y_pred, grad_values, elementwise, mean=False)


def poisson(y_true: Array, y_pred: Array) -> Array:
    """Poisson loss per sample (the negative log-likelihood up to terms without ``y_pred``).

    Formula:
        loss = mean(y_pred - y_true * log(y_pred + eps), axis=-1)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    return xp.mean(y_pred - y_true * xp.log(y_pred + backend.epsilon()), axis=-1)


@_derivative_of(poisson)
def poisson_grad(y_true: Array, y_pred: Array, grad_values: Array | None = None) -> Array:
    return reduced_vjp(y_true, y_pred, grad_values, lambda t, p: 1.0 - t / (p + backend.epsilon()))


class KLDivergence(BuiltinLoss):
    """Kullback-Leibler divergence between label and predicted distributions.

    Formula:
        loss = reduce(sum(t * log(t / p), axis=-1)),  t, p clipped to [eps, 1]
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "kl_divergence",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(BuiltinLoss):
    """Poisson loss, for count data.

    Formula:
        loss = reduce(mean(y_pred - y_true * log(y_pred + eps), axis=-1))
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "poisson",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


for _cls in (KLDivergence, Poisson):
    LOSSES.add(_cls)
