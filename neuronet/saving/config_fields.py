"""The fields Keras writes in a Sequential model's config, and what each may hold.

Each checker takes a value and returns None when it is acceptable, else a short description of
what was expected (``config_checks`` adds the file, the place and the value received). The
tables map field names to checkers per layer class, initializer, optimizer and model.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    # A checker: None for an acceptable value, else a description of what was expected.
    Check = Callable[[object], str | None]

MAX_RANK = 32  # NumPy's limit on array dimensions


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _positive_int(value):
    return None if _is_int(value) and value >= 1 else "must be a positive integer"


def _boolean(value):
    return None if isinstance(value, bool) else "must be true or false"


def _name(value):
    return None if isinstance(value, str) and value else "must be a non-empty string"


def text(value: object) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _identifier(value):
    """A name, a serialized object, or null (activations, initializers, regularizers...)."""
    if value is None or isinstance(value, (str, dict)):
        return None
    return "must be a name, a config object or null"


def _required_identifier(value):
    return None if isinstance(value, (str, dict)) else "must be a name or a config object"


def _dtype(value):
    """A dtype name, or Keras 3's ``{"class_name": "DTypePolicy", "config": {"name": ...}}``."""
    if value is None or isinstance(value, str):
        return None
    config = value.get("config") if isinstance(value, dict) else None
    name = config.get("name") if isinstance(config, dict) else None
    if isinstance(name, str) or (isinstance(config, dict) and name is None):
        return None
    return "must be a dtype name or a DTypePolicy config object"


def _shape(value):
    """A batch shape or a sample shape: a short list of positive sizes or nulls."""
    if not isinstance(value, (list, tuple)) or len(value) > MAX_RANK:
        return f"must be a list of at most {MAX_RANK} sizes"
    if any(d is not None and not (_is_int(d) and d >= 1) for d in value):
        return "must hold positive integers or null"
    return None


def _batch_shape(value):
    """A shape with its batch axis first: at least one entry."""
    problem = _shape(value)
    if problem is None and not value:
        return "must hold the batch axis and the sample's axes (at least one entry)"
    return problem


def _sample_shape(value):
    return _positive_int(value) if _is_int(value) else _shape(value)


def _target_shape(value):
    if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= MAX_RANK:
        return f"must be a list of 1 to {MAX_RANK} sizes"
    if any(not (_is_int(d) and (d >= 1 or d == -1)) for d in value):
        return "must hold positive integers (and at most one -1)"
    return None


def _rate(value):
    number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if number and math.isfinite(value) and 0 <= value < 1:
        return None
    return "must be a number in [0, 1)"


def _seed(value):
    return None if _is_int(value) and value >= 0 else "must be a non-negative integer"


def _loss_weights(value):
    items = value.values() if isinstance(value, dict) else value
    if not isinstance(items, (list, tuple)) and not isinstance(value, dict):
        return "must be a list or an object of numbers"
    if any(isinstance(w, bool) or not isinstance(w, numbers.Real) for w in items):
        return "must hold numbers"
    return None


def _number(value):
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return None
    return "must be a number"


def axes(rank: int) -> Check:
    """Axes of a weight of ``rank`` (an initializer's ``input_axes`` / ``output_axes``)."""

    def check(value):
        if isinstance(value, list) and all(_is_int(a) and -rank <= a < rank for a in value):
            return None
        return f"must be a list of axes of a rank-{rank} weight ({-rank} to {rank - 1})"

    return check


def _one_of(*types, what):
    return lambda value: None if isinstance(value, types) else f"must be {what}"


def optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


COMMON_FIELDS = {
    "name": _name,
    "trainable": _boolean,
    "dtype": _dtype,
    "activity_regularizer": _identifier,
    "input_shape": optional(_sample_shape),
    "input_dim": optional(_positive_int),
    "batch_input_shape": optional(_batch_shape),
    "batch_shape": optional(_batch_shape),
    "batch_size": optional(_positive_int),
}
LAYER_FIELDS = {
    "Dense": {
        "units": _positive_int,
        "activation": _identifier,
        "use_bias": _boolean,
        # Keras writes every initializer; a null one would leave the weight without values.
        **dict.fromkeys(("kernel_initializer", "bias_initializer"), _required_identifier),
        **dict.fromkeys(
            ("kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"),
            _identifier,
        ),
    },
    "Dropout": {"rate": _rate, "noise_shape": optional(_shape), "seed": optional(_seed)},
    "Activation": {"activation": _required_identifier},
    "Reshape": {"target_shape": _target_shape},
    "Flatten": {"data_format": optional(text)},
    "InputLayer": {
        "shape": optional(_sample_shape),
        "sparse": _boolean,
        "ragged": _boolean,
        "optional": _boolean,
    },
}
# Initializers build the weights while loading: their arguments are used at once.
INITIALIZER_FIELDS = {
    **dict.fromkeys(("mean", "stddev", "minval", "maxval", "gain", "scale", "value"), _number),
    "mode": text,
    "distribution": text,
    "seed": optional(_seed),
}
WEIGHT_RANKS = {"Dense": {"kernel_initializer": 2, "bias_initializer": 1}}
# Optimizers check these when created (the rest is used in training, where it is checked).
OPTIMIZER_FIELDS = {
    "name": optional(text),
    "learning_rate": _one_of(numbers.Real, dict, what="a number or a schedule config object"),
    **dict.fromkeys(
        ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "loss_scale_factor"),
        optional(_number),
    ),
    "use_ema": _boolean,
    "ema_momentum": _number,
    "ema_overwrite_frequency": optional(_positive_int),
    "gradient_accumulation_steps": optional(_positive_int),
    **dict.fromkeys(("amsgrad", "nesterov", "centered"), _boolean),
    **dict.fromkeys(("beta_1", "beta_2", "epsilon", "momentum", "rho"), _number),
}
REQUIRED_FIELDS = {
    "Dense": ("units",),
    "Dropout": ("rate",),
    "Activation": ("activation",),
    "Reshape": ("target_shape",),
}
BUILD_FIELDS = {"input_shape": optional(_batch_shape)}
MODEL_FIELDS = {
    "name": optional(text),
    "trainable": _boolean,
    "dtype": _dtype,
    "build_input_shape": optional(_batch_shape),
}
COMPILE_FIELDS = {
    "optimizer": _identifier,
    "loss": optional(_one_of(str, dict, list, what="a name, a config object or a list")),
    "loss_weights": optional(_loss_weights),
    "metrics": optional(_one_of(list, dict, what="a list")),
    "weighted_metrics": optional(_one_of(list, dict, what="a list")),
    "run_eagerly": _boolean,
    "jit_compile": lambda v: None if isinstance(v, bool) or v == "auto" else "must be a boolean",
    "steps_per_execution": _positive_int,
}
TRAINING_FIELDS = {
    "optimizer_config": optional(_one_of(dict, what="a config object")),
    **{key: COMPILE_FIELDS[key] for key in ("loss", "loss_weights", "metrics", "weighted_metrics")},
}
