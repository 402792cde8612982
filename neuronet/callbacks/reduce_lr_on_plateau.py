"""ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from neuronet.callbacks.callback import Callback, check_callback_kwargs, resolve_mode


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Formula:
        improvement, mode 'min':  current < best - min_delta
        improvement, mode 'max':  current > best + min_delta
        after `patience` non-improving epochs (outside cooldown):
            new_lr = max(lr * factor, min_lr)   (only when lr > min_lr)
        then `cooldown` epochs in which non-improving epochs are not counted

    Args:
        monitor: the log to watch (``"val_loss"``).
        factor: the multiplier, below 1 (``new_lr = lr * factor``).
        patience: epochs without improvement before the learning rate is reduced.
        verbose: 1 prints a line at each reduction.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the monitored name).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs after a reduction during which ``wait`` stays at 0.
        min_lr: the learning rate is never set below this.

    The learning rate in use is added to each epoch's logs as ``learning_rate``.

    >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5,
    ...                               min_lr=0.001)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self._direction = resolve_mode(self, monitor, mode)
        self.mode = mode if mode in ("min", "max") else "auto"
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self):
        self.wait = 0
        self.cooldown_counter = 0
        self.best = float("inf") if self._direction == "min" else float("-inf")

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is None:
            logs = {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return

        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                # Compared in float32, as Keras does: an lr stored as float32 that equals
                # min_lr must not count as above it.
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                            f"to {new_lr}."
                        )
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def _is_improvement(self, current):
        if self._direction == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta
