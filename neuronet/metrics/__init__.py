"""Metrics with Keras 3's names and numbers: per-sample functions, stateful classes, lookup.

- per-sample functions (``binary_accuracy``, ``categorical_accuracy``, ...) return one value
  per sample; the loss-like ones are ``neuronet.losses``'s own functions;
- stateful classes (``Metric`` and its subclasses) accumulate batches: ``update_state``,
  ``result``, ``reset_state``;
- ``METRICS`` names them all (with Keras's aliases ``'acc'``, ``'mse'``, ``'mae'``, ``'mape'``,
  ``'msle'``, ``'bce'``); ``get``/``serialize``/``deserialize`` as ``keras.metrics``;
- ``resolve(identifier, y_true, y_pred)`` is what ``compile(metrics=[...])`` calls: a stateful
  metric for one output, with ``'accuracy'`` and ``'crossentropy'`` chosen from the shapes.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from neuronet.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    in_top_k,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from neuronet.metrics.auc import AUC
from neuronet.metrics.confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from neuronet.metrics.loss_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from neuronet.metrics.metric import METRICS, Metric, to_snake_case
from neuronet.metrics.reduction import Mean, MeanMetricWrapper, Sum

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.backend import Array

# --- the registry -----------------------------------------------------------------------------
# Functions own their snake-case names (Keras 3 writes a function as {"class_name": "function",
# "config": "binary_accuracy"}); classes go by class name, and by snake-case name where no
# function has it ('auc', 'precision', 'mean', ...). get() turns a function's name into the
# class that wraps it, as keras.metrics.get does ('mse' -> MeanSquaredError()).
_FUNCTIONS = {
    accuracy: ("accuracy", "acc", "ACC"),
    binary_accuracy: (),
    categorical_accuracy: (),
    sparse_categorical_accuracy: (),
    top_k_categorical_accuracy: (),
    sparse_top_k_categorical_accuracy: (),
    mean_squared_error: ("mean_squared_error", "mse", "MSE"),
    mean_absolute_error: ("mean_absolute_error", "mae", "MAE"),
    mean_absolute_percentage_error: ("mean_absolute_percentage_error", "mape", "MAPE"),
    mean_squared_logarithmic_error: ("mean_squared_logarithmic_error", "msle", "MSLE"),
    binary_crossentropy: ("binary_crossentropy", "bce", "BCE"),
    categorical_crossentropy: (),
    sparse_categorical_crossentropy: (),
    kl_divergence: (),
    poisson: (),
    hinge: (),
    squared_hinge: (),
    categorical_hinge: (),
    log_cosh: ("log_cosh", "logcosh"),
    cosine_similarity: (),
}
_CLASS_FOR_FUNCTION = {
    accuracy: Accuracy,
    binary_accuracy: BinaryAccuracy,
    categorical_accuracy: CategoricalAccuracy,
    sparse_categorical_accuracy: SparseCategoricalAccuracy,
    top_k_categorical_accuracy: TopKCategoricalAccuracy,
    sparse_top_k_categorical_accuracy: SparseTopKCategoricalAccuracy,
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    kl_divergence: KLDivergence,
    poisson: Poisson,
    hinge: Hinge,
    squared_hinge: SquaredHinge,
    categorical_hinge: CategoricalHinge,
    log_cosh: LogCoshError,
    cosine_similarity: CosineSimilarity,
}
_CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, AUC,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, RootMeanSquaredError, LogCoshError, CosineSimilarity,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
)  # fmt: skip

for _fn, _names in _FUNCTIONS.items():
    METRICS.add(_fn, *(_names or (_fn.__name__,)))
for _cls in _CLASSES:
    _snake = to_snake_case(_cls.__name__)
    METRICS.add(_cls, _cls.__name__, *(() if _snake in METRICS else (_snake,)))


def serialize(metric: Metric | Callable[..., Array]) -> str | dict[str, Any]:
    """A JSON-ready description: a function's name, or a metric's Keras config dict."""
    return METRICS.serialize(metric)


def deserialize(config: str | dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """The function or class named by a string, or the metric a config dict describes."""
    return METRICS.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """A metric from a name, a config dict, a class, a function or an instance.

    As ``keras.metrics.get``: a name gives an instance of its class (``'mse'`` ->
    ``MeanSquaredError()``, ``'auc'`` -> ``AUC()``), a class is instantiated, a function or
    an instance comes back as is.

    Raises:
        UnknownIdentifierError: an unknown name, with the closest one suggested.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = METRICS.lookup(identifier)
        obj = _CLASS_FOR_FUNCTION.get(obj, obj)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj) and not isinstance(obj, Metric):
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
    return obj


