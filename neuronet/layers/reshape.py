"""Reshape: give each sample a new shape with the same number of elements."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

from neuronet.errors import ShapeError
from neuronet.layers.layer import Layer, format_shape

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.backend import Array
    from neuronet.layers.layer import Shape


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (the batch axis is kept).

    Args:
        target_shape: the new shape of one sample; one entry may be -1, inferred from the rest.

    Backward: the gradient is reshaped back to the input's shape.
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError(
                f"Reshape '{self.name}': target_shape must hold positive sizes and at most one "
                f"-1, got {target_shape}."
            )
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> Shape:
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            # cast: mypy cannot see that `None not in rest` leaves only ints in it
            if None not in rest and math.prod(cast("Sequence[int]", rest)) != math.prod(
                self.target_shape
            ):
                raise self._size_error(input_shape)
            return (input_shape[0],) + self.target_shape
        if None in rest:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        known = -math.prod(self.target_shape)
        size = math.prod(cast("Sequence[int]", rest))  # cast: no None, returned above
        if size % known:
            raise self._size_error(input_shape)
        inferred = size // known
        return (input_shape[0],) + tuple(inferred if d == -1 else d for d in self.target_shape)

    def _size_error(self, input_shape):
        return ShapeError(
            f"Reshape '{self.name}': cannot reshape inputs of shape {format_shape(input_shape)} "
            f"to {format_shape((None,) + self.target_shape)}: the number of elements per sample "
            "differs."
        )

    def check_input_shape(self, input_shape: Sequence[int | None]) -> None:
        self.compute_output_shape(tuple(input_shape))

    def forward(self, inputs: Array, training: bool = False) -> Array:
        self._cache = inputs.shape
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def backward(self, grad_output: Array) -> Array:
        return grad_output.reshape(self._cache)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
