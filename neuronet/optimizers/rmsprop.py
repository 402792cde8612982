"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.optimizers.schedules import LearningRateSchedule

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.001)


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), with Keras 3's optional momentum and centering.

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.001.
        rho: decay rate of the moving average of squared gradients.
        momentum: if > 0, the steps are accumulated with this momentum.
        epsilon: added under the square root to keep the division finite.
        centered: divide by an estimate of the gradient's variance (subtracting the square of
            the moving average of the gradients) instead of its second moment.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (slots v, a (centered), s (momentum) start at zero):
        v = rho * v + (1 - rho) * g**2
        a = rho * a + (1 - rho) * g                        (centered only)
        step = lr * g / sqrt(v + epsilon)                  (centered: sqrt(v - a**2 + epsilon))
        s = momentum * s + step; w = w - s                 (momentum > 0; else w = w - step)

    >>> opt = RMSprop(learning_rate=0.1)
    >>> from neuronet.variables import Variable
    >>> w = Variable(10.0, "w")
    >>> w.grad[...] = 10.0
    >>> opt.step([w])
    >>> float(w.value)
    9.683772087097168
    """

    _scratch_count = 2

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float] = _DEFAULT_LEARNING_RATE,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def _build_slots(self, variables):
        # Keras 3's order: all velocities, then all momentums, then all average gradients.
        slots = [self.add_optimizer_variables(variables, "velocity")]
        if self.momentum > 0:
            slots.append(self.add_optimizer_variables(variables, "momentum"))
        if self.centered:
            slots.append(self.add_optimizer_variables(variables, "average_gradient"))
        return slots

    def _coefficients(self, learning_rate, dtype, step):
        cast = dtype.type
        return (
            learning_rate,
            cast(self.rho),
            cast(1 - self.rho),
            cast(self.momentum),
            cast(self.epsilon),
        )

    def _update_step(self, value, grad, slots, coefficients, scratch):
        learning_rate, rho, one_minus_rho, momentum, epsilon = coefficients
        velocity = slots[0]
        increment, denominator = scratch
        velocity *= rho
        xp.square(grad, out=increment)
        increment *= one_minus_rho
        velocity += increment
        if self.centered:
            average_grad = slots[-1]
            average_grad *= rho
            xp.multiply(grad, one_minus_rho, out=increment)
            average_grad += increment
            xp.square(average_grad, out=denominator)
            xp.subtract(velocity, denominator, out=denominator)
            denominator += epsilon
        else:
            xp.add(velocity, epsilon, out=denominator)
        xp.sqrt(denominator, out=denominator)
        xp.multiply(grad, learning_rate, out=increment)
        increment /= denominator
        if self.momentum > 0:
            accumulated = slots[1]
            accumulated *= momentum
            accumulated += increment
            value -= accumulated
        else:
            value -= increment

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
