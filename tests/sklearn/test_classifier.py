"""NeuronetClassifier: labels, probabilities, partial_fit, warm_start, model builders."""

import numpy as np
import pytest

from neuronet.layers import Dense, Input
from neuronet.models import Sequential
from neuronet.optimizers import SGD
from neuronet.sklearn import NeuronetClassifier

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = ["no", "yes", "yes", "no"]


def _blobs(n=60, n_classes=3, seed=0):
    """Well separated clusters around the corners of a simplex, labelled by strings."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, n)
    centres = 3.0 * np.eye(n_classes, 4)
    X = centres[labels] + rng.normal(scale=0.3, size=(n, 4))
    names = np.array(["ant", "bee", "cat", "dog"])[:n_classes]
    return X, names[labels]


def test_learns_xor_with_string_labels():
    clf = NeuronetClassifier(
        hidden_layer_sizes=(8,),
        activation="tanh",
        learning_rate=0.05,
        epochs=300,
        batch_size=4,
        random_state=0,
    )
    clf.fit(XOR_X, XOR_Y)
    assert clf.classes_.tolist() == ["no", "yes"]
    assert clf.predict(XOR_X).tolist() == XOR_Y
    assert clf.score(XOR_X, XOR_Y) == 1.0
    proba = clf.predict_proba(XOR_X)
    assert proba.shape == (4, 2)
    # Column 1 is P("yes"): high exactly where the label is "yes".
    assert np.all((proba[:, 1] > 0.9) == (np.array(XOR_Y) == "yes"))
    # The binary model has one sigmoid unit; predict_proba gives [1 - p, p].
    assert clf.model_.output_shape == (None, 1)
    p = clf.model_.predict(np.array(XOR_X, dtype=float))[:, 0]
    np.testing.assert_allclose(proba, np.column_stack([1 - p, p]), rtol=1e-6)


def test_multiclass_probabilities_sum_to_one():
    X, y = _blobs()
    clf = NeuronetClassifier(hidden_layer_sizes=(8,), epochs=30, learning_rate=0.02)
    clf.fit(X, y)
    assert clf.classes_.tolist() == ["ant", "bee", "cat"]
    assert clf.model_.output_shape == (None, 3)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(proba >= 0)
    assert np.array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) > 0.95


def test_integer_labels_and_history():
    X, y = _blobs(n_classes=2)
    codes = np.where(y == "ant", 3, 7)
    clf = NeuronetClassifier(hidden_layer_sizes=(4,), epochs=7, metrics=["accuracy"])
    clf.fit(X, codes)
    assert clf.classes_.tolist() == [3, 7]
    assert set(clf.predict(X)) <= {3, 7}
    assert sorted(clf.history_) == ["accuracy", "loss"]
    assert len(clf.history_["loss"]) == clf.n_iter_ == 7
    assert all(isinstance(value, float) for value in clf.history_["loss"])


def test_random_state_makes_fits_identical():
    X, y = _blobs()
    first = NeuronetClassifier(hidden_layer_sizes=(6,), epochs=5, random_state=3).fit(X, y)
    second = NeuronetClassifier(hidden_layer_sizes=(6,), epochs=5, random_state=3).fit(X, y)
    other = NeuronetClassifier(hidden_layer_sizes=(6,), epochs=5, random_state=4).fit(X, y)
    assert np.array_equal(first.predict_proba(X), second.predict_proba(X))
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))
    from_generator = NeuronetClassifier(
        hidden_layer_sizes=(6,), epochs=5, random_state=np.random.RandomState(0)
    )
    assert from_generator.fit(X, y).predict(X).shape == (60,)


def test_partial_fit_keeps_the_optimizer_state():
    X, y = _blobs(n=40)
    clf = NeuronetClassifier(hidden_layer_sizes=(5,), batch_size=16, shuffle=False, random_state=0)
    clf.partial_fit(X, y, classes=["ant", "bee", "cat"])
    model, optimizer = clf.model_, clf.model_.optimizer
    assert int(optimizer.iterations) == 3  # 40 samples in batches of 16: one epoch, 3 steps
    moments = [v.numpy() for v in optimizer.variables if v.name.endswith("_momentum")]
    assert moments and all(np.any(m != 0) for m in moments)
    clf.partial_fit(X[:20], y[:20])
    assert clf.model_ is model and clf.model_.optimizer is optimizer
    assert int(optimizer.iterations) == 5  # counts on: 3 + 2, not 2
    later = [v.numpy() for v in optimizer.variables if v.name.endswith("_momentum")]
    assert all(not np.array_equal(a, b) for a, b in zip(moments, later))
    assert clf.n_iter_ == 2 and len(clf.history_["loss"]) == 2


def test_partial_fit_twice_equals_fit_for_two_epochs():
    """With Adam's moments and step count kept, two single epochs are one two-epoch fit."""
    X, y = _blobs(n=40)
    stepwise = NeuronetClassifier(hidden_layer_sizes=(5,), shuffle=False, random_state=1)
    stepwise.partial_fit(X, y, classes=np.unique(y))
    stepwise.partial_fit(X, y)
    whole = NeuronetClassifier(hidden_layer_sizes=(5,), epochs=2, shuffle=False, random_state=1)
    whole.fit(X, y)
    for a, b in zip(stepwise.model_.get_weights(), whole.model_.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_partial_fit_needs_the_classes_first_and_known_labels_after():
    X, y = _blobs()
    clf = NeuronetClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:5], y[:5], classes=["ant", "bee", "cat", "dog"])
    assert clf.classes_.tolist() == ["ant", "bee", "cat", "dog"]
    assert clf.model_.output_shape == (None, 4)
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X[:3], ["ant", "eel", "cat"])


