"""What NeuronetClassifier and NeuronetRegressor share: parameters, model making, training.

The estimator keeps scikit-learn's contract (parameters stored untouched by ``__init__``, every
check in ``fit``, fitted attributes ending in ``_``) and delegates the numbers to a neuronet
model: ``fit`` builds and compiles a model, then calls its Keras-style ``fit``; ``partial_fit``
and ``warm_start`` call that ``fit`` again on the same model, whose optimizer keeps its state
(Adam's step count and moments) between calls, as Keras's does.
"""

from __future__ import annotations

import inspect
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from neuronet import backend, optimizers
from neuronet.callbacks import EarlyStopping
from neuronet.models import mlp

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from neuronet.models.sequential import Sequential
    from neuronet.optimizers.optimizer import Optimizer
    from neuronet.optimizers.schedules import LearningRateSchedule

try:
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # scikit-learn < 1.6 has it as a method

    def _validate_data(estimator, X="no_validation", y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)


# The parameters a model builder never receives by name: the builder itself and its bag.
_NOT_FOR_BUILDER = ("model", "model_params")

# Rows per batch in predict: any size gives the same outputs, and larger ones run faster.
_PREDICT_BATCH_SIZE = 1024

# scikit-learn's estimator checks that these estimators fail by design, with the reason.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Training is mini-batch gradient descent in float32: a sample of weight 2 and the same "
        "sample twice fall into different batches (and the loss of a batch is its weighted "
        "mean over batch_size samples, as in Keras), so the fitted weights agree only to "
        "about 1e-5, not to the check's 1e-7."
    ),
    # The same property, under its name in scikit-learn < 1.6.
    "check_sample_weights_invariance": (
        "Zero-weight samples still take places in the mini-batches; see "
        "check_sample_weight_equivalence_on_dense_data."
    ),
}


