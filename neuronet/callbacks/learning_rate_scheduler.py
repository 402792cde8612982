"""LearningRateScheduler: set the optimizer's learning rate from a function of the epoch."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from neuronet.callbacks.callback import Callback, check_callback_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable


class LearningRateScheduler(Callback):
    """At each epoch start, set ``model.optimizer.learning_rate = schedule(epoch, lr)``.

    Formula:
        lr_epoch = schedule(epoch, lr_previous)      (epoch is 0-based)

    Args:
        schedule: a function of the epoch index and the current learning rate (a float)
            returning the new learning rate (a float). A function of the epoch alone (the
            Keras 1 form) is called with the epoch only.
        verbose: 1 prints the learning rate set at each epoch.

    The learning rate in use is added to each epoch's logs as ``learning_rate``, so that
    ``History`` records it.

    >>> def halve_after_ten(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.5
    >>> callback = LearningRateScheduler(halve_after_ten)
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0, **kwargs: Any):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        if not callable(schedule):
            raise TypeError(f"`schedule` must be a function, got {schedule!r}.")
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = _accepts_two_arguments(schedule)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        optimizer: Any = getattr(self.model, "optimizer", None)  # None fails the hasattr below
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        if self._takes_lr:
            learning_rate = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{float(learning_rate)}."
            )

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _accepts_two_arguments(function):
    """Whether ``function(epoch, lr)`` binds; Keras tries that call and falls back on error."""
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature available (some builtins): assume the current form
        return True
    return True
