"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.optimizers.schedules import LearningRateSchedule

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.001)


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), with Keras 3's learning rate (1.0 gives the paper's rule).

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.001.
        rho: decay rate of both running averages.
        epsilon: added under the square roots to keep the division finite.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (accumulated gradient a and accumulated update d start at zero):
        a = rho * a + (1 - rho) * g**2
        delta = -sqrt(d + epsilon) * g / sqrt(a + epsilon)
        d = rho * d + (1 - rho) * delta**2
        w = w + lr * delta
    """

    _scratch_count = 2

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float] = _DEFAULT_LEARNING_RATE,
        rho: float = 0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def _build_slots(self, variables):
        return list(
            self.add_optimizer_variables(variables, ["accumulated_grad", "accumulated_delta_var"])
        )

    def _coefficients(self, learning_rate, dtype, step):
        cast = dtype.type
        return learning_rate, cast(self.rho), cast(1 - self.rho), cast(self.epsilon)

    def _update_step(self, value, grad, slots, coefficients, scratch):
        learning_rate, rho, one_minus_rho, epsilon = coefficients
        accumulated_grad, accumulated_delta = slots
        delta, work = scratch
        accumulated_grad *= rho
        xp.square(grad, out=work)
        work *= one_minus_rho
        accumulated_grad += work
        # delta = -rms(accumulated_delta) * g / rms(accumulated_grad), rms(x) = sqrt(x + eps)
        xp.add(accumulated_delta, epsilon, out=delta)
        xp.sqrt(delta, out=delta)
        delta *= grad
        xp.add(accumulated_grad, epsilon, out=work)
        xp.sqrt(work, out=work)
        delta /= work
        xp.negative(delta, out=delta)
        accumulated_delta *= rho
        xp.square(delta, out=work)
        work *= one_minus_rho
        accumulated_delta += work
        delta *= learning_rate
        value += delta

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
