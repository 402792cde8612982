"""Losses as metrics: running means of the loss functions, with Keras 3's metric names.

The per-sample functions come from ``neuronet.losses`` (one implementation for training and
for reporting); each class here is the ``MeanMetricWrapper`` of one of them, named and
configured as the Keras metric of the same class name. ``cosine_similarity`` is the metric's
own function: the similarity itself, where the loss of that name is its negative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    hinge,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from neuronet.metrics.metric import (
    divide_no_nan,
    host_result,
    reject_unknown,
    squeeze_or_expand_to_same_rank,
)
from neuronet.metrics.reduction import Mean, MeanMetricWrapper

if TYPE_CHECKING:
    from neuronet.backend import Array


def _l2_normalize(x, axis):
    # Keras: x * min(rsqrt(sum(x^2)), 1 / epsilon), i.e. x / max(||x||, epsilon).
    norm = xp.sqrt(xp.sum(xp.square(x), axis=axis, keepdims=True))
    return x / xp.maximum(norm, backend.epsilon())


def cosine_similarity(y_true: Array, y_pred: Array, axis: int = -1) -> Array:
    """The cosine of the angle between labels and predictions along ``axis``.

    Formula:
        cos = sum(y_true / ||y_true|| * y_pred / ||y_pred||, axis)   (norms at least epsilon)

    Args:
        y_true: targets.
        y_pred: predictions, same shape up to a trailing axis of size 1.
        axis: the axis of the vectors (-1).
    """
    y_pred = xp.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(backend.floatx())
    y_true = xp.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return xp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


class _LossMetric(MeanMetricWrapper):
    """A MeanMetricWrapper whose config is its name and dtype (the function is fixed)."""

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_LossMetric):
    """Running mean of ``mean_squared_error``: mean((y_true - y_pred)^2) over the last axis.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "mean_squared_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_LossMetric):
    """Running mean of ``mean_absolute_error``: mean(|y_true - y_pred|) over the last axis.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "mean_absolute_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_LossMetric):
    """Running mean of ``mean_absolute_percentage_error``.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "mean_absolute_percentage_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_LossMetric):
    """Running mean of ``mean_squared_logarithmic_error``.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "mean_squared_logarithmic_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(_LossMetric):
    """Running mean of ``log_cosh``: mean(log(cosh(y_pred - y_true))) over the last axis.

    Args:
        name: the metric's name (``'logcosh'``, as in Keras).
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "logcosh",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """The square root of the running (weighted) mean of squared errors.

    Formula:
        rmse = sqrt(sum_i w_i * mean_j (y_pred_ij - y_true_ij)^2 / sum_i w_i)

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "root_mean_squared_error",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(name=name, dtype=dtype)

    # (y_true, y_pred) where the base class Mean takes values: see MeanMetricWrapper.
    def update_state(  # type: ignore[override]
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> None:
        """Add the batch's squared errors to the running mean."""
        y_true = xp.asarray(y_true, dtype=self.dtype)
        y_pred = xp.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(xp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> float | np.ndarray:
        return host_result(xp.sqrt(divide_no_nan(self.total.value, self.count.value)))


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of ``cosine_similarity`` (the similarity, not the loss's negative).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
        axis: the axis of the vectors (-1).
    """

    def __init__(
        self,
        name: str | None = "cosine_similarity",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        axis: int = -1,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of ``binary_crossentropy``.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
        from_logits: whether predictions are logits rather than probabilities.
        label_smoothing: float in [0, 1]; labels move towards 0.5 by this much.
    """

    def __init__(
        self,
        name: str | None = "binary_crossentropy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of ``categorical_crossentropy`` (one-hot labels).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
        from_logits: whether predictions are logits rather than probabilities.
        label_smoothing: float in [0, 1]; labels move towards uniform by this much.
        axis: the class axis (-1).
    """

    def __init__(
        self,
        name: str | None = "categorical_crossentropy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of ``sparse_categorical_crossentropy`` (integer labels).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
        from_logits: whether predictions are logits rather than probabilities.
        axis: the class axis (-1).
    """

    def __init__(
        self,
        name: str | None = "sparse_categorical_crossentropy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        from_logits: bool = False,
        axis: int = -1,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            axis=axis,
        )
        self.from_logits = from_logits
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "axis": self.axis,
        }


class KLDivergence(_LossMetric):
    """Running mean of ``kl_divergence``: sum(y_true * log(y_true / y_pred)), both clipped.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "kl_divergence",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(_LossMetric):
    """Running mean of ``poisson``: mean(y_pred - y_true * log(y_pred + epsilon)).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "poisson",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(poisson, name=name, dtype=dtype)


class Hinge(_LossMetric):
    """Running mean of ``hinge``: mean(max(1 - y_true * y_pred, 0)), labels -1/1 or 0/1.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "hinge",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(_LossMetric):
    """Running mean of ``squared_hinge``: mean(max(1 - y_true * y_pred, 0)^2).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "squared_hinge",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_LossMetric):
    """Running mean of ``categorical_hinge``: max(0, 1 + max(neg) - pos) per sample.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "categorical_hinge",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(categorical_hinge, name=name, dtype=dtype)
