"""Learning-rate schedules: the rate as a function of the optimizer's step, as in Keras 3.

Pass a schedule as an optimizer's ``learning_rate``; the optimizer evaluates it at its
``iterations`` (0 for the first update) every step. Values are computed in ``floatx()``, as
Keras computes them from Python floats. ``step`` may also be an array of steps (for plotting).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from neuronet import backend
from neuronet.errors import check_kwargs
from neuronet.registry import Registry

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEDULES = Registry("learning rate schedule", "keras.optimizers.schedules")


def _floats(value):
    return np.asarray(backend.to_numpy(value), dtype=backend.floatx())


def _positive_steps(value, name):
    if not value > 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")
    return value


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            "order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        """Create the schedule from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


@SCHEDULES.register()
class ExponentialDecay(LearningRateSchedule):
    """Exponential decay of the learning rate.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps over which the rate is multiplied by ``decay_rate`` (> 0).
        decay_rate: the factor per ``decay_steps`` steps.
        staircase: decay at whole multiples of ``decay_steps`` only.
        name: the schedule's name.

    Formula:
        p = step / decay_steps            (floor(p) with staircase)
        rate = initial_learning_rate * decay_rate ** p

    >>> float(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(10))
    0.05000000074505806
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str | None = "ExponentialDecay",
        **kwargs: Any,
    ):
        check_kwargs(
            "ExponentialDecay",
            kwargs,
            ["initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"],
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive_steps(decay_steps, "decay_steps")
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        p = _floats(step) / _floats(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _floats(self.initial_learning_rate) * np.power(_floats(self.decay_rate), p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@SCHEDULES.register()
class InverseTimeDecay(LearningRateSchedule):
    """Inverse-time decay of the learning rate.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the step unit of the decay (> 0).
        decay_rate: how fast the rate falls.
        staircase: decay at whole multiples of ``decay_steps`` only.
        name: the schedule's name.

    Formula:
        p = step / decay_steps            (floor(p) with staircase)
        rate = initial_learning_rate / (1 + decay_rate * p)

    >>> float(InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)(2))
    0.05000000074505806
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str | None = "InverseTimeDecay",
        **kwargs: Any,
    ):
        check_kwargs(
            "InverseTimeDecay",
            kwargs,
            ["initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"],
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive_steps(decay_steps, "decay_steps")
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        p = _floats(step) / _floats(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        denominator = _floats(1) + _floats(self.decay_rate) * p
        return _floats(self.initial_learning_rate) / denominator

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@SCHEDULES.register()
class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate on each interval between step boundaries.

    Args:
        boundaries: strictly increasing steps.
        values: one more value than boundaries: ``values[0]`` while
            ``step <= boundaries[0]``, ``values[i]`` while
            ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last one.
        name: the schedule's name.

    >>> schedule = PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
    >>> [float(schedule(s)) for s in (2, 3, 5)]
    [1.0, 0.5, 0.10000000149011612]
    """

    def __init__(
        self,
        boundaries: Sequence[int],
        values: Sequence[float],
        name: str | None = "PiecewiseConstant",
        **kwargs: Any,
    ):
        check_kwargs("PiecewiseConstantDecay", kwargs, ["boundaries", "values", "name"])
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of "
                f"length {len(values)}."
            )
        if any(low >= high for low, high in zip(boundaries, boundaries[1:])):
            raise ValueError(f"`boundaries` must be strictly increasing. Received: {boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        # side="left": a step equal to a boundary still belongs to the interval it ends.
        interval = np.searchsorted(np.asarray(self.boundaries), backend.to_numpy(step), side="left")
        return _floats(self.values)[interval]

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@SCHEDULES.register()
class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps to reach ``end_learning_rate`` (> 0).
        end_learning_rate: the final rate.
        power: the polynomial's power.
        cycle: restart the decay after each multiple of ``decay_steps``.
        name: the schedule's name.

    Formula:
        step = min(step, decay_steps)      (cycle: decay_steps *= ceil(step / decay_steps))
        rate = (initial - end) * (1 - step / decay_steps) ** power + end
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str | None = "PolynomialDecay",
        **kwargs: Any,
    ):
        check_kwargs(
            "PolynomialDecay",
            kwargs,
            ["initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name"],
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive_steps(decay_steps, "decay_steps")
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        step = _floats(step)
        decay_steps = _floats(self.decay_steps)
        if self.cycle:
            multiplier = np.where(step == 0, _floats(1), np.ceil(step / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = np.minimum(step, decay_steps)
        end = _floats(self.end_learning_rate)
        fraction = step / decay_steps
        span = _floats(self.initial_learning_rate) - end
        return span * np.power(_floats(1) - fraction, _floats(self.power)) + end

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


@SCHEDULES.register()
class CosineDecay(LearningRateSchedule):
    """Cosine decay, after an optional linear warmup.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps of the cosine decay (> 0).
        alpha: the final rate as a fraction of the decay's starting rate.
        name: the schedule's name.
        warmup_target: if set, the rate first rises linearly from ``initial_learning_rate``
            to this over ``warmup_steps``, and the decay starts from it.
        warmup_steps: steps of the warmup.

    Formula:
        warmup (step < warmup_steps):
            rate = initial + (warmup_target - initial) * step / warmup_steps
        decay (s = min(step - warmup_steps, decay_steps), start = warmup_target or initial):
            rate = start * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)

    >>> float(CosineDecay(0.1, decay_steps=10)(5))  # float32: cos(pi / 2) is -4.4e-8
    0.04999999701976776
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str | None = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
        **kwargs: Any,
    ):
        check_kwargs(
            "CosineDecay",
            kwargs,
            [
                "initial_learning_rate",
                "decay_steps",
                "alpha",
                "name",
                "warmup_target",
                "warmup_steps",
            ],
        )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive_steps(decay_steps, "decay_steps")
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, start):
        cosine = _floats(0.5) * (_floats(1) + np.cos(_floats(math.pi) * (step / decay_steps)))
        return start * (_floats(1 - self.alpha) * cosine + _floats(self.alpha))

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        initial = _floats(self.initial_learning_rate)
        decay_steps = _floats(self.decay_steps)
        step = _floats(step)
        if self.warmup_target is None:
            return self._decay(np.minimum(step, decay_steps), decay_steps, initial)
        target = _floats(self.warmup_target)
        warmup_steps = _floats(self.warmup_steps)
        step = np.minimum(step, decay_steps + warmup_steps)
        decayed = self._decay(step - warmup_steps, decay_steps, target)
        if not np.any(step < warmup_steps):
            return decayed
        warmed = (target - initial) * (step / warmup_steps) + initial
        return np.where(step < warmup_steps, warmed, decayed)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


