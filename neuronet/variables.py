"""Variable: one weight array, its gradient, and how it takes part in training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.errors import ShapeError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from neuronet.backend import Array


class Variable:
    """A weight (or optimizer state) array with a name, like Keras's ``keras.Variable``.

    Attributes:
        value: the array itself (``xp.ndarray``). Updates happen in place; the array object
            changes at most once, when a model packs its weights into one buffer (``pack``).
        grad: the gradient of the loss with respect to ``value``, filled by the owning layer's
            ``backward`` (None for variables that are never trained).
        name: short name (``"kernel"``); ``path`` is the full one (``"dense/kernel"``).
        trainable: whether optimizers update it.
        regularizer: a callable penalty on ``value`` (with a ``grad`` method), or None.
    """

    # Set by Layer.add_weight: the trainable flag the layer asked for, which a frozen layer
    # (trainable=False) restores when it is unfrozen.
    _declared_trainable: bool

    def __init__(
        self,
        value: npt.ArrayLike,
        name: str | None,
        *,
        path: str | None = None,
        trainable: bool = True,
        regularizer: Any = None,
        dtype: npt.DTypeLike | None = None,
    ):
        self.value = xp.array(value, dtype=dtype or backend.floatx())
        self.name = name
        self.path = path or name
        self.trainable = trainable
        self.regularizer = regularizer
        # None for a variable that is never trained (Array is Any, so the type does not say it)
        self.grad: Array = xp.zeros_like(self.value) if trainable else None
        self.pack: Pack | None = None  # the Pack holding value and grad, once packed

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    @property
    def dtype(self) -> str:
        return str(self.value.dtype)

    @property
    def size(self) -> int:
        return int(self.value.size)

    def numpy(self) -> np.ndarray:
        """A NumPy copy of the value."""
        return np.array(backend.to_numpy(self.value))

    def __getstate__(self):
        # A copy (pickle, copy.deepcopy) owns its arrays: the shared buffer of a Pack does not
        # survive copying, so the copy starts unpacked (fit packs it again).
        state = self.__dict__.copy()
        state["pack"] = None
        return state

    def assign(self, value: Array) -> Self:
        """Overwrite the value in place; the shape must match."""
        value = xp.asarray(value)
        if tuple(value.shape) != self.shape:
            raise ShapeError(
                f"Cannot assign a value of shape {tuple(value.shape)} to variable "
                f"'{self.path}' of shape {self.shape}."
            )
        self.value[...] = value
        return self

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        array = backend.to_numpy(self.value)
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={backend.to_numpy(self.value)!r}>"
        )


class Pack:
    """Several variables' values and gradients as views into two contiguous buffers.

    With every weight of a model in one buffer (and every gradient in another), an optimizer
    step is a handful of vectorised operations over all the weights at once instead of a few
    per weight: for small networks that per-call overhead is most of a training step.

    Attributes:
        values, grads: the flat buffers.
        variables: the packed variables, in buffer order.
        offsets: where each variable starts in the buffers.
    """

    def __init__(self, variables: Iterable[Variable]):
        variables = list(variables)
        dtypes = {v.value.dtype for v in variables}
        if not variables or len(dtypes) != 1 or any(v.grad is None for v in variables):
            raise ValueError("pack() needs trainable variables that all have the same dtype.")
        total = sum(v.size for v in variables)
        self.values = xp.empty(total, dtype=dtypes.pop())
        self.grads = xp.zeros_like(self.values)
        self.variables = tuple(variables)
        self.offsets: list[int] = []
        offset = 0
        for variable in variables:
            end = offset + variable.size
            self.values[offset:end] = variable.value.reshape(-1)
            self.grads[offset:end] = variable.grad.reshape(-1)
            variable.value = self.values[offset:end].reshape(variable.shape)
            variable.grad = self.grads[offset:end].reshape(variable.shape)
            variable.pack = self
            self.offsets.append(offset)
            offset = end

    def covers(self, variables: Iterable[Variable]) -> bool:
        """True if ``variables`` are exactly this pack's, in buffer order."""
        variables = list(variables)
        return len(variables) == len(self.variables) and all(
            a is b for a, b in zip(variables, self.variables)
        )

    def views(self, flat: Array) -> list[Array]:
        """``flat`` (a buffer of the pack's size) cut into one view per variable."""
        return [
            flat[offset : offset + v.size].reshape(v.shape)
            for offset, v in zip(self.offsets, self.variables)
        ]


def pack(variables: Iterable[Variable]) -> Pack | None:
    """Move ``variables`` into one contiguous buffer (values) and one (gradients).

    Returns the Pack, or None when they cannot share one (mixed dtypes, or already packed
    together). Values and gradients keep their contents; layers read them through the
    variables, so nothing else changes.
    """
    variables = list(variables)
    if not variables:
        return None
    existing = variables[0].pack
    if existing is not None and existing.covers(variables):
        return existing
    if len({v.value.dtype for v in variables}) != 1 or any(v.grad is None for v in variables):
        return None
    return Pack(variables)
