"""Activation: applies an activation function to its input, with no weights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet import activations
from neuronet.layers.layer import Layer

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.backend import Array


class Activation(Layer):
    """Applies ``activation`` elementwise (softmax/log_softmax along the last axis).

    Args:
        activation: a name ('tanh', 'sigmoid', ...) or an activation function.

    Formula:
        y = activation(x)
    Backward:
        dx = activation'(x) * dy   (for softmax, the Jacobian-vector product)

    >>> Activation('relu')(xp.asarray([[-1.0, 2.0]]))
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, activation: str | Callable[..., Array] | None, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self._activation_grad = activations.gradient(self.activation)

    def forward(self, inputs: Array, training: bool = False) -> Array:
        outputs = self.activation(inputs)
        self._cache = (inputs, outputs)
        return outputs

    def backward(self, grad_output: Array) -> Array:
        inputs, outputs = self._cache
        return self._activation_grad(inputs, outputs, grad_output)

    def backward_logits(self, grad_z: Array) -> Array:
        """Given dL/d(inputs) directly (the model's fused crossentropy path), pass it on."""
        return grad_z

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
