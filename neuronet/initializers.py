"""Initializers: the starting values of weights, by Keras 3 name, defaults and formulas.

An initializer is called as ``init(shape, dtype=None)`` and returns an ``xp`` array of that
shape, in ``dtype`` or ``backend.floatx()``. Random values are drawn with NumPy on the host and
moved to the device with ``xp.asarray``, so NumPy and CuPy runs see the same numbers.

Randomness: an initializer built with ``seed=None`` draws from neuronet's shared generator, so
``backend.set_random_seed(s)`` makes every initial weight reproducible and two calls give
different values. With an integer ``seed`` every call gives the same values, as Keras 3
documents.

>>> from neuronet import initializers
>>> kernel = initializers.get("glorot_uniform")((2, 3))
>>> kernel.shape, str(kernel.dtype)
((2, 3), 'float32')
"""

from __future__ import annotations

import inspect
import math
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import Array, xp
from neuronet.errors import check_kwargs, did_you_mean
from neuronet.registry import Registry

if TYPE_CHECKING:
    from collections.abc import Sequence

INITIALIZERS = Registry("initializer", "keras.initializers")

# Standard deviation of a standard normal cut to [-2, 2]: dividing by it makes a truncated
# normal's spread, after truncation, the one asked for (Keras's VarianceScaling constant).
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


# --- helpers ----------------------------------------------------------------------------------
def _standardize_shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = tuple(int(dim) for dim in shape)
    if any(dim < 0 for dim in shape):
        raise ValueError(f"Cannot initialize a weight of negative shape {shape}.")
    return shape


def _standardize_dtype(dtype: npt.DTypeLike | None) -> np.dtype[Any]:
    return np.dtype(dtype if dtype is not None else backend.floatx())


def _float_dtype(dtype: npt.DTypeLike | None, owner: str) -> np.dtype[Any]:
    dtype = _standardize_dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"{owner} draws floats; expected a float dtype, got {dtype.name!r}.")
    return dtype


def _check_seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"`seed` must be None or a non-negative integer. Received: seed={seed!r}")
    return int(seed)


def _to_device(host_values, dtype):
    """Cast on the host first so that only ``dtype``'s bytes travel to the device."""
    return xp.asarray(np.asarray(host_values).astype(dtype, copy=False))


def _truncated_standard_normal(rng, count):
    """``count`` standard normal draws; any beyond 2 in absolute value is drawn again."""
    values = np.empty(count)
    filled = 0
    while filled < count:
        missing = count - filled
        draw = rng.standard_normal(missing + missing // 16 + 8)  # about 4.6% fall outside
        kept = draw[np.abs(draw) <= 2.0][:missing]
        values[filled : filled + kept.size] = kept
        filled += kept.size
    return values


def _constructor_arguments(cls):
    """The keyword arguments ``cls`` takes, or None when its ``**kwargs`` takes any."""
    if cls.__init__ is object.__init__:
        return []
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p.name for p in parameters if p.kind in named]


