"""The training step's short paths give the numbers of the general ones.

``fused_value_and_grad`` (crossentropies, gradient with respect to the logits) and
``value_and_grad`` (mean squared error) compute the common case, no sample weights, in a few
array operations. Weights of one take the general path (``__call__`` and the gradient
functions) to the very same numbers, so the two are compared here, with a scale folded in.
"""

import numpy as np
import pytest

from neuronet import losses

RNG = np.random.default_rng(8)


def probabilities(shape, softmax):
    logits = RNG.normal(scale=3.0, size=shape)
    if softmax:
        e = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return (e / e.sum(axis=-1, keepdims=True)).astype("float32")
    p = 1.0 / (1.0 + np.exp(-logits))
    p[0, 0] = 1.0  # saturated outputs: the clipping must agree too
    p[1, 0] = 0.0
    return p.astype("float32")


def one_hot(labels, classes):
    return np.eye(classes, dtype="float32")[labels]


CASES = {
    "binary": (
        losses.BinaryCrossentropy(),
        lambda: (RNG.integers(0, 2, (6, 3)).astype("float32"), probabilities((6, 3), False)),
    ),
    "binary soft labels": (
        losses.BinaryCrossentropy(),
        lambda: (RNG.random((5, 1), dtype=np.float32), probabilities((5, 1), False)),
    ),
    "categorical": (
        losses.CategoricalCrossentropy(),
        lambda: (one_hot(RNG.integers(0, 4, 7), 4), probabilities((7, 4), True)),
    ),
    "sparse categorical": (
        losses.SparseCategoricalCrossentropy(),
        lambda: (
            RNG.integers(0, 4, (7, 1)).astype("float32"),
            probabilities((7, 4), True),
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("scale", [1.0, -0.25])
def test_fused_short_path_matches_the_general_one(case, scale):
    loss, make = CASES[case]
    y, p = make()
    assert loss._fast_value_and_grad(y, p, scale) is not None  # the short path applies
    value, grad = loss.fused_value_and_grad(y, p, scale=scale)
    weights = np.ones(len(y), dtype="float32")  # the general path, the same numbers
    general_value, general_grad = loss.fused_value_and_grad(y, p, weights, scale=scale)
    assert grad.shape == p.shape and grad.dtype == p.dtype
    np.testing.assert_allclose(float(value), float(general_value), rtol=1e-6)
    np.testing.assert_allclose(grad, general_grad, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(float(value), float(loss(y, p)), rtol=1e-6)


@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_mean_squared_error_short_path_matches_the_general_one(scale):
    loss = losses.MeanSquaredError()
    y = RNG.normal(size=(6, 2)).astype("float32")
    pred = RNG.normal(size=(6, 2)).astype("float32")
    value, grad = loss.value_and_grad(y, pred, scale=scale)
    general_value, general_grad = loss.value_and_grad(
        y, pred, np.ones(6, dtype="float32"), scale=scale
    )
    # d/dpred mean((pred - y)^2) = 2 (pred - y) / size, here times the scale
    np.testing.assert_allclose(grad, scale * 2.0 * (pred - y) / y.size, rtol=1e-6)
    np.testing.assert_allclose(grad, general_grad, rtol=1e-6)
    np.testing.assert_allclose(float(value), float(general_value), rtol=1e-6)
