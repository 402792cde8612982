"""Copies of a trained model (pickle, copy.deepcopy) predict and keep training like the original.

A trained model's weights are views of one packed buffer and its optimizer's slots views of
others; copying does not preserve such sharing, so copies come back unpacked and update weight
by weight. The numbers must not change.
"""

import copy
import pickle

import numpy as np
import pytest

from neuronet import backend, optimizers
from neuronet.layers import Dense
from neuronet.models import Sequential

RNG = np.random.default_rng(5)
X = RNG.normal(size=(20, 3)).astype("float32")
Y = (X[:, :1] + X[:, 1:2] > 0).astype("float32")


def trained(optimizer):
    backend.set_random_seed(2)
    model = Sequential([Dense(4, activation="tanh", input_dim=3), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(X, Y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    return model


COPIES = {
    "pickle": lambda model: pickle.loads(pickle.dumps(model)),
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("how", sorted(COPIES))
@pytest.mark.parametrize(
    "optimizer", [lambda: optimizers.SGD(learning_rate=0.2), lambda: optimizers.Adam(0.01)]
)
def test_a_copy_trains_on_exactly_like_the_original(how, optimizer):
    original = trained(optimizer())
    duplicate = COPIES[how](original)
    np.testing.assert_array_equal(duplicate.predict(X), original.predict(X))
    original.fit(X, Y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    duplicate.fit(X, Y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    assert int(duplicate.optimizer.iterations) == int(original.optimizer.iterations) == 16
    for a, b in zip(duplicate.get_weights(), original.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for a, b in zip(duplicate.optimizer.variables, original.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    # The copy packed its weights again (one buffer) at its first fit.
    pack = duplicate.trainable_weights[0].pack
    assert pack is not None and pack.covers(duplicate.trainable_weights)


def test_the_copy_and_the_original_do_not_share_weights():
    original = trained(optimizers.SGD(learning_rate=0.2))
    duplicate = copy.deepcopy(original)
    before = [w.copy() for w in original.get_weights()]
    duplicate.fit(X, Y, batch_size=5, epochs=1, verbose=0)
    for a, b in zip(before, original.get_weights()):
        np.testing.assert_array_equal(a, b)
