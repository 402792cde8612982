"""Accuracy metrics: per-sample functions and their running-mean classes (Keras 3 names).

Each function returns one value per sample (1.0 for a hit, 0.0 for a miss) in
``backend.floatx()``; each class is the ``MeanMetricWrapper`` of its function, so sample
weights and running means follow Keras exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.metrics.metric import reject_unknown, squeeze_or_expand_to_same_rank
from neuronet.metrics.reduction import MeanMetricWrapper

if TYPE_CHECKING:
    from neuronet.backend import Array


def _hits(matches):
    return matches.astype(backend.floatx())


def accuracy(y_true: Array, y_pred: Array) -> Array:
    """How often predictions equal labels exactly, element by element.

    Formula:
        acc = float(y_true == y_pred)

    Args:
        y_true: labels; a trailing axis of size 1 on either side is matched to the other.
        y_pred: predictions, compared for exact equality.
    """
    y_pred = xp.asarray(y_pred)
    y_true = xp.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _hits(y_true == y_pred)


def binary_accuracy(y_true: Array, y_pred: Array, threshold: float = 0.5) -> Array:
    """How often thresholded predictions match binary labels, element by element.

    A prediction counts as class 1 only when strictly above ``threshold`` (Keras's
    ``y_pred > threshold``), so a prediction equal to the threshold is class 0.

    Formula:
        acc = float(y_true == float(y_pred > threshold))

    Args:
        y_true: 0/1 labels, shape ``(n, d)`` or ``(n,)``.
        y_pred: probabilities (or scores), same shape up to a trailing axis of size 1.
        threshold: the decision threshold (0.5).

    Returns:
        One value per element, shape of the (rank-matched) labels; Keras 3 does not average
        over the last axis here, the running mean does.

    >>> binary_accuracy([[1], [0]], [[0.5], [0.5]])
    array([[0.],
           [1.]], dtype=float32)
    """
    y_pred = xp.asarray(y_pred)
    y_true = xp.asarray(y_true)
    if y_true.shape != y_pred.shape:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_pred.dtype.kind == "f":
        # Compare in the predictions' own precision, as Keras does with its tensors.
        threshold = y_pred.dtype.type(threshold)
    return _hits(y_true == (y_pred > threshold))


def categorical_accuracy(y_true: Array, y_pred: Array) -> Array:
    """How often the top prediction is the one-hot label's class.

    Formula:
        acc = float(argmax(y_true, -1) == argmax(y_pred, -1))

    Ties in ``y_pred`` go to the first maximal class, as ``argmax`` does in Keras.

    Args:
        y_true: one-hot (or any score) labels, shape ``(n, classes)``.
        y_pred: scores or probabilities, shape ``(n, classes)``.
    """
    y_pred = xp.asarray(y_pred)
    true_class = xp.argmax(xp.asarray(y_true), axis=-1)
    true_shape = true_class.shape
    reshape = False
    if true_class.ndim == y_pred.ndim:  # labels carried an extra trailing axis of size 1
        true_class = xp.squeeze(true_class, axis=-1)
        reshape = True
    pred_class = xp.argmax(y_pred, axis=-1).astype(true_class.dtype)
    matches = _hits(true_class == pred_class)
    return matches.reshape(true_shape) if reshape else matches


def sparse_categorical_accuracy(y_true: Array, y_pred: Array) -> Array:
    """How often the top prediction is the integer label.

    Formula:
        acc = float(y_true == argmax(y_pred, -1))

    Args:
        y_true: class indices, shape ``(n,)`` or ``(n, 1)``, integers or floats.
        y_pred: scores or probabilities, shape ``(n, classes)``.

    Returns:
        Shape ``(n,)`` for either label shape.
    """
    y_pred = xp.asarray(y_pred)
    # Keras compares the labels in the predictions' dtype (2.0 and 2 are the same label).
    y_true = xp.asarray(y_true, dtype=y_pred.dtype)
    true_shape = y_true.shape
    reshape = False
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = xp.squeeze(y_true, axis=-1)
        reshape = True
    pred_class = xp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _hits(y_true == pred_class)
    if reshape:
        matches = matches.reshape(true_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = xp.squeeze(matches, axis=-1)
    return matches


def in_top_k(targets: Array, predictions: Array, k: int) -> Array:
    """Whether each target class is among the ``k`` highest predictions of its row.

    TensorFlow's rule, which Keras uses: a target is in the top k when fewer than ``k``
    classes score strictly higher, so ties at the boundary count as in; a row with a
    non-finite score, or an out-of-range target, is never in.

    Args:
        targets: integer classes, shape ``(n,)``.
        predictions: scores, shape ``(n, classes)``.
        k: how many top classes count.
    """
    targets = xp.asarray(targets).astype("int64")
    predictions = xp.asarray(predictions)
    valid = (targets >= 0) & (targets < predictions.shape[-1])
    safe = xp.where(valid, targets, 0)
    target_score = xp.take_along_axis(predictions, safe[:, None], axis=-1)
    higher = xp.sum(predictions > target_score, axis=-1)
    return valid & (higher < k) & xp.all(xp.isfinite(predictions), axis=-1)


def top_k_categorical_accuracy(y_true: Array, y_pred: Array, k: int = 5) -> Array:
    """How often the one-hot label's class is among the ``k`` highest predictions.

    Formula:
        acc = float(#{j : y_pred[j] > y_pred[argmax(y_true)]} < k)

    Args:
        y_true: one-hot labels, shape ``(..., classes)``.
        y_pred: scores, same shape.
        k: how many top classes count (5).
    """
    y_pred = xp.asarray(y_pred)
    true_class = xp.argmax(xp.asarray(y_true), axis=-1)
    true_shape = true_class.shape
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    matches = _hits(in_top_k(true_class.reshape(-1), y_pred, k))
    return matches.reshape(true_shape)


def sparse_top_k_categorical_accuracy(
    y_true: Array, y_pred: Array, k: int = 5, from_sorted_ids: bool = False
) -> Array:
    """How often the integer label is among the ``k`` highest predictions.

    Args:
        y_true: class indices (or ids), shape ``(n,)`` or ``(n, 1)``.
        y_pred: scores of every class, shape ``(n, classes)``; or, with ``from_sorted_ids``,
            the ids of the top classes, best first, shape ``(n, N)`` with ``N >= k``.
        k: how many top classes count (5).
        from_sorted_ids: whether ``y_pred`` holds sorted class ids instead of scores.

    Returns:
        One value per label, in the labels' shape.
    """
    y_pred = xp.asarray(y_pred)
    y_true = xp.asarray(y_true)
    y_true = y_true.astype(y_pred.dtype if from_sorted_ids else "int32")
    true_shape = y_true.shape
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    y_true = y_true.reshape(-1)
    if from_sorted_ids:
        # A label listed twice among the first k still counts once.
        matches = xp.any(y_true[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    return _hits(matches).reshape(true_shape)


class Accuracy(MeanMetricWrapper):
    """The running mean of ``accuracy`` (exact equality), like ``keras.metrics.Accuracy``.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "accuracy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """The running mean of ``binary_accuracy``, like ``keras.metrics.BinaryAccuracy``.

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
        threshold: predictions strictly above it are class 1 (0.5).

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> m.result()
    0.75
    """

    def __init__(
        self,
        name: str | None = "binary_accuracy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        threshold: float = 0.5,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    # (y_true, y_pred) where the base class Mean takes values: see MeanMetricWrapper.
    def update_state(  # type: ignore[override]
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> None:
        """Fold one batch in; the training loop's case counts the hits directly."""
        dtype = self._total.value.dtype
        if (
            sample_weight is None
            and isinstance(y_pred, xp.ndarray)
            and y_pred.dtype == dtype
            and getattr(y_true, "shape", None) == y_pred.shape
            and y_pred.ndim >= 1
            and y_pred.size
        ):
            # Same numbers as the mean of the per-sample values ``binary_accuracy`` gives:
            # the hits, divided by the values per sample, in the state's precision.
            threshold = backend.constant(self._fn_kwargs["threshold"], dtype)
            # (comparing floats with floats is quicker than floats with booleans)
            hits = xp.count_nonzero(y_true == (y_pred > threshold).astype(dtype))
            samples = y_pred.shape[0]
            self._add(dtype.type(hits) / (y_pred.size // samples), samples)
            return
        super().update_state(y_true, y_pred, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """The running mean of ``categorical_accuracy`` (one-hot labels).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "categorical_accuracy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    # (y_true, y_pred) where the base class Mean takes values: see MeanMetricWrapper.
    def update_state(  # type: ignore[override]
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> None:
        """Fold one batch in; the training loop's case counts the hits directly."""
        if (
            sample_weight is None
            and isinstance(y_pred, xp.ndarray)
            and getattr(y_true, "shape", None) == y_pred.shape
            and y_pred.ndim == 2
            and len(y_pred)
        ):
            # Same numbers as the mean of ``categorical_accuracy``'s per-sample values.
            hits = xp.count_nonzero(y_true.argmax(axis=-1) == y_pred.argmax(axis=-1))
            self._add(self._total.value.dtype.type(hits), len(y_pred))
            return
        super().update_state(y_true, y_pred, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """The running mean of ``sparse_categorical_accuracy`` (integer labels).

    Args:
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        name: str | None = "sparse_categorical_accuracy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """The running mean of ``top_k_categorical_accuracy``.

    Args:
        k: how many top classes count (5).
        name: the metric's name.
        dtype: float type of the state and result.
    """

    def __init__(
        self,
        k: int = 5,
        name: str | None = "top_k_categorical_accuracy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """The running mean of ``sparse_top_k_categorical_accuracy``.

    Args:
        k: how many top classes count (5).
        name: the metric's name.
        dtype: float type of the state and result.
        from_sorted_ids: whether predictions are sorted class ids instead of scores.
    """

    def __init__(
        self,
        k: int = 5,
        name: str | None = "sparse_top_k_categorical_accuracy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        from_sorted_ids: bool = False,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:  # Keras writes the key only when it is set
            config["from_sorted_ids"] = True
        return config
