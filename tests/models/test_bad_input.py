"""Bad input gets a clear error, and a failed call changes nothing."""

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.errors import (
    DataError,
    NotCompiledError,
    ShapeError,
    UnknownArgumentError,
    UnknownIdentifierError,
)
from neuronet.layers import Activation, Dense
from neuronet.models import Sequential

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
Y = np.array([[0], [1], [1], [0]], dtype="float32")


def textbook(compiled=True):
    model = Sequential()
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    if compiled:
        model.compile(
            loss="binary_crossentropy",
            optimizer=optimizers.SGD(learning_rate=0.1),
            metrics=["accuracy"],
        )
    return model


def snapshot(model):
    state = [w.copy() for w in model.get_weights()]
    optimizer = model.optimizer
    slots = [v.numpy().copy() for v in optimizer.variables] if optimizer else []
    return state, slots


def assert_unchanged(model, before):
    after = snapshot(model)
    for old, new in zip(before[0] + before[1], after[0] + after[1]):
        np.testing.assert_array_equal(old, new)
    assert len(before[1]) == len(after[1])


def test_wrong_number_of_features_names_layer_shapes_and_fix():
    model = textbook()
    with pytest.raises(ShapeError) as error:
        model.fit(np.ones((4, 3)), Y, verbose=0)
    message = str(error.value)
    assert "'dense'" in message and "(None, 2)" in message and "(4, 3)" in message
    assert "input_dim=3" in message
    with pytest.raises(ShapeError, match="input_dim=3"):
        model.predict(np.ones((4, 3)))


@pytest.mark.parametrize(
    "x, y, match",
    [
        (X, Y[:3], "same number of samples"),
        (np.zeros((0, 2)), np.zeros((0, 1)), "empty"),
        (np.array([[0, np.nan], [0, 1], [1, 0], [1, 1]]), Y, "NaN"),
        (X, np.array([[0], [np.inf], [1], [0]]), "inf"),
        (np.array([["a", "b"]] * 4), Y, "numbers"),
        (X, np.array([[0], [1], [2], [0]]), r"\[0, 1\]"),
    ],
)
def test_bad_data_is_refused_before_anything_changes(x, y, match):
    model = textbook()
    model.fit(X, Y, epochs=1, verbose=0)  # the optimizer has state now
    before = snapshot(model)
    iterations = int(model.optimizer.iterations)
    with pytest.raises(DataError, match=match):
        model.fit(x, y, verbose=0)
    assert_unchanged(model, before)
    assert int(model.optimizer.iterations) == iterations


def test_labels_that_do_not_fit_the_loss():
    model = Sequential([Dense(3, activation="softmax", input_dim=2)])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(DataError, match="7"):
        model.fit(X, np.array([0, 1, 7, 2]), verbose=0)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    with pytest.raises(DataError):
        model.fit(X, np.eye(4), verbose=0)


def test_fit_before_compile():
    with pytest.raises(NotCompiledError, match="compile"):
        textbook(compiled=False).fit(X, Y)


def test_failed_first_fit_leaves_an_unbuilt_model_unbuilt():
    model = Sequential([Dense(2), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    with pytest.raises(DataError):
        model.fit(X, Y[:2], verbose=0)
    assert not model.built


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Activation("tanhh"), "did you mean 'tanh'"),
        (
            lambda: textbook(False).compile(loss="binary_crossentropi", optimizer="sgd"),
            "binary_crossentropy",
        ),
        (lambda: textbook(False).compile(loss="mse", optimizer="sgdd"), "sgd"),
        (
            lambda: textbook(False).compile(loss="mse", optimizer="sgd", metrics=["acuracy"]),
            "accuracy",
        ),
    ],
)
def test_unknown_names_suggest_the_closest(make, match):
    with pytest.raises(UnknownIdentifierError, match=f"(?i){match}"):
        make()


def test_unknown_keyword_arguments():
    with pytest.raises(UnknownArgumentError, match="use_bias"):
        Dense(3, use_bais=False)
    with pytest.raises(UnknownArgumentError, match="learning_rate"):
        optimizers.SGD(learning_rat=0.1)
    with pytest.raises(UnknownArgumentError):
        textbook().fit(X, Y, epoch=3)


def test_bad_batch_size_and_validation_split():
    model = textbook()
    with pytest.raises(DataError, match="batch_size"):
        model.fit(X, Y, batch_size=0, verbose=0)
    with pytest.raises(DataError, match="validation"):
        model.fit(X, Y, validation_split=1.5, verbose=0)
    with pytest.raises(DataError, match="no training"):
        model.fit(X, Y, validation_split=0.9, verbose=0)  # floor(4 * 0.1) = 0 training samples


def test_adding_a_layer_after_training_asks_for_a_new_compile():
    model = Sequential([Dense(3, input_dim=2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.zeros((4, 3)), verbose=0)
    model.add(Dense(1))
    before = snapshot(model)
    with pytest.raises(ValueError, match="compile"):
        model.fit(X, Y, verbose=0)
    assert_unchanged(model, before)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, verbose=0)
    assert int(model.optimizer.iterations) == 1


def test_predict_passes_nan_rows_through_as_keras_does():
    model = Sequential([Dense(2, activation="relu", input_dim=3), Dense(1)])
    x = np.ones((3, 3), dtype="float32")
    x[1, 2] = np.nan
    outputs = model.predict(x)
    assert np.isnan(outputs[1]).all()
    assert np.isfinite(outputs[[0, 2]]).all()
