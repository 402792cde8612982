"""fit folds plain SGD's -learning_rate into the loss gradient: the same steps, one addition.

Without momentum, SGD's update is ``w -= lr * g``. In ``fit`` the trainer multiplies the
output's gradient (a small array) by ``-lr``, backpropagation carries the factor into every
weight's gradient, and the update is ``w += g``. These tests hold that lane to the plain one.
"""

import numpy as np
import pytest

from neuronet import backend, callbacks, optimizers
from neuronet.layers import Dense
from neuronet.models import Sequential

RNG = np.random.default_rng(3)
X = RNG.normal(size=(24, 3)).astype("float32")
Y = np.eye(2, dtype="float32")[RNG.integers(0, 2, size=24)]


def make_model(optimizer, **dense):
    backend.set_random_seed(11)
    model = Sequential(
        [Dense(5, activation="relu", input_dim=3, **dense), Dense(2, activation="softmax")]
    )
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    return model


def steps_without_fit(model, batches, rates):
    """The same updates through train_on_batch, which never prescales."""
    for (xb, yb), rate in zip(batches, rates):
        model.optimizer.learning_rate = rate
        model.train_on_batch(xb, yb)


def batches_of(size):
    return [(X[i : i + size], Y[i : i + size]) for i in range(0, len(X), size)]


@pytest.mark.parametrize("dense", [{}, {"kernel_regularizer": "l2", "activity_regularizer": "l1"}])
def test_fit_matches_unscaled_steps(dense):
    folded = make_model(optimizers.SGD(learning_rate=0.1), **dense)
    folded.fit(X, Y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    unscaled_steps = []
    flat_step = folded.optimizer._flat_step
    folded.optimizer._flat_step = lambda: (unscaled_steps.append(1), flat_step())
    folded.fit(X, Y, batch_size=6, epochs=2, shuffle=False, verbose=0)
    assert unscaled_steps == []  # every step of the second fit took the prescaled lane
    plain = make_model(optimizers.SGD(learning_rate=0.1), **dense)
    steps_without_fit(plain, batches_of(6) * 3, [0.1] * 12)
    assert int(folded.optimizer.iterations) == int(plain.optimizer.iterations) == 12
    for a, b in zip(folded.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_learning_rate_changed_by_a_callback_is_folded_in_at_the_next_step():
    schedule = callbacks.LearningRateScheduler(lambda epoch, rate: [0.2, 0.05, 0.01][epoch])
    folded = make_model(optimizers.SGD(learning_rate=0.3))
    folded.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[schedule])
    plain = make_model(optimizers.SGD(learning_rate=0.3))
    steps_without_fit(plain, batches_of(8) * 3, [0.2] * 3 + [0.05] * 3 + [0.01] * 3)
    for a, b in zip(folded.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_the_factor_is_offered_only_for_a_plain_update():
    model = make_model(optimizers.SGD(learning_rate=0.25))
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    variables = model._train_variables
    assert model.optimizer.gradient_factor(variables) == -0.25
    assert model.optimizer.gradient_factor(list(variables)) is None  # not the packed list
    for optimizer in [
        optimizers.SGD(learning_rate=0.1, momentum=0.9),
        optimizers.SGD(learning_rate=0.1, clipvalue=1.0),
        optimizers.SGD(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)),
        optimizers.Adam(),
    ]:
        other = make_model(optimizer)
        other.fit(X, Y, batch_size=8, epochs=1, verbose=0)
        assert other.optimizer.gradient_factor(other._train_variables) is None


def test_prescaled_step_without_a_factor_is_refused():
    model = make_model(optimizers.SGD(learning_rate=0.1))
    with pytest.raises(ValueError, match="prescaled"):
        model.optimizer.step(model.trainable_weights, prescaled=True)


def test_a_second_fit_replans_after_compile_or_freezing():
    model = make_model(optimizers.SGD(learning_rate=0.1))
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    assert model._fused  # softmax + categorical crossentropy: p - y
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    assert not model._fused
    model.layers[0].trainable = False
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    frozen = [w.copy() for w in model.layers[0].get_weights()]
    model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)
    assert len(model._train_variables) == 2  # the second layer's kernel and bias only
