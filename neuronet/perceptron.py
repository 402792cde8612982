"""The classic perceptron: a weighted sum, a step, and Rosenblatt's learning rule.

This is where neural networks start. One unit computes ``step(x @ w + b)``; after each sample
it moves its weights towards the right answer:

    w += learning_rate * (y - y_hat) * x
    b += learning_rate * (y - y_hat)

Nothing changes when the prediction is right (y - y_hat = 0). When the classes can be split by
a straight line (AND, OR), the rule finds such a line in finitely many updates (the perceptron
convergence theorem). XOR cannot be split by any line, so a perceptron never gets all four
XOR cases right: that is why networks need hidden layers (see ``examples/xor.py``).
"""

from __future__ import annotations

from typing import Self

import numpy as np
import numpy.typing as npt

from neuronet.errors import DataError


def heaviside(z: npt.ArrayLike) -> np.ndarray:
    """The step function: 1 where ``z >= 0``, else 0 (Heaviside with H(0) = 1)."""
    return (np.asarray(z) >= 0).astype("int64")


class Perceptron:
    """Rosenblatt's perceptron for two classes labelled 0 and 1.

    Args:
        learning_rate: step size of the learning rule.
        epochs: maximum number of passes over the data; training stops early after an epoch
            with no mistakes.
        shuffle: visit the samples in a new random order each epoch.
        random_state: seed for the shuffling (weights start at zero, as in the classic rule).

    Attributes (after ``fit``):
        weights_: one weight per feature; bias_: the bias (threshold with its sign flipped);
        errors_: the number of misclassified samples (= updates) in each epoch.
    """

    def __init__(
        self,
        learning_rate: float = 0.1,
        epochs: int = 100,
        shuffle: bool = False,
        random_state: int | None = None,
    ):
        if learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate}.")
        if int(epochs) < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}.")
        self.learning_rate = float(learning_rate)
        self.epochs = int(epochs)
        self.shuffle = bool(shuffle)
        self.random_state = random_state
        self.weights_: np.ndarray | None = None
        self.bias_ = 0.0
        self.errors_: list[int] = []

    def net_input(self, x: npt.ArrayLike) -> np.ndarray:
        """The weighted sum ``x @ w + b`` before the step."""
        return np.asarray(x, dtype="float64") @ self._fitted_weights() + self.bias_

    def predict(self, x: npt.ArrayLike) -> np.ndarray:
        """Class labels (0 or 1) for the rows of ``x``."""
        weights = self._fitted_weights()
        x = np.asarray(x, dtype="float64")
        if x.ndim != 2 or x.shape[1] != len(weights):
            raise DataError(
                f"Perceptron was fitted on {len(weights)} features; x has shape {x.shape}."
            )
        return heaviside(self.net_input(x))

    def _fitted_weights(self) -> np.ndarray:
        if self.weights_ is None:
            raise ValueError("This Perceptron is not fitted yet; call fit(x, y) first.")
        return self.weights_

    def fit(self, x: npt.ArrayLike, y: npt.ArrayLike) -> Self:
        """Learn with Rosenblatt's rule from zero weights; returns ``self``.

        Runs up to ``epochs`` passes and stops after the first pass without a mistake.
        """
        x, y = self._check(x, y)
        self.weights_ = np.zeros(x.shape[1])
        self.bias_ = 0.0
        self.errors_ = []
        self._rng = np.random.default_rng(self.random_state)
        for _ in range(self.epochs):
            if self._epoch(x, y) == 0:
                break
        return self

    def partial_fit(self, x: npt.ArrayLike, y: npt.ArrayLike) -> Self:
        """One more pass of the learning rule over the samples, from the current weights."""
        x, y = self._check(x, y)
        if self.weights_ is None:
            self.weights_ = np.zeros(x.shape[1])
            self._rng = np.random.default_rng(self.random_state)
        self._epoch(x, y)
        return self

    def _epoch(self, x, y):
        order = self._rng.permutation(len(x)) if self.shuffle else range(len(x))
        mistakes = 0
        for i in order:
            error = y[i] - heaviside(x[i] @ self.weights_ + self.bias_)
            # Rosenblatt's rule: move the boundary towards the misclassified sample.
            self.weights_ += self.learning_rate * error * x[i]
            self.bias_ += self.learning_rate * error
            mistakes += int(error != 0)
        self.errors_.append(mistakes)
        return mistakes

    def _check(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y).reshape(-1)
        if x.ndim != 2 or len(x) == 0:
            raise DataError(f"x must be a non-empty 2-D array of samples, got shape {x.shape}.")
        if len(x) != len(y):
            raise DataError(f"x has {len(x)} samples but y has {len(y)}.")
        if not np.isin(y, (0, 1)).all():
            raise DataError("Perceptron labels must be 0 or 1.")
        if self.weights_ is not None and x.shape[1] != len(self.weights_):
            raise DataError(
                f"Perceptron was fitted on {len(self.weights_)} features; x has {x.shape[1]}."
            )
        return x, y

    def score(self, x: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Fraction of samples classified correctly."""
        return float(np.mean(self.predict(x) == np.asarray(y).reshape(-1)))
