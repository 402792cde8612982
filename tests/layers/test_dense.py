"""Dense: forward by hand, backward by central differences, Keras's shapes and config."""

import numpy as np
import pytest

from neuronet import activations, backend
from neuronet.errors import ShapeError, UnknownArgumentError, UnknownIdentifierError
from neuronet.layers import Dense
from neuronet.regularizers import L2
from neuronet.testing import check_config_roundtrip, check_layer_gradients, float64


def test_forward_worked_by_hand():
    # x = [1, 2], kernel = [[1, -1, 0], [0.5, 0.5, 2]], bias = [0, 1, -1]
    # z = [1 + 1, -1 + 1 + 1, 0 + 4 - 1] = [2, 1, 3]
    layer = Dense(3, input_dim=2)
    layer.build((None, 2))
    layer.set_weights([np.array([[1, -1, 0], [0.5, 0.5, 2]]), np.array([0, 1, -1])])
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0]])), [[2.0, 1.0, 3.0]])


def test_kernel_shape_and_defaults_follow_keras():
    layer = Dense(4)
    layer.build((None, 3))
    assert layer.kernel.shape == (3, 4) and layer.bias.shape == (4,)
    assert layer.kernel.dtype == "float32"
    assert np.all(layer.bias.numpy() == 0)  # zeros bias
    limit = np.sqrt(6 / (3 + 4))  # glorot_uniform
    assert np.all(np.abs(layer.kernel.numpy()) <= limit)
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert layer.count_params() == 16


def test_automatic_names_are_numbered_like_keras():
    assert [Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]


@pytest.mark.parametrize(
    "activation",
    ["linear", "sigmoid", "tanh", "relu", "softmax", "elu", "selu", "softplus", "gelu", "silu"],
)
@pytest.mark.parametrize("use_bias", [True, False])
def test_gradients(activation, use_bias):
    with float64():
        layer = Dense(4, activation=activation, use_bias=use_bias)
        layer.build((None, 3))
        x = np.random.default_rng(0).normal(size=(5, 3))
        assert check_layer_gradients(layer, x) < 1e-6


def test_gradients_on_three_dimensional_inputs():
    # Keras's Dense acts on the last axis; the kernel gradient sums over all leading axes.
    with float64():
        layer = Dense(2, activation="tanh")
        layer.build((None, 4, 3))
        x = np.random.default_rng(1).normal(size=(2, 4, 3))
        assert layer(x).shape == (2, 4, 2)
        assert check_layer_gradients(layer, x) < 1e-6


def test_frozen_layer_leaves_weight_gradients_alone():
    layer = Dense(2, trainable=False)
    layer.build((None, 2))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    layer.forward(np.ones((3, 2), dtype="float32"), training=True)
    layer.backward(np.ones((3, 2), dtype="float32"))
    assert np.all(layer.kernel.grad == 0)


def test_wrong_feature_count_names_layer_and_shapes():
    layer = Dense(3, input_dim=2)
    layer.build((None, 2))
    with pytest.raises(ShapeError, match=r"'dense'.*\(None, 2\).*\(4, 3\)"):
        layer(np.ones((4, 3)))


def test_unknown_arguments_and_names():
    with pytest.raises(UnknownArgumentError, match="Did you mean 'activation'"):
        Dense(3, activaton="tanh")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'tanh'"):
        Dense(3, activation="tanhh")
    with pytest.raises(ValueError, match="positive integer"):
        Dense(0)
    with pytest.raises(ValueError, match="positive integer"):
        Dense(True)


def test_config_round_trip_matches_keras_3_fields(keras_fixtures):
    import json

    layer = Dense(10, activation="tanh", kernel_regularizer=L2(0.01))
    clone = check_config_roundtrip(layer)
    assert clone.units == 10 and clone.activation is activations.tanh
    keras = json.loads((keras_fixtures / "inference/xor_textbook.keras3.json").read_text())
    keras_dense = keras["config"]["layers"][1]["config"]
    ours = Dense(10).get_config()
    missing = set(keras_dense) - set(ours) - {"quantization_config"}
    assert not missing, missing
    assert ours["kernel_initializer"] == keras_dense["kernel_initializer"]
    assert ours["dtype"] == keras_dense["dtype"]


def test_float64_floatx_builds_float64_weights():
    backend.set_floatx("float64")
    layer = Dense(2)
    layer.build((None, 2))
    assert layer.kernel.dtype == "float64"
    assert layer(np.ones((1, 2))).dtype == np.float64


def test_weight_shapes_are_known_before_building():
    assert Dense(4).weight_shapes((None, 3)) == [(3, 4), (4,)]
    assert Dense(4, use_bias=False).weight_shapes((None, 2**20)) == [(2**20, 4)]
    layer = Dense(4)
    layer.build((None, 3))
    assert [w.shape for w in layer.weights] == layer.weight_shapes((None, 3))
