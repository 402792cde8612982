"""Shared checks for tests: numerical gradients, config round trips, float64 scopes.

The gradient checks compare an analytic ``backward``/``grad`` with central differences,
``(f(x + h) - f(x - h)) / 2h``, of the scalar ``sum(f(x) * grad_output)`` for a random
``grad_output``: the vector-Jacobian product that ``backward`` must compute. Run them in float64
(``with float64():``) so that the comparison measures the math, not rounding.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuronet import backend

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from neuronet.backend import Array
    from neuronet.layers.layer import Layer
    from neuronet.losses.loss import Loss


@contextlib.contextmanager
def float64() -> Iterator[None]:
    """Within the block, ``floatx()`` is float64; the previous value is restored after."""
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        yield
    finally:
        backend.set_floatx(previous)


def relative_error(analytic: npt.ArrayLike, numeric: npt.ArrayLike) -> float:
    """``||a - n|| / (||a|| + ||n||)``: 0 for equal arrays, about 1 for unrelated ones."""
    analytic = np.asarray(backend.to_numpy(analytic), dtype=np.float64)
    numeric = np.asarray(backend.to_numpy(numeric), dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise AssertionError(f"gradient shape {analytic.shape} != expected {numeric.shape}")
    scale = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    return float(np.linalg.norm(analytic - numeric) / max(scale, 1e-300))


def numerical_gradient(
    f: Callable[[Array], Array], x: Array, grad_output: npt.ArrayLike, h: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of ``sum(f(x) * grad_output)`` with respect to ``x``.

    ``x`` is perturbed in place, one element at a time, and restored.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat_x = x.reshape(-1)
    flat_grad = grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i].item()
        flat_x[i] = original + h
        plus = float(np.sum(backend.to_numpy(f(x)) * grad_output))
        flat_x[i] = original - h
        minus = float(np.sum(backend.to_numpy(f(x)) * grad_output))
        flat_x[i] = original
        flat_grad[i] = (plus - minus) / (2 * h)
    return grad


def _assert_close(name, analytic, numeric, tolerance):
    error = relative_error(analytic, numeric)
    if not error < tolerance:
        raise AssertionError(
            f"{name}: relative error {error:.3e} between backward and central differences "
            f"exceeds {tolerance:.0e}\nanalytic:\n{analytic}\nnumeric:\n{numeric}"
        )
    return error


def check_layer_gradients(
    layer: Layer, x: npt.ArrayLike, *, tolerance: float = 1e-6, seed: int = 0
) -> float:
    """Check ``layer.backward`` for the input and every trainable weight, in float64.

    The layer must already be built in float64 and deterministic in ``training=True`` mode.
    Returns the largest relative error seen.
    """
    rng = np.random.default_rng(seed)
    x = backend.xp.asarray(x, dtype="float64")
    output = layer.forward(x, training=True)
    grad_output = rng.standard_normal(output.shape)
    grad_input = layer.backward(backend.xp.asarray(grad_output))
    errors = []
    if grad_input is not None:
        numeric = numerical_gradient(lambda v: layer.forward(v, training=True), x, grad_output)
        errors.append(_assert_close(f"{layer.name} input", grad_input, numeric, tolerance))
    for variable in layer.trainable_weights:
        analytic = backend.to_numpy(variable.grad).copy()
        numeric = numerical_gradient(
            lambda _: layer.forward(x, training=True), variable.value, grad_output
        )
        errors.append(_assert_close(variable.path, analytic, numeric, tolerance))
    return max(errors, default=0.0)


def check_function_gradient(
    forward: Callable[[Array], Array],
    backward: Callable[[Array, Array, Array], Array],
    x: npt.ArrayLike,
    *,
    tolerance: float = 1e-6,
    seed: int = 0,
) -> float:
    """Check ``backward(x, y, grad_output)`` against central differences of ``y = forward(x)``.

    This is the contract of an activation's derivative: given the input, the cached output
    and the gradient with respect to the output, return the gradient with respect to the input.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64).copy()
    y = forward(x)
    grad_output = rng.standard_normal(np.shape(y))
    analytic = backward(x, y, grad_output)
    numeric = numerical_gradient(forward, x, grad_output)
    name = getattr(forward, "__name__", repr(forward))
    return _assert_close(name, analytic, numeric, tolerance)


def check_loss_gradient(
    loss: Loss,
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    sample_weight: npt.ArrayLike | None = None,
    *,
    tolerance: float = 1e-6,
) -> float:
    """Check ``loss.grad`` (d scalar loss / d y_pred) against central differences of ``loss``."""
    y_pred = np.asarray(y_pred, dtype=np.float64).copy()
    analytic = loss.grad(y_true, y_pred, sample_weight=sample_weight)
    numeric = numerical_gradient(
        lambda p: loss(y_true, p, sample_weight=sample_weight), y_pred, np.float64(1.0)
    )
    name = getattr(loss, "name", type(loss).__name__)
    return _assert_close(name, analytic, numeric, tolerance)


def check_config_roundtrip(obj: Any, **from_config_kwargs: Any) -> Any:
    """``type(obj).from_config(obj.get_config())`` must give an object with the same config."""
    config = obj.get_config()
    clone = type(obj).from_config(config, **from_config_kwargs)
    if clone.get_config() != config:
        raise AssertionError(f"config changed in a round trip:\n{config}\n{clone.get_config()}")
    return clone
