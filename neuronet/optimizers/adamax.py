"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.optimizers.schedules import LearningRateSchedule

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.001)


class Adamax(Optimizer):
    """Adamax (Kingma and Ba, 2014, section 7.1), as in Keras 3.

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.001.
        beta_1: decay rate of the first-moment estimate.
        beta_2: decay rate of the exponentially weighted infinity norm.
        epsilon: added to the norm to keep the division finite.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (t = iterations + 1; m and u start at zero):
        m = m + (g - m) * (1 - beta_1)
        u = max(beta_2 * u, |g|)
        w = w - lr * m / ((1 - beta_1**t) * (u + epsilon))
    """

    _scratch_count = 2

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float] = _DEFAULT_LEARNING_RATE,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _build_slots(self, variables):
        return list(self.add_optimizer_variables(variables, ["momentum", "norm"]))

    def _coefficients(self, learning_rate, dtype, step):
        cast = dtype.type
        bias_correction = cast(1) - cast(self.beta_1) ** cast(step)
        return (
            learning_rate,
            cast(1 - self.beta_1),
            cast(self.beta_2),
            cast(self.epsilon),
            bias_correction,
        )

    def _update_step(self, value, grad, slots, coefficients, scratch):
        learning_rate, one_minus_beta_1, beta_2, epsilon, bias_correction = coefficients
        momentum, norm = slots
        delta, denominator = scratch
        xp.subtract(grad, momentum, out=delta)
        delta *= one_minus_beta_1
        momentum += delta
        norm *= beta_2
        xp.abs(grad, out=delta)
        xp.maximum(norm, delta, out=norm)
        xp.multiply(momentum, learning_rate, out=delta)
        xp.add(norm, epsilon, out=denominator)
        denominator *= bias_correction
        delta /= denominator
        value -= delta

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
