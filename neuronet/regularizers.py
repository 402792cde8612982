"""Regularizers: weight penalties added to the loss, with the gradient training needs.

A regularizer is called on a weight array and returns the scalar penalty (a 0-d ``xp`` array of
the weight's dtype); ``grad(x)`` returns d(penalty)/dx with ``x``'s shape, which the training
loop adds to the weight's gradient. Formulas are Keras 3's: L2 is ``l2 * sum(x^2)``, without a
factor 1/2, so its gradient is ``2 * l2 * x``.

>>> from neuronet import regularizers
>>> from neuronet.backend import xp
>>> float(regularizers.L2(2.0)(xp.ones((5, 5))))
50.0
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Any, Self

from neuronet import backend
from neuronet.backend import Array, xp
from neuronet.errors import check_kwargs
from neuronet.registry import Registry

REGULARIZERS = Registry("regularizer", "keras.regularizers")


def _as_float_array(x):
    """``x`` as an ``xp`` array; integer input becomes ``floatx()`` so the penalty is a float."""
    x = xp.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(backend.floatx())
    return x


def _penalty_factor(value, name):
    """A finite, non-negative float, as Keras validates ``l1``, ``l2`` and ``factor``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. "
            f"Received: {name}={value!r}"
        )
    return float(value)


class Regularizer:
    """Base class: ``__call__(x)`` is the penalty, ``grad(x)`` its gradient with respect to x.

    The base class is the zero penalty. Subclasses describe themselves with ``get_config()``;
    ``from_config(config)`` rebuilds them and rejects keys the constructor does not take.
    """

    def __call__(self, x: Array) -> Array:
        return 0.0

    def grad(self, x: Array) -> Array:
        return xp.zeros_like(_as_float_array(x))

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        if cls.__init__ is not object.__init__:
            parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
            if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
                allowed = [p.name for p in parameters if p.kind is not p.VAR_POSITIONAL]
                check_kwargs(f"{cls.__name__}.from_config", config, allowed)
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"


