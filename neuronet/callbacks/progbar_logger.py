"""ProgbarLogger: prints ``Epoch k/n`` and each epoch's progress bar during ``fit``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from neuronet.callbacks.callback import Callback, check_callback_kwargs
from neuronet.utils.progbar import Progbar

if TYPE_CHECKING:
    from collections.abc import Callable

# Batch-log entries that describe the batch rather than measure the model.
_NOT_SHOWN = ("size", "batch")


class ProgbarLogger(Callback):
    """Prints the progress of ``fit`` (and of ``evaluate``/``predict`` run on their own).

    ``fit`` adds one when ``verbose`` is not 0. Each epoch prints ``Epoch k/n`` and then a
    ``Progbar`` counting samples, as Keras 2 did::

        Epoch 1/2
        4/4 [==============================] - 0s 25us/step - loss: 0.6917 - accuracy: 0.7500

    The loss is shown first, then the other values in the order the logs give them
    (the metrics, then ``val_*`` after validation). Validation inside ``fit`` prints nothing
    of its own; its results appear on the epoch's line.

    Args:
        count_mode: ``"samples"`` (Keras 2's default): the bar counts samples, advancing by
            each batch's ``size`` log; ``"steps"``: it counts batches.
        stream: where to print; None means ``sys.stdout`` at each print.
        clock: the time source given to the Progbar (``time.monotonic`` when None).

    The ``verbose`` (0, 1 or 2; ``"auto"`` counts as 1), ``epochs``, ``samples`` and ``steps``
    come from ``params``.
    """

    def __init__(
        self,
        count_mode: str = "samples",
        *,
        stream: TextIO | None = None,
        clock: Callable[[], float] | None = None,
        **kwargs: Any,
    ):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        if count_mode not in ("samples", "steps"):
            raise ValueError(
                f"ProgbarLogger count_mode must be 'samples' or 'steps', got {count_mode!r}."
            )
        self.count_mode = count_mode
        self.stream = stream
        self.clock = clock
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.seen = 0
        self.progbar = None
        self._count_samples = count_mode == "samples"
        self._in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        samples = params.get("samples")
        self._count_samples = self.count_mode == "samples" and samples is not None
        self.target = samples if self._count_samples else params.get("steps")

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        # Validation batches inside fit must not draw a bar of their own.
        self._in_fit = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs}", file=self._stream(), flush=True)
        self._start_progbar()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._advance(batch, logs, show_values=True)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._finish(logs)

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self._in_fit:
            self._start_progbar()

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not self._in_fit:
            self._advance(batch, logs, show_values=True)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._start_progbar()

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        # The logs of predict hold the outputs: nothing to display.
        self._advance(batch, logs, show_values=False)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        self._finish(None)

    def _stream(self):
        return self.stream if self.stream is not None else sys.stdout

    def _start_progbar(self):
        self.seen = 0
        self.progbar = Progbar(
            target=self.target,
            verbose=self.verbose,
            unit_name="step",
            stream=self.stream,
            clock=self.clock,
        )

    def _advance(self, batch, logs, show_values):
        logs = logs or {}
        if self.progbar is None:
            self._start_progbar()
        if self._count_samples:
            size = logs.get("size")
            if size is None:
                size = (self.params or {}).get("batch_size") or 0
            self.seen += int(size)
        else:
            self.seen = batch + 1
        values = _display_values(logs) if show_values else None
        # Never the final draw here: the epoch's logs (with val_*) come at its end.
        self.progbar.update(self.seen, values, finalize=False)

    def _finish(self, logs):
        if self.progbar is None:
            self._start_progbar()
        if self.target is None:
            # Unknown until now: the count of this run is the target of the next ones.
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.progbar.target, _display_values(logs or {}), finalize=True)


def _display_values(logs):
    """``(name, value)`` pairs to show: the loss first, then the rest in the given order."""
    items = [(name, value) for name, value in logs.items() if name not in _NOT_SHOWN]
    return sorted(items, key=lambda item: item[0] != "loss")
