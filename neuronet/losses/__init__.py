"""Losses with Keras 3's names, numbers and reductions, each with its gradient written out.

- Loss functions (``mean_squared_error``, ``binary_crossentropy``, ...) return one value per
  sample; each has its derivative right under it (``mean_squared_error_grad``, also reachable
  as ``gradient(fn)`` and ``fn.grad``).
- Loss classes (``MeanSquaredError``, ...) weight and reduce those values (``__call__``) and
  give the gradient of the result with respect to the predictions (``grad``).
- ``get``/``serialize``/``deserialize`` follow ``keras.losses``; ``as_loss`` is what
  ``compile`` uses: whatever the user passed, a ``Loss`` that can train.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.losses.crossentropy import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_crossentropy_grad,
    categorical_crossentropy,
    categorical_crossentropy_grad,
    sparse_categorical_crossentropy,
    sparse_categorical_crossentropy_grad,
)
from neuronet.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    categorical_hinge_grad,
    convert_binary_labels_to_hinge,
    hinge,
    hinge_grad,
    squared_hinge,
    squared_hinge_grad,
)
from neuronet.losses.loss import (
    LOSSES,
    REDUCTIONS,
    Loss,
    LossFunctionWrapper,
    gradient,
    reduce_weighted_values,
    reduce_weighted_values_grad,
    register,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from neuronet.losses.probabilistic import (
    KLDivergence,
    Poisson,
    kl_divergence,
    kl_divergence_grad,
    poisson,
    poisson_grad,
)
from neuronet.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    cosine_similarity_grad,
    huber,
    huber_grad,
    log_cosh,
    log_cosh_grad,
    mean_absolute_error,
    mean_absolute_error_grad,
    mean_absolute_percentage_error,
    mean_absolute_percentage_error_grad,
    mean_squared_error,
    mean_squared_error_grad,
    mean_squared_logarithmic_error,
    mean_squared_logarithmic_error_grad,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.backend import Array

LOSSES.add(Loss)
LOSSES.add(LossFunctionWrapper)

# Legacy short names, as Keras's own modules carry them.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

# The class that ``as_loss`` builds for each built-in function.
_CLASS_OF = {
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    hinge: Hinge,
    squared_hinge: SquaredHinge,
    categorical_hinge: CategoricalHinge,
    huber: Huber,
    log_cosh: LogCosh,
    kl_divergence: KLDivergence,
    poisson: Poisson,
    cosine_similarity: CosineSimilarity,
}


def get(identifier: Any) -> Any:
    """A loss function or ``Loss`` instance from an identifier, as ``keras.losses.get``.

    Args:
        identifier: None (gives None), a function name (``"mse"``, gives the function), a
            class name (``"BinaryCrossentropy"``, gives an instance with the defaults), a
            serialized config (dict), or a callable / ``Loss`` instance (returned as is).

    Raises:
        UnknownIdentifierError: an unknown name, with the closest known one suggested.
        ValueError: anything else that is not a loss.
    """
    return LOSSES.get(identifier)


def serialize(loss: Loss | Callable[..., Array]) -> str | dict[str, Any]:
    """A loss function's name, or a ``Loss``'s ``{"module", "class_name", "config", ...}``."""
    return LOSSES.serialize(loss)


def deserialize(config: str | dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """The loss described by ``config`` (a name or a dict, as Keras 2 or 3 writes it).

    Args:
        config: a name or a serialized dict.
        custom_objects: optional dict of name -> function or class consulted first.
    """
    return LOSSES.deserialize(config, custom_objects)


def as_loss(identifier: Any) -> Loss:
    """A ``Loss`` instance with a working ``grad`` for whatever was passed to ``compile``.

    A built-in function, or its name, becomes the matching class whose ``name`` is what the
    user wrote (``as_loss("mse").name == "mse"``); a class name or config gives that class; a
    ``Loss`` instance is returned as it is; any other function must have a registered
    derivative (``register(fn, grad)``) or a ``grad`` attribute.

    Raises:
        UnknownIdentifierError: an unknown name, with the closest known one suggested.
        ValueError: None, or a function without a derivative.
    """
    if isinstance(identifier, Loss):
        return identifier
    if identifier is None:
        raise ValueError(
            "No loss was given: pass loss= to compile, for example loss='mse' or "
            "loss=neuronet.losses.BinaryCrossentropy()."
        )
    name = identifier if isinstance(identifier, str) else None
    obj = get(identifier)
    if isinstance(obj, Loss):
        return obj
    try:
        cls = _CLASS_OF.get(obj)
    except TypeError:  # an unhashable callable object
        cls = None
    if cls is not None:
        return cls(name=name or obj.__name__)
    fn_name = name or getattr(obj, "__name__", None)
    if gradient(obj) is None:
        raise ValueError(
            f"The loss {fn_name or obj!r} has no gradient: neuronet computes derivatives by "
            "hand, not by automatic differentiation. Register one with "
            "neuronet.losses.register(fn, grad, 'name'), where grad(y_true, y_pred, "
            "grad_values=None) returns d sum(grad_values * fn(y_true, y_pred)) / d y_pred, or "
            "subclass neuronet.losses.Loss and implement call() and backward()."
        )
    return LossFunctionWrapper(obj, name=fn_name)


__all__ = [
    "LOSSES",
    "REDUCTIONS",
    "Loss",
    "LossFunctionWrapper",
    "as_loss",
    "deserialize",
    "get",
    "gradient",
    "reduce_weighted_values",
    "reduce_weighted_values_grad",
    "register",
    "serialize",
    "squeeze_or_expand_to_same_rank",
    "standardize_reduction",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "Huber",
    "LogCosh",
    "KLDivergence",
    "Poisson",
    "CosineSimilarity",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "huber",
    "log_cosh",
    "kl_divergence",
    "poisson",
    "cosine_similarity",
    "binary_crossentropy_grad",
    "categorical_crossentropy_grad",
    "sparse_categorical_crossentropy_grad",
    "mean_squared_error_grad",
    "mean_absolute_error_grad",
    "mean_absolute_percentage_error_grad",
    "mean_squared_logarithmic_error_grad",
    "hinge_grad",
    "squared_hinge_grad",
    "categorical_hinge_grad",
    "huber_grad",
    "log_cosh_grad",
    "kl_divergence_grad",
    "poisson_grad",
    "cosine_similarity_grad",
    "convert_binary_labels_to_hinge",
    "mse",
    "MSE",
    "mae",
    "MAE",
    "mape",
    "MAPE",
    "msle",
    "MSLE",
    "kld",
    "KLD",
    "kullback_leibler_divergence",
    "logcosh",
]
