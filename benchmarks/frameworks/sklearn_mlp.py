"""scikit-learn's ``MLPClassifier`` with the benchmark's settings.

Plain SGD (``solver="sgd"``, ``momentum=0``, constant learning rate), no L2 penalty
(``alpha=0``), shuffled batches, and no early stop (``tol=0`` and an ``n_iter_no_change``
beyond the epochs asked for). ``fit(max_iter=epochs)`` starts from fresh weights each call, as
scikit-learn's ``fit`` does. scikit-learn has no prediction batch size: ``predict_proba``
takes all rows at once, so it only enters the one-batch prediction.
"""

import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from frameworks import MLP_BATCH, MLP_LEARNING_RATE, MLP_SIZES, XOR_LEARNING_RATE


def _classifier(hidden, activation, batch_size, learning_rate, epochs):
    return MLPClassifier(
        hidden_layer_sizes=hidden,
        activation=activation,
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=learning_rate,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=batch_size,
        max_iter=epochs,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=0,
    )


def _fit(classifier, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is the point here
        classifier.fit(x, y)


class _XorSession:
    def __init__(self, x, y):
        self.x, self.y = x, np.ravel(y)
        self.classifier = None

    def fit(self, epochs):
        self.classifier = _classifier((10,), "tanh", len(self.x), XOR_LEARNING_RATE, epochs)
        _fit(self.classifier, self.x, self.y)

    def predict(self):
        return self.classifier.predict_proba(self.x)

    def loss(self):
        return float(self.classifier.loss_curve_[-1]) if self.classifier else None


class _MlpSession:
    def __init__(self, x, labels):
        self.x, self.labels = x, labels
        self.classifier = None

    def epoch(self):
        self.classifier = _classifier(
            tuple(MLP_SIZES[1:-1]), "relu", MLP_BATCH, MLP_LEARNING_RATE, epochs=1
        )
        _fit(self.classifier, self.x, self.labels)

    def predict(self, x, batch_size):
        return self.classifier.predict_proba(x)  # all rows at once, whatever batch_size

    def accuracy(self):
        return None  # MLPClassifier records only the loss per epoch


class SklearnMlp:
    batched_predict = False

    def __init__(self, threads):
        pass  # its BLAS follows OPENBLAS_NUM_THREADS/OMP_NUM_THREADS, set by run.py

    def versions(self):
        return {"scikit-learn": sklearn.__version__, "numpy": np.__version__}

    def xor(self, x, y):
        return _XorSession(x, y)

    def mlp(self, x, labels, onehot):
        return _MlpSession(x, labels)
