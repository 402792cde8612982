"""InputLayer and Input: declare the shape of a model's input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.layers.layer import Layer, _declared_input_shape

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from neuronet.backend import Array
    from neuronet.layers.layer import Shape


class InputLayer(Layer):
    """The entry point of a model: passes its input through, and records its shape.

    Args:
        shape: shape of one sample, e.g. ``(2,)`` (Keras 3); or ``input_shape`` (Keras 2).
        batch_size: fixed batch size, usually None.
        batch_shape: full shape including the batch axis (Keras 3); or ``batch_input_shape``.
        dtype: float type of the input.
        name: the layer's name ('input_layer', 'input_layer_1', ...).
    """

    def __init__(
        self,
        shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: str | np.dtype[Any] | dict[str, Any] | None = None,
        batch_shape: Sequence[int | None] | None = None,
        name: str | None = None,
        input_shape: Sequence[int | None] | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        **kwargs: Any,
    ):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if shape is not None and input_shape is not None:
            raise ValueError("Give either `shape` or `input_shape` to InputLayer, not both.")
        declared = _declared_input_shape(
            shape if shape is not None else input_shape,
            None,
            batch_input_shape,
            batch_shape,
            batch_size,
        )
        if declared is None:
            raise ValueError(
                f"InputLayer '{self.name}' needs a shape, e.g. InputLayer(shape=(2,))."
            )
        self._batch_input_shape = declared
        self._set_built(declared)

    @property
    def batch_shape(self) -> Shape:
        return self._batch_input_shape

    def forward(self, inputs: Array, training: bool = False) -> Array:
        return inputs

    def backward(self, grad_output: Array) -> Array:
        return grad_output

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_shape": list(self._batch_input_shape),
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": False,
        }


class KerasTensor:
    """What ``Input(...)`` returns: a symbolic input with a shape, for ``Sequential``.

    Attributes:
        shape: the batch shape, e.g. ``(None, 2)``.
        dtype: the float type.
        name: the name of the InputLayer that made it.
    """

    def __init__(self, input_layer: InputLayer):
        self._input_layer = input_layer
        self.shape = input_layer.batch_shape
        self.dtype = input_layer.dtype
        self.name = input_layer.name

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


def Input(  # noqa: N802
    shape: Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: str | np.dtype[Any] | dict[str, Any] | None = None,
    batch_shape: Sequence[int | None] | None = None,
    name: str | None = None,
    **kwargs: Any,
) -> KerasTensor:
    """Declare a model input, as ``keras.Input``: ``Sequential([Input((2,)), Dense(1)])``.

    Returns:
        A ``KerasTensor`` holding the shape; ``Sequential`` turns it into an ``InputLayer``.
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        batch_shape=batch_shape,
        name=name,
        **kwargs,
    )
    return KerasTensor(layer)
