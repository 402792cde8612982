"""LambdaCallback: a callback made of plain functions, for one-off hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet.callbacks.callback import Callback
from neuronet.errors import check_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable

# Every hook a LambdaCallback can take, by keyword (Keras 3 accepts any Callback hook).
_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_batch_begin",
    "on_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class LambdaCallback(Callback):
    """Build a callback from functions, one per hook, called with the hook's arguments.

    ``on_epoch_begin``/``on_epoch_end`` are called as ``f(epoch, logs)``; ``on_train_begin``/
    ``on_train_end`` (and the test/predict begin and end hooks) as ``f(logs)``; the batch
    hooks as ``f(batch, logs=logs)``. Hooks not given do nothing.

    Args:
        on_epoch_begin, on_epoch_end: ``f(epoch, logs)``, at each epoch's start and end.
        on_train_begin, on_train_end: ``f(logs)``, at the start and end of training.
        on_train_batch_begin, on_train_batch_end: ``f(batch, logs=logs)``, around each batch.
        **kwargs: functions for any other hook, by its name (``on_test_end=f``).

    >>> losses = []
    >>> record = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> record.on_epoch_end(0, {"loss": 0.25})
    >>> losses
    [0.25]
    """

    def __init__(
        self,
        on_epoch_begin: Callable[..., object] | None = None,
        on_epoch_end: Callable[..., object] | None = None,
        on_train_begin: Callable[..., object] | None = None,
        on_train_end: Callable[..., object] | None = None,
        on_train_batch_begin: Callable[..., object] | None = None,
        on_train_batch_end: Callable[..., object] | None = None,
        **kwargs: Any,
    ):
        super().__init__()
        check_kwargs("LambdaCallback", kwargs, _HOOKS)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
            **kwargs,
        }
        for name, function in hooks.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(f"LambdaCallback's {name} must be callable, got {function!r}.")
            # An instance attribute shadows the method: the hook calls the function directly.
            setattr(self, name, function)
