"""SGD: gradient descent, optionally with (Nesterov) momentum."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.backend import xp
from neuronet.optimizers.optimizer import DefaultLearningRate, Optimizer, ScalarVariable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from neuronet.optimizers.schedules import LearningRateSchedule
    from neuronet.variables import Variable

_DEFAULT_LEARNING_RATE = DefaultLearningRate(0.01)


class SGD(Optimizer):
    """Stochastic gradient descent, with Keras 3's momentum rule.

    Args:
        learning_rate: the step size (float, schedule or callable). Defaults to 0.01.
        momentum: in [0, 1]; 0 is plain gradient descent.
        nesterov: use Nesterov momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: see
            ``Optimizer``.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: see
            ``Optimizer``.

    Formula (g the gradient, lr the learning rate, v the velocity slot, zero at first):
        momentum == 0:  w = w - lr * g
        momentum > 0:   v = momentum * v - lr * g
                        w = w + v                          (nesterov: w = w + momentum * v - lr * g)

    >>> from neuronet.variables import Variable
    >>> w = Variable([1.0, 2.0], "w")
    >>> w.grad[...] = [10.0, -10.0]
    >>> SGD(learning_rate=0.1).step([w])
    >>> w.numpy()
    array([0., 3.], dtype=float32)
    """

    _scratch_count = 2

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float] = _DEFAULT_LEARNING_RATE,
        momentum: float = 0.0,
        nesterov: bool = False,
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
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, (int, float))
            or not (0 <= momentum <= 1)
        ):
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def gradient_factor(self, variables: Sequence[Variable]) -> float | None:
        # Without momentum the update is w -= lr * g: gradients prescaled by -lr just add.
        if (
            self.momentum == 0
            and self._plain
            and variables is self._flat_list
            and self._learning_rate.__class__ is ScalarVariable
        ):
            return -float(self._learning_rate.value)
        return None

    def _build_slots(self, variables):
        if self.momentum == 0:
            return []
        return [self.add_optimizer_variables(variables, "momentum")]

    def _coefficients(self, learning_rate, dtype, step):
        return learning_rate, dtype.type(self.momentum)

    def _update_step(self, value, grad, slots, coefficients, scratch):
        learning_rate, momentum = coefficients
        scaled_grad = scratch[0]
        xp.multiply(grad, learning_rate, out=scaled_grad)
        if not slots:
            value -= scaled_grad
            return
        (velocity,) = slots
        velocity *= momentum
        velocity -= scaled_grad
        if self.nesterov:
            step = scratch[1]
            xp.multiply(velocity, momentum, out=step)
            step -= scaled_grad
            value += step
        else:
            value += velocity

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
