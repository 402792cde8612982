"""Activation, Dropout, Flatten, Reshape, InputLayer/Input: math and gradients."""

import numpy as np
import pytest

from neuronet import backend
from neuronet.errors import ShapeError
from neuronet.layers import Activation, Dropout, Flatten, Input, InputLayer, Reshape
from neuronet.testing import check_config_roundtrip, check_layer_gradients, float64


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softmax", "log_softmax", "elu", "mish"])
def test_activation_layer_gradients(name):
    with float64():
        layer = Activation(name)
        x = np.random.default_rng(0).normal(size=(4, 5))
        layer(x)
        assert check_layer_gradients(layer, x) < 1e-6


def test_activation_layer_value():
    # tanh(0) = 0, tanh(1) = 0.7615941559557649
    out = Activation("tanh")(np.array([[0.0, 1.0]]))
    np.testing.assert_allclose(out, [[0.0, 0.7615941559557649]], rtol=1e-6)
    assert check_config_roundtrip(Activation("relu")).get_config()["activation"] == "relu"


def test_dropout_is_identity_at_inference_and_scaled_in_training():
    layer = Dropout(0.5)
    x = np.ones((1000, 10), dtype="float32")
    np.testing.assert_array_equal(layer(x), x)
    y = layer.forward(x, training=True)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 2.0)  # 1 / (1 - 0.5)
    assert 0.45 < kept.mean() < 0.55
    grad = layer.backward(np.full_like(x, 3.0))
    np.testing.assert_allclose(grad, np.where(kept, 6.0, 0.0))


def test_dropout_gradient_with_a_fixed_mask():
    with float64():
        layer = Dropout(0.3, seed=1)
        x = np.random.default_rng(0).normal(size=(4, 6))
        mask = layer._sample_mask(x.shape)
        layer._sample_mask = lambda shape: mask  # the same mask for every difference quotient
        assert check_layer_gradients(layer, x) < 1e-6


def test_dropout_noise_shape_drops_whole_rows():
    layer = Dropout(0.5, noise_shape=(None, 1), seed=3)
    y = layer.forward(np.ones((50, 4), dtype="float32"), training=True)
    assert all(len(set(row.tolist())) == 1 for row in y)


def test_dropout_masks_follow_the_global_seed():
    x = np.ones((8, 8), dtype="float32")
    backend.set_random_seed(5)
    first = Dropout(0.5).forward(x, training=True)
    backend.set_random_seed(5)
    second = Dropout(0.5).forward(x, training=True)
    np.testing.assert_array_equal(first, second)


def test_dropout_rate_is_checked():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(1.5)


def test_flatten_and_reshape_round_trip_gradients():
    with float64():
        x = np.random.default_rng(0).normal(size=(2, 3, 4))
        flatten = Flatten()
        assert flatten(x).shape == (2, 12)
        assert flatten.compute_output_shape((None, 3, 4)) == (None, 12)
        assert check_layer_gradients(flatten, x) < 1e-6
        reshape = Reshape((4, -1))
        assert reshape(x).shape == (2, 4, 3)
        assert reshape.compute_output_shape((None, 3, 4)) == (None, 4, 3)
        assert check_layer_gradients(reshape, x) < 1e-6


def test_reshape_refuses_a_different_size():
    with pytest.raises(ShapeError, match="number of elements"):
        Reshape((5,)).compute_output_shape((None, 3, 4))
    with pytest.raises(ValueError, match="at most one"):
        Reshape((-1, -1))


def test_input_and_input_layer_shapes():
    tensor = Input(shape=(5,))
    assert tensor.shape == (None, 5)
    layer = InputLayer(batch_input_shape=(None, 3))  # Keras 2's argument
    assert layer.batch_shape == (None, 3)
    assert layer.get_config()["batch_shape"] == [None, 3]
    with pytest.raises(ValueError, match="needs a shape"):
        InputLayer()
