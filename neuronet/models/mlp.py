"""A plain multilayer perceptron: what the scikit-learn estimators build when no ``model``
builder is given, and what ``neuronet train`` trains."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from neuronet.layers import Dense, Input
from neuronet.models import Sequential

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_mlp(
    n_features: int,
    n_outputs: int,
    hidden_layer_sizes: int | Sequence[int] = (100,),
    activation: str = "relu",
    output_activation: str = "linear",
) -> Sequential:
    """A multilayer perceptron: ``Dense`` layers of ``hidden_layer_sizes``, then the output.

    Args:
        n_features: inputs per sample.
        n_outputs: units of the output layer.
        hidden_layer_sizes: units of each hidden layer, in order (an int means one layer;
            an empty tuple gives a linear or logistic model with no hidden layer).
        activation: the hidden layers' activation (any Keras name: ``"relu"``, ``"tanh"``).
        output_activation: ``"sigmoid"`` (binary), ``"softmax"`` (multiclass) or ``"linear"``.

    Returns:
        An uncompiled, built ``Sequential``.

    >>> build_mlp(4, 3, (8,), "tanh", "softmax").count_params()
    67
    """
    sizes = _layer_sizes(hidden_layer_sizes)
    model = Sequential([Input(shape=(int(n_features),))])
    for units in sizes:
        model.add(Dense(units, activation=activation))
    model.add(Dense(int(n_outputs), activation=output_activation))
    return model


def _layer_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a tuple of positive ints, or a ValueError saying why not."""
    if isinstance(hidden_layer_sizes, numbers.Integral) and not isinstance(
        hidden_layer_sizes, bool
    ):
        hidden_layer_sizes = (hidden_layer_sizes,)
    try:
        sizes = tuple(hidden_layer_sizes)
    except TypeError:
        sizes = None
    if sizes is None or not all(
        isinstance(units, numbers.Integral) and not isinstance(units, bool) and units > 0
        for units in sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must be a positive int or a sequence of positive ints, got "
            f"{hidden_layer_sizes!r}."
        )
    return tuple(int(units) for units in sizes)