# --- compile(metrics=[...]) --------------------------------------------------------------------
_ACCURACY = {
    "binary": BinaryAccuracy,
    "sparse": SparseCategoricalAccuracy,
    "categorical": CategoricalAccuracy,
}
_CROSSENTROPY = {
    "binary": BinaryCrossentropy,
    "sparse": SparseCategoricalCrossentropy,
    "categorical": CategoricalCrossentropy,
}


def _shape_of(value):
    """A shape from an array, or a tuple that already is one."""
    if isinstance(value, tuple):
        return value
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else np.shape(value)


def target_kind(y_true: Array, y_pred: Array) -> str:
    """``'binary'``, ``'sparse'`` or ``'categorical'``: how Keras 3 reads labels and output.

    One output column is binary; labels with one dimension fewer than the output, or one
    label column against several output columns, are sparse (class indices); anything else
    is categorical (one-hot).

    Args:
        y_true: the labels, or their shape as a tuple.
        y_pred: the model output, or its shape as a tuple.
    """
    true_shape, pred_shape = _shape_of(y_true), _shape_of(y_pred)
    pred_last = pred_shape[-1] if pred_shape else None
    true_last = true_shape[-1] if true_shape else None
    if pred_last == 1:
        return "binary"
    fewer_dims = len(true_shape) < len(pred_shape)
    if (fewer_dims or true_last == 1) and pred_last is not None and pred_last > 1:
        return "sparse"
    return "categorical"


def validate(identifier: Any) -> None:
    """Check a ``compile(metrics=[...])`` entry before any data is seen; create nothing.

    Names must be registered or one of the shape-dependent ``'accuracy'``, ``'acc'``,
    ``'crossentropy'``, ``'ce'``; dicts must name a registered class; anything else must be
    a Metric or a callable.

    Raises:
        UnknownIdentifierError: an unknown name, with the closest one suggested.
    """
    if identifier is None or isinstance(identifier, Metric):
        return
    if isinstance(identifier, str):
        if identifier.lower() not in ("accuracy", "acc", "crossentropy", "ce"):
            METRICS.lookup(identifier)
    elif isinstance(identifier, dict):
        METRICS.lookup(identifier.get("class_name"))
    elif not callable(identifier):
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def _object_name(obj):
    name = getattr(obj, "name", None)
    if isinstance(name, str):
        return name
    return to_snake_case(getattr(obj, "__name__", None) or type(obj).__name__)


def resolve(identifier: Any, y_true: Array, y_pred: Array) -> Metric | None:
    """The stateful metric that ``compile(metrics=[identifier])`` tracks for one output.

    - ``'accuracy'``/``'acc'`` (any case): ``BinaryAccuracy`` (threshold 0.5) for one output
      column, ``SparseCategoricalAccuracy`` for sparse labels, else ``CategoricalAccuracy``
      (``target_kind``); likewise ``'crossentropy'``/``'ce'`` for the three crossentropies.
    - any other name: ``get(name)``. A metric made from a string is named exactly as
      written (``'acc'`` stays ``'acc'``, ``'mse'`` stays ``'mse'``): the history key.
    - a metric instance is returned itself, with its own name (so the caller can read it
      after training, as in Keras); a metric class or config dict gives a new instance.
    - a plain callable ``fn(y_true, y_pred)`` is wrapped in ``MeanMetricWrapper``, named
      after its ``__name__``.

    Args:
        identifier: a name, config dict, Metric class or instance, or callable (None gives None).
        y_true: the labels, or their shape as a tuple.
        y_pred: the model output, or its shape as a tuple.

    Raises:
        UnknownIdentifierError: an unknown name, with the closest one suggested.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc"):
            return _ACCURACY[target_kind(y_true, y_pred)](name=identifier)
        if key in ("crossentropy", "ce"):
            return _CROSSENTROPY[target_kind(y_true, y_pred)](name=identifier)
        metric = get(identifier)
        if not isinstance(metric, Metric):
            metric = MeanMetricWrapper(metric)
        metric.name = identifier
        return metric
    metric = get(identifier)
    if isinstance(metric, Metric):
        return metric
    return MeanMetricWrapper(metric, name=_object_name(metric))


__all__ = [
    "METRICS", "get", "serialize", "deserialize", "resolve", "target_kind", "validate",
    "Metric", "Mean", "Sum", "MeanMetricWrapper",
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "in_top_k",
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
    "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives",
    "Precision", "Recall", "AUC",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge", "squared_hinge",
    "categorical_hinge", "log_cosh", "cosine_similarity",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "RootMeanSquaredError", "LogCoshError", "CosineSimilarity",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge",
]  # fmt: skip
