"""Running reductions: Sum, Mean, and MeanMetricWrapper (the mean of a per-sample function).

Sample weights follow Keras 3's ``reduce_to_samplewise_values``: the weights and the values are
brought to the same rank (``(n,)`` weights against ``(n, 1)`` values, and the reverse), the
values are reduced over the axes the weights do not have, multiplied by the weights, and the
count grows by the sum of the (per-sample averaged) weights. A scalar weight therefore counts
once per batch, whatever the batch size, as in Keras.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Self

import numpy.typing as npt

from neuronet.backend import xp
from neuronet.errors import check_kwargs
from neuronet.metrics.metric import (
    METRICS,
    Metric,
    divide_no_nan,
    host_result,
    reject_unknown,
    squeeze_or_expand_to_same_rank,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from neuronet.backend import Array
    from neuronet.variables import Variable


def reduce_to_samplewise_values(
    values: Array,
    sample_weight: Array | None,
    reduce_fn: Callable[..., Array],
    dtype: npt.DTypeLike,
) -> tuple[Array, Array | None]:
    """Weight ``values`` and reduce them to one value per sample.

    Args:
        values: array of per-sample (or per-element) values; the first axis is the sample.
        sample_weight: None, a scalar, or an array broadcastable to ``values`` after the rank
            adjustment.
        reduce_fn: ``xp.mean`` (for Mean) or ``xp.sum`` (for Sum).
        dtype: the metric's float type; values and weights are cast to it first.

    Returns:
        ``(values, sample_weight)``: values of shape ``(n,)`` (or a scalar), and the weights
        reduced the same way (None when none were given).
    """
    values = xp.asarray(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = xp.asarray(sample_weight, dtype=dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = sample_weight.ndim
        if values.ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values.ndim)))
        # Broadcasting the weights changes nothing in the product, but it makes the count
        # below the sum of one weight per sample.
        sample_weight = xp.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values given, like ``keras.metrics.Sum``.

    Formula:
        total = sum_i w_i * v_i

    Args:
        name: the metric's name.
        dtype: float type of the state and result.

    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    4.0
    """

    def __init__(
        self,
        name: str | None = "sum",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values: Array, sample_weight: npt.ArrayLike | None = None) -> None:
        """Add the (weighted) sum of ``values``."""
        values, _ = reduce_to_samplewise_values(values, sample_weight, xp.sum, self.dtype)
        self.total.assign(self.total.value + xp.sum(values))

    def result(self) -> float | np.ndarray:
        return host_result(self.total.value)


class Mean(Metric):
    """The running (weighted) mean of the values given, like ``keras.metrics.Mean``.

    Formula:
        mean = sum_i w_i * v_i / sum_i w_i     (0 when nothing has been counted)

    Args:
        name: the metric's name.
        dtype: float type of the state and result.

    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    2.0
    """

    def __init__(
        self,
        name: str | None = "mean",
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        super().__init__(name=name, dtype=dtype)
        self._total = self.add_variable((), name="total")
        self._count = self.add_variable((), name="count")
        # The training loop's running sums, as scalars of the state's dtype (adding to a
        # scalar costs a tenth of an in-place add to a 0-d array); written into the state
        # variables whenever those are read.
        self._running: tuple[Any, Any] | None = None
        self._zeros = (self._total.value[()] * 0, self._count.value[()] * 0)

    @property
    def total(self) -> Variable:
        """The weighted sum of the values (a state ``Variable``)."""
        self._store()
        return self._total

    @property
    def count(self) -> Variable:
        """The sum of the weights (a state ``Variable``)."""
        self._store()
        return self._count

    @property
    def variables(self) -> list[Variable]:
        self._store()
        return super().variables

    def _store(self):
        if self._running is not None:
            self._total.value[()], self._count.value[()] = self._running
            self._running = None

    def _add(self, total, count):
        """Add to the running sums in the state's precision, without touching the state."""
        running = self._running
        if running is None:
            running = (self._total.value[()], self._count.value[()])
        self._running = (running[0] + total, running[1] + count)

    def reset_state(self) -> None:
        if len(self._variables) == 2:  # only the sums: they start again from zero scalars
            self._running = self._zeros
            return
        self._running = None
        super().reset_state()

    def update_state(self, values: Array, sample_weight: npt.ArrayLike | None = None) -> None:
        """Add the (weighted) values of one batch to the running mean."""
        if (
            sample_weight is None
            and isinstance(values, xp.ndarray)
            and values.ndim >= 1
            and values.dtype == self._total.value.dtype
        ):
            # The training loop's case, once per batch: add the per-sample means.
            samples = values.shape[0]
            total = values.sum()
            if values.ndim > 1:
                total /= values.size // samples or 1
            self._add(total, samples)
            return
        self._store()
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, xp.mean, self.dtype
        )
        self._total.assign(self._total.value + xp.sum(values))
        if sample_weight is not None:
            count = xp.sum(sample_weight)
        elif values.ndim >= 1:
            count = values.shape[0]
        else:
            count = 1
        self._count.assign(self._count.value + xp.asarray(count, dtype=self.dtype))

    def result(self) -> float | np.ndarray:
        running = self._running
        if running is not None:
            total, count = running
        else:
            total, count = self._total.value, self._count.value
        if total.ndim == 0:  # the usual case, without the general machinery
            return float(total / count) if count else 0.0
        return host_result(divide_no_nan(total, count))


class MeanMetricWrapper(Mean):
    """The running weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Like ``keras.metrics.MeanMetricWrapper``: each ``update_state`` computes ``fn`` on the
    batch and folds its values into a ``Mean`` with the batch's sample weights.

    Args:
        fn: the per-sample function, e.g. ``binary_accuracy`` or a loss function.
        name: the metric's name (``'mean_metric_wrapper'`` by default, as in Keras).
        dtype: float type of the state and result.
        **kwargs: keyword arguments passed on to ``fn`` at every call (``threshold=0.7``).
    """

    def __init__(
        self,
        fn: Callable[..., Array],
        name: str | None = None,
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper needs a callable `fn`, got {fn!r}.")
        _check_fn_kwargs(fn, kwargs)
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    @property
    def fn(self) -> Callable[..., Array]:
        """The wrapped per-sample function."""
        return self._fn

    # Keras's signature: (y_true, y_pred) where Mean, the base class, takes values; so the
    # override is not a substitute for Mean.update_state, as in Keras.
    def update_state(  # type: ignore[override]
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> None:
        """Compute ``fn`` on the batch and add its values to the running mean."""
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype, "fn": _serialize_fn(self._fn)}
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Self:
        config = dict(config)
        if "fn" in config:
            config["fn"] = METRICS.deserialize(config["fn"], custom_objects)
        return cls(**config)


def _check_fn_kwargs(fn, kwargs):
    """Misspelt keyword arguments for ``fn`` fail now, with a suggestion, not at update."""
    if not kwargs:
        return
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature: let the call decide
        return
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        return
    allowed = list(parameters)[2:]  # after y_true, y_pred
    check_kwargs(getattr(fn, "__name__", repr(fn)), kwargs, allowed)


def _serialize_fn(fn):
    """A registered function by its Keras name; any other by its ``__name__``."""
    name = METRICS.name_of(fn)
    if name is not None:
        return name
    return getattr(fn, "__name__", type(fn).__name__)
