"""The workloads' data, made the same way in every worker (NumPy only, fixed seeds).

- XOR: the four cases of the textbook session, as the book writes them (int arrays).
- MNIST-shaped: 784 float32 "pixels" in [0, 1) per sample and 10 classes. The labels come from
  a fixed random teacher network (784-64-10, tanh), so they are a smooth function of the
  inputs that a 784-256-128-10 MLP can learn, unlike random labels.
"""

import numpy as np

FEATURES = 784
CLASSES = 10
TEACHER_HIDDEN = 64
SEED = 1234


def xor_data():
    """The textbook XOR arrays: x (4, 2) and y (4, 1), int64 as ``np.array`` gives them."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])
    return x, y


def teacher_data(samples, seed=SEED, chunk=2_000):
    """``samples`` rows of MNIST-shaped data labelled by a fixed random teacher network.

    Returns ``x`` (samples, 784) float32, ``labels`` (samples,) int64 and ``onehot``
    (samples, 10) float32. Made in chunks so that the teacher's temporaries stay small.
    """
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((FEATURES, TEACHER_HIDDEN)) * (4.0 / np.sqrt(FEATURES))
    w2 = rng.standard_normal((TEACHER_HIDDEN, CLASSES))
    x = np.empty((samples, FEATURES), np.float32)
    labels = np.empty(samples, np.int64)
    for start in range(0, samples, chunk):
        block = x[start : start + chunk]
        rng.random(out=block, dtype=np.float32)
        logits = np.tanh((block - 0.5) @ w1) @ w2
        labels[start : start + chunk] = logits.argmax(axis=1)
    onehot = np.zeros((samples, CLASSES), np.float32)
    onehot[np.arange(samples), labels] = 1.0
    return x, labels, onehot