@REGULARIZERS.register("L1L2", "l1l2", "l1_l2")
class L1L2(Regularizer):
    """L1 and L2 penalties together.

    Args:
        l1: the L1 factor (None means 0).
        l2: the L2 factor (None means 0).

    Formula:
        penalty = l1 * sum(|x|) + l2 * sum(x^2)
        grad    = l1 * sign(x) + 2 * l2 * x
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        # The string "l1_l2" means l1 = l2 = 0.01 (see get); the class defaults stay 0, as in
        # Keras, so that L1L2(l2=0.1) has no L1 part.
        self.l1 = _penalty_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _penalty_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Array) -> Array:
        x = _as_float_array(x)
        penalty = xp.zeros((), dtype=x.dtype)
        if self.l1 != 0.0:
            penalty = penalty + xp.asarray(self.l1, dtype=x.dtype) * xp.sum(xp.abs(x))
        if self.l2 != 0.0:
            penalty = penalty + xp.asarray(self.l2, dtype=x.dtype) * xp.sum(xp.square(x))
        return penalty

    def grad(self, x: Array) -> Array:
        x = _as_float_array(x)
        # sign(0) = 0: the subgradient of |x| that TensorFlow's abs gradient also uses at 0.
        return (self.l1 * xp.sign(x) + (2.0 * self.l2) * x).astype(x.dtype, copy=False)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


@REGULARIZERS.register("L1", "l1")
class L1(Regularizer):
    """The L1 penalty.

    Args:
        l1: the factor (None means 0.01).

    Formula:
        penalty = l1 * sum(|x|)
        grad    = l1 * sign(x)      (0 where x == 0)
    """

    def __init__(self, l1: float = 0.01):
        self.l1 = _penalty_factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, x: Array) -> Array:
        x = _as_float_array(x)
        return xp.asarray(self.l1, dtype=x.dtype) * xp.sum(xp.abs(x))

    def grad(self, x: Array) -> Array:
        x = _as_float_array(x)
        return (self.l1 * xp.sign(x)).astype(x.dtype, copy=False)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@REGULARIZERS.register("L2", "l2")
class L2(Regularizer):
    """The L2 penalty (no factor 1/2, as in Keras).

    Args:
        l2: the factor (None means 0.01).

    Formula:
        penalty = l2 * sum(x^2)
        grad    = 2 * l2 * x
    """

    def __init__(self, l2: float = 0.01):
        self.l2 = _penalty_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x: Array) -> Array:
        x = _as_float_array(x)
        return xp.asarray(self.l2, dtype=x.dtype) * xp.sum(xp.square(x))

    def grad(self, x: Array) -> Array:
        x = _as_float_array(x)
        return ((2.0 * self.l2) * x).astype(x.dtype, copy=False)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


@REGULARIZERS.register("OrthogonalRegularizer", "orthogonal_regularizer")
class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a matrix towards being orthogonal to each other.

    Args:
        factor: the penalty factor.
        mode: ``"rows"`` or ``"columns"``: which vectors should be orthogonal.

    Formula (rows; columns is the same on x^T):
        n_i = x_i * min(1 / ||x_i||, 1 / epsilon)         (epsilon = backend.epsilon())
        P = n n^T;  pairs = m (m - 1) / 2 for m rows
        penalty = factor * 0.5 * sum_{i != k} |P_ik| / pairs   (the mean |cosine| over pairs)
    Backward:
        G_ik = factor * 0.5 / pairs * sign(P_ik) for i != k, 0 on the diagonal
        dn = 2 G n                                               (G is symmetric)
        dx_i = (dn_i - n_i (n_i . dn_i)) / ||x_i||   where the norm is not clipped,
        dx_i = dn_i / epsilon                        where it is (||x_i|| < epsilon)
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _penalty_factor(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(
                'Invalid value for argument `mode`. Expected one of {"rows", "columns"}. '
                f"Received: mode={mode!r}"
            )
        self.mode = mode

    def _rows(self, x):
        x = _as_float_array(x)
        if x.ndim != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: shape={x.shape}"
            )
        return x if self.mode == "rows" else x.T

    def _forward(self, rows):
        """Normalized rows, inverse norms, where the norm was clipped, Gram matrix, pairs."""
        epsilon = backend.epsilon()
        square_sum = xp.sum(xp.square(rows), axis=1, keepdims=True)
        clipped = square_sum < epsilon * epsilon
        # min(1/sqrt(s), 1/eps) written so that a zero row divides by eps, not by 0.
        inv_norm = 1.0 / xp.sqrt(xp.maximum(square_sum, epsilon * epsilon))
        normalized = rows * inv_norm
        gram = normalized @ normalized.T
        size = rows.shape[0]
        return normalized, inv_norm, clipped, gram, size * (size - 1) / 2.0

    def __call__(self, x: Array) -> Array:
        rows = self._rows(x)
        _, _, _, gram, pairs = self._forward(rows)
        if pairs == 0:  # one vector: no pairs (Keras divides 0 by 0 here and gets NaN)
            return xp.zeros((), dtype=rows.dtype)
        off_diagonal = gram * (1.0 - xp.eye(rows.shape[0], dtype=rows.dtype))
        total = xp.sum(xp.abs(off_diagonal))
        return xp.asarray(self.factor * 0.5 * total / pairs, dtype=rows.dtype)

    def grad(self, x: Array) -> Array:
        rows = self._rows(x)
        normalized, inv_norm, clipped, gram, pairs = self._forward(rows)
        if pairs == 0:
            grad_rows = xp.zeros_like(rows)
        else:
            # forward was: penalty = c * sum(|P| * (1 - I))
            off = 1.0 - xp.eye(rows.shape[0], dtype=rows.dtype)
            grad_gram = (self.factor * 0.5 / pairs) * xp.sign(gram) * off
            # forward was: P = n n^T
            grad_normalized = 2.0 * grad_gram @ normalized
            # forward was: n = x * inv_norm, inv_norm = 1/||x|| unless clipped at 1/epsilon
            radial = xp.sum(normalized * grad_normalized, axis=1, keepdims=True)
            projected = grad_normalized - normalized * xp.where(clipped, 0.0, radial)
            grad_rows = projected * inv_norm
        grad_rows = grad_rows.astype(rows.dtype, copy=False)
        return grad_rows if self.mode == "rows" else grad_rows.T

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


# --- Keras's lowercase names for the classes --------------------------------------------------
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

# Names whose string form means other arguments than the class defaults: "l1_l2" is
# L1L2(l1=0.01, l2=0.01), as Keras 3 documents and Keras 2 does.
_STRING_ARGUMENTS = {"l1_l2": {"l1": 0.01, "l2": 0.01}}


# --- get / serialize / deserialize ------------------------------------------------------------
def serialize(regularizer: Regularizer | None) -> str | dict[str, Any] | None:
    """Keras's ``{"module", "class_name", "config", "registered_name"}`` form (None -> None)."""
    if regularizer is None:
        return None
    return REGULARIZERS.serialize(regularizer)


def deserialize(
    config: str | dict[str, Any] | None, custom_objects: dict[str, Any] | None = None
) -> Any:
    """Rebuild a regularizer from a name or a Keras 2/3 config dict; a name gives an instance."""
    if config is None:
        return None
    if isinstance(config, str) and not (custom_objects and config in custom_objects):
        if config in _STRING_ARGUMENTS:
            return REGULARIZERS.lookup(config)(**_STRING_ARGUMENTS[config])
    obj = REGULARIZERS.deserialize(config, custom_objects)
    return obj() if inspect.isclass(obj) else obj


def get(identifier: Any) -> Any:
    """A regularizer from a name, a config dict, a class, an instance or a callable.

    Raises:
        UnknownIdentifierError: an unknown name (with the closest known one suggested).
        ValueError: anything else that is not callable.
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)  # some names carry Keras's default arguments
    return REGULARIZERS.get(identifier)
