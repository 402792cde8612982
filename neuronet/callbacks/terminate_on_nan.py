"""TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite."""

from __future__ import annotations

import math
from typing import Any

from neuronet.callbacks.callback import Callback, check_callback_kwargs


class TerminateOnNaN(Callback):
    """Stop training when a batch's loss is NaN or infinite.

    Args:
        raise_error: False (the default) prints a line and sets ``model.stop_training``,
            so that training ends normally and ``on_train_end`` hooks still run; True raises
            a ``RuntimeError`` at once instead.

    >>> callback = TerminateOnNaN()
    """

    def __init__(self, raise_error: bool = False, **kwargs: Any):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                "Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
