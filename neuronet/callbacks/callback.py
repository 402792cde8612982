"""Callback, the base of all callbacks, and CallbackList, which calls a list of them.

The training loop calls the hooks in this order (Keras 3)::

    callbacks = CallbackList(user_callbacks, add_history=True, add_progbar=verbose != 0,
                             model=model, verbose=..., epochs=..., steps=..., samples=...,
                             batch_size=...)
    callbacks.on_train_begin()
    for epoch in range(epochs):
        callbacks.on_epoch_begin(epoch)
        for batch in ...:
            callbacks.on_train_batch_begin(batch)
            ...
            callbacks.on_train_batch_end(batch, {"size": n, "loss": ..., ...})
        callbacks.on_epoch_end(epoch, {"loss": ..., ..., "val_loss": ...})
        if model.stop_training:
            break
    callbacks.on_train_end(last_epoch_logs)
    return model.history
"""

from __future__ import annotations

import inspect
import warnings
from typing import TYPE_CHECKING, Any

from neuronet.errors import check_kwargs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Parts of metric names whose value grows as the model improves: 'auto' mode maximizes them
# (Keras 3 reads this from each metric; these are the names its maximized metrics have).
_MAXIMIZED_SUBSTRINGS = (
    "acc",
    "auc",
    "precision",
    "recall",
    "io_u",
    "true_positives",
    "true_negatives",
)
_MAXIMIZED_WORDS = ("f1", "fbeta", "iou", "r2", "cosine", "sensitivity", "specificity")


def resolve_mode(owner: object, monitor: str, mode: str) -> str:
    """``'min'`` or ``'max'``: the direction in which ``monitor`` improves.

    ``'auto'`` maximizes accuracies, AUC, precision, recall, F-scores, IoU, R², cosine
    similarity, sensitivity and specificity (with or without the ``val_`` prefix) and
    minimizes everything else, losses and errors included. An unknown ``mode`` warns and
    falls back to ``'auto'``, as Keras does.

    Args:
        owner: the callback, named in the warning.
        monitor: the name of the monitored quantity (``"val_accuracy"``).
        mode: ``"auto"``, ``"min"`` or ``"max"``.
    """
    if mode not in ("auto", "min", "max"):
        warnings.warn(
            f"{type(owner).__name__} mode '{mode}' is unknown, fallback to auto mode.",
            stacklevel=3,
        )
        mode = "auto"
    if mode != "auto":
        return mode
    name = str(monitor).removeprefix("val_")
    if name == "loss":
        return "min"
    if any(part in name for part in _MAXIMIZED_SUBSTRINGS):
        return "max"
    if any(word in name.split("_") for word in _MAXIMIZED_WORDS):
        return "max"
    return "min"


