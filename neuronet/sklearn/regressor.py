"""NeuronetRegressor: a neuronet model as a scikit-learn regressor."""

from __future__ import annotations

from typing import Self

import numpy as np
import numpy.typing as npt
from sklearn.base import RegressorMixin

from neuronet.sklearn.base import EXPECTED_FAILED_CHECKS, NeuronetEstimator


class NeuronetRegressor(RegressorMixin, NeuronetEstimator):
    """A neural-network regressor for scikit-learn, trained by neuronet.

    The default model is an MLP: ``Dense`` layers of ``hidden_layer_sizes`` with
    ``activation``, then one linear unit per target, trained on the mean squared error.
    ``y`` may have one target (shape ``(n,)``) or several (``(n, n_targets)``); ``predict``
    gives back the same shape. Targets are used as they are: scale them (for instance with
    ``TransformedTargetRegressor``) when they are far from unit size.

    Its arguments are ``NeuronetEstimator``'s: model, hidden_layer_sizes, activation,
    optimizer, learning_rate, loss, metrics, epochs, batch_size, validation_split,
    early_stopping, patience, random_state, verbose, warm_start, shuffle, model_params.

    Attributes:
        n_outputs_: the number of targets.
        model_, history_, n_iter_, n_features_in_, feature_names_in_: see
            ``NeuronetEstimator``.

    >>> reg = NeuronetRegressor(hidden_layer_sizes=(), epochs=5, random_state=0)
    >>> reg.fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0]).n_outputs_
    1
    """

    def fit(
        self, X: npt.ArrayLike, y: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None
    ) -> Self:
        """Train for ``epochs`` epochs (on from the fitted model when ``warm_start``).

        Args:
            X: array-like or DataFrame, shape ``(n_samples, n_features)``.
            y: targets, shape ``(n_samples,)`` or ``(n_samples, n_targets)``.
            sample_weight: optional weight of each sample in the loss.

        Returns:
            self.
        """
        return self._train(X, y, sample_weight, epochs=self.epochs, keep=self.warm_start)

    def partial_fit(
        self, X: npt.ArrayLike, y: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None
    ) -> Self:
        """Train one epoch on ``(X, y)``, keeping the model and its optimizer's state.

        All of ``(X, y)`` is trained on: ``validation_split`` and ``early_stopping`` apply to
        ``fit`` only.

        Returns:
            self.
        """
        return self._train(X, y, sample_weight, epochs=1, keep=True, partial=True)

    def predict(self, X: npt.ArrayLike) -> np.ndarray:
        """The predicted targets: shape ``(n_samples,)`` for one target, else 2-D."""
        outputs = self._outputs(X)
        return outputs[:, 0] if outputs.shape[1] == 1 else outputs

    # --- the task -----------------------------------------------------------------------------
    def _check_targets(self, y, keep, classes=None):
        targets = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if not keep:
            self.n_outputs_ = targets.shape[1]
        elif targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} targets, but the fitted model predicts "
                f"{self.n_outputs_}."
            )
        return targets

    def _y_checks(self):
        return {"multi_output": True, "y_numeric": True}

    def _n_outputs(self):
        return self.n_outputs_

    def _output_activation(self):
        return "linear"

    def _default_loss(self):
        return "mse"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"_xfail_checks": EXPECTED_FAILED_CHECKS, "multioutput": True}
