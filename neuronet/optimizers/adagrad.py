"""Adagrad: per-element step sizes that shrink with the sum of past squared gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.optimizers.schedules import LearningRateSchedule

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.001)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as in Keras 3.

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.001.
        initial_accumulator_value: starting value of the accumulators (>= 0).
        epsilon: added under the square root to keep the division finite.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (accumulator a starts at initial_accumulator_value):
        a = a + g**2
        w = w - lr * g / sqrt(a + epsilon)
    """

    _scratch_count = 2

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float] = _DEFAULT_LEARNING_RATE,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        if initial_accumulator_value < 0:
            raise ValueError(
                "`initial_accumulator_value` must be non-negative. Received: "
                f"initial_accumulator_value={initial_accumulator_value}"
            )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _build_slots(self, variables):
        return [
            self.add_optimizer_variables(
                variables, "accumulator", initializer=self.initial_accumulator_value
            )
        ]

    def _coefficients(self, learning_rate, dtype, step):
        return learning_rate, dtype.type(self.epsilon)

    def _update_step(self, value, grad, slots, coefficients, scratch):
        learning_rate, epsilon = coefficients
        (accumulator,) = slots
        increment, denominator = scratch
        xp.square(grad, out=increment)
        accumulator += increment
        xp.add(accumulator, epsilon, out=denominator)
        xp.sqrt(denominator, out=denominator)
        xp.multiply(grad, learning_rate, out=increment)
        increment /= denominator
        value -= increment

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
        )
        return config
