"""Sequential: building, naming, summary, weights, and whole-model gradients."""

import numpy as np
import pytest

from neuronet import backend
from neuronet.errors import NotBuiltError, ShapeError
from neuronet.layers import Activation, Dense, Dropout, Input
from neuronet.models import Sequential
from neuronet.testing import float64, numerical_gradient, relative_error


def textbook_model():
    model = Sequential()
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    return model


def test_summary_is_tf_keras_byte_for_byte(keras_fixtures):
    lines = []
    textbook_model().summary(print_fn=lines.append)
    expected = (keras_fixtures / "summary_xor_tf_keras.txt").read_text().splitlines()
    assert lines == expected


def test_summary_figures(keras_fixtures, capsys):
    import json

    textbook_model().summary()
    printed = capsys.readouterr().out
    figures = json.loads((keras_fixtures / "summary_expected.json").read_text())
    for row, name in zip(figures["rows"], ["dense", "activation", "dense_1", "activation_1"]):
        assert f"{name} ({row['type']})" in printed
    assert "Total params: 41" in printed and "Trainable params: 41" in printed
    assert "Non-trainable params: 0" in printed


def test_summary_before_build_says_how_to_build():
    model = Sequential([Dense(3)])
    with pytest.raises(NotBuiltError, match="input_dim"):
        model.summary()
    model.build((None, 4))
    assert model.count_params() == 15


def test_layers_build_as_soon_as_the_input_is_known():
    model = Sequential([Input(shape=(5,)), Dense(16, activation="relu"), Dropout(0.5), Dense(4)])
    assert model.built and model.output_shape == (None, 4)
    assert [layer.name for layer in model.layers] == ["dense", "dropout", "dense_1"]
    assert model.count_params() == 5 * 16 + 16 + 16 * 4 + 4


def test_pop_and_get_layer():
    model = textbook_model()
    assert model.get_layer("dense_1") is model.layers[2]
    assert model.get_layer(index=-1).name == "activation_1"
    assert model.pop().name == "activation_1"
    assert len(model.layers) == 3
    with pytest.raises(ValueError, match="No layer named"):
        model.get_layer("nope")


def test_adding_an_incompatible_layer_changes_nothing():
    from neuronet.layers import Reshape

    model = Sequential([Dense(6, input_dim=2)])
    with pytest.raises(ShapeError):
        model.add(Reshape((4,)))
    assert len(model.layers) == 1


def test_duplicate_layer_names_are_refused():
    model = Sequential([Dense(2, input_dim=2, name="a")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(2, name="a"))


def test_set_weights_is_all_or_nothing():
    model = textbook_model()
    before = model.get_weights()
    bad = [np.ones_like(w) for w in before]
    bad[-1] = np.ones((2,))
    with pytest.raises(ShapeError, match="dense_1/bias"):
        model.set_weights(bad)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_predict_before_training_is_float32_probabilities():
    model = textbook_model()
    probabilities = model.predict(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
    assert probabilities.shape == (4, 1) and probabilities.dtype == np.float32
    assert np.all((probabilities > 0) & (probabilities < 1))


def test_calling_the_model_runs_forward():
    model = textbook_model()
    x = np.array([[0.5, -1.0]])
    np.testing.assert_allclose(model(x), model.predict(x))


def test_whole_model_gradient_by_central_differences():
    # The loss gradient flows through every layer's backward; compare d(loss)/d(weights)
    # with central differences of the loss of the whole model.
    with float64():
        model = Sequential(
            [
                Dense(
                    5,
                    activation="tanh",
                    input_dim=3,
                    kernel_regularizer="l2",
                    activity_regularizer="l2",
                ),
                Dense(4, activation="relu"),
                Dense(2, activation="softmax"),
            ]
        )
        model.compile(optimizer="sgd", loss="categorical_crossentropy")
        rng = np.random.default_rng(0)
        x = rng.normal(size=(6, 3))
        y = np.eye(2)[rng.integers(0, 2, size=6)]
        model._ensure_ready(x, y)

        def loss_value():
            outputs, penalty = model._forward(x, training=True)
            return float(model._loss(y, outputs)) + penalty + model._penalty()

        model.optimizer.step = lambda variables: None  # keep the weights still
        model._train_batch(x, y, None)
        for variable in model.trainable_weights:
            analytic = variable.grad.copy()
            numeric = numerical_gradient(lambda _: loss_value(), variable.value, 1.0)
            assert relative_error(analytic, numeric) < 1e-6, variable.path


def test_float64_models_predict_float64():
    backend.set_floatx("float64")
    model = textbook_model()
    assert model.predict(np.ones((2, 2))).dtype == np.float64
