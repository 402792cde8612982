"""Metric: the base of every stateful metric, and the shape helpers metrics share.

A metric keeps running state in non-trainable ``Variable`` objects. ``update_state`` folds one
batch into that state, ``result`` reads the value so far, ``reset_state`` starts over, as
``keras.metrics.Metric`` does. Results are host values: a Python float, or a NumPy array for
metrics that report one value per threshold.
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

# Keras's rank rule ((n,) against (n, 1), ...), shared with the losses.
from neuronet.losses.loss import squeeze_or_expand_to_same_rank  # noqa: F401  (re-exported)
from neuronet.registry import Registry
from neuronet.variables import Variable

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from neuronet.backend import Array

# Every metric function and class by Keras name; filled in by neuronet/metrics/__init__.py.
METRICS = Registry("metric", "keras.metrics")


def to_snake_case(name: str) -> str:
    """``'KLDivergence'`` -> ``'kl_divergence'``, ``'AUC'`` -> ``'auc'``: Keras's rule."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def dtype_name(dtype: Any) -> str | None:
    """A dtype's name from a string, a NumPy dtype or a Keras 3 ``DTypePolicy`` config."""
    if dtype is None:
        return None
    if isinstance(dtype, dict):  # {"class_name": "DTypePolicy", "config": {"name": "float32"}}
        dtype = (dtype.get("config") or {}).get("name")
        if dtype is None:
            return None
    return str(np.dtype(dtype))


def divide_no_nan(numerator: Array, denominator: Array) -> Array:
    """``numerator / denominator``, with 0 wherever the denominator is 0 (Keras's op)."""
    if getattr(denominator, "ndim", 1) == 0 and getattr(numerator, "ndim", 1) == 0:
        return numerator / denominator if denominator != 0 else numerator * 0
    zero = denominator == 0
    return xp.where(zero, 0, numerator / xp.where(zero, 1, denominator))


def reject_unknown(metric: Metric, kwargs: Mapping[str, Any]) -> None:
    """Raise UnknownArgumentError for ``kwargs`` the metric's constructor does not take.

    Constructors take ``**kwargs`` only to report a misspelt argument with a suggestion
    (``treshold`` -> ``threshold``) instead of Python's bare TypeError.
    """
    if kwargs:
        parameters = inspect.signature(type(metric).__init__).parameters
        allowed = [p for p, v in parameters.items() if p != "self" and v.kind != v.VAR_KEYWORD]
        check_kwargs(type(metric).__name__, kwargs, allowed)


def host_result(value: Array) -> float | np.ndarray:
    """A result as the caller sees it: a Python float for a scalar, else a NumPy array."""
    array = backend.to_numpy(value)
    if array.ndim == 0:
        return float(array)
    return np.array(array)


class Metric:
    """Base class of stateful metrics, like ``keras.metrics.Metric``.

    Subclasses create their state in ``__init__`` with ``add_variable`` and implement
    ``update_state`` and ``result``; ``reset_state`` zeroes every variable by default.

    Args:
        name: the metric's name (the key in a training history). By default the snake-case
            class name, numbered like Keras (``precision``, ``precision_1``, ...).
        dtype: the float type of the state and the result; ``backend.floatx()`` by default.
    """

    def __init__(
        self, dtype: npt.DTypeLike | dict[str, Any] | None = None, name: str | None = None
    ):
        if name is not None and not isinstance(name, str):
            raise TypeError(
                f"{type(self).__name__}: `name` must be a string, got {name!r}. Metric "
                "options such as thresholds go by keyword (e.g. `threshold=0.7`)."
            )
        self.name = name or backend.unique_name(to_snake_case(type(self).__name__))
        self._dtype = dtype_name(dtype) or backend.floatx()
        self._variables: list[Variable] = []

    @property
    def dtype(self) -> str:
        """The float type of the state and the result, as a string (``'float32'``)."""
        return self._dtype

    @property
    def variables(self) -> list[Variable]:
        """The state variables, in creation order (non-trainable ``Variable`` objects)."""
        return list(self._variables)

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: str | None = "zeros",
        dtype: npt.DTypeLike | None = None,
        name: str | None = None,
    ) -> Variable:
        """Create a state variable of ``shape`` filled with zeros (or ones)."""
        if initializer not in ("zeros", "ones", None):
            raise ValueError(
                f"Metric state starts at 'zeros' or 'ones'; got initializer={initializer!r}."
            )
        fill = xp.ones if initializer == "ones" else xp.zeros
        variable = Variable(
            fill(tuple(shape), dtype=dtype or self.dtype),
            name,
            path=f"{self.name}/{name}",
            trainable=False,
            dtype=dtype or self.dtype,
        )
        self._variables.append(variable)
        return variable

    add_weight = add_variable  # Keras's older name

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Fold one batch into the state."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update_state.")

    def result(self) -> float | np.ndarray:
        """The metric's value over everything seen since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} does not implement result.")

    def reset_state(self) -> None:
        """Start over: every state variable back to zero."""
        for variable in self._variables:
            variable.value[...] = 0

    def __call__(self, *args: Any, **kwargs: Any) -> float | np.ndarray:
        """``update_state(...)``, then return ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-ready."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        """Rebuild a metric from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
