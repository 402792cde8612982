"""Property-based checks of Dense: any shape, any activation, backward = central differences."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronet.layers import Dense, Input
from neuronet.testing import check_layer_gradients, float64

ACTIVATIONS = ["linear", "sigmoid", "tanh", "softmax", "softplus", "selu", "gelu", "mish"]


@settings(max_examples=30, deadline=None)
@given(
    batch=st.integers(1, 4),
    features=st.integers(1, 4),
    units=st.integers(1, 4),
    activation=st.sampled_from(ACTIVATIONS),
    use_bias=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_backward_matches_central_differences(batch, features, units, activation, use_bias, seed):
    with float64():
        layer = Dense(units, activation=activation, use_bias=use_bias)
        layer.build((None, features))
        x = np.random.default_rng(seed).normal(size=(batch, features))
        assert check_layer_gradients(layer, x, seed=seed) < 1e-6


@settings(max_examples=30, deadline=None)
@given(batch=st.integers(1, 6), features=st.integers(1, 5), units=st.integers(1, 5))
def test_output_shape_and_dtype(batch, features, units):
    layer = Dense(units)
    out = layer(np.ones((batch, features)))
    assert out.shape == (batch, units) == layer.compute_output_shape((batch, features))
    assert out.dtype == np.float32


def test_calling_a_layer_on_an_input_explains_the_alternative():
    import pytest

    with pytest.raises(TypeError, match="Sequential"):
        Dense(2)(Input(shape=(3,)))
