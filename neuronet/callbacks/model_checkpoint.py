"""ModelCheckpoint: save the model or its weights during training."""

from __future__ import annotations

import os
import warnings
from typing import Any, Literal

from neuronet.callbacks.callback import Callback, check_callback_kwargs, resolve_mode

# What model.save and model.save_weights write, chosen by the file name: Keras 3's names and
# the Keras 2 HDF5 names that textbooks use ("weights.{epoch:02d}-{val_loss:.2f}.hdf5").
_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
_WEIGHTS_SUFFIXES = (".weights.h5", ".h5", ".hdf5")


class ModelCheckpoint(Callback):
    """Save the model (``model.save``) or its weights (``model.save_weights``) as it trains.

    The file path may hold ``str.format`` fields filled from the epoch (1-based) and the
    logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"`` saves ``ckpt-03-0.41.keras`` after the
    third epoch; with ``save_freq=N`` a ``{batch}`` field (1-based) is filled too.

    Formula:
        improvement, mode 'min':  current < best
        improvement, mode 'max':  current > best
        best starts at ``initial_value_threshold``, or at +inf ('min') / -inf ('max')

    Args:
        filepath: where to save; must end in ``.keras``, ``.h5`` or ``.hdf5`` (whole model) or,
            with ``save_weights_only``, in ``.weights.h5``, ``.h5`` or ``.hdf5``.
        monitor: the log compared when ``save_best_only`` (``"val_loss"``).
        verbose: 1 prints a line for each save (and each skipped one).
        save_best_only: save only when the monitored value improves on the best so far; a
            path without format fields then always holds the best model.
        save_weights_only: call ``model.save_weights`` instead of ``model.save``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the monitored name).
        save_freq: ``"epoch"`` to save after every epoch, or an integer to save after that
            many training batches (counted across epochs).
        initial_value_threshold: the best value to beat before the first save when
            ``save_best_only``.

    >>> checkpoint = ModelCheckpoint("best.weights.h5", save_weights_only=True,
    ...                              save_best_only=True)
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: Literal["epoch"] | int = "epoch",
        initial_value_threshold: float | None = None,
        **kwargs: Any,
    ):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self._direction = resolve_mode(self, monitor, mode)
        self.mode = mode if mode in ("min", "max") else "auto"
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = initial_value_threshold
        if initial_value_threshold is None:
            self.best = float("inf") if self._direction == "min" else float("-inf")
        self._current_epoch = 0
        self._batches_since_save = 0

        if save_freq != "epoch" and (
            not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1
        ):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq!r}. Expected save_freq are 'epoch' or "
                "a positive integer (a number of batches)."
            )
        suffixes = _WEIGHTS_SUFFIXES if save_weights_only else _MODEL_SUFFIXES
        if not self.filepath.endswith(suffixes):
            what = "weights" if save_weights_only else "model"
            raise ValueError(
                f"The filepath of a ModelCheckpoint saving the {what} must end in "
                f"{' or '.join(suffixes)}. Received: filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            )
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=4)
            return True
        improved = current < self.best if self._direction == "min" else current > self.best
        if improved:
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
        return False

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: '
                f"{error}. Available fields: {', '.join(fields)}."
            ) from None
