"""Flatten: collapse every axis but the batch axis into one."""

import math

from neuronet.layers.layer import Layer


class Flatten(Layer):
    """Reshapes ``(batch, d1, d2, ...)`` inputs to ``(batch, d1 * d2 * ...)``.

    Args:
        data_format: accepted for Keras compatibility; only 'channels_last' (the default,
            and the only layout neuronet uses) keeps the order of elements unchanged.

    Backward: the gradient is reshaped back to the input's shape.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(
                f"Flatten '{self.name}': data_format={data_format!r} is not supported; "
                "neuronet uses 'channels_last'."
            )
        self.data_format = data_format or "channels_last"

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def forward(self, inputs, training=False):
        self._cache = inputs.shape
        return inputs.reshape(inputs.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape(self._cache)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
