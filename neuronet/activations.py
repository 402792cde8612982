"""Activation functions by their Keras 3 names, each with its derivative written under it.

Every activation ``f(x, **kwargs)`` takes an array and returns one of the same shape and
dtype. Its derivative ``f_grad(x, y, grad_output, **kwargs)`` takes the input ``x``, the output
``y = f(x)`` that the layer cached in its forward pass and ``grad_output = dL/dy``, and returns
``dL/dx``. It reads ``y`` where the math allows (``tanh' = 1 - y^2``), so backward never reruns
the forward pass. ``softmax`` and ``log_softmax`` mix the entries along ``axis``; their
derivatives are vector-Jacobian products along that axis.

At kinks the derivatives take TensorFlow's values, as Keras's default backend does: relu'(0) = 0,
relu6'(0) = relu6'(6) = 0, leaky_relu'(0) = negative_slope, elu'(0) = alpha, selu'(0) = scale,
hard_sigmoid'(+-3) = 0.

``get`` turns a name, a config or a callable into the function; ``serialize`` gives its name;
``gradient`` gives its derivative; ``register`` adds a user's activation with its derivative.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from neuronet import backend
from neuronet.backend import Array, xp
from neuronet.registry import Registry
from neuronet.special import erfc

if TYPE_CHECKING:
    from collections.abc import Callable

ACTIVATIONS = Registry("activation", "keras.activations")


def register(
    fn: Callable[..., Array], grad: Callable[..., Array], *names: str
) -> Callable[..., Array]:
    """Add an activation and its derivative under ``names`` (default: ``fn.__name__``).

    The first name is the canonical one that ``serialize`` writes; the others are aliases.
    A model saved with a registered activation loads wherever the same call has been made.

    Args:
        fn: the activation, ``fn(x, **kwargs) -> y``.
        grad: its derivative, ``grad(x, y, grad_output, **kwargs) -> dL/dx``.
        *names: the names to register it under.

    Returns:
        ``fn``, unchanged.
    """
    return ACTIVATIONS.add_with_gradient(fn, grad, *names)


_derivative_of = ACTIVATIONS.derivative_of


def _as_float(x):
    """``x`` as an ``xp`` array; lists and integer arrays become ``floatx()``, as in Keras."""
    x = xp.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(backend.floatx())


# Python floats, not NumPy scalars, everywhere below: they take the array's dtype, so float32
# stays float32.

# --- identity and classic squashing functions -------------------------------------------------


def linear(x: Array) -> Array:
    """Linear (pass-through) activation: returns ``x`` itself.

    Formula:
        linear(x) = x
    """
    return x


@_derivative_of(linear)
def linear_grad(x: Array, y: Array, grad_output: Array) -> Array:
    return grad_output


def sigmoid(x: Array) -> Array:
    """Logistic sigmoid, computed without overflow for any ``x``.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x))
    """
    x = _as_float(x)
    if x.dtype.itemsize < 4:  # float16 overflows e^-x too soon: compute in float32
        return sigmoid(x.astype("float32")).astype(x.dtype)
    return _sigmoid_of_negated(xp.negative(x))


def _sigmoid_of_negated(e):
    """sigmoid(x), given ``e = -x``, computed over ``e`` itself."""
    # 1 / (1 + e^-x) has no cancellation for any x. Where e^-x overflows (x below about -88
    # in float32) it is inf and the result exactly 0, as in Keras: no warning for that.
    with np.errstate(over="ignore"):
        xp.exp(e, out=e)
    e += backend.constant(1.0, e.dtype)
    return xp.reciprocal(e, out=e)


@_derivative_of(sigmoid)
def sigmoid_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # sigmoid' = y (1 - y)
    return grad_output * y * (1.0 - y)


def tanh(x: Array) -> Array:
    """Hyperbolic tangent.

    Formula:
        tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    """
    return xp.tanh(_as_float(x))


@_derivative_of(tanh)
def tanh_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # tanh' = 1 - y^2
    derivative = xp.multiply(y, y)
    xp.subtract(backend.constant(1.0, derivative.dtype), derivative, out=derivative)
    derivative *= grad_output
    return derivative


def softsign(x: Array) -> Array:
    """Softsign.

    Formula:
        softsign(x) = x / (|x| + 1)
    """
    x = _as_float(x)
    return x / (xp.abs(x) + 1.0)


@_derivative_of(softsign)
def softsign_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # softsign' = 1 / (1 + |x|)^2. Equal to (1 - |y|)^2, but that loses the digits of a
    # small derivative to cancellation when |y| is near 1.
    denominator = xp.abs(x) + 1.0
    return grad_output / (denominator * denominator)


def exponential(x: Array) -> Array:
    """Exponential activation.

    Formula:
        exponential(x) = exp(x)
    """
    return xp.exp(_as_float(x))


@_derivative_of(exponential)
def exponential_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # exp' = exp = y
    return grad_output * y


# --- the rectifier family -----------------------------------------------------------------------


def relu(
    x: Array,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> Array:
    """Rectified linear unit, with Keras's optional slope, ceiling and threshold.

    Formula:
        u = x * (x > threshold)                       (max(x, 0) when threshold == 0)
        u = clip(u, 0, max_value)                     (when max_value is given)
        relu(x) = u - negative_slope * max(threshold - x, 0)

    Args:
        x: input array.
        negative_slope: slope below the threshold (0: flat).
        max_value: the largest value returned; None for no ceiling.
        threshold: values at or below it are damped (to 0, or by ``negative_slope``).
    """
    x = _as_float(x)
    negative_slope, max_value, threshold = _relu_settings(negative_slope, max_value, threshold)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return leaky_relu(x, negative_slope=negative_slope)
    clip_max = max_value is not None
    if threshold != 0:
        # Keras's formula: for a negative threshold, values between it and 0 pass unchanged
        # (negative) unless max_value also clips them at 0.
        y = x * (x > threshold)
    elif max_value == 6:
        y = xp.clip(x, 0.0, 6.0)  # TensorFlow's relu6 op (its derivative is 0 at 6)
        clip_max = False
    else:
        y = xp.maximum(x, 0.0)
    if clip_max:
        y = xp.clip(y, 0.0, max_value)
    if negative_slope != 0.0:
        y = y - negative_slope * xp.maximum(threshold - x, 0.0)
    return y


def _relu_settings(negative_slope, max_value, threshold):
    # Python floats: a NumPy float64 scalar would turn a float32 result into float64.
    max_value = None if max_value is None else float(max_value)
    return float(negative_slope), max_value, float(threshold)


@_derivative_of(relu)
def relu_grad(
    x: Array,
    y: Array,
    grad_output: Array,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> Array:
    # Mirrors relu step by step; each step's derivative is TensorFlow's.
    negative_slope, max_value, threshold = _relu_settings(negative_slope, max_value, threshold)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return leaky_relu_grad(x, y, grad_output, negative_slope=negative_slope)
    clip_max = max_value is not None
    if threshold != 0:
        passes = x > threshold  # forward was: u = x * (x > threshold)
    elif max_value == 6:
        passes = (x > 0) & (x < 6)  # forward was: relu6(x)
        clip_max = False
    else:
        passes = x > 0  # forward was: max(x, 0); 0 at x == 0
    if clip_max:
        # forward was: clip(u, 0, max_value), where u == x wherever `passes`; TensorFlow's
        # clip lets the gradient through at both bounds.
        passes = passes & (x >= 0) & (x <= max_value)
    grad_input = grad_output * passes
    if negative_slope != 0.0:
        # forward was: - negative_slope * max(threshold - x, 0); 0 at x == threshold
        grad_input = grad_input + (negative_slope * grad_output) * (x < threshold)
    return grad_input


def leaky_relu(x: Array, negative_slope: float = 0.2) -> Array:
    """Leaky rectifier.

    Formula:
        leaky_relu(x) = x if x > 0 else negative_slope * x

    Args:
        x: input array.
        negative_slope: slope for ``x <= 0``.
    """
    x = _as_float(x)
    return xp.where(x > 0, x, float(negative_slope) * x)


@_derivative_of(leaky_relu)
def leaky_relu_grad(x: Array, y: Array, grad_output: Array, negative_slope: float = 0.2) -> Array:
    # 1 for x > 0, negative_slope for x <= 0 (TensorFlow's value at 0).
    return xp.where(x > 0, grad_output, float(negative_slope) * grad_output)


def relu6(x: Array) -> Array:
    """Rectifier capped at 6.

    Formula:
        relu6(x) = min(max(x, 0), 6)
    """
    return xp.clip(_as_float(x), 0.0, 6.0)


@_derivative_of(relu6)
def relu6_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # 1 strictly between 0 and 6, 0 elsewhere including both kinks.
    return grad_output * ((x > 0) & (x < 6))


def elu(x: Array, alpha: float = 1.0) -> Array:
    """Exponential linear unit.

    Formula:
        elu(x) = x if x > 0 else alpha * (exp(x) - 1)

    Args:
        x: input array.
        alpha: the value ``elu`` tends to as ``x -> -inf`` is ``-alpha``.
    """
    x = _as_float(x)
    # expm1 keeps the digits of exp(x) - 1 near 0; min(x, 0) keeps exp from overflowing for
    # the positive entries, which `where` takes from the other branch anyway.
    return xp.where(x > 0, x, float(alpha) * xp.expm1(xp.minimum(x, 0.0)))


@_derivative_of(elu)
def elu_grad(x: Array, y: Array, grad_output: Array, alpha: float = 1.0) -> Array:
    # elu' = 1 for x > 0, alpha * exp(x) = y + alpha for x <= 0 (alpha at 0, as TensorFlow).
    return xp.where(x > 0, grad_output, grad_output * (y + float(alpha)))


# Klambauer et al. 2017, to TensorFlow's digits; scale * alpha is written out, not multiplied.
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123  # alpha = 1.6732632423543772848...


def selu(x: Array) -> Array:
    """Scaled exponential linear unit with Keras's constants.

    Formula:
        selu(x) = scale * x if x > 0 else scale * alpha * (exp(x) - 1)
        alpha = 1.6732632423543772848..., scale = 1.0507009873554804934...
    """
    x = _as_float(x)
    negative = _SELU_SCALE_ALPHA * xp.expm1(xp.minimum(x, 0.0))
    return xp.where(x > 0, _SELU_SCALE * x, negative)


@_derivative_of(selu)
def selu_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # selu' = scale for x >= 0 (TensorFlow's value at 0), y + scale * alpha for x < 0.
    return xp.where(x < 0, grad_output * (y + _SELU_SCALE_ALPHA), grad_output * _SELU_SCALE)


# --- smooth rectifiers ----------------------------------------------------------------------


def softplus(x: Array) -> Array:
    """Softplus, computed without overflow for any ``x``.

    Formula:
        softplus(x) = log(exp(x) + 1) = max(x, 0) + log(1 + exp(-|x|))
    """
    x = _as_float(x)
    return xp.maximum(x, 0.0) + xp.log1p(xp.exp(-xp.abs(x)))


@_derivative_of(softplus)
def softplus_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # softplus' = sigmoid(x) = 1 - exp(-y), since exp(y) = 1 + exp(x); -expm1(-y) keeps the
    # digits when y is tiny (x very negative).
    return grad_output * -xp.expm1(-y)


def silu(x: Array) -> Array:
    """SiLU, also called swish.

    Formula:
        silu(x) = x * sigmoid(x)
    """
    x = _as_float(x)
    return x * sigmoid(x)


@_derivative_of(silu, "silu", "swish")
def silu_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # silu' = s + x s (1 - s) with s = sigmoid(x); s = y / x is undefined at 0, so recompute.
    s = sigmoid(x)
    return grad_output * (s * (1.0 + x * (1.0 - s)))


def mish(x: Array) -> Array:
    """Mish.

    Formula:
        mish(x) = x * tanh(softplus(x))
    """
    x = _as_float(x)
    return x * xp.tanh(softplus(x))


@_derivative_of(mish)
def mish_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # mish' = t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x)); y / x fails at 0.
    t = xp.tanh(softplus(x))
    return grad_output * (t + x * (1.0 - t * t) * sigmoid(x))


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)  # 0.7978845608028654, Keras's constant
_GELU_CUBIC = 0.044715
_ONE_OVER_SQRT_2 = 1.0 / math.sqrt(2.0)
_ONE_OVER_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def gelu(x: Array, approximate: bool = False) -> Array:
    """Gaussian error linear unit: ``x`` times the standard normal CDF of ``x``.

    Formula:
        exact:       gelu(x) = 0.5 x (1 + erf(x / sqrt(2))) = 0.5 x erfc(-x / sqrt(2))
        approximate: gelu(x) = 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))

    Args:
        x: input array.
        approximate: use the tanh approximation instead of the exact erf form.
    """
    x = _as_float(x)
    if approximate:
        inner = _SQRT_2_OVER_PI * (x + _GELU_CUBIC * (x * x * x))
        return 0.5 * x * (1.0 + xp.tanh(inner))
    # erfc(-z) rather than 1 + erf(z): no cancellation in the left tail.
    return 0.5 * x * erfc(-_ONE_OVER_SQRT_2 * x)


@_derivative_of(gelu)
def gelu_grad(x: Array, y: Array, grad_output: Array, approximate: bool = False) -> Array:
    if approximate:
        # d/dx 0.5 x (1 + t) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
        x_squared = x * x
        t = xp.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * (x_squared * x)))
        d_inner = _SQRT_2_OVER_PI * (1.0 + (3.0 * _GELU_CUBIC) * x_squared)
        return grad_output * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner)
    # gelu' = Phi(x) + x phi(x), the normal CDF plus x times its density.
    cdf = 0.5 * erfc(-_ONE_OVER_SQRT_2 * x)
    density = _ONE_OVER_SQRT_2PI * xp.exp(-0.5 * (x * x))
    return grad_output * (cdf + x * density)


# --- piecewise-linear approximations -----------------------------------------------------------


def hard_sigmoid(x: Array) -> Array:
    """Hard sigmoid, Keras 3's definition (Keras 2 used ``clip(0.2 x + 0.5, 0, 1)``).

    Formula:
        hard_sigmoid(x) = relu6(x + 3) / 6 = 0 for x <= -3, 1 for x >= 3, x / 6 + 0.5 between
    """
    x = _as_float(x)
    return xp.clip(x + 3.0, 0.0, 6.0) / 6.0


@_derivative_of(hard_sigmoid)
def hard_sigmoid_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # forward was: relu6(x + 3) / 6, whose derivative is 0 at both kinks.
    shifted = x + 3.0
    return (grad_output / 6.0) * ((shifted > 0) & (shifted < 6))


def hard_silu(x: Array) -> Array:
    """Hard SiLU, also called hard swish.

    Formula:
        hard_silu(x) = x * hard_sigmoid(x) = 0 for x <= -3, x for x >= 3, x (x + 3) / 6 between
    """
    x = _as_float(x)
    return x * hard_sigmoid(x)


@_derivative_of(hard_silu, "hard_silu", "hard_swish")
def hard_silu_grad(x: Array, y: Array, grad_output: Array) -> Array:
    # product rule: hard_sigmoid(x) + x * hard_sigmoid'(x); 0 at -3 and 1 at 3.
    shifted = x + 3.0
    slope = (x / 6.0) * ((shifted > 0) & (shifted < 6))  # x * hard_sigmoid'(x)
    return grad_output * (xp.clip(shifted, 0.0, 6.0) / 6.0 + slope)


# --- normalising activations: they mix the entries along `axis` --------------------------------


def softmax(x: Array, axis: int | tuple[int, ...] | None = -1) -> Array:
    """Softmax along ``axis``: nonnegative entries that sum to 1.

    Formula:
        softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),  m = max_j x_j

    Subtracting the maximum changes nothing mathematically and keeps exp from overflowing.

    Args:
        x: input array.
        axis: the axis (an int, a tuple of ints, or None for all) the entries are mixed over.
    """
    x = _as_float(x)
    return _softmax_of_shifted(x - xp.max(x, axis=axis, keepdims=True), axis)


def _softmax_of_shifted(e, axis):
    """softmax along ``axis``, given ``e = x - max(x)``, computed over ``e`` itself."""
    xp.exp(e, out=e)
    if e.ndim == 2 and axis in (-1, 1):  # the row sums as a product with ones: quicker
        e /= xp.dot(e, backend.ones(e.shape[1], e.dtype))[:, None]
    else:
        e /= xp.sum(e, axis=axis, keepdims=True)
    return e


@_derivative_of(softmax)
def softmax_grad(
    x: Array, y: Array, grad_output: Array, axis: int | tuple[int, ...] | None = -1
) -> Array:
    # The Jacobian is diag(y) - y y^T, so the vector-Jacobian product is y * (g - <g, y>).
    return y * (grad_output - xp.sum(grad_output * y, axis=axis, keepdims=True))


def log_softmax(x: Array, axis: int | tuple[int, ...] | None = -1) -> Array:
    """Logarithm of the softmax along ``axis``, without computing the softmax first.

    Formula:
        log_softmax(x)_i = (x_i - m) - log(sum_j exp(x_j - m)),  m = max_j x_j

    Args:
        x: input array.
        axis: the axis (an int, a tuple of ints, or None for all) the entries are mixed over.
    """
    x = _as_float(x)
    shifted = x - xp.max(x, axis=axis, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


@_derivative_of(log_softmax)
def log_softmax_grad(
    x: Array, y: Array, grad_output: Array, axis: int | tuple[int, ...] | None = -1
) -> Array:
    # The Jacobian is I - 1 softmax^T, so the vector-Jacobian product is g - exp(y) sum(g).
    return grad_output - xp.exp(y) * xp.sum(grad_output, axis=axis, keepdims=True)


# --- lookup ---------------------------------------------------------------------------------


# --- in place: for layers that own the array they activate ---------------------------------
# Dense computes z = x W + b into a fresh array that nothing else holds, so the common
# activations may overwrite it with their output: one array per layer and step instead of two.
# Each of these has a derivative that reads the output y alone (relu's y > 0 is its x > 0), so
# the layer passes y where the derivative takes x.


def _relu_in_place(x):
    return xp.maximum(x, backend.constant(0.0, x.dtype), out=x)


def _tanh_in_place(x):
    return xp.tanh(x, out=x)


def _sigmoid_in_place(x):
    if x.dtype.itemsize < 4:
        x[...] = sigmoid(x)
        return x
    return _sigmoid_of_negated(xp.negative(x, out=x))


def _softmax_in_place(x):
    x -= x.max(axis=-1, keepdims=True)
    return _softmax_of_shifted(x, -1)


_IN_PLACE = {
    linear: linear,
    relu: _relu_in_place,
    tanh: _tanh_in_place,
    sigmoid: _sigmoid_in_place,
    softmax: _softmax_in_place,
}


def in_place(fn: Callable[..., Array]) -> Callable[[Array], Array] | None:
    """``fn`` as a function that overwrites its (float) input with the output, or None.

    Only activations whose derivative can be computed from the output alone have one: a
    layer that uses it passes the output as the derivative's ``x``.
    """
    return _IN_PLACE.get(fn)


def get(identifier: str | dict[str, Any] | Callable[..., Array] | None) -> Callable[..., Array]:
    """The activation function an identifier names, as ``keras.activations.get``.

    Args:
        identifier: None (gives ``linear``), a registered name (``"relu"``), a config from
            ``serialize`` or Keras's files, or a callable (returned as is).

    Raises:
        UnknownIdentifierError: an unknown name, with the closest known one suggested.
        ValueError: anything else.
    """
    return linear if identifier is None else ACTIVATIONS.get(identifier)


def serialize(fn: Callable[..., Array]) -> str:
    """The name of a registered activation (``"tanh"``); the canonical one for an alias."""
    return ACTIVATIONS.serialize(fn)


def deserialize(
    config: str | dict[str, Any], custom_objects: dict[str, Any] | None = None
) -> Callable[..., Array]:
    """The activation described by ``config``: a name or a Keras 2/3 serialized dict.

    Args:
        config: a name or a dict, as ``serialize`` or Keras writes it.
        custom_objects: optional dict of name -> function consulted before the registry.
    """
    return ACTIVATIONS.deserialize(config, custom_objects)


def name_of(fn: Callable[..., Array]) -> str | None:
    """The canonical name of a registered activation (``"sigmoid"``), or None."""
    return ACTIVATIONS.name_of(fn)


def gradient(fn: str | Callable[..., Array]) -> Callable[..., Array]:
    """The derivative ``grad(x, y, grad_output, **kwargs)`` of an activation (or its name).

    Raises:
        ValueError: ``fn`` was not registered with a derivative.
    """
    grad = ACTIVATIONS.gradient_of(get(fn) if isinstance(fn, str) else fn)
    if grad is None:
        raise ValueError(
            f"No derivative is known for the activation {fn!r}. Register it with "
            "neuronet.activations.register(fn, grad, 'name'), where grad(x, y, grad_output) "
            "returns the gradient with respect to x."
        )
    return grad
