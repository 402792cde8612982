"""The classic perceptron: Rosenblatt's rule by hand, AND/OR learned, XOR never."""

import itertools

import numpy as np
import pytest

from neuronet import Perceptron
from neuronet.errors import DataError
from neuronet.perceptron import heaviside

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_heaviside_step_counts_zero_as_one():
    assert heaviside([-0.5, 0.0, 0.5]).tolist() == [0, 1, 1]


def test_first_epoch_of_and_worked_by_hand():
    # lr = 0.5, w = (0, 0), b = 0, samples in order, step(0) = 1:
    # (0,0) y=0: z=0 -> 1, error -1: w = (0, 0), b = -0.5
    # (0,1) y=0: z=-0.5 -> 0, right
    # (1,0) y=0: z=-0.5 -> 0, right
    # (1,1) y=1: z=-0.5 -> 0, error +1: w = (0.5, 0.5), b = 0
    p = Perceptron(learning_rate=0.5, epochs=1).fit(X, [0, 0, 0, 1])
    np.testing.assert_allclose(p.weights_, [0.5, 0.5])
    assert p.bias_ == 0.0
    assert p.errors_ == [2]


@pytest.mark.parametrize(
    "name, y", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0])]
)
def test_learns_linearly_separable_gates(name, y):
    p = Perceptron(learning_rate=0.1, epochs=50).fit(X, y)
    assert p.predict(X).tolist() == y, name
    assert p.errors_[-1] == 0  # converged: a full epoch without a mistake
    assert p.score(X, y) == 1.0


@pytest.mark.parametrize("shuffle", [False, True])
def test_never_learns_xor(shuffle):
    y = np.array([0, 1, 1, 0])
    p = Perceptron(learning_rate=0.1, shuffle=shuffle, random_state=0)
    for _ in range(1000):  # keep applying the rule, checking after every epoch
        p.partial_fit(X, y)
        assert (p.predict(X) != y).any()
        assert p.errors_[-1] > 0  # every epoch makes at least one mistake
    assert Perceptron(epochs=1000).fit(X, y).score(X, y) < 1.0


def test_no_line_separates_xor():
    # The reason, checked over a grid of lines w1*x1 + w2*x2 + b >= 0: none gets all four.
    grid = np.linspace(-2, 2, 21)
    y = np.array([0, 1, 1, 0])
    for w1, w2, b in itertools.product(grid, grid, grid):
        assert (heaviside(X @ np.array([w1, w2]) + b) != y).any()


def test_bad_input_is_refused():
    with pytest.raises(DataError, match="0 or 1"):
        Perceptron().fit(X, [0, 2, 1, 0])
    with pytest.raises(DataError, match="4 samples but y has 3"):
        Perceptron().fit(X, [0, 1, 1])
    with pytest.raises(ValueError, match="not fitted"):
        Perceptron().predict(X)