@SCHEDULES.register()
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: steps of the first period (> 0).
        t_mul: each period is ``t_mul`` times longer than the previous one.
        m_mul: each restart starts from ``m_mul`` times the previous starting rate.
        alpha: the minimum rate as a fraction of ``initial_learning_rate``.
        name: the schedule's name.

    Formula:
        f = step / first_decay_steps
        i = floor(f) (t_mul == 1), else floor(log(1 - f * (1 - t_mul)) / log(t_mul))
        f = f - i (t_mul == 1), else (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
        rate = initial * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi * f)) + alpha)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str | None = "SGDRDecay",
        **kwargs: Any,
    ):
        check_kwargs(
            "CosineDecayRestarts",
            kwargs,
            ["initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"],
        )
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = _positive_steps(first_decay_steps, "first_decay_steps")
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: int) -> np.floating[Any] | np.ndarray:
        t_mul = _floats(self.t_mul)
        fraction = _floats(step) / _floats(self.first_decay_steps)
        if self.t_mul == 1.0:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            one = _floats(1)
            restart = np.floor(np.log(one - fraction * (one - t_mul)) / np.log(t_mul))
            finished = (one - np.power(t_mul, restart)) / (one - t_mul)
            fraction = (fraction - finished) / np.power(t_mul, restart)
        alpha = _floats(self.alpha)
        cosine = (
            _floats(0.5)
            * np.power(_floats(self.m_mul), restart)
            * (_floats(1) + np.cos(_floats(math.pi) * fraction))
        )
        decayed = (_floats(1) - alpha) * cosine + alpha
        return _floats(self.initial_learning_rate) * decayed

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"module", "class_name", "config", "registered_name"}`` as Keras 3 writes it."""
    return SCHEDULES.serialize(schedule)


def deserialize(config: str | dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """Rebuild a schedule from ``serialize``'s output (Keras 2's or 3's)."""
    return SCHEDULES.deserialize(config, custom_objects)
