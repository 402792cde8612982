"""The array namespace and the numeric settings every other module reads.

All array math in neuronet goes through ``xp``: NumPy by default, CuPy when the environment
variable ``NEURONET_BACKEND=cupy`` is set before import. Settings mirror Keras's
``keras.backend``: ``floatx()`` (float32 by default), ``epsilon()`` (1e-7), and
``set_random_seed(seed)``, which makes weights, shuffling and dropout reproducible.
"""

import functools
import importlib
import os
import random as _py_random
from typing import Any

import numpy as np
import numpy.typing as npt

from neuronet.errors import UnknownIdentifierError

_BACKEND = os.environ.get("NEURONET_BACKEND", "numpy").strip().lower() or "numpy"
# ``xp`` is typed Any: it is NumPy or CuPy (which has no type stubs) depending on the
# environment, so no single module type is right for both.
xp: Any
if _BACKEND == "numpy":
    xp = np
elif _BACKEND == "cupy":
    xp = importlib.import_module("cupy")  # optional extra "gpu"
else:
    raise UnknownIdentifierError(
        f"NEURONET_BACKEND={_BACKEND!r} is not a backend neuronet has; use 'numpy' or 'cupy'."
    )

_FLOATX = "float32"
_EPSILON = 1e-7
_FLOAT_TYPES = ("float16", "float32", "float64")

# An array of the backend in use: ``numpy.ndarray``, or ``cupy.ndarray`` under CuPy. CuPy has no
# type stubs and its arrays are not NumPy arrays, so the alias is Any rather than a precise type.
# Functions that convert their input first (``x = xp.asarray(x)``) take ``Array`` too: a
# ``numpy.typing.ArrayLike`` parameter would keep that type after the conversion.
Array = Any


def backend() -> str:
    """The name of the array library in use: ``'numpy'`` or ``'cupy'``."""
    return _BACKEND


def floatx() -> str:
    """The default float type of weights and data, as a string (``'float32'``)."""
    return _FLOATX


def set_floatx(value: npt.DTypeLike) -> None:
    """Set the default float type (``'float16'``, ``'float32'`` or ``'float64'``).

    Layers built and optimizers created afterwards use it; existing weights keep theirs.
    """
    global _FLOATX
    value = str(np.dtype(value)) if not isinstance(value, str) else value
    if value not in _FLOAT_TYPES:
        raise ValueError(f"Unknown floatx type {value!r}; expected one of {_FLOAT_TYPES}.")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor used to keep logs and divisions finite (1e-7, as in Keras)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor returned by ``epsilon()``."""
    global _EPSILON
    _EPSILON = float(value)


def to_numpy(array: npt.ArrayLike) -> np.ndarray:
    """Return ``array`` as a NumPy array (copying it off the GPU under CuPy)."""
    if _BACKEND == "cupy" and isinstance(array, xp.ndarray):
        return xp.asnumpy(array)
    return np.asarray(array)


def take_rows(array: Array, index: Array, out: Array) -> Array:
    """``array[index]`` written into ``out`` (rows gathered into a reused batch buffer)."""
    if _BACKEND == "numpy":
        # mode="clip" (the indices are valid anyway): with the default mode NumPy gathers
        # into a temporary first.
        return np.take(array, index, axis=0, out=out, mode="clip")
    return xp.take(array, index, axis=0, out=out)


@functools.lru_cache(maxsize=4096)
def constant(value: float, dtype: npt.DTypeLike) -> Array:
    """``value`` as a read-only 0-d array of ``dtype``, made once and reused.

    Array operations take a 0-d array operand faster than a Python float (NumPy converts the
    float on every call), which matters in the per-step math of small models.
    """
    array = xp.asarray(value, dtype=dtype)
    if _BACKEND == "numpy":
        array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=64)
def ones(length: int, dtype: npt.DTypeLike) -> Array:
    """A read-only vector of ``length`` ones, made once and reused.

    ``ones(n) @ g`` sums the rows of ``g`` (a bias gradient) as one matrix-vector product,
    several times faster than ``g.sum(axis=0)``.
    """
    array = xp.ones(length, dtype=dtype)
    if _BACKEND == "numpy":
        array.flags.writeable = False
    return array


def all_finite(array: np.ndarray) -> bool:
    """True if a float NumPy array holds no NaN or infinity.

    A finite sum proves it (NaN and infinities propagate through a sum) in one pass without
    a temporary; only when the sum is not finite (bad values, or a sum that overflows) are
    the elements checked one by one.
    """
    if array.size <= 65536:  # small: the temporary costs less than the error state
        return bool(np.isfinite(array).all())
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(array.sum()):
            return True
    return bool(np.isfinite(array).all())


def as_float_array(value: npt.ArrayLike, dtype: npt.DTypeLike | None = None) -> Array:
    """Return ``value`` as an ``xp`` array of ``dtype`` (``floatx()`` by default)."""
    return xp.asarray(value, dtype=dtype or _FLOATX)


# --- randomness -------------------------------------------------------------------------------
# One NumPy Generator feeds initializers, shuffling and dropout, so that one seed fixes a run.
_GENERATOR = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Seed every source of randomness neuronet uses, like ``keras.utils.set_random_seed``.

    The same seed gives bit-identical initial weights, shuffling order, dropout masks and hence
    training, run to run and process to process. Python's ``random`` and NumPy's legacy global
    state are seeded too, as Keras does, for user code that relies on them.
    """
    global _GENERATOR
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"Expected `seed` to be an integer, got {seed!r}.")
    _GENERATOR = np.random.default_rng(int(seed))
    _py_random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)


def generator() -> np.random.Generator:
    """The NumPy Generator that neuronet draws from (reseeded by ``set_random_seed``)."""
    return _GENERATOR


def make_generator(seed: int | None = None) -> np.random.Generator:
    """A Generator for an object with its own ``seed`` argument, or the shared one for None."""
    if seed is None:
        return _GENERATOR
    return np.random.default_rng(int(seed))


# --- unique names -----------------------------------------------------------------------------
_UIDS: dict[str, int] = {}


def get_uid(prefix: str) -> int:
    """Return 0 the first time ``prefix`` is seen, then 1, 2, ... (Keras's naming counter)."""
    count = _UIDS.get(prefix, -1) + 1
    _UIDS[prefix] = count
    return count


def unique_name(prefix: str) -> str:
    """``prefix``, then ``prefix_1``, ``prefix_2``, ...: Keras's automatic layer names."""
    uid = get_uid(prefix)
    return prefix if uid == 0 else f"{prefix}_{uid}"


def clear_session() -> None:
    """Reset automatic names (``dense``, ``dense_1``, ...) as ``keras.backend.clear_session``."""
    _UIDS.clear()
