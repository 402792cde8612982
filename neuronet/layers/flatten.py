"""Flatten: collapse every axis but the batch axis into one."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

from neuronet.layers.layer import Layer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.backend import Array
    from neuronet.layers.layer import Shape


class Flatten(Layer):
    """Reshapes ``(batch, d1, d2, ...)`` inputs to ``(batch, d1 * d2 * ...)``.

    Args:
        data_format: accepted for Keras compatibility; only 'channels_last' (the default,
            and the only layout neuronet uses) keeps the order of elements unchanged.

    Backward: the gradient is reshaped back to the input's shape.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(
                f"Flatten '{self.name}': data_format={data_format!r} is not supported; "
                "neuronet uses 'channels_last'."
            )
        self.data_format = data_format or "channels_last"

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> Shape:
        rest = input_shape[1:]
        # cast: mypy cannot see that the test leaves only ints in `rest`
        size = None if any(d is None for d in rest) else math.prod(cast("Sequence[int]", rest))
        return (input_shape[0], size)

    def forward(self, inputs: Array, training: bool = False) -> Array:
        self._cache = inputs.shape
        return inputs.reshape(inputs.shape[0], -1)

    def backward(self, grad_output: Array) -> Array:
        return grad_output.reshape(self._cache)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
