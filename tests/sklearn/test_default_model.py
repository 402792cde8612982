"""build_mlp: the default model's layers, and the errors for bad hidden_layer_sizes."""

import pytest

from neuronet.sklearn import NeuronetClassifier, NeuronetRegressor, build_mlp


def test_layers_and_activations():
    model = build_mlp(5, 3, (8, 4), "tanh", "softmax")
    assert [layer.units for layer in model.layers] == [8, 4, 3]
    activations = [layer.get_config()["activation"] for layer in model.layers]
    assert activations == ["tanh", "tanh", "softmax"]
    assert model.input_shape == (None, 5)
    assert model.count_params() == (5 * 8 + 8) + (8 * 4 + 4) + (4 * 3 + 3)
    assert not model.compiled


def test_an_int_is_one_hidden_layer_and_empty_is_none():
    assert [layer.units for layer in build_mlp(2, 1, 6).layers] == [6, 1]
    assert [layer.units for layer in build_mlp(2, 1, ()).layers] == [1]


@pytest.mark.parametrize("sizes", [(0,), (4, -1), "10", (2.5,), (True,), None])
def test_bad_sizes_are_refused(sizes):
    with pytest.raises(ValueError, match="hidden_layer_sizes must be a positive int"):
        build_mlp(2, 1, sizes)


def test_the_estimators_pick_the_output_and_loss_by_task():
    binary = NeuronetClassifier(hidden_layer_sizes=(3,), epochs=1)
    binary.fit([[0.0], [1.0]], ["a", "b"])
    assert binary.model_.layers[-1].get_config()["activation"] == "sigmoid"
    assert binary.model_.loss == "binary_crossentropy"
    multi = NeuronetClassifier(hidden_layer_sizes=(3,), epochs=1)
    multi.fit([[0.0], [1.0], [2.0]], ["a", "b", "c"])
    assert multi.model_.layers[-1].get_config()["activation"] == "softmax"
    assert multi.model_.loss == "categorical_crossentropy"
    reg = NeuronetRegressor(hidden_layer_sizes=(3,), activation="tanh", epochs=1)
    reg.fit([[0.0], [1.0]], [0.0, 1.0])
    assert reg.model_.layers[0].get_config()["activation"] == "tanh"
    assert reg.model_.layers[-1].get_config()["activation"] == "linear"
    assert reg.model_.loss == "mse"
    assert type(reg.model_.optimizer).__name__ == "Adam"
    assert reg.model_.optimizer.learning_rate == pytest.approx(0.001)
    # hidden_layer_sizes is checked in fit, not in __init__ (scikit-learn's rule).
    bad = NeuronetRegressor(hidden_layer_sizes=(0,))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        bad.fit([[0.0], [1.0]], [0.0, 1.0])
