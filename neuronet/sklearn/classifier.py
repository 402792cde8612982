"""NeuronetClassifier: a neuronet model as a scikit-learn classifier."""

from __future__ import annotations

from typing import Self

import numpy as np
import numpy.typing as npt
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

from neuronet import losses
from neuronet.sklearn.base import EXPECTED_FAILED_CHECKS, NeuronetEstimator
from neuronet.utils import to_categorical


class NeuronetClassifier(ClassifierMixin, NeuronetEstimator):
    """A neural-network classifier for scikit-learn, trained by neuronet.

    The default model is an MLP: ``Dense`` layers of ``hidden_layer_sizes`` with
    ``activation``, then one sigmoid unit for two classes (binary crossentropy) or a softmax
    over the classes (categorical crossentropy). Labels may be any values NumPy can sort
    (strings included); ``classes_`` holds them sorted, as ``LabelEncoder`` does.

    A ``model`` builder receives ``n_outputs`` = 1 for two classes and the number of classes
    otherwise; its model may end in one sigmoid unit (two classes) or in one probability per
    class, trained on one-hot targets or, with a sparse categorical crossentropy, on class
    indices. ``predict_proba`` reads the outputs as probabilities.

    Its arguments are ``NeuronetEstimator``'s: model, hidden_layer_sizes, activation,
    optimizer, learning_rate, loss, metrics, epochs, batch_size, validation_split,
    early_stopping, patience, random_state, verbose, warm_start, shuffle, model_params.

    Attributes:
        classes_: the class labels, sorted.
        model_, history_, n_iter_, n_features_in_, feature_names_in_: see
            ``NeuronetEstimator``.

    >>> clf = NeuronetClassifier(hidden_layer_sizes=(8,), epochs=20, random_state=0)
    >>> clf.fit([[0, 0], [0, 1], [1, 0], [1, 1]], ["no", "no", "no", "yes"]).classes_
    array(['no', 'yes'], dtype='<U3')
    """

    def fit(
        self, X: npt.ArrayLike, y: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None
    ) -> Self:
        """Train for ``epochs`` epochs (on from the fitted model when ``warm_start``).

        Args:
            X: array-like or DataFrame, shape ``(n_samples, n_features)``.
            y: class labels, shape ``(n_samples,)``.
            sample_weight: optional weight of each sample in the loss.

        Returns:
            self.
        """
        return self._train(X, y, sample_weight, epochs=self.epochs, keep=self.warm_start)

    def partial_fit(
        self,
        X: npt.ArrayLike,
        y: npt.ArrayLike,
        classes: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
    ) -> Self:
        """Train one epoch on ``(X, y)``, keeping the model and its optimizer's state.

        All of ``(X, y)`` is trained on: ``validation_split`` and ``early_stopping`` apply to
        ``fit`` only.

        Args:
            X, y, sample_weight: as for ``fit``.
            classes: every class label; required on the first call, since a batch may not
                show them all.

        Returns:
            self.
        """
        first = not hasattr(self, "model_")
        if first and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the list of every "
                "class label, since one batch may not contain them all."
            )
        return self._train(
            X,
            y,
            sample_weight,
            epochs=1,
            keep=True,
            classes=classes if first else None,
            partial=True,
        )

    def predict_proba(self, X: npt.ArrayLike) -> np.ndarray:
        """Probability of each class, shape ``(n_samples, n_classes)``, rows summing to 1.

        For a model with one sigmoid output ``p``, the rows are ``[1 - p, p]``.
        """
        outputs = self._outputs(X)
        if outputs.shape[1] == 1:
            outputs = np.hstack([1.0 - outputs, outputs])
        # Exact sums of 1 in float64 (the model computed them in float32).
        return outputs / outputs.sum(axis=1, keepdims=True)

    def predict(self, X: npt.ArrayLike) -> np.ndarray:
        """The most probable class of each sample, shape ``(n_samples,)``."""
        probabilities = self.predict_proba(X)  # first: it checks that the model is fitted
        return self.classes_[np.argmax(probabilities, axis=1)]

    # --- the task -----------------------------------------------------------------------------
    def _check_targets(self, y, keep, classes=None):
        check_classification_targets(y)
        if not keep:
            labels = np.unique(y if classes is None else np.asarray(classes))
            if classes is not None:
                check_classification_targets(labels)
            if len(labels) < 2:
                raise ValueError(
                    "NeuronetClassifier needs samples of at least 2 classes in the data; it "
                    f"got only one class: {labels[0]!r}."
                )
            self.classes_ = labels
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels that are not in classes_ {self.classes_.tolist()}: "
                f"{unknown[:5].tolist()}."
            )
        return np.searchsorted(self.classes_, y)

    def _n_outputs(self):
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _output_activation(self):
        return "sigmoid" if len(self.classes_) == 2 else "softmax"

    def _default_loss(self):
        return "binary_crossentropy" if len(self.classes_) == 2 else "categorical_crossentropy"

    def _model_targets(self, targets, model):
        n_classes = len(self.classes_)
        width = model.output_shape_for((None, self.n_features_in_))[-1]
        if width == 1 and n_classes == 2:
            return targets.astype(np.float32)
        if width == n_classes:
            if isinstance(losses.as_loss(model.loss), losses.SparseCategoricalCrossentropy):
                return targets
            return to_categorical(targets, n_classes)
        raise ValueError(
            f"The model has {width} outputs, but {n_classes} classes need "
            + (f"1 (a sigmoid unit) or {n_classes}" if n_classes == 2 else str(n_classes))
            + " (one probability per class)."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"_xfail_checks": EXPECTED_FAILED_CHECKS, "binary_only": False, "multilabel": False}
