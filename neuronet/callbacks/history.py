"""History: the per-epoch record that ``fit`` returns."""

from __future__ import annotations

from typing import Any

from neuronet.callbacks.callback import Callback


class History(Callback):
    """Records the epoch logs; ``fit`` adds one to every run and returns it.

    Attributes:
        history: dict from each log name (``"loss"``, ``"val_accuracy"``, ...) to the list
            of its values, one per epoch.
        epoch: the 0-based indices of the recorded epochs of the latest ``fit``.
        params: the training parameters (``verbose``, ``epochs``, ``steps``, ...).
        model: the trained model, whose ``history`` attribute points back here.

    A History passed to several ``fit`` calls keeps extending ``history`` while ``epoch``
    starts again at each call, as in Keras.

    >>> history = History()
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {"loss": 0.5})
    >>> history.history
    {'loss': [0.5]}
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        # Set here as well as by CallbackList, so that a History used on its own works too.
        if self.model is not None:
            self.model.history = self
