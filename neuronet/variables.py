"""Variable: one weight array, its gradient, and how it takes part in training."""

import numpy as np

from neuronet import backend
from neuronet.backend import xp
from neuronet.errors import ShapeError


class Variable:
    """A weight (or optimizer state) array with a name, like Keras's ``keras.Variable``.

    Attributes:
        value: the array itself (``xp.ndarray``). Updates happen in place, so the array object
            stays the same for the variable's whole life.
        grad: the gradient of the loss with respect to ``value``, filled by the owning layer's
            ``backward`` (None for variables that are never trained).
        name: short name (``"kernel"``); ``path`` is the full one (``"dense/kernel"``).
        trainable: whether optimizers update it.
        regularizer: a callable penalty on ``value`` (with a ``grad`` method), or None.
    """

    def __init__(self, value, name, *, path=None, trainable=True, regularizer=None, dtype=None):
        self.value = xp.array(value, dtype=dtype or backend.floatx())
        self.name = name
        self.path = path or name
        self.trainable = trainable
        self.regularizer = regularizer
        self.grad = xp.zeros_like(self.value) if trainable else None

    @property
    def shape(self):
        return tuple(self.value.shape)

    @property
    def dtype(self):
        return str(self.value.dtype)

    @property
    def size(self):
        return int(self.value.size)

    def numpy(self):
        """A NumPy copy of the value."""
        return np.array(backend.to_numpy(self.value))

    def assign(self, value):
        """Overwrite the value in place; the shape must match."""
        value = xp.asarray(value)
        if tuple(value.shape) != self.shape:
            raise ShapeError(
                f"Cannot assign a value of shape {tuple(value.shape)} to variable "
                f"'{self.path}' of shape {self.shape}."
            )
        self.value[...] = value
        return self

    def __array__(self, dtype=None, copy=None):
        array = backend.to_numpy(self.value)
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={backend.to_numpy(self.value)!r}>"
        )