def check_callback_kwargs(owner: object, kwargs: Mapping[str, Any]) -> None:
    """Raise UnknownArgumentError for keyword arguments ``owner.__init__`` does not take."""
    if kwargs:
        allowed = [
            name
            for name, parameter in inspect.signature(type(owner).__init__).parameters.items()
            if name != "self" and parameter.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        check_kwargs(type(owner).__name__, kwargs, allowed)


class Callback:
    """Base class of callbacks: objects whose hooks ``fit``, ``evaluate`` and ``predict`` call.

    Subclasses override the hooks they need; every hook does nothing by default.
    ``on_train_batch_begin``/``on_train_batch_end`` call the Keras 2 names ``on_batch_begin``/
    ``on_batch_end``, so callbacks written against either API work.

    Attributes:
        model: the model being trained (set by ``set_model``). Callbacks may use its
            ``stop_training`` flag, ``get_weights``/``set_weights``, ``save``/``save_weights``
            and ``optimizer.learning_rate``.
        params: the dict given by ``fit``: ``verbose``, ``epochs``, ``steps`` (batches per
            epoch), ``samples`` (training samples per epoch) and ``batch_size``.
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        # The model being trained (a Sequential), from set_model; Any, as models are duck-typed
        # here (any object with the attributes a callback reads will do).
        self.model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Keras 2 name of ``on_train_batch_begin``."""

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Keras 2 name of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Called at the start of epoch ``epoch`` (0-based) of ``fit``."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Called at the end of an epoch; ``logs`` holds the epoch's means and ``val_*``."""

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before training batch ``batch`` (0-based within the epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after a training batch; ``logs`` holds ``size`` and the running means."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before a batch of ``evaluate`` or of the validation inside ``fit``."""

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after a batch of ``evaluate`` or of the validation inside ``fit``."""

    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before a batch of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after a batch of ``predict``."""

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called once when ``fit`` starts."""

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called once when ``fit`` ends; ``logs`` are the last epoch's."""

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called when ``evaluate`` (or a validation pass) starts."""

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called when ``evaluate`` (or a validation pass) ends."""

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called when ``predict`` starts."""

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called when ``predict`` ends."""


class CallbackList(Callback):
    """Calls every hook of a list of callbacks, in list order.

    Args:
        callbacks: a list of ``Callback`` instances (or None).
        add_history: append a ``History`` unless the list has one.
        add_progbar: append a ``ProgbarLogger`` unless the list has one.
        model: the model; each callback gets it, and ``model.history`` is set to the History.
        **params: the training parameters given to every callback's ``set_params``.

    The History and ProgbarLogger go last, as in Keras, so they record and print what the
    other callbacks added to the epoch logs (``learning_rate``, for instance).
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ):
        super().__init__()
        self.callbacks = _as_callback_list(callbacks)
        self._history = None
        self._progbar = None
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history, add_progbar):
        # Imported here: both modules import this one for the Callback base class.
        from neuronet.callbacks.history import History
        from neuronet.callbacks.progbar_logger import ProgbarLogger

        for callback in self.callbacks:
            if isinstance(callback, ProgbarLogger):
                self._progbar = callback
            elif isinstance(callback, History):
                self._history = callback
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def append(self, callback: Callback) -> None:
        """Add one more callback, giving it the list's model and params."""
        (callback,) = _as_callback_list([callback])
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)
        self.callbacks.append(callback)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model: Any) -> None:
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def overrides(self, *hooks: str) -> bool:
        """True if any callback does something in one of ``hooks`` (names of methods).

        The training loop asks once per ``fit``: when no callback listens to batch hooks it
        neither calls them nor computes the batch logs, which for small models costs more
        than the training step itself (Keras 3 skips them the same way).
        """
        for callback in self.callbacks:
            for hook in hooks:
                method = getattr(callback, hook)
                if getattr(method, "__func__", None) is not getattr(Callback, hook):
                    return True
        return False

    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs=_dict(logs))

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _pythonify(logs)
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs=logs)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        # One dict for all: what a callback adds (learning_rate) reaches those after it.
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_train_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _pythonify(logs)
        for callback in self.callbacks:
            callback.on_train_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_test_batch_begin(batch, logs=logs)

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _pythonify(logs)
        for callback in self.callbacks:
            callback.on_test_batch_end(batch, logs=logs)

    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_predict_batch_begin(batch, logs=logs)

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        # Predictions stay arrays: they are outputs, not numbers to display.
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_predict_batch_end(batch, logs=logs)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_test_begin(logs)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_test_end(logs)

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_predict_begin(logs)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        logs = _dict(logs)
        for callback in self.callbacks:
            callback.on_predict_end(logs)


def _as_callback_list(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        callbacks = [callbacks]
    result = list(callbacks)
    for callback in result:
        if not isinstance(callback, Callback):
            raise TypeError(
                "Every callback must be an instance of neuronet.callbacks.Callback; got "
                f"{type(callback).__name__}: {callback!r}."
            )
    return result


def _dict(logs):
    return {} if logs is None else logs


def _pythonify(logs):
    """Batch logs with array scalars turned into Python numbers, as Keras 3 passes them."""
    result = {}
    for key, value in _dict(logs).items():
        if not isinstance(value, (str, bool, int, float)):
            kind = _real_scalar_kind(value)
            if kind == "i":
                value = int(value)
            elif kind == "f":
                value = float(value)
        result[key] = value
    return result


def _real_scalar_kind(value):
    """'i' or 'f' for a NumPy/CuPy integer or float scalar (0-d array included), else None."""
    dtype = getattr(value, "dtype", None)
    if getattr(value, "shape", None) != () or dtype is None:
        return None
    kind = getattr(dtype, "kind", "")
    if kind in ("i", "u"):
        return "i"
    return "f" if kind == "f" else None
