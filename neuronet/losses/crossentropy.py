"""Crossentropy losses: binary, categorical and sparse categorical, with Keras 3's numbers.

Probabilities are clipped to ``[eps, 1 - eps]`` (``eps = backend.epsilon()``) before the log,
and the clip's derivative is zero outside that range, as TensorFlow's ``clip_by_value``.
Categorical crossentropy first divides the predictions by their sum; sparse categorical
crossentropy follows Keras's TensorFlow backend: ``log(clip(p))`` fed to a softmax
crossentropy, so the clipped row is renormalised by its own sum.

The fused output gradient: when the last layer is ``sigmoid`` (binary) or ``softmax``
(categorical, sparse) and ``from_logits=False``, the model asks ``grad_wrt_logits`` for the
gradient with respect to the pre-activation ``z``. For those pairs the chain rule collapses:

    binary:      d bce(t, sigmoid(z)) / dz = sigmoid(z) - t
    categorical: d cce(t, softmax(z)) / dz = softmax(z) * sum(t) - t
    sparse:      d scce(y, softmax(z)) / dz = softmax(z) - one_hot(y)

with no clip, which is what Keras's TensorFlow backend computes from the logits it keeps on a
sigmoid/softmax output. It is exact where the clip is inactive and stays finite (no ``1/p``)
where the probabilities saturate.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.errors import DataError
from neuronet.losses.loss import (
    LOSSES,
    BuiltinLoss,
    _derivative_of,
    prepare,
    reduce_weighted_values_grad,
    reduced_vjp,
    reject_unknown,
    to_float,
)
from neuronet.losses.targets import (
    check_binary_labels,
    check_one_hot_labels,
    check_sparse_labels,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.backend import Array


def _sigmoid(x):
    e = xp.exp(-xp.abs(x))  # e^-|x| never overflows
    return xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log_softmax(x, axis):
    shifted = x - xp.max(x, axis=axis, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


def _softmax(x, axis):
    return xp.exp(_log_softmax(x, axis))


def _clip(p):
    eps = backend.epsilon()
    return xp.clip(p, eps, 1.0 - eps), (p >= eps) & (p <= 1.0 - eps)


# --- binary -----------------------------------------------------------------------------------


def _smooth_binary(y_true, label_smoothing):
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y_true


def binary_crossentropy(
    y_true: Array,
    y_pred: Array,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Array:
    """Binary crossentropy per sample, the mean over ``axis``.

    Args:
        y_true: 0/1 labels (any values in [0, 1]), the shape of ``y_pred``.
        y_pred: probabilities, or logits if ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeezes the labels towards 0.5: ``t * (1 - s) + 0.5 * s``.
        axis: the axis averaged over.

    Formula:
        p = clip(y_pred, eps, 1 - eps)
        loss = mean(-(t * log(p) + (1 - t) * log(1 - p)), axis)
        from_logits: loss = mean(max(x, 0) - x * t + log(1 + exp(-|x|)), axis)

    >>> binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).round(3)
    array([0.916, 0.714])
    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        # TensorFlow's overflow-free form of -(t log sigmoid(x) + (1 - t) log sigmoid(-x))
        elementwise = xp.maximum(y_pred, 0.0) - y_pred * y_true
        elementwise = elementwise + xp.log1p(xp.exp(-xp.abs(y_pred)))
    else:
        p, _ = _clip(y_pred)
        elementwise = -(y_true * xp.log(p) + (1.0 - y_true) * xp.log(1.0 - p))
    return xp.mean(elementwise, axis=axis)


def _bce_wrt_probabilities(t, p):
    clipped, inside = _clip(p)
    return (-t / clipped + (1.0 - t) / (1.0 - clipped)) * inside


def _bce_wrt_logits(t, x):
    return _sigmoid(x) - t


