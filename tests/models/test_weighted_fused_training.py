"""Sample weights reach the gradient when the output's crossentropy is fused (p - y).

With Keras's default reduction ("sum_over_batch_size") the weighted loss of a batch is
sum_i w_i l_i / batch_size. Weights (2, 0) on two samples therefore give 2 l_1 / 2 = l_1: the
same step as training on the first sample alone.
"""

import numpy as np
import pytest

from neuronet import backend, optimizers
from neuronet.layers import Dense
from neuronet.models import Sequential

X = np.array([[0.5, -1.0], [2.0, 0.3]], dtype="float32")


def model_for(activation, loss, units):
    backend.set_random_seed(4)
    model = Sequential(
        [Dense(3, activation="tanh", input_dim=2), Dense(units, activation=activation)]
    )
    model.compile(optimizer=optimizers.SGD(learning_rate=0.5), loss=loss)
    return model


CASES = {
    "sigmoid+bce": ("sigmoid", "binary_crossentropy", 1, np.array([[1.0], [0.0]], "float32")),
    "softmax+cce": (
        "softmax",
        "categorical_crossentropy",
        2,
        np.array([[0.0, 1.0], [1.0, 0.0]], "float32"),
    ),
    "softmax+scce": (
        "softmax",
        "sparse_categorical_crossentropy",
        2,
        np.array([[1.0], [0.0]], "float32"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_weights_two_and_zero_equal_the_first_sample_alone(case):
    activation, loss, units, y = CASES[case]
    weighted = model_for(activation, loss, units)
    assert weighted._loss is not None
    history = weighted.fit(X, y, sample_weight=np.array([2.0, 0.0]), batch_size=2, verbose=0)
    assert weighted._fused
    alone = model_for(activation, loss, units)
    reference = alone.fit(X[:1], y[:1], batch_size=1, verbose=0)
    for a, b in zip(weighted.get_weights(), alone.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history.history["loss"], reference.history["loss"], rtol=1e-5)


def test_class_weight_changes_the_step():
    activation, loss, units, y = CASES["sigmoid+bce"]
    plain = model_for(activation, loss, units)
    plain.fit(X, y, batch_size=2, verbose=0)
    weighted = model_for(activation, loss, units)
    weighted.fit(X, y, class_weight={0: 1.0, 1: 5.0}, batch_size=2, verbose=0)
    assert not np.allclose(plain.get_weights()[0], weighted.get_weights()[0])