class NeuronetEstimator(BaseEstimator):
    """Base of the scikit-learn estimators; subclasses fix the task (targets, loss, output).

    Args:
        model: None for the default MLP, or a builder ``model(n_features, n_outputs, **params)``
            returning a neuronet ``Sequential``, compiled or not. ``params`` are the entries
            of ``model_params`` plus every estimator parameter the builder's signature names
            (``hidden_layer_sizes``, ``activation``, ``learning_rate``, ...). An uncompiled
            model is compiled with ``optimizer``, ``learning_rate``, ``loss`` and ``metrics``;
            a compiled one is trained as it was compiled.
        hidden_layer_sizes: units of each hidden layer of the default MLP.
        activation: activation of the default MLP's hidden layers.
        optimizer: an optimizer name (``"adam"``, ``"sgd"``, ...), class, or instance (used as a
            template: each fit trains a fresh copy of it, with its own learning rate).
        learning_rate: the learning rate (a float or a schedule) of an optimizer given by
            name or class; None keeps that optimizer's default.
        loss: the loss; None for the task's default.
        metrics: metrics to compile the model with (reported in ``history_``).
        epochs: passes over the data in ``fit``.
        batch_size: samples per gradient update.
        validation_split: fraction of the data, taken from the end before shuffling as in
            Keras, held out to report ``val_loss`` each epoch.
        early_stopping: stop when the monitored loss has not improved for ``patience`` epochs
            (Keras's ``EarlyStopping`` on ``val_loss`` when ``validation_split > 0``, on
            ``loss`` otherwise).
        patience: epochs without improvement before early stopping.
        random_state: None, an int or a ``RandomState``; when set, ``fit`` (and the first
            ``partial_fit``) first calls
            ``neuronet.set_random_seed`` (which, as in Keras, seeds neuronet's, NumPy's global
            and Python's random generators), so fits repeat bit for bit.
        verbose: 0 (silent), 1 (progress bar) or 2 (one line per epoch).
        warm_start: ``fit`` continues training the fitted model (weights and optimizer state)
            instead of starting afresh.
        shuffle: shuffle the training samples before each epoch.
        model_params: extra keyword arguments for the ``model`` builder.

    Attributes:
        model_: the fitted neuronet model.
        history_: dict from each logged quantity (``"loss"``, ``"val_loss"``, metrics) to its
            per-epoch values, over every epoch ``model_`` was trained for.
        n_iter_: epochs ``model_`` was trained for (``fit``, ``warm_start`` and ``partial_fit``).
        n_features_in_: features seen in ``fit``; ``feature_names_in_`` their names, for
            DataFrames whose column names are all strings.
    """

    def __init__(
        self,
        model: Callable[..., Sequential] | None = None,
        *,
        hidden_layer_sizes: int | Sequence[int] = (100,),
        activation: str | Callable[..., Any] = "relu",
        optimizer: str | type[Optimizer] | Optimizer = "adam",
        learning_rate: float | LearningRateSchedule | None = 0.001,
        loss: Any = None,
        metrics: Sequence[Any] | None = None,
        epochs: int = 200,
        batch_size: int = 32,
        validation_split: float = 0.0,
        early_stopping: bool = False,
        patience: int = 10,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        shuffle: bool = True,
        model_params: dict[str, Any] | None = None,
    ):
        self.model = model
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.shuffle = shuffle
        self.model_params = model_params

    # --- what the subclasses define -----------------------------------------------------------
    def _check_targets(self, y, keep, classes=None):
        """Check ``y``; on a new model (``keep`` False) record what it says (classes, outputs).
        Returns the targets in a task form (class indices, or a 2-D float array)."""
        raise NotImplementedError

    def _n_outputs(self):
        """Units of the default model's output layer."""
        raise NotImplementedError

    def _output_activation(self):
        raise NotImplementedError

    def _default_loss(self):
        raise NotImplementedError

    def _model_targets(self, targets, model):
        """``targets`` in the form ``model``'s output and loss expect."""
        return targets

    # --- training -----------------------------------------------------------------------------
    def _train(self, X, y, sample_weight, *, epochs, keep, classes=None, partial=False):
        """Validate, make (or keep) the model, train it ``epochs`` epochs; return self."""
        keep = keep and hasattr(self, "model_")
        X, y = _validate_data(
            self, X, y, reset=not keep, dtype=(np.float64, np.float32), **self._y_checks()
        )
        targets = self._check_targets(y, keep, classes)
        weights = _sample_weight(sample_weight, len(X))
        if keep:
            model = self.model_
        else:
            self._seed()
            model = self._make_model(X.shape[1])
        callbacks = []
        if self.early_stopping and not partial:
            monitor = "val_loss" if self.validation_split else "loss"
            callbacks.append(EarlyStopping(monitor=monitor, patience=self.patience))
        history = model.fit(
            X,
            self._model_targets(targets, model),
            batch_size=self.batch_size,
            epochs=epochs,
            verbose=self.verbose,
            callbacks=callbacks,
            # partial_fit trains on the batch it is given, all of it (as scikit-learn's MLP).
            validation_split=0.0 if partial else self.validation_split,
            shuffle=self.shuffle,
            sample_weight=weights,
        )
        if not keep:
            self.model_ = model
            self.history_ = {}
            self.n_iter_ = 0
        for name, values in history.history.items():
            self.history_.setdefault(name, []).extend(float(value) for value in values)
        self.n_iter_ += len(history.epoch)
        return self

    def _y_checks(self):
        """Keyword arguments for scikit-learn's ``validate_data`` about ``y``."""
        return {}

    def _seed(self):
        if self.random_state is None:
            return
        if isinstance(self.random_state, numbers.Integral):
            seed = int(self.random_state)
        else:  # a RandomState: draw the seed from it, as scikit-learn's estimators do
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        backend.set_random_seed(seed)

    def _make_model(self, n_features):
        """The builder's model (or the default MLP), compiled unless it came compiled."""
        n_outputs = self._n_outputs()
        if self.model is None:
            model = mlp.build_mlp(
                n_features,
                n_outputs,
                self.hidden_layer_sizes,
                self.activation,
                self._output_activation(),
            )
        elif callable(self.model):
            model = self.model(n_features, n_outputs, **self._builder_params())
            if not (hasattr(model, "compile") and hasattr(model, "fit")):
                raise TypeError(
                    f"The model builder {self.model!r} returned {model!r}; it must return a "
                    "neuronet model (e.g. a Sequential)."
                )
        else:
            raise TypeError(
                "`model` must be None (the default MLP) or a function "
                f"model(n_features, n_outputs, **params) returning a model; got {self.model!r}."
            )
        if not model.compiled:
            loss = self._default_loss() if self.loss is None else self.loss
            model.compile(optimizer=self._make_optimizer(), loss=loss, metrics=self.metrics)
        return model

    def _builder_params(self):
        """``model_params`` plus the estimator parameters the builder names in its signature."""
        try:
            names = inspect.signature(self.model).parameters
        except (TypeError, ValueError):  # a builtin or C callable: no signature to read
            names = {}
        params = {
            name: getattr(self, name)
            for name in self._get_param_names()
            if name in names and name not in _NOT_FOR_BUILDER
        }
        params.update(self.model_params or {})
        return params

    def _make_optimizer(self):
        optimizer = self.optimizer
        if isinstance(optimizer, optimizers.Optimizer):
            # A fresh copy: the instance is a parameter, shared by clones, and must not carry
            # one fit's state into another.
            return type(optimizer).from_config(optimizer.get_config())
        if isinstance(optimizer, type) and issubclass(optimizer, optimizers.Optimizer):
            made = optimizer()
        else:
            made = optimizers.get(optimizer)
        if not isinstance(made, optimizers.Optimizer):
            raise ValueError(
                f"`optimizer` must be an optimizer name, class or instance; got {optimizer!r}."
            )
        if self.learning_rate is not None:  # None keeps the optimizer's own default
            made.learning_rate = self.learning_rate
        return made

    # --- prediction ---------------------------------------------------------------------------
    def _outputs(self, X):
        """The model's outputs for ``X``, after scikit-learn's checks, as float64."""
        check_is_fitted(self)
        X = _validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        return self.model_.predict(X, batch_size=_PREDICT_BATCH_SIZE).astype(np.float64)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")


def _sample_weight(sample_weight, n_samples):
    """``sample_weight`` as a float64 array of shape ``(n_samples,)``, or None."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.ndim == 0:
        weights = np.full(n_samples, float(weights))
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {weights.shape}, expected {(n_samples,)}: one weight per "
            "sample."
        )
    if not np.any(weights):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return weights