def test_warm_start_continues_training():
    X, y = _blobs(n=40)
    warm = NeuronetClassifier(
        hidden_layer_sizes=(5,), epochs=3, shuffle=False, warm_start=True, random_state=2
    )
    warm.fit(X, y)
    model = warm.model_
    warm.fit(X, y)
    assert warm.model_ is model
    assert warm.n_iter_ == 6 and len(warm.history_["loss"]) == 6
    assert int(model.optimizer.iterations) == 12  # 2 steps per epoch, 6 epochs
    six = NeuronetClassifier(hidden_layer_sizes=(5,), epochs=6, shuffle=False, random_state=2)
    six.fit(X, y)
    for a, b in zip(warm.model_.get_weights(), six.model_.get_weights()):
        np.testing.assert_array_equal(a, b)
    cold = NeuronetClassifier(hidden_layer_sizes=(5,), epochs=3, random_state=2).fit(X, y)
    first_model = cold.model_
    assert cold.fit(X, y).model_ is not first_model and cold.n_iter_ == 3


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="at least 2 classes"):
        NeuronetClassifier(epochs=1).fit([[0.0], [1.0]], ["a", "a"])


def test_continuous_targets_are_refused():
    with pytest.raises(ValueError, match="Unknown label type"):
        NeuronetClassifier(epochs=1).fit([[0.0], [1.0], [2.0]], [0.5, 1.5, 2.25])


def _softmax_builder(n_features, n_outputs, units):
    return Sequential(
        [Input(shape=(n_features,)), Dense(units, activation="relu"), Dense(3, "softmax")]
    )


def test_builder_gets_model_params_and_is_compiled_with_the_estimator_settings():
    X, y = _blobs()
    clf = NeuronetClassifier(
        model=_softmax_builder,
        model_params={"units": 5},
        optimizer="sgd",
        learning_rate=0.1,
        loss="sparse_categorical_crossentropy",
        epochs=20,
        random_state=0,
    )
    clf.fit(X, y)
    assert clf.model_.layers[0].units == 5
    assert type(clf.model_.optimizer).__name__ == "SGD"
    assert clf.model_.optimizer.learning_rate == pytest.approx(0.1)
    assert clf.score(X, y) > 0.9  # trained on class indices through the sparse loss


