"""The loss base class: per-sample values, their reduction over the batch, and the gradients.

A loss has two levels, as in Keras 3:

- a *loss function* ``fn(y_true, y_pred, **kwargs)`` returns one value per sample (reduced over
  the last axis). Its derivative is written right under it, registered with ``register`` and
  reachable as ``gradient(fn)`` or ``fn.grad``: ``fn_grad(y_true, y_pred, grad_values=None,
  **kwargs)`` returns ``d sum(grad_values * fn(y_true, y_pred)) / d y_pred`` with ``y_pred``'s
  shape (``grad_values=None`` means ones, i.e. the derivative of each per-sample value).
- a *loss object* (``Loss``) turns the per-sample values into one number:
  ``__call__(y_true, y_pred, sample_weight)`` weights them and applies the ``reduction``;
  ``grad(y_true, y_pred, sample_weight)`` is the derivative of that number with respect to
  ``y_pred``: the reduction's derivative (``reduce_weighted_values_grad``) handed to
  ``backward``, the loss's vector-Jacobian product.

``validate_targets(y_true, output_shape)`` checks once, before training, that the labels can
fit the model's output (the rules live in ``targets.py``).
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.errors import check_kwargs
from neuronet.losses.targets import aligned_shapes, check_targets
from neuronet.registry import Registry

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from neuronet.backend import Array

LOSSES = Registry("loss", "keras.losses")

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def register(
    fn: Callable[..., Array], grad: Callable[..., Array], *names: str
) -> Callable[..., Array]:
    """Add a loss function and its derivative under ``names`` (default: ``fn.__name__``).

    The first name is canonical (``serialize`` writes it); the others are aliases. After this,
    ``as_loss(fn)`` and ``compile(loss=name)`` can train with it.

    Args:
        fn: the per-sample loss, ``fn(y_true, y_pred, **kwargs)``.
        grad: its derivative, ``grad(y_true, y_pred, grad_values=None, **kwargs)``, returning
            ``d sum(grad_values * fn(...)) / d y_pred`` with the shape of ``y_pred``.
        *names: the names to register it under.

    Returns:
        ``fn``, with ``fn.grad`` set to ``grad``.
    """
    LOSSES.add_with_gradient(fn, grad, *names)
    # Functions take attributes; the Callable type does not declare this one.
    fn.grad = grad  # type: ignore[attr-defined]
    return fn


def _derivative_of(fn, *names):
    """Decorator for a built-in derivative: registers ``fn`` with it under ``names``."""

    def decorate(grad):
        register(fn, grad, *names)
        return grad

    return decorate


def gradient(fn: Callable[..., Array]) -> Callable[..., Array] | None:
    """The derivative of a loss function: the registered one, else ``fn.grad``, else None."""
    grad = LOSSES.gradient_of(fn)
    if grad is None:
        grad = getattr(fn, "grad", None)
    return grad if callable(grad) else None


# --- shapes -----------------------------------------------------------------------------------


def squeeze_or_expand_to_same_rank(
    x1: Array, x2: Array, expand_rank_1: bool = True
) -> tuple[Array, Array]:
    """Keras's rule for ranks that differ by one: squeeze or expand the trailing axis of 1."""
    s1, s2 = aligned_shapes(x1.shape, x2.shape, expand_rank_1)
    return x1.reshape(s1), x2.reshape(s2)


def sum_to_shape(array: Array, shape: Sequence[int]) -> Array:
    """Sum ``array`` over the axes that broadcasting added to ``shape``: a broadcast's adjoint."""
    shape = tuple(shape)
    extra = array.ndim - len(shape)
    if extra > 0:
        array = xp.sum(array, axis=tuple(range(extra)))
    axes = tuple(i for i, (a, s) in enumerate(zip(array.shape, shape)) if s == 1 and a != 1)
    if axes:
        array = xp.sum(array, axis=axes, keepdims=True)
    return array.reshape(shape)


def expand_to(grad_values: Array | None, shape: Sequence[int], axis: int) -> Array:
    """Per-sample ``grad_values`` spread along the reduced ``axis`` of an array of ``shape``."""
    if grad_values is None:
        return 1.0
    grad_values = xp.asarray(grad_values)
    return xp.expand_dims(grad_values, axis % len(shape)) if shape else grad_values


