"""EarlyStopping: stop training when a monitored quantity has stopped improving."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from neuronet.callbacks.callback import Callback, check_callback_kwargs, resolve_mode

if TYPE_CHECKING:
    import numpy as np


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    At each epoch end the callback compares the monitored value with the best so far and
    sets ``model.stop_training = True`` once ``patience`` epochs have passed without an
    improvement; the training loop stops after that epoch.

    Formula:
        improvement, mode 'min':  current + min_delta < best
        improvement, mode 'max':  current - min_delta > best
        wait: +1 each monitored epoch; back to 0 at an improvement that also beats
              ``baseline`` (when one is given)
        stop: after a non-improving epoch with wait >= patience, never at epoch 0

    Args:
        monitor: the log to watch (``"val_loss"``).
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a line when stopping and when restoring weights.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the name: accuracies are maximized,
            losses and errors minimized).
        baseline: a value the monitored quantity must beat: improvements that do not beat
            it leave ``wait`` counting, so a run that never reaches it stops after
            ``patience`` epochs (at the first epoch that does not improve on the best).
        restore_best_weights: at the end of training (stopped early or not) set the model's
            weights back to those of the best epoch.
        start_from_epoch: epochs to wait before monitoring starts (a warm-up).

    Attributes:
        best: the best monitored value so far; ``best_epoch`` its 0-based epoch.
        wait: epochs counted toward ``patience``.
        stopped_epoch: the 0-based epoch at which training was stopped (0 if it was not).

    >>> callback = EarlyStopping(monitor="loss", patience=3)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
        **kwargs: Any,
    ):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self._direction = resolve_mode(self, monitor, mode)
        self.mode = mode if mode in ("min", "max") else "auto"
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_epoch = 0
        self.best_weights: list[np.ndarray] | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        # Reset, so that one instance can serve several fit calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing better seen yet: the weights at hand are the best so far.
            self.best_weights = _copy_weights(self.model.get_weights())
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = _copy_weights(self.model.get_weights())
            # Patience starts again only for a value that also beats the baseline.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: dict[str, Any] | None) -> float | None:
        """The monitored value in ``logs``, or None (with a warning) when it is missing."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}",
                stacklevel=3,
            )
        return value

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        if self._direction == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference


def _copy_weights(weights):
    # A model may hand out its live arrays, which later updates change in place.
    return [w.copy() if hasattr(w, "copy") else w for w in weights]