def test_builder_receives_the_parameters_it_names():
    seen = {}

    def builder(n_features, n_outputs, hidden_layer_sizes, activation):
        seen.update(n_features=n_features, n_outputs=n_outputs, sizes=hidden_layer_sizes)
        model = Sequential([Input(shape=(n_features,))])
        for units in hidden_layer_sizes:
            model.add(Dense(units, activation=activation))
        model.add(Dense(n_outputs, activation="sigmoid"))
        return model

    X, y = _blobs(n_classes=2)
    NeuronetClassifier(model=builder, hidden_layer_sizes=(3, 2), epochs=2).fit(X, y)
    assert seen == {"n_features": 4, "n_outputs": 1, "sizes": (3, 2)}


def test_a_compiled_model_is_trained_as_compiled():
    def builder(n_features, n_outputs):
        model = Sequential([Input(shape=(n_features,)), Dense(n_outputs, "sigmoid")])
        model.compile(optimizer=SGD(learning_rate=0.5), loss="binary_crossentropy")
        return model

    X, y = _blobs(n_classes=2)
    clf = NeuronetClassifier(model=builder, optimizer="adam", epochs=10).fit(X, y)
    assert isinstance(clf.model_.optimizer, SGD)
    assert clf.model_.optimizer.learning_rate == pytest.approx(0.5)
    assert clf.score(X, y) == 1.0


def test_builder_errors_say_what_is_wrong():
    X, y = _blobs()
    with pytest.raises(ValueError, match="The model has 3 outputs, but 4 classes need 4"):
        NeuronetClassifier(model=_softmax_builder, model_params={"units": 2}).partial_fit(
            X, y, classes=["ant", "bee", "cat", "dog"]
        )
    with pytest.raises(TypeError, match="must return a neuronet model"):
        NeuronetClassifier(model=lambda n_features, n_outputs: "a model").fit(X, y)
    with pytest.raises(TypeError, match="must be None"):
        NeuronetClassifier(model="mlp").fit(X, y)


def test_optimizer_instance_is_a_template():
    X, y = _blobs()
    template = SGD(learning_rate=0.2, momentum=0.5)
    clf = NeuronetClassifier(hidden_layer_sizes=(4,), optimizer=template, epochs=2).fit(X, y)
    used = clf.model_.optimizer
    assert used is not template and isinstance(used, SGD)
    assert used.momentum == 0.5 and used.learning_rate == pytest.approx(0.2)
    assert int(template.iterations) == 0 and not template.built


def test_sample_weight_changes_the_fit():
    X, y = _blobs(n_classes=2)
    weights = np.where(y == "ant", 5.0, 1.0)
    plain = NeuronetClassifier(hidden_layer_sizes=(4,), epochs=3, random_state=0).fit(X, y)
    weighted = NeuronetClassifier(hidden_layer_sizes=(4,), epochs=3, random_state=0)
    weighted.fit(X, y, sample_weight=weights)
    assert not np.array_equal(plain.predict_proba(X), weighted.predict_proba(X))
    with pytest.raises(ValueError, match="one weight per sample"):
        weighted.fit(X, y, sample_weight=weights[:-1])


def test_early_stopping_on_validation_loss():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 5)), rng.integers(0, 2, 60)  # noise: val_loss soon rises
    clf = NeuronetClassifier(
        hidden_layer_sizes=(64,),
        learning_rate=0.05,
        epochs=300,
        validation_split=0.3,
        early_stopping=True,
        patience=3,
        random_state=0,
    )
    clf.fit(X, y)
    assert sorted(clf.history_) == ["loss", "val_loss"]
    assert clf.n_iter_ < 50 and len(clf.history_["val_loss"]) == clf.n_iter_


def test_optimizer_class_and_default_learning_rate():
    X, y = _blobs()
    by_class = NeuronetClassifier(hidden_layer_sizes=(4,), optimizer=SGD, learning_rate=0.3)
    assert by_class.set_params(epochs=1).fit(X, y).model_.optimizer.learning_rate == (
        pytest.approx(0.3)
    )
    default = NeuronetClassifier(
        hidden_layer_sizes=(4,), optimizer="rmsprop", learning_rate=None, epochs=1
    )
    assert default.fit(X, y).model_.optimizer.learning_rate == pytest.approx(0.001)
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        NeuronetClassifier(optimizer=42).fit(X, y)
