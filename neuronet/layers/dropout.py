"""Dropout: during training, zero a random fraction of inputs and rescale the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet import backend
from neuronet.layers.layer import Layer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.backend import Array


class Dropout(Layer):
    """Randomly sets inputs to 0 with probability ``rate`` while training ("inverted" dropout).

    Args:
        rate: fraction of the inputs to drop, in [0, 1).
        noise_shape: shape of the keep/drop mask, broadcast over the inputs (None: the input's
            shape); e.g. ``(None, 1)`` drops whole rows. None entries take the input's size.
        seed: seed for this layer's own random numbers (None: the shared generator, so
            ``set_random_seed`` fixes the masks).

    Formula (training):
        mask = (uniform(noise_shape) >= rate) / (1 - rate)
        y = x * mask
    Backward:
        dx = dy * mask
    At inference y = x: the scaling during training keeps the expected output the same.
    """

    def __init__(
        self,
        rate: float,
        noise_shape: Sequence[int | None] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not 0 <= float(rate) < 1:
            raise ValueError(
                f"Dropout '{self.name}': rate must be a float in [0, 1), got {rate!r}."
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generator = None if seed is None else backend.make_generator(seed)

    def forward(self, inputs: Array, training: bool = False) -> Array:
        if not training or self.rate == 0:
            self._cache = None
            return inputs
        mask = self._sample_mask(inputs.shape)
        self._cache = mask
        return inputs * mask

    def backward(self, grad_output: Array) -> Array:
        mask = self._cache
        return grad_output if mask is None else grad_output * mask

    def _sample_mask(self, input_shape):
        shape = input_shape
        if self.noise_shape is not None:
            shape = tuple(i if n is None else n for n, i in zip(self.noise_shape, input_shape))
        generator = self._generator or backend.generator()
        uniform = generator.random(shape, dtype="float32")
        keep = (uniform >= self.rate).astype(self.dtype)
        keep *= 1.0 / (1.0 - self.rate)
        return backend.xp.asarray(keep)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
