"""NeuronetRegressor: a linear function learned, several targets, partial_fit, warm_start."""

import numpy as np
import pytest

from neuronet.sklearn import NeuronetRegressor


def _linear(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 3))
    return X, X @ np.array([3.0, -2.0, 0.5]) + 1.0


def test_learns_a_linear_function():
    X, y = _linear()
    reg = NeuronetRegressor(hidden_layer_sizes=(16,), learning_rate=0.01, epochs=100)
    reg.fit(X, y)
    assert reg.n_outputs_ == 1
    prediction = reg.predict(X)
    assert prediction.shape == (200,) and prediction.dtype == np.float64
    assert reg.score(X, y) > 0.99
    X_new, y_new = _linear(n=50, seed=1)
    assert reg.score(X_new, y_new) > 0.99


def test_without_hidden_layers_it_is_linear_regression():
    X, y = _linear()
    reg = NeuronetRegressor(hidden_layer_sizes=(), learning_rate=0.05, epochs=100, random_state=0)
    reg.fit(X, y)
    assert len(reg.model_.layers) == 1
    kernel, bias = reg.model_.get_weights()
    np.testing.assert_allclose(kernel[:, 0], [3.0, -2.0, 0.5], atol=1e-3)
    np.testing.assert_allclose(bias, [1.0], atol=1e-3)


def test_several_targets():
    X, y = _linear()
    Y = np.column_stack([y, -y, 2 * X[:, 0]])
    reg = NeuronetRegressor(hidden_layer_sizes=(), learning_rate=0.05, epochs=60, random_state=0)
    reg.fit(X, Y)
    assert reg.n_outputs_ == 3 and reg.model_.output_shape == (None, 3)
    assert reg.predict(X).shape == (200, 3)
    assert reg.score(X, Y) > 0.99
    with pytest.raises(ValueError, match="y has 1 targets, but the fitted model predicts 3"):
        reg.partial_fit(X, y)


def test_a_column_target_is_predicted_flat():
    X, y = _linear(n=40)
    reg = NeuronetRegressor(hidden_layer_sizes=(), epochs=2).fit(X, y[:, None])
    assert reg.n_outputs_ == 1 and reg.predict(X).shape == (40,)


def test_partial_fit_continues_and_keeps_adam_state():
    X, y = _linear(n=64)
    reg = NeuronetRegressor(hidden_layer_sizes=(8,), learning_rate=0.01, random_state=0)
    losses = []
    for _ in range(30):
        reg.partial_fit(X, y)
        losses.append(reg.history_["loss"][-1])
    assert int(reg.model_.optimizer.iterations) == 60  # 2 batches of 32, 30 calls
    assert reg.n_iter_ == 30 and losses[-1] < 0.5 * losses[0]


def test_warm_start_equals_one_longer_fit():
    X, y = _linear(n=64)
    settings = dict(hidden_layer_sizes=(4,), shuffle=False, random_state=5)
    warm = NeuronetRegressor(epochs=2, warm_start=True, **settings)
    warm.fit(X, y).fit(X, y)
    once = NeuronetRegressor(epochs=4, **settings).fit(X, y)
    np.testing.assert_array_equal(warm.predict(X), once.predict(X))
    assert warm.history_["loss"] == once.history_["loss"]


def test_early_stopping_on_training_loss():
    """A learning rate of 0 leaves the loss constant: it stops after `patience` epochs."""
    X, y = _linear(n=40)
    reg = NeuronetRegressor(
        hidden_layer_sizes=(4,),
        learning_rate=0.0,
        epochs=100,
        shuffle=False,
        early_stopping=True,
        patience=3,
    )
    reg.fit(X, y)
    assert reg.n_iter_ == 4 and list(reg.history_) == ["loss"]


def test_sample_weight_changes_the_fit():
    X, y = _linear(n=40)
    weights = np.linspace(0.1, 3.0, 40)
    plain = NeuronetRegressor(hidden_layer_sizes=(4,), epochs=3, random_state=0).fit(X, y)
    weighted = NeuronetRegressor(hidden_layer_sizes=(4,), epochs=3, random_state=0)
    weighted.fit(X, y, sample_weight=weights)
    assert not np.array_equal(plain.predict(X), weighted.predict(X))
    ones = NeuronetRegressor(hidden_layer_sizes=(4,), epochs=3, random_state=0)
    ones.fit(X, y, sample_weight=1.0)  # a scalar weights every sample alike
    np.testing.assert_allclose(ones.predict(X), plain.predict(X), rtol=1e-6)
    with pytest.raises(ValueError, match="at least one non-zero"):
        ones.fit(X, y, sample_weight=np.zeros(40))
