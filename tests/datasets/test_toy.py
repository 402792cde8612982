"""xor(): the four textbook cases."""

import numpy as np

import neuronet.datasets
from neuronet.datasets import xor


def test_xor_cases():
    x, y = xor()
    assert (x.dtype, y.dtype, x.shape, y.shape) == (np.float32, np.float32, (4, 2), (4, 1))
    np.testing.assert_array_equal(x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [[0], [1], [1], [0]])
    assert neuronet.datasets.xor is xor


def test_xor_returns_fresh_arrays():
    x, y = xor()
    x[0, 0], y[0, 0] = 5, 5
    x, y = xor()
    assert x[0, 0] == 0 and y[0, 0] == 0
