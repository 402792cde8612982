"""Tiny datasets written out in full, for first sessions and tests."""

import numpy as np


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four cases of exclusive or, the textbook problem a single perceptron cannot learn.

    Returns:
        ``(x, y)``: float32 inputs of shape ``(4, 2)`` and float32 targets of shape ``(4, 1)``,
        1 where exactly one input is 1.

    >>> x, y = xor()
    >>> x.tolist(), y.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    y = np.logical_xor(x[:, :1], x[:, 1:]).astype("float32")
    return x, y
