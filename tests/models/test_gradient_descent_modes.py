"""batch_size picks the method: batch, stochastic or mini-batch gradient descent."""

import numpy as np
import pytest

from neuronet import callbacks, optimizers
from neuronet.layers import Dense
from neuronet.models import Sequential

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2], [0.3, 0.9], [0.1, 0.4]], dtype="float32")
Y = np.array([[0], [1], [1], [0], [1], [0], [1]], dtype="float32")


class RecordBatches(callbacks.Callback):
    """Counts optimizer updates and records the samples of each batch."""

    def __init__(self):
        super().__init__()
        self.sizes = []

    def on_train_batch_end(self, batch, logs=None):
        self.sizes.append(logs["size"])


def make_model(learning_rate=0.5):
    model = Sequential([Dense(3, activation="tanh", input_dim=2), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(learning_rate=learning_rate), loss="binary_crossentropy")
    return model


def mean_gradient(model, x, y):
    """The full-batch gradient, by central differences of the mean loss (float64 math)."""
    weights = [w.astype("float64") for w in model.get_weights()]

    def loss(ws):
        hidden = np.tanh(x @ ws[0] + ws[1])
        p = 1 / (1 + np.exp(-(hidden @ ws[2] + ws[3])))
        return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))

    grads = []
    for w in weights:
        g = np.zeros_like(w)
        for i in np.ndindex(w.shape):
            original = w[i]
            w[i] = original + 1e-6
            plus = loss(weights)
            w[i] = original - 1e-6
            minus = loss(weights)
            w[i] = original
            g[i] = (plus - minus) / 2e-6
        grads.append(g)
    return grads


def test_batch_gradient_descent_is_one_update_with_the_full_batch_gradient():
    model = make_model()
    before = model.get_weights()
    expected_grads = mean_gradient(model, X.astype("float64"), Y.astype("float64"))
    recorder = RecordBatches()
    model.fit(X, Y, batch_size=len(X), epochs=1, verbose=0, callbacks=[recorder])
    assert recorder.sizes == [len(X)]
    assert int(model.optimizer.iterations) == 1
    for w0, w1, g in zip(before, model.get_weights(), expected_grads):
        np.testing.assert_allclose(w1, w0 - 0.5 * g, rtol=1e-4, atol=1e-6)  # w -= lr * grad


def test_stochastic_gradient_descent_updates_once_per_sample_in_a_new_order():
    model = make_model()
    seen = []
    original = model._train_batch

    def spy(x, y, w, **kwargs):
        seen.append(tuple(np.asarray(x).ravel()))
        return original(x, y, w, **kwargs)

    model._train_batch = spy
    model.fit(X, Y, batch_size=1, epochs=3, shuffle=True, verbose=0)
    assert int(model.optimizer.iterations) == 3 * len(X)
    epochs = [seen[i * len(X) : (i + 1) * len(X)] for i in range(3)]
    for order in epochs:  # every sample once per epoch
        assert sorted(order) == sorted(tuple(row) for row in X)
    assert len({tuple(order) for order in epochs}) > 1  # the order changes between epochs


def test_stochastic_gradient_descent_without_shuffle_keeps_the_order():
    model = make_model()
    seen = []
    original = model._train_batch
    model._train_batch = lambda x, y, w, **kwargs: (
        seen.append(tuple(np.asarray(x).ravel())),
        original(x, y, w),
    )[1]
    model.fit(X, Y, batch_size=1, epochs=2, shuffle=False, verbose=0)
    assert seen == [tuple(row) for row in X] * 2


@pytest.mark.parametrize(
    "batch_size, sizes", [(3, [3, 3, 1]), (2, [2, 2, 2, 1]), (7, [7]), (32, [7])]
)
def test_mini_batches_and_the_last_partial_batch(batch_size, sizes):
    model = make_model()
    recorder = RecordBatches()
    model.fit(X, Y, batch_size=batch_size, epochs=2, verbose=0, callbacks=[recorder])
    assert recorder.sizes == sizes * 2
    assert int(model.optimizer.iterations) == 2 * len(sizes)


def test_partial_last_batch_uses_the_mean_over_its_own_samples():
    # Batches of 3 from 7 samples, no shuffle: the third update is lr * the mean gradient of
    # the last sample alone, not of a padded or rescaled batch.
    model = make_model()
    model.fit(X[:6], Y[:6], batch_size=3, epochs=1, shuffle=False, verbose=0)
    before = model.get_weights()
    expected = mean_gradient(model, X[6:].astype("float64"), Y[6:].astype("float64"))
    model.fit(X[6:], Y[6:], batch_size=3, epochs=1, shuffle=False, verbose=0)
    for w0, w1, g in zip(before, model.get_weights(), expected):
        np.testing.assert_allclose(w1, w0 - 0.5 * g, rtol=1e-4, atol=1e-6)


def test_epoch_loss_is_the_batch_size_weighted_mean_of_losses_before_each_update():
    model = make_model()
    clone = make_model()
    clone.set_weights(model.get_weights())
    history = model.fit(X, Y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    losses = []
    for start in range(0, 7, 3):
        xb, yb = X[start : start + 3], Y[start : start + 3]
        losses.append(clone.test_on_batch(xb, yb) * len(xb))
        clone.train_on_batch(xb, yb)
    np.testing.assert_allclose(history.history["loss"][0], sum(losses) / 7, rtol=1e-6)
