"""Dense: the fully connected layer, ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet import activations, backend, initializers, regularizers
from neuronet.backend import xp
from neuronet.errors import ShapeError
from neuronet.layers.layer import Layer, format_shape, positive_int

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from neuronet.backend import Array
    from neuronet.layers.layer import Shape
    from neuronet.variables import Variable


class Dense(Layer):
    """Fully connected layer.

    Args:
        units: number of outputs.
        activation: name or function applied to the result (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer / bias_initializer: how weights start ('glorot_uniform', 'zeros').
        kernel_regularizer / bias_regularizer: penalties on the weights, added to the loss.
        activity_regularizer: penalty on the output, added to the loss.

    Formula:
        z = x @ kernel + bias        (kernel: (input_dim, units), as Keras stores it)
        y = activation(z)

    Backward (shapes for 2-D inputs x: (n, input_dim), y: (n, units)):
        dz      = activation'(z) * dy          (n, units)
        dkernel = x.T @ dz                     (input_dim, units)
        dbias   = sum of dz over the batch     (units,)
        dx      = dz @ kernel.T                (n, input_dim)

    >>> layer = Dense(3, input_dim=2)
    >>> layer(xp.ones((4, 2))).shape
    (4, 3)
    """

    def __init__(
        self,
        units: int,
        activation: str | Callable[..., Array] | None = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: None = None,
        bias_constraint: None = None,
        **kwargs: Any,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = positive_int(units, f"Dense '{self.name}' units")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        if kernel_constraint is not None or bias_constraint is not None:
            raise ValueError(
                f"Dense '{self.name}': weight constraints are not supported by neuronet yet; "
                "remove kernel_constraint/bias_constraint."
            )
        self._activation_grad = activations.gradient(self.activation)
        self._linear = self.activation is activations.linear
        # The activation written over z where it can be (z is this layer's own array).
        self._in_place = activations.in_place(self.activation)
        # None until build(), which every reader of them (forward, backward) runs after; the
        # bias stays None without use_bias and is then never read.
        self.kernel: Variable = None  # type: ignore[assignment]
        self.bias: Variable = None  # type: ignore[assignment]

    def build(self, input_shape: Sequence[int | None]) -> None:
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ShapeError(
                f"Dense layer '{self.name}' needs inputs with a known last axis (features), "
                f"got shape {format_shape(input_shape)}."
            )
        input_dim = int(input_shape[-1])
        self.kernel = self.add_weight(
            "kernel", (input_dim, self.units), self.kernel_initializer, self.kernel_regularizer
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (self.units,), self.bias_initializer, self.bias_regularizer
            )
        self._set_built(input_shape)

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> Shape:
        return tuple(input_shape[:-1]) + (self.units,)

    def weight_shapes(self, input_shape: Sequence[int | None]) -> list[tuple[int | None, ...]]:
        kernel = (input_shape[-1], self.units)
        return [kernel, (self.units,)] if self.use_bias else [kernel]

    def check_input_shape(self, input_shape: Sequence[int | None]) -> None:
        if not self.built:
            return
        input_dim = self.kernel.shape[0]
        if len(input_shape) < 2 or input_shape[-1] != input_dim:
            raise self.incompatible_input(
                tuple(input_shape),
                f"It was built for {input_dim} features (last axis) but received "
                f"{input_shape[-1] if len(input_shape) else 'a scalar'}.",
            )

    def forward(self, inputs: Array, training: bool = False) -> Array:
        # dot is matmul for 2-D inputs, with less overhead per call for small ones
        z = xp.dot(inputs, self.kernel.value) if inputs.ndim == 2 else inputs @ self.kernel.value
        if self.use_bias:
            z += self.bias.value
        if self._in_place is not None:
            # z becomes the outputs; the derivative is then computed from them (see backward)
            outputs = self._in_place(z)
            self._cache = (inputs, outputs, outputs)
            return outputs
        outputs = self.activation(z)
        self._cache = (inputs, z, outputs)
        return outputs

    def backward(self, grad_output: Array) -> Array:
        # z: the pre-activations, or the outputs for an activation applied in place
        inputs, z, outputs = self._cache
        if self._linear:
            return self.backward_logits(grad_output)
        return self.backward_logits(self._activation_grad(z, outputs, grad_output))

    def backward_logits(self, grad_z: Array) -> Array:
        """Backward from dL/dz (the gradient before the activation) to dL/dinputs.

        The model calls this directly when the loss gives dL/dz in closed form (sigmoid or
        softmax output with crossentropy).
        """
        inputs = self._cache[0]
        if self.trainable:
            flat_grad = grad_z
            if inputs.ndim != 2:  # (batch, ..., features): every position is a sample
                inputs = inputs.reshape(-1, inputs.shape[-1])
                flat_grad = grad_z.reshape(-1, self.units)
            xp.dot(inputs.T, flat_grad, out=self.kernel.grad)
            if self.use_bias:  # the sum over the samples, as ones @ grad (quicker)
                ones = backend.ones(len(flat_grad), flat_grad.dtype)
                xp.dot(ones, flat_grad, out=self.bias.grad)
        if not self.input_grad_needed:
            return None
        if grad_z.ndim == 2:
            return xp.dot(grad_z, self.kernel.value.T)
        return grad_z @ self.kernel.value.T

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _serialize_optional(self.kernel_regularizer),
                "bias_regularizer": _serialize_optional(self.bias_regularizer),
                "kernel_constraint": None,
                "bias_constraint": None,
            }
        )
        return config


def _serialize_optional(regularizer):
    return None if regularizer is None else regularizers.serialize(regularizer)