def compute_fans(
    shape: Sequence[int],
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras counts them.

    Args:
        shape: the weight's shape.
        input_axes, output_axes: when both are given, the fans are the products of the sizes
            along these axes. Otherwise: a scalar has fans 1; a vector of length n has n and n;
            a matrix ``(n_in, n_out)`` has ``n_in`` and ``n_out``; a kernel of rank 3 or more,
            ``(*spatial, n_in, n_out)``, multiplies both by the receptive field ``prod(spatial)``.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[axis] for axis in input_axes)
        fan_out = math.prod(shape[axis] for axis in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


# --- base -------------------------------------------------------------------------------------
class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns the initial array.

    Subclasses describe themselves with ``get_config()``; ``from_config(config)`` rebuilds them
    and rejects keys the constructor does not take.
    """

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        allowed = _constructor_arguments(cls)
        if allowed is not None:
            check_kwargs(f"{cls.__name__}.from_config", config, allowed)
        return cls(**config)

    def clone(self) -> Self:
        """A new initializer with the same configuration."""
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"


class RandomInitializer(Initializer):
    """An initializer that draws random numbers, from its own seed or the shared generator."""

    def __init__(self, seed: int | None = None):
        self.seed = _check_seed(seed)

    def _generator(self) -> np.random.Generator:
        # Looked up at each call: set_random_seed replaces the shared generator.
        return backend.make_generator(self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


# --- constants --------------------------------------------------------------------------------
@INITIALIZERS.register("Zeros", "zeros", "zero")
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        return xp.zeros(_standardize_shape(shape), dtype=_standardize_dtype(dtype))


@INITIALIZERS.register("Ones", "ones", "one")
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        return xp.ones(_standardize_shape(shape), dtype=_standardize_dtype(dtype))


@INITIALIZERS.register("Constant", "constant")
class Constant(Initializer):
    """Every element equal to ``value``.

    Args:
        value: a scalar (Keras's documented case); an array broadcastable to the weight's shape
            also works and is written to configs in Keras's ``__numpy__`` form.
    """

    def __init__(self, value: npt.ArrayLike = 0.0):
        if isinstance(value, np.generic):
            value = value.item()
        elif not isinstance(value, (int, float)):
            value = np.asarray(backend.to_numpy(value))
            if value.ndim == 0:
                value = value.item()
        self.value = value

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        dtype = _standardize_dtype(dtype)
        return xp.asarray(self.value, dtype=dtype) * xp.ones(_standardize_shape(shape), dtype)

    def get_config(self) -> dict[str, Any]:
        if isinstance(self.value, np.ndarray):
            config = {"value": self.value.tolist(), "dtype": str(self.value.dtype)}
            return {"value": {"class_name": "__numpy__", "config": config}}
        return {"value": self.value}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        value = config.get("value", 0.0)
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            inner = value.get("config", {})
            value = np.array(inner.get("value"), dtype=inner.get("dtype"))
        return super().from_config({**config, "value": value})


@INITIALIZERS.register("Identity", "identity", "IdentityInitializer")
class Identity(Initializer):
    """The identity matrix times ``gain``; ones on the main diagonal of a rectangular matrix.

    Args:
        gain: the factor applied to the identity matrix.

    Formula:
        W[i, j] = gain if i == j else 0
    """

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        shape = _standardize_shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _standardize_dtype(dtype)
        return (self.gain * xp.eye(*shape, dtype=dtype)).astype(dtype, copy=False)

    def get_config(self) -> dict[str, Any]:
        # Keras 3.15 writes {} here and so loses `gain`; writing it keeps files faithful and
        # Keras still reads them, since Identity(gain=...) is its constructor.
        return {"gain": self.gain}


# --- plain distributions ----------------------------------------------------------------------
@INITIALIZERS.register("RandomNormal", "random_normal", "normal")
class RandomNormal(RandomInitializer):
    """Samples from a normal distribution.

    Args:
        mean: the mean of the values.
        stddev: their standard deviation.
        seed: None (draw from the shared generator) or an integer (same values every call).

    Formula:
        W ~ N(mean, stddev^2)
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        shape = _standardize_shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        values = self.mean + self.stddev * self._generator().standard_normal(shape)
        return _to_device(values, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@INITIALIZERS.register("RandomUniform", "random_uniform", "uniform")
class RandomUniform(RandomInitializer):
    """Samples from a uniform distribution on ``[minval, maxval)``.

    Args:
        minval: the lower bound (inclusive).
        maxval: the upper bound (exclusive).
        seed: None (draw from the shared generator) or an integer (same values every call).

    Formula:
        W ~ U(minval, maxval)
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        shape = _standardize_shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        values = self._generator().uniform(self.minval, self.maxval, shape)
        return _to_device(values, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


@INITIALIZERS.register("TruncatedNormal", "truncated_normal")
class TruncatedNormal(RandomInitializer):
    """Samples from a normal distribution; values more than two stddev from the mean are redrawn.

    Args:
        mean: the mean of the untruncated distribution.
        stddev: the standard deviation before truncation (after it, about 0.88 times this).
        seed: None (draw from the shared generator) or an integer (same values every call).

    Formula:
        W = mean + stddev * z,  z ~ N(0, 1) conditioned on |z| <= 2
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        shape = _standardize_shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        unit = _truncated_standard_normal(self._generator(), math.prod(shape)).reshape(shape)
        return _to_device(self.mean + self.stddev * unit, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


# --- variance scaling and its named cases -----------------------------------------------------
@INITIALIZERS.register("VarianceScaling", "variance_scaling")
class VarianceScaling(RandomInitializer):
    """Random values whose variance is ``scale / n``, with ``n`` taken from the weight's fans.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``: which ``n`` to use.
        distribution: ``"truncated_normal"`` (``"normal"`` is read as this),
            ``"untruncated_normal"`` or ``"uniform"``.
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: axes whose sizes make ``fan_in`` and ``fan_out`` (both needed;
            otherwise the usual rule of ``compute_fans``).

    Formula:
        n = fan_in | fan_out | (fan_in + fan_out) / 2, at least 1
        uniform:            W ~ U(-limit, limit),  limit = sqrt(3 * scale / n)
        untruncated_normal: W ~ N(0, scale / n)
        truncated_normal:   W = s * z, z ~ N(0, 1) cut at |z| <= 2,
                            s = sqrt(scale / n) / 0.87962566103423978 (so std(W)^2 = scale / n)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ):
        if not scale > 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in self._MODES:
            raise ValueError(
                f"Invalid `mode` argument: {mode!r}.{did_you_mean(mode, self._MODES)} "
                f"Use one of {', '.join(self._MODES)}."
            )
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}."
                f"{did_you_mean(distribution, self._DISTRIBUTIONS)} "
                f"Use one of {', '.join(self._DISTRIBUTIONS)}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def variance(self, shape: Sequence[int]) -> float:
        """The target variance ``scale / n`` for a weight of this shape."""
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        return self.scale / max(1.0, n[self.mode])

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        shape = _standardize_shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        variance = self.variance(shape)
        rng = self._generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, shape)
        elif self.distribution == "untruncated_normal":
            values = math.sqrt(variance) * rng.standard_normal(shape)
        else:
            stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV
            values = stddev * _truncated_standard_normal(rng, math.prod(shape)).reshape(shape)
        return _to_device(values, dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling whose scale, mode and distribution are fixed by its name."""

    _SETTINGS: dict[str, Any] = {}  # scale, mode, distribution

    def __init__(
        self,
        seed: int | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ):
        super().__init__(
            **self._SETTINGS, seed=seed, input_axes=input_axes, output_axes=output_axes
        )

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


@INITIALIZERS.register("GlorotUniform", "glorot_uniform")
class GlorotUniform(_NamedVarianceScaling):
    """Glorot (Xavier) uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    Args:
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: see ``VarianceScaling``.
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


@INITIALIZERS.register("GlorotNormal", "glorot_normal")
class GlorotNormal(_NamedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with ``std = sqrt(2 / (fan_in + fan_out))``.

    Args:
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: see ``VarianceScaling``.
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


@INITIALIZERS.register("HeUniform", "he_uniform")
class HeUniform(_NamedVarianceScaling):
    """He uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / fan_in)``.

    Args:
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: see ``VarianceScaling``.
    """

    _SETTINGS = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


@INITIALIZERS.register("HeNormal", "he_normal")
class HeNormal(_NamedVarianceScaling):
    """He normal: truncated normal with ``std = sqrt(2 / fan_in)``.

    Args:
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: see ``VarianceScaling``.
    """

    _SETTINGS = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


@INITIALIZERS.register("LecunUniform", "lecun_uniform")
class LecunUniform(_NamedVarianceScaling):
    """LeCun uniform: ``U(-limit, limit)``, ``limit = sqrt(3 / fan_in)``.

    Args:
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: see ``VarianceScaling``.
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


@INITIALIZERS.register("LecunNormal", "lecun_normal")
class LecunNormal(_NamedVarianceScaling):
    """LeCun normal: truncated normal with ``std = sqrt(1 / fan_in)``.

    Args:
        seed: None (draw from the shared generator) or an integer (same values every call).
        input_axes, output_axes: see ``VarianceScaling``.
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


# --- orthogonal -------------------------------------------------------------------------------
@INITIALIZERS.register("Orthogonal", "orthogonal", "OrthogonalInitializer")
class Orthogonal(RandomInitializer):
    """A random orthogonal matrix times ``gain`` (orthonormal columns if tall, rows if wide).

    A weight of rank above 2 is drawn as the matrix ``(prod(shape[:-1]), shape[-1])`` and
    reshaped.

    Args:
        gain: the factor applied to the orthogonal matrix.
        seed: None (draw from the shared generator) or an integer (same values every call).

    Formula:
        A ~ N(0, 1) of shape (max(r, c), min(r, c));  A = Q R;  Q <- Q * sign(diag(R))
        W = gain * Q (transposed when r < c),  so W^T W = gain^2 I or W W^T = gain^2 I
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: int | Sequence[int], dtype: npt.DTypeLike | None = None) -> Array:
        shape = _standardize_shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        # The factorization is host-side work, like the draw itself, done in float64.
        draw = self._generator().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(draw)
        # Fixing the signs by R's diagonal makes Q uniform over the orthogonal group.
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _to_device(self.gain * q.reshape(shape), dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "gain": self.gain}


# --- Keras's lowercase names for the classes --------------------------------------------------
zeros = zero = Zeros
ones = one = Ones
constant = Constant
identity = IdentityInitializer = Identity
random_normal = normal = RandomNormal
random_uniform = uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = OrthogonalInitializer = Orthogonal


# --- get / serialize / deserialize ------------------------------------------------------------
def serialize(initializer: Initializer | None) -> str | dict[str, Any] | None:
    """Keras's ``{"module", "class_name", "config", "registered_name"}`` form (None -> None)."""
    if initializer is None:
        return None
    return INITIALIZERS.serialize(initializer)


def deserialize(
    config: str | dict[str, Any] | None, custom_objects: dict[str, Any] | None = None
) -> Any:
    """Rebuild an initializer from a name or a Keras 2/3 config dict; a class name gives an
    instance with default arguments."""
    if config is None:
        return None
    obj = INITIALIZERS.deserialize(config, custom_objects)
    return obj() if inspect.isclass(obj) else obj


def get(identifier: Any) -> Any:
    """An initializer from a name, a config dict, a class, an instance or a callable.

    A name gives a fresh instance each time, so two layers never share one seeded object.

    Raises:
        UnknownIdentifierError: an unknown name (with the closest known one suggested).
        ValueError: anything else that is not callable.
    """
    return INITIALIZERS.get(identifier)