@_derivative_of(binary_crossentropy, "binary_crossentropy", "bce", "BCE")
def binary_crossentropy_grad(
    y_true: Array,
    y_pred: Array,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
    grad_values: Array | None = None,
) -> Array:
    elementwise = _bce_wrt_logits if from_logits else _bce_wrt_probabilities
    return reduced_vjp(
        y_true,
        y_pred,
        grad_values,
        lambda t, p: elementwise(_smooth_binary(t, label_smoothing), p),
        axis,
    )


# --- categorical ------------------------------------------------------------------------------


def _smooth_categorical(y_true, label_smoothing):
    if not label_smoothing:
        return y_true
    # Keras counts the classes on the last axis whatever ``axis`` is.
    return y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]


def categorical_crossentropy(
    y_true: Array,
    y_pred: Array,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Array:
    """Categorical crossentropy per sample, the sum over the classes on ``axis``.

    Args:
        y_true: one-hot (or soft) labels, the shape of ``y_pred``.
        y_pred: probabilities (normalised here to sum to 1), or logits if ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``t * (1 - s) + s / num_classes``.
        axis: the class axis.

    Formula:
        p = clip(y_pred / sum(y_pred, axis), eps, 1 - eps)
        loss = -sum(t * log(p), axis)
        from_logits: loss = -sum(t * log_softmax(x, axis), axis)

    >>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    >>> categorical_crossentropy([[0, 1, 0], [0, 0, 1]], y_pred).round(4)
    array([0.0513, 2.3026])
    """
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis}.")
    y_true, y_pred = prepare(y_true, y_pred)
    if y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, "
            f"num_classes) with num_classes > 1. Received: y_pred.shape={y_pred.shape}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        return -xp.sum(y_true * _log_softmax(y_pred, axis), axis=axis)
    p, _ = _clip(y_pred / xp.sum(y_pred, axis=axis, keepdims=True))
    return -xp.sum(y_true * xp.log(p), axis=axis)


def _cce_wrt_probabilities(t, y_pred, axis):
    total = xp.sum(y_pred, axis=axis, keepdims=True)
    probs = y_pred / total
    clipped, inside = _clip(probs)
    # forward was: loss = -sum(t * log(clip(probs)))
    grad_probs = -t / clipped * inside
    # forward was: probs = y_pred / total, so d probs_j / d y_pred_k = (delta_jk - probs_j) / total
    return (grad_probs - xp.sum(grad_probs * probs, axis=axis, keepdims=True)) / total


def _cce_wrt_logits(t, x, axis):
    return _softmax(x, axis) * xp.sum(t, axis=axis, keepdims=True) - t


@_derivative_of(categorical_crossentropy)
def categorical_crossentropy_grad(
    y_true: Array,
    y_pred: Array,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
    grad_values: Array | None = None,
) -> Array:
    class_grad = _cce_wrt_logits if from_logits else _cce_wrt_probabilities
    return reduced_vjp(
        y_true,
        y_pred,
        grad_values,
        lambda t, p: class_grad(_smooth_categorical(t, label_smoothing), p, axis),
        axis,
        mean=False,
    )


# --- sparse categorical -----------------------------------------------------------------------


def _sparse_labels(y_true, y_pred, ignore_class, axis):
    """Integer labels with the class axis of ``y_pred`` removed, and the valid mask (or None)."""
    if axis != -1 and axis != y_pred.ndim - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    y_true = xp.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    valid = None
    if ignore_class is not None:
        valid = y_true != ignore_class
        y_true = xp.where(valid, y_true, 0)
    labels = y_true.astype("int64")  # TensorFlow's cast: floats truncate towards zero
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={labels.shape}, output.shape={y_pred.shape}"
        )
    classes = y_pred.shape[-1]
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        bad = int(labels.min()) if int(labels.min()) < 0 else int(labels.max())
        raise DataError(
            f"Received a label value of {bad} which is outside the valid range of [0, {classes})."
        )
    return labels, valid


def _one_hot(labels, classes, dtype):
    return (labels[..., None] == xp.arange(classes)).astype(dtype)


