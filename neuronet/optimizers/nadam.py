"""Nadam: Adam with Nesterov momentum (Dozat, 2015)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer, ScalarVariable

if TYPE_CHECKING:
    from collections.abc import Callable

    from neuronet.optimizers.schedules import LearningRateSchedule

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.001)


class Nadam(Optimizer):
    """Nadam, with Keras 3's momentum schedule ``mu_t = beta_1 * (1 - 0.5 * 0.96**t)``.

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.001.
        beta_1: decay rate of the first-moment estimate.
        beta_2: decay rate of the second-moment estimate.
        epsilon: added to ``sqrt(v_hat)`` to keep the division finite.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (t = iterations + 1; m, v start at zero, the product P at one and is kept in the
    optimizer's state as P = mu_1 * ... * mu_t):
        mu_t = beta_1 * (1 - 0.5 * 0.96**t);  mu_next = beta_1 * (1 - 0.5 * 0.96**(t + 1))
        P = P * mu_t
        m = m + (g - m) * (1 - beta_1);  v = v + (g**2 - v) * (1 - beta_2)
        m_hat = mu_next * m / (1 - P * mu_next) + (1 - mu_t) * g / (1 - P)
        v_hat = v / (1 - beta_2**t)
        w = w - lr * m_hat / (sqrt(v_hat) + epsilon)
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
        slots = list(self.add_optimizer_variables(variables, ["momentum", "velocity"]))
        # The product of the momentum schedule, in the first weight's dtype like Keras.
        dtype = variables[0].dtype if variables else "float32"
        self._u_product = ScalarVariable(
            1.0, "u_product", path=self._path("u_product"), dtype=dtype
        )
        self._variables.append(self._u_product)
        return slots

    def _before_updates(self, step):
        product = self._u_product.value
        cast = product.dtype.type
        schedule = cast(1.0) - cast(0.5) * cast(0.96) ** cast(step)
        product[...] = product * cast(self.beta_1) * schedule

    def _coefficients(self, learning_rate, dtype, step):
        cast = dtype.type
        beta_1, decay = cast(self.beta_1), cast(0.96)
        mu_t = beta_1 * (cast(1.0) - cast(0.5) * decay ** cast(step))
        mu_next = beta_1 * (cast(1.0) - cast(0.5) * decay ** cast(step + 1))
        product = cast(self._u_product.value)
        product_next = product * mu_next
        one = cast(1)
        return (
            learning_rate,
            cast(one - beta_1),
            cast(one - cast(self.beta_2)),
            mu_next,
            one - product_next,
            one - mu_t,
            one - product,
            one - cast(self.beta_2) ** cast(step),
            cast(self.epsilon),
        )

    def _update_step(self, value, grad, slots, coefficients, scratch):
        (
            learning_rate,
            one_minus_beta_1,
            one_minus_beta_2,
            mu_next,
            momentum_denominator,
            one_minus_mu_t,
            grad_denominator,
            velocity_correction,
            epsilon,
        ) = coefficients
        momentum, velocity = slots
        m_hat, v_hat = scratch
        xp.subtract(grad, momentum, out=m_hat)
        m_hat *= one_minus_beta_1
        momentum += m_hat
        xp.square(grad, out=v_hat)
        v_hat -= velocity
        v_hat *= one_minus_beta_2
        velocity += v_hat
        xp.multiply(momentum, mu_next, out=m_hat)
        m_hat /= momentum_denominator
        xp.multiply(grad, one_minus_mu_t, out=v_hat)
        v_hat /= grad_denominator
        m_hat += v_hat
        m_hat *= learning_rate
        xp.divide(velocity, velocity_correction, out=v_hat)
        xp.sqrt(v_hat, out=v_hat)
        v_hat += epsilon
        m_hat /= v_hat
        value -= m_hat

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
