"""Adam: adaptive moment estimation (Kingma and Ba, 2014), with optional AMSGrad."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.optimizers.schedules import LearningRateSchedule

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.001)


class Adam(Optimizer):
    """Adam, with Keras 3's update rule (epsilon added to ``sqrt(v)``, not bias-corrected).

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.001.
        beta_1: decay rate of the first-moment (mean) estimate.
        beta_2: decay rate of the second-moment (uncentered variance) estimate.
        epsilon: added to ``sqrt(v)`` to keep the division finite ("epsilon hat" of the paper).
        amsgrad: divide by the running maximum of ``v`` (Reddi et al., 2018).
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (t = iterations + 1; m, v, v_hat slots start at zero):
        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        v_hat = max(v_hat, v)                              (amsgrad only; then v = v_hat)
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (sqrt(v) + epsilon)
    """

    _scratch_count = 2

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float] = _DEFAULT_LEARNING_RATE,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def _build_slots(self, variables):
        # Keras 3 creates momentum and velocity interleaved per weight, then the v_hat slots.
        momentums, velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        if not self.amsgrad:
            return [momentums, velocities]
        return [momentums, velocities, self.add_optimizer_variables(variables, "velocity_hat")]

    def _coefficients(self, learning_rate, dtype, step):
        cast = dtype.type
        t = cast(step)
        beta_1_power = cast(self.beta_1) ** t
        beta_2_power = cast(self.beta_2) ** t
        alpha = learning_rate * np.sqrt(cast(1) - beta_2_power) / (cast(1) - beta_1_power)
        return alpha, cast(1 - self.beta_1), cast(1 - self.beta_2), cast(self.epsilon)

    def _update_step(self, value, grad, slots, coefficients, scratch):
        alpha, one_minus_beta_1, one_minus_beta_2, epsilon = coefficients
        momentum, velocity = slots[0], slots[1]
        delta, denominator = scratch
        xp.subtract(grad, momentum, out=delta)
        delta *= one_minus_beta_1
        momentum += delta
        xp.square(grad, out=delta)
        delta -= velocity
        delta *= one_minus_beta_2
        velocity += delta
        if self.amsgrad:
            xp.maximum(slots[2], velocity, out=slots[2])
            velocity = slots[2]
        xp.multiply(momentum, alpha, out=delta)
        xp.sqrt(velocity, out=denominator)
        denominator += epsilon
        delta /= denominator
        value -= delta

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