def sparse_categorical_crossentropy(
    y_true: Array,
    y_pred: Array,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Array:
    """Categorical crossentropy per sample with integer labels.

    Args:
        y_true: class indices, shape ``y_pred.shape[:-1]`` or that plus a trailing 1; ints or
            integer-valued floats.
        y_pred: probabilities over the last axis, or logits if ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value whose samples get loss 0 (and are masked in the mean).
        axis: must be the last axis (-1), as in Keras.

    Formula:
        c = clip(y_pred, eps, 1 - eps)
        loss = -log(c[y]) + log(sum(c))        (-log_softmax(log c)[y], TensorFlow's form)
        from_logits: loss = -log_softmax(x)[y]

    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).round(4)
    array([0.0513, 2.3026])
    """
    y_pred = to_float(y_pred)
    labels, valid = _sparse_labels(y_true, y_pred, ignore_class, axis)
    if valid is not None:
        y_pred = y_pred * valid[..., None]
    logits = y_pred if from_logits else xp.log(_clip(y_pred)[0])
    picked = xp.take_along_axis(_log_softmax(logits, -1), labels[..., None], axis=-1)
    loss = -picked[..., 0]
    return loss if valid is None else xp.where(valid, loss, 0.0)


def _scce_wrt_probabilities(one_hot, y_pred):
    clipped, inside = _clip(y_pred)
    # forward was: loss = -log(c[y]) + log(sum(c)), c = clip(y_pred)
    return (1.0 / xp.sum(clipped, axis=-1, keepdims=True) - one_hot / clipped) * inside


def _scce_wrt_logits(one_hot, x):
    return _softmax(x, -1) - one_hot


def _sparse_vjp(y_true, y_pred, grad_values, ignore_class, axis, class_grad):
    y_pred = to_float(y_pred)
    labels, valid = _sparse_labels(y_true, y_pred, ignore_class, axis)
    weights = xp.ones(labels.shape, dtype=y_pred.dtype)
    if grad_values is not None:
        weights = weights * xp.asarray(grad_values, dtype=y_pred.dtype)
    if valid is not None:
        # forward was: y_pred * valid and where(valid, loss, 0): ignored samples get nothing
        y_pred = y_pred * valid[..., None]
        weights = weights * valid
    grad = class_grad(_one_hot(labels, y_pred.shape[-1], y_pred.dtype), y_pred)
    return grad * weights[..., None]


@_derivative_of(sparse_categorical_crossentropy)
def sparse_categorical_crossentropy_grad(
    y_true: Array,
    y_pred: Array,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
    grad_values: Array | None = None,
) -> Array:
    class_grad = _scce_wrt_logits if from_logits else _scce_wrt_probabilities
    return _sparse_vjp(y_true, y_pred, grad_values, ignore_class, axis, class_grad)


# --- classes ----------------------------------------------------------------------------------


class _FusedCrossentropy(BuiltinLoss):
    """Shared parts of the crossentropy classes: the fused output gradient."""

    def fused_value_and_grad(
        self,
        y_true: Array,
        probabilities: Array,
        sample_weight: Array | None = None,
        scale: float = 1.0,
    ) -> tuple[Any, Array]:
        """The training step's ``(loss, scale * d loss / d logits)`` for a sigmoid/softmax
        output (``scale``: a factor the training loop wants in the gradient, folded into the
        last operation).

        The common case (no sample weights, the default reduction, no label smoothing, labels
        shaped for the output, the model's own dtype) takes a short path that computes the
        clipped log-probabilities once and the gradient in closed form: a few array operations
        for the whole batch. Everything else goes through ``__call__`` and
        ``grad_wrt_logits``; both give the same numbers.
        """
        if (
            sample_weight is None
            and self.reduction == "sum_over_batch_size"
            and not getattr(self, "label_smoothing", 0)
            and getattr(self, "ignore_class", None) is None
            and getattr(self, "axis", -1) in (-1, probabilities.ndim - 1)
            and self._dtype is None
            and getattr(probabilities, "dtype", None) is not None
            and probabilities.dtype.kind == "f"
            and getattr(y_true, "dtype", None) == probabilities.dtype
        ):
            fast = self._fast_value_and_grad(y_true, probabilities, scale)
            if fast is not None:
                return fast
        grad = self.grad_wrt_logits(y_true, probabilities, sample_weight)
        loss = self(y_true, probabilities, sample_weight=sample_weight)
        return loss, grad * scale if scale != 1.0 else grad

    def _fast_value_and_grad(self, y_true, p, scale):
        return None

    def _fused_grad_values(self, y_true, probabilities, sample_weight):
        if self.fused_activation is None:
            raise ValueError(
                f"Loss '{self.name}' has from_logits=True, so the model's output already is "
                "the logits: use loss.grad(y_true, logits) instead of grad_wrt_logits."
            )
        y_true, probabilities = self._convert(y_true, probabilities)
        grad_values = reduce_weighted_values_grad(
            self.values_shape(y_true, probabilities),
            sample_weight,
            self.mask(y_true, probabilities),
            self.reduction,
            probabilities.dtype,
        )
        return y_true, probabilities, grad_values


class BinaryCrossentropy(_FusedCrossentropy):
    """Binary crossentropy between 0/1 labels and predicted probabilities (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; squeezes the labels towards 0.5.
        axis: the axis the per-sample mean runs over.
        reduction, name, dtype: as for ``Loss``.

    Formula:
        loss = reduce(mean(-(t * log(p) + (1 - t) * log(1 - p)), axis))

    >>> bce = BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]])), 4)
    0.8655
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "binary_crossentropy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.fused_activation = None if from_logits else "sigmoid"

    def _fast_value_and_grad(self, t, p, scale):
        if t.shape != p.shape:
            return None
        eps, dtype = backend.epsilon(), p.dtype
        one = backend.constant(1.0, dtype)
        clipped = xp.maximum(p, backend.constant(eps, dtype))
        xp.minimum(clipped, backend.constant(1.0 - eps, dtype), out=clipped)
        # mean over the last axis, then over the batch: one sum over everything / size
        log_p = xp.log(clipped)
        log_q = xp.subtract(one, clipped, out=clipped)
        xp.log(log_q, out=log_q)
        # t log p + (1 - t) log q, summed as two dot products
        not_t = xp.subtract(one, t)
        loss = -(xp.vdot(t, log_p) + xp.vdot(not_t, log_q)) / p.size
        grad = xp.subtract(p, t, out=log_p)
        grad *= backend.constant(scale / p.size, dtype)
        return loss, grad

    def grad_wrt_logits(
        self, y_true: Array, probabilities: Array, sample_weight: npt.ArrayLike | None = None
    ) -> Array:
        """d ``__call__`` / d logits, given ``probabilities = sigmoid(logits)``: ``p - t``."""
        y_true, p, grad_values = self._fused_grad_values(y_true, probabilities, sample_weight)
        smoothing = self.label_smoothing
        return reduced_vjp(
            y_true, p, grad_values, lambda t, p: p - _smooth_binary(t, smoothing), self.axis
        )

    def validate_targets(self, y_true: Array, output_shape: Sequence[int | None]) -> None:
        check_binary_labels(self, y_true, output_shape)


class CategoricalCrossentropy(_FusedCrossentropy):
    """Categorical crossentropy between one-hot labels and predicted probabilities.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; labels become ``t * (1 - s) + s / num_classes``.
        axis: the class axis.
        reduction, name, dtype: as for ``Loss``.

    Formula:
        loss = reduce(-sum(t * log(clip(y_pred / sum(y_pred)))), axis))

    >>> cce = CategoricalCrossentropy()
    >>> round(float(cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_crossentropy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.fused_activation = None if from_logits else "softmax"

    def _fast_value_and_grad(self, t, p, scale):
        if t.shape != p.shape or p.ndim != 2:
            return None
        eps, dtype = backend.epsilon(), p.dtype
        # Keras rescales the probabilities to sum 1, clips them, and sums -t log p per row.
        ones = backend.ones(p.shape[-1], dtype)  # row sums as products with ones: quicker
        log_p = xp.divide(p, xp.dot(p, ones)[:, None])
        xp.maximum(log_p, backend.constant(eps, dtype), out=log_p)
        xp.minimum(log_p, backend.constant(1.0 - eps, dtype), out=log_p)
        xp.log(log_p, out=log_p)
        loss = -xp.vdot(t, log_p) / p.shape[0]
        grad = xp.multiply(p, xp.dot(t, ones)[:, None], out=log_p)
        grad -= t
        grad *= backend.constant(scale / p.shape[0], dtype)
        return loss, grad

    def grad_wrt_logits(
        self, y_true: Array, probabilities: Array, sample_weight: npt.ArrayLike | None = None
    ) -> Array:
        """d ``__call__`` / d logits given ``p = softmax(logits)``: ``p * sum(t) - t``."""
        y_true, p, grad_values = self._fused_grad_values(y_true, probabilities, sample_weight)
        smoothing, axis = self.label_smoothing, self.axis

        def fused(t, p):
            t = _smooth_categorical(t, smoothing)
            return p * xp.sum(t, axis=axis, keepdims=True) - t

        return reduced_vjp(y_true, p, grad_values, fused, axis, mean=False)

    def validate_targets(self, y_true: Array, output_shape: Sequence[int | None]) -> None:
        check_one_hot_labels(self, y_true, output_shape)


class SparseCategoricalCrossentropy(_FusedCrossentropy):
    """Categorical crossentropy with integer class labels.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        ignore_class: a label value (such as -1 or 255) whose samples count for nothing: their
            loss is 0 and the mean runs over the other samples only.
        reduction, name, dtype: as for ``Loss``.

    Formula:
        loss = reduce(-log(clip(y_pred)[y]) + log(sum(clip(y_pred))))

    >>> scce = SparseCategoricalCrossentropy()
    >>> round(float(scce([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "sparse_categorical_crossentropy",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.fused_activation = None if from_logits else "softmax"

    def values_shape(self, y_true: Array, y_pred: Array) -> tuple[int, ...]:
        return tuple(y_pred.shape[:-1])

    def mask(self, y_true: Array, y_pred: Array) -> Array | None:
        if self.ignore_class is None:
            return None
        return _sparse_labels(y_true, y_pred, self.ignore_class, -1)[1]

    def _fast_value_and_grad(self, y_true, p, scale):
        if p.ndim != 2 or y_true.size != p.shape[0]:
            return None
        labels = y_true.reshape(-1).astype("int64")
        if (labels != y_true.reshape(-1)).any() or labels.min() < 0 or labels.max() >= p.shape[1]:
            return None  # the general path raises the clear error
        rows = xp.arange(p.shape[0])
        eps = backend.epsilon()
        clipped = xp.minimum(xp.maximum(p, eps), 1.0 - eps)
        # TensorFlow's form: -log(c[y]) + log(sum(c)), the clipped row renormalised
        loss = xp.sum(xp.log(xp.sum(clipped, axis=-1))) - xp.sum(xp.log(clipped[rows, labels]))
        loss = loss / p.shape[0]
        grad = p.copy()
        grad[rows, labels] -= 1.0
        grad *= backend.constant(scale / p.shape[0], p.dtype)
        return loss, grad

    def grad_wrt_logits(
        self, y_true: Array, probabilities: Array, sample_weight: npt.ArrayLike | None = None
    ) -> Array:
        """d ``__call__`` / d logits given ``p = softmax(logits)``: ``p - one_hot(y)``."""
        y_true, p, grad_values = self._fused_grad_values(y_true, probabilities, sample_weight)
        return _sparse_vjp(y_true, p, grad_values, self.ignore_class, -1, lambda y, p: p - y)

    def validate_targets(self, y_true: Array, output_shape: Sequence[int | None]) -> None:
        check_sparse_labels(self, y_true, output_shape, self.ignore_class)


for _cls in (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy):
    LOSSES.add(_cls)