def reduced_vjp(
    y_true: Array,
    y_pred: Array,
    grad_values: Array | None,
    elementwise_grad: Callable[[Array, Array], Array],
    axis: int = -1,
    mean: bool = True,
) -> Array:
    """The VJP of a loss that is ``mean`` (or sum) over ``axis`` of ``elementwise(t, p)``.

    Args:
        elementwise_grad: ``(t, p) -> d elementwise / d p`` on the aligned arrays (for losses
            that mix a row, such as the categorical ones, the row's gradient).
        grad_values: d(something)/d(per-sample values), or None for ones.

    Returns:
        d sum(grad_values * loss(y_true, y_pred)) / d y_pred, with ``y_pred``'s shape.
    """
    y_pred = to_float(y_pred)
    true, pred = prepare(y_true, y_pred)
    full_shape = np.broadcast_shapes(true.shape, pred.shape)
    # Broadcast first: a prediction shared by several labels collects each one's gradient.
    grad = xp.broadcast_to(elementwise_grad(true, pred), full_shape)
    scale = expand_to(grad_values, full_shape, axis)
    if mean:
        scale = scale / full_shape[axis]
    return sum_to_shape(grad * scale, pred.shape).reshape(y_pred.shape)


def to_float(y_pred: Array) -> Array:
    """``y_pred`` as an ``xp`` array; integer input becomes ``floatx()``, as in Keras."""
    y_pred = xp.asarray(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else y_pred.astype(backend.floatx())


def prepare(y_true: Array, y_pred: Array) -> tuple[Array, Array]:
    """The float ``y_pred``, ``y_true`` cast to its dtype, and both aligned in rank."""
    y_pred = to_float(y_pred)
    y_true = xp.asarray(y_true).astype(y_pred.dtype, copy=False)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


# --- reduction --------------------------------------------------------------------------------


def standardize_reduction(reduction: str | None) -> str | None:
    """Check ``reduction`` against Keras 3's list and return it."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`: {reduction!r}. Expected one of "
            f"{list(REDUCTIONS)}."
        )
    return reduction


def _merge_weights(values_shape, sample_weight, mask, reduction, dtype):
    """The shape values take and the weights they are multiplied by, as Keras merges them.

    A mask (``ignore_class``) becomes weights; under the mean reductions its entries are
    scaled by ``total / valid`` so that the mean runs over the valid entries only.
    """
    if sample_weight is not None:
        sample_weight = xp.asarray(sample_weight, dtype=dtype)
    if mask is not None:
        mask = xp.asarray(mask, dtype=dtype)
        if reduction in ("mean", "sum_over_batch_size"):
            valid = xp.sum(mask)
            mask = mask * (xp.asarray(mask.size, dtype=dtype) / valid if valid else 0.0)
        if sample_weight is not None:
            mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
            sample_weight = sample_weight * mask
        else:
            sample_weight = mask
    if sample_weight is None:
        return tuple(values_shape), None
    shape, weight_shape = aligned_shapes(values_shape, sample_weight.shape)
    return shape, sample_weight.reshape(weight_shape)


def _divisor(reduction, weighted_shape, weights):
    """What the sum is divided by, or None when the values are returned unreduced."""
    if reduction in (None, "none") or tuple(weighted_shape) in ((), (0,)):
        return None
    if reduction == "sum":
        return 1
    if reduction == "mean_with_sample_weight" and weights is not None:
        return xp.sum(weights)
    return int(np.prod(weighted_shape))


def reduce_weighted_values(
    values: Array,
    sample_weight: npt.ArrayLike | None = None,
    mask: Array | None = None,
    reduction: str | None = "sum_over_batch_size",
) -> Array:
    """Weight the per-sample ``values`` and reduce them, as Keras 3's loss reduction.

    Formula:
        weighted = values * sample_weight   (ranks aligned, then broadcast)
        'sum': sum(weighted); 'sum_over_batch_size', 'mean': sum(weighted) / weighted.size;
        'mean_with_sample_weight': sum(weighted) / sum(sample_weight); 'none', None: weighted.
        A 0-d or empty ``weighted`` is returned as it is.
    """
    reduction = standardize_reduction(reduction)
    values = xp.asarray(values)
    shape, weights = _merge_weights(values.shape, sample_weight, mask, reduction, values.dtype)
    values = values.reshape(shape)
    if weights is not None:
        values = values * weights
    divisor = _divisor(reduction, values.shape, weights)
    if divisor is None:
        return values
    total = xp.sum(values)
    return total / divisor if divisor else xp.zeros((), dtype=values.dtype)


def reduce_weighted_values_grad(
    values_shape: Sequence[int],
    sample_weight: npt.ArrayLike | None = None,
    mask: Array | None = None,
    reduction: str | None = "sum_over_batch_size",
    dtype: npt.DTypeLike | dict[str, Any] | None = None,
) -> Array:
    """d reduce_weighted_values / d values, with ``values_shape`` (of the sum for 'none')."""
    dtype = dtype or backend.floatx()
    shape, weights = _merge_weights(values_shape, sample_weight, mask, reduction, dtype)
    # forward was: weighted = values * weights; loss = sum(weighted) / divisor
    weighted_shape = shape if weights is None else np.broadcast_shapes(shape, weights.shape)
    grad = xp.ones(weighted_shape, dtype=dtype)
    if weights is not None:
        grad = grad * weights
    divisor = _divisor(reduction, weighted_shape, weights)
    if divisor is not None and divisor != 1:
        grad = grad / divisor if divisor else xp.zeros_like(grad)
    return sum_to_shape(grad, shape).reshape(tuple(values_shape))


def _snake_case(name):
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _dtype_name(dtype):
    if isinstance(dtype, dict):  # Keras 3's {"class_name": "DTypePolicy", "config": {...}}
        dtype = (dtype.get("config") or {}).get("name")
    return None if dtype is None else str(np.dtype(dtype))


def reject_unknown(obj: object, kwargs: Mapping[str, Any]) -> None:
    """Raise UnknownArgumentError for keyword arguments that ``type(obj).__init__`` lacks."""
    if kwargs:
        params = set(inspect.signature(type(obj).__init__).parameters)
        params |= {"name", "reduction", "dtype"}
        check_kwargs(type(obj).__name__, kwargs, sorted(params - {"self", "kwargs"}))


# --- the base class ---------------------------------------------------------------------------


class Loss:
    """Base class of losses, as ``keras.losses.Loss``.

    Subclasses implement ``call(y_true, y_pred)`` (per-sample values) and
    ``backward(y_true, y_pred, grad_values)`` (its vector-Jacobian product); ``__call__`` and
    ``grad`` add the sample weights and the reduction.

    Args:
        name: the loss's name (default: the snake_case class name, made unique).
        reduction: ``"sum_over_batch_size"`` (sum of weighted values / number of values),
            ``"sum"``, ``"mean"`` (as "sum_over_batch_size"), ``"mean_with_sample_weight"``
            (sum / sum of the sample weights), or ``"none"``/None (no reduction).
        dtype: the computation dtype; None (default) computes in ``y_pred``'s float dtype, so
            a float64 model gets float64 losses.
    """

    # The activation whose derivative ``grad_wrt_logits`` fuses in (set by crossentropies).
    fused_activation: str | None = None

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        self.name = name or backend.unique_name(_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = _dtype_name(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype or backend.floatx()

    def _convert(self, y_true, y_pred):
        y_pred = xp.asarray(y_pred)
        if self._dtype is not None or y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(self.dtype)
        return xp.asarray(y_true).astype(y_pred.dtype, copy=False), y_pred

    def __call__(
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> Array:
        """The weighted, reduced loss (a scalar unless ``reduction`` is 'none')."""
        y_true, y_pred = self._convert(y_true, y_pred)
        values = self.call(y_true, y_pred)
        return reduce_weighted_values(
            values, sample_weight, self.mask(y_true, y_pred), self.reduction
        )

    def grad(
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> Array:
        """d ``__call__`` / d ``y_pred``, with ``y_pred``'s shape ('none': of the sum)."""
        y_true, y_pred = self._convert(y_true, y_pred)
        grad_values = reduce_weighted_values_grad(
            self.values_shape(y_true, y_pred),
            sample_weight,
            self.mask(y_true, y_pred),
            self.reduction,
            y_pred.dtype,
        )
        return self.backward(y_true, y_pred, grad_values)

    def value_and_grad(
        self,
        y_true: Array,
        y_pred: Array,
        sample_weight: npt.ArrayLike | None = None,
        scale: float = 1.0,
    ) -> tuple[Array, Array]:
        """``(__call__, scale * grad)`` at once: what a training step needs (subclasses may
        share work between the two, and fold ``scale`` into their last operation)."""
        grad = self.grad(y_true, y_pred, sample_weight)
        return self(y_true, y_pred, sample_weight), grad * scale if scale != 1.0 else grad

    def call(self, y_true: Array, y_pred: Array) -> Array:
        """The per-sample loss values."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def backward(self, y_true: Array, y_pred: Array, grad_values: Array | None) -> Array:
        """d sum(grad_values * call(y_true, y_pred)) / d y_pred, with ``y_pred``'s shape."""
        raise NotImplementedError(
            f"{type(self).__name__} has no gradient: implement "
            "backward(y_true, y_pred, grad_values), which returns d sum(grad_values * "
            "call(y_true, y_pred)) / d y_pred."
        )

    def values_shape(self, y_true: Array, y_pred: Array) -> tuple[int, ...]:
        """The shape of ``call``'s output (the forward is run unless a subclass knows it)."""
        return tuple(xp.asarray(self.call(y_true, y_pred)).shape)

    def mask(self, y_true: Array, y_pred: Array) -> Array | None:
        """Per-sample validity (True = counts) that the reduction honours, or None."""
        return None

    def grad_wrt_logits(
        self, y_true: Array, probabilities: Array, sample_weight: npt.ArrayLike | None = None
    ) -> Array:
        """The gradient with respect to the last layer's logits; crossentropies only."""
        raise ValueError(
            f"Loss '{self.name}' has no fused output gradient (fused_activation is None): "
            "chain loss.grad with the activation's derivative instead."
        )

    def validate_targets(self, y_true: Array, output_shape: Sequence[int | None]) -> None:
        """Raise DataError when ``y_true`` cannot be the labels of outputs of that shape.

        Args:
            y_true: the labels, a NumPy array with the samples on the first axis.
            output_shape: the model's output shape, None (or the size) for the batch axis.
        """
        check_targets(self, y_true, output_shape)

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype is not None:
            config["dtype"] = self._dtype
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        config = dict(config)
        if config.get("reduction") == "auto":  # Keras 2's default means this one
            config["reduction"] = "sum_over_batch_size"
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A ``Loss`` made from a loss function and its derivative, as Keras's wrapper.

    Args:
        fn: the per-sample loss function, ``fn(y_true, y_pred, **kwargs)``.
        grad: its derivative ``grad(y_true, y_pred, grad_values=None, **kwargs)`` (or one
            without ``grad_values`` that returns the per-sample derivative); default: the one
            registered for ``fn`` (``gradient(fn)``).
        name: the loss's name (default: ``fn.__name__``).
        reduction, dtype: as for ``Loss``.
        **kwargs: passed to ``fn`` and ``grad`` on every call.
    """

    def __init__(
        self,
        fn: Callable[..., Array],
        grad: Callable[..., Array] | None = None,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(
            name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype
        )
        self.fn = fn
        self.fn_grad = grad if grad is not None else gradient(fn)
        self._fn_kwargs = kwargs

    def call(self, y_true: Array, y_pred: Array) -> Array:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def backward(self, y_true: Array, y_pred: Array, grad_values: Array | None) -> Array:
        if self.fn_grad is None:
            raise ValueError(
                f"Loss '{self.name}' has no derivative for {self.fn!r}: register one with "
                "neuronet.losses.register(fn, grad, 'name')."
            )
        true, pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if "grad_values" in inspect.signature(self.fn_grad).parameters:
            grad = self.fn_grad(true, pred, grad_values=grad_values, **self._fn_kwargs)
        else:  # a per-sample derivative: weight it by the reduction's derivative ourselves
            grad = self.fn_grad(true, pred, **self._fn_kwargs)
            grad = grad * expand_to(grad_values, pred.shape, self._fn_kwargs.get("axis", -1))
        return xp.asarray(grad).reshape(y_pred.shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        name = LOSSES.name_of(self.fn)
        config["fn"] = name if name is not None else getattr(self.fn, "__name__", repr(self.fn))
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        config = dict(config)
        if "fn" in config and not callable(config["fn"]):
            config["fn"] = LOSSES.deserialize(config["fn"])
        return super().from_config(config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn!r}, kwargs={self._fn_kwargs})>"


class BuiltinLoss(LossFunctionWrapper):
    """Base of the built-in loss classes: their config is their arguments, without ``fn``."""

    def values_shape(self, y_true: Array, y_pred: Array) -> tuple[int, ...]:
        # Each built-in function reduces one axis of its broadcast, rank-aligned inputs.
        true, pred = aligned_shapes(y_true.shape, y_pred.shape)
        shape = list(np.broadcast_shapes(true, pred))
        if shape:
            del shape[self._fn_kwargs.get("axis", -1) % len(shape)]
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), **self._fn_kwargs}

    __repr__ = Loss.__repr__
