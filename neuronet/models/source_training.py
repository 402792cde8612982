"""``fit``, ``evaluate`` and ``predict`` over a batch source (a PyDataset, a generator, ...).

The loops mirror the array loops of ``trainer.py`` step for step (the same training step,
the same running means weighted by batch size, the same callback hooks), so a source that
yields the batches an array ``fit`` would cut gives the same weights and history. What
differs is where the batches come from: each one is checked and converted as it arrives.

The first batch is checked like array data, before the model changes (shapes against the
model, labels against the loss, sample weights), with the same messages prefixed by the
batch's index. Each later batch must have the first one's shapes (except for its number of
samples) and passes the same checks; a bad batch stops the run with an error naming it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from neuronet import backend
from neuronet.callbacks import CallbackList, History
from neuronet.errors import DataError, ShapeError
from neuronet.layers.layer import format_shape
from neuronet.models import data as data_checks
from neuronet.models.batches import BatchSource, describe, is_batch_source, positive_int

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    import numpy.typing as npt

    from neuronet.backend import Array
    from neuronet.callbacks.callback import Callback
    from neuronet.models.trainer import Trainer

    # What prepare_validation gives fit: a Feed for a source, or arrays and their batch size.
    Validation: TypeAlias = "Feed | tuple[tuple[Array, Array, Array | None], int]"

_TRAIN_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")


def reject_array_arguments(
    data: Any,
    y: npt.ArrayLike | None = None,
    sample_weight: npt.ArrayLike | None = None,
    batch_size: int | None = None,
    split: float = 0.0,
) -> None:
    """Keras's errors for arguments that only make sense with arrays."""
    kind = describe(data)
    for name, value, what in (
        ("y", y, "the targets"),
        ("sample_weight", sample_weight, "the sample weights"),
    ):
        if value is not None:
            raise DataError(
                f"When providing `x` as {kind}, `{name}` should not be passed. Instead, "
                f"{what} should be included as part of {kind} (each batch a tuple "
                "(x, y) or (x, y, sample_weight))."
            )
    if batch_size is not None:
        raise DataError(
            "The `batch_size` argument must not be specified for the given input type: "
            f"{kind} already yields batches. Received input: {type(data).__name__}, "
            f"batch_size: {batch_size!r}."
        )
    if split:
        raise DataError(
            "`validation_split` is only supported for arrays, not for "
            f"{kind}: pass validation_data= instead."
        )


class Feed:
    """The batches of a source, checked and converted for one model.

    Args:
        model: the model the batches are for.
        source: a ``BatchSource``.
        targets: whether batches must hold ``y`` (fit, evaluate) or only ``x`` (predict).
        class_weight: Keras's ``class_weight``, turned into sample weights batch by batch.
    """

    _prepared: tuple[Any, Any] | None

    def __init__(
        self,
        model: Trainer,
        source: BatchSource,
        targets: bool = True,
        class_weight: Mapping[int, float] | None = None,
    ) -> None:
        self.model = model
        self.source = source
        self.targets = targets
        self.class_weight = class_weight
        self.where = f"`{source.name}` ({source.kind})"
        self._shapes = None  # the first batch's (x, y) shapes, which later batches must have
        self._output_shape = None  # the model's output shape for them (batch axis None)
        self._expand = False  # whether labels get a trailing axis of 1, as the first did
        self._prepared = None  # (raw batch, its checked arrays): the first is converted once

    def first(self) -> Any:
        """The first batch of the next pass, checked and converted (on the host)."""
        peeked = self.source.peek()
        if peeked is None:
            raise DataError(f"{self.where} yielded no batches; there is nothing to use.")
        index, raw = peeked
        if self._prepared is None or self._prepared[0] is not raw:
            self._prepared = (raw, self._prepare(index, raw))
        return self._prepared[1]

    def batches(self) -> Iterator[Any]:
        """The checked batches of one pass, on the device: ``(x, y, weights)`` or ``x``."""
        for index, raw in self.source.batches():
            if self._prepared is not None and self._prepared[0] is raw:
                arrays = self._prepared[1]
                self._prepared = None
            else:
                arrays = self._prepare(index, raw)
            if self.targets:
                yield self.model._to_device(*arrays)
            else:
                yield self.model._to_device(arrays)[0]

    def end_pass(self) -> None:
        self.source.end_pass()

    def _prepare(self, index, raw):
        x, y, sample_weight = self._unpack(index, raw)
        try:
            if self._shapes is None:
                return self._prepare_first(x, y, sample_weight)
            return self._prepare_next(x, y, sample_weight)
        except (DataError, ShapeError) as error:
            raise type(error)(f"Batch {index} of {self.where}: {error}") from None

    def _prepare_first(self, x, y, sample_weight):
        """Every check that array data gets (``Trainer._prepare``), before the model changes."""
        x = data_checks.as_array(x, "x", finite=False)
        if not self.targets:
            data_checks.check_input_shape(self.model, x)
            self._shapes = (x.shape[1:], None)
            return x
        y = data_checks.as_array(y, "y", finite=False)
        prepared = self.model._prepare(x, y, sample_weight, self.class_weight)
        self._shapes = (x.shape[1:], y.shape[1:])
        self._output_shape = self.model.output_shape_for((None,) + x.shape[1:])
        self._expand = prepared[1].ndim != y.ndim  # (n,) labels for (n, 1) outputs
        return prepared

    def _prepare_next(self, x, y, sample_weight):
        """A later batch: converted, its shapes compared with the first batch's (which
        passed the model's checks), its labels and weights checked as the first ones were."""
        x = data_checks.as_array(x, "x", finite=self.targets)  # (predict lets NaN through)
        self._check_shape("x", x, self._shapes[0])
        if not self.targets:
            return x
        y = data_checks.as_array(y, "y")
        self._check_shape("y", y, self._shapes[1])
        data_checks.check_same_length([("x", x), ("y", y)])
        self.model._loss.validate_targets(y, self._output_shape)
        weights = data_checks.sample_weights(sample_weight, self.class_weight, y, len(x))
        return x, (y[..., None] if self._expand else y), weights

    def _unpack(self, index, raw):
        if isinstance(raw, list):  # Keras reads a list as the tuple it stands for
            raw = tuple(raw)
        if not isinstance(raw, tuple):
            raw = (raw,)
        if not 1 <= len(raw) <= 3:
            raise DataError(
                f"Batch {index} of {self.where} is a tuple of {len(raw)} items; a batch must be "
                "(x, y) or (x, y, sample_weight)" + ("." if self.targets else ", or x alone.")
            )
        if self.targets and (len(raw) < 2 or raw[1] is None):
            raise DataError(
                f"Batch {index} of {self.where} holds no targets: training and evaluation need "
                "batches (x, y) or (x, y, sample_weight)."
            )
        return raw + (None,) * (3 - len(raw))

    @staticmethod
    def _check_shape(name, array, expected):
        if array.shape[1:] != expected:
            raise ShapeError(
                f"{name} has shape {format_shape(array.shape)}, but the first batch's {name} has "
                f"shape {format_shape((None,) + expected)}: every batch must have the first "
                "batch's shape, apart from its number of samples."
            )


# --- fit -----------------------------------------------------------------------------------
def fit(
    model: Trainer,
    x: Any,
    *,
    y: npt.ArrayLike | None,
    batch_size: int | None,
    epochs: int,
    verbose: int,
    callbacks: Sequence[Callback] | None,
    validation_split: float,
    validation_data: Any,
    shuffle: bool | str,
    class_weight: Mapping[int, float] | None,
    sample_weight: npt.ArrayLike | None,
    initial_epoch: int,
    steps_per_epoch: int | None,
    validation_steps: int | None,
    validation_batch_size: int | None,
    validation_freq: int,
) -> History:
    """``Trainer.fit`` for ``x`` a batch source (``verbose`` already 0, 1 or 2)."""
    reject_array_arguments(x, y, sample_weight, batch_size, validation_split)
    epochs, initial_epoch = int(epochs), int(initial_epoch)
    source = BatchSource(
        x,
        "x",
        shuffle=bool(shuffle),
        steps=steps_per_epoch,
        steps_name="steps_per_epoch",
        passes=epochs - initial_epoch,
        cycle=True,
    )
    feed = Feed(model, source, class_weight=class_weight)
    x_first, y_first, _ = feed.first()
    validation = None
    if validation_data is not None:
        validation = prepare_validation(
            model,
            validation_data,
            validation_steps,
            validation_batch_size,
            runs=validation_runs(initial_epoch, epochs, validation_freq),
        )
    elif validation_steps is not None:
        raise DataError("`validation_steps` needs validation_data; remove it or pass both.")

    model._check_optimizer_fits()
    # Everything checked: from here on the model may change.
    model._ensure_ready(x_first, y_first)
    if isinstance(validation, tuple):
        validation = (model._to_device(*validation[0]), validation[1])
    callback_list = CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=source.steps,
    )
    batch_hooks = callback_list.overrides(*_TRAIN_HOOKS)
    model.stop_training = False
    callback_list.on_train_begin()
    epoch_logs = {}
    for epoch in range(initial_epoch, epochs):
        model._reset_metrics()
        callback_list.on_epoch_begin(epoch)
        loss_sum, seen = 0.0, 0
        for step, (xb, yb, wb) in enumerate(feed.batches()):
            if batch_hooks:
                callback_list.on_train_batch_begin(step)
            loss, outputs = model._train_batch(xb, yb, wb, prescale=True)
            loss_sum += loss * len(xb)
            seen += len(xb)
            model._update_metrics(yb, outputs, wb)
            if batch_hooks:
                callback_list.on_train_batch_end(
                    step, {**model._logs(loss_sum, seen), "size": len(xb)}
                )
            if model.stop_training:
                break
        feed.end_pass()
        if not seen:  # the generator ended before this epoch (it warned)
            break
        epoch_logs = model._logs(loss_sum, seen)
        if validation is not None and (epoch + 1) % int(validation_freq) == 0:
            val_logs = evaluate_validation(model, validation, callback_list)
            epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
        callback_list.on_epoch_end(epoch, epoch_logs)
        if model.stop_training or source.exhausted:
            break
    model.optimizer.finalize_variable_values(model._train_variables)
    callback_list.on_train_end(epoch_logs)
    return model.history


def validation_runs(initial_epoch: int, epochs: int, validation_freq: int) -> int:
    """How many times ``fit`` will validate."""
    freq = int(validation_freq)
    return sum(1 for epoch in range(initial_epoch, epochs) if (epoch + 1) % freq == 0)


def prepare_validation(
    model: Trainer,
    validation_data: Any,
    steps: int | None,
    batch_size: int | None,
    runs: int,
) -> Any:
    """Check ``validation_data`` before training; a ``Feed`` for a source, else
    ``((x, y, weights), batch_size)`` for arrays."""
    if is_batch_source(validation_data):
        if batch_size is not None:
            raise DataError(
                "`validation_batch_size` must not be specified when validation_data is "
                f"{describe(validation_data)}: it yields its own batches."
            )
        source = BatchSource(
            validation_data,
            "validation_data",
            steps=steps,
            steps_name="validation_steps",
            passes=runs,
            cycle=True,
        )
        feed = Feed(model, source)
        feed.first()
        return feed
    if steps is not None:
        raise DataError(
            "`validation_steps` is for validation_data given as a PyDataset or generator; "
            "with arrays every sample is used. Remove `validation_steps`."
        )
    x_val, y_val, w_val = data_checks.unpack_validation_data(validation_data)
    arrays = model._prepare(x_val, y_val, w_val, names=("x_val", "y_val"))
    return arrays, positive_int(batch_size, "validation_batch_size") or 32


def evaluate_validation(
    model: Trainer, validation: Validation, callback_list: CallbackList
) -> dict:
    """One validation pass inside ``fit``, over a ``Feed`` or prepared arrays."""
    if isinstance(validation, Feed):
        return evaluate_feed(model, validation, callback_list)
    arrays, batch_size = validation
    return model._evaluate_arrays(*arrays, batch_size, callback_list)


# --- evaluate / predict --------------------------------------------------------------------
def evaluate(
    model: Trainer,
    x: Any,
    *,
    y: npt.ArrayLike | None,
    batch_size: int | None,
    verbose: int,
    sample_weight: npt.ArrayLike | None,
    steps: int | None,
    callbacks: Sequence[Callback] | None,
) -> dict:
    """``Trainer.evaluate`` for ``x`` a batch source: the logs dict."""
    reject_array_arguments(x, y, sample_weight, batch_size)
    feed = Feed(model, BatchSource(x, "x", steps=steps))
    x_first, y_first, _ = feed.first()
    model._ensure_ready(x_first, y_first)
    return evaluate_feed(model, feed, _one_pass_callbacks(model, callbacks, verbose, feed))


def evaluate_feed(model: Trainer, feed: Feed, callback_list: CallbackList | None = None) -> dict:
    """Loss and metrics over one pass of ``feed``, as ``Trainer._evaluate_arrays``."""
    model._reset_metrics()
    loss_sum, seen = 0.0, 0
    batch_callbacks = (
        callback_list
        if callback_list is not None
        and callback_list.overrides("on_test_batch_begin", "on_test_batch_end")
        else None
    )
    if callback_list is not None:
        callback_list.on_test_begin()
    for step, (xb, yb, wb) in enumerate(feed.batches()):
        if batch_callbacks is not None:
            batch_callbacks.on_test_batch_begin(step)
        outputs, penalty = model._forward(xb, training=False)
        loss = model._loss_weight * float(model._loss(yb, outputs, sample_weight=wb))
        loss_sum += (loss + penalty + model._penalty()) * len(xb)
        seen += len(xb)
        model._update_metrics(yb, outputs, wb)
        if batch_callbacks is not None:
            batch_callbacks.on_test_batch_end(
                step, {**model._logs(loss_sum, seen), "size": len(xb)}
            )
    feed.end_pass()
    if not seen:
        raise DataError(f"{feed.where} yielded no batches; there is nothing to evaluate.")
    logs = model._logs(loss_sum, seen)
    if callback_list is not None:
        callback_list.on_test_end(logs)
    return logs


def predict(
    model: Trainer,
    x: Any,
    *,
    batch_size: int | None,
    verbose: int,
    steps: int | None,
    callbacks: Sequence[Callback] | None,
) -> np.ndarray:
    """``Trainer.predict`` for ``x`` a batch source: the outputs as one NumPy array."""
    reject_array_arguments(x, batch_size=batch_size)
    feed = Feed(model, BatchSource(x, "x", steps=steps), targets=False)
    x_first = feed.first()
    if not model.built:
        model.build((None,) + tuple(x_first.shape[1:]))
    callback_list = _one_pass_callbacks(model, callbacks, verbose, feed)
    callback_list.on_predict_begin()
    outputs = []
    for step, xb in enumerate(feed.batches()):
        callback_list.on_predict_batch_begin(step)
        outputs.append(model._forward(xb, training=False)[0])
        callback_list.on_predict_batch_end(step, {"outputs": outputs[-1], "size": len(xb)})
    feed.end_pass()
    callback_list.on_predict_end()
    if not outputs:
        raise DataError(f"{feed.where} yielded no batches; there is nothing to predict.")
    result = outputs[0] if len(outputs) == 1 else backend.xp.concatenate(outputs)
    return np.array(backend.to_numpy(result))


def _one_pass_callbacks(
    model: Trainer, callbacks: Sequence[Callback] | None, verbose: int, feed: Feed
) -> CallbackList:
    """The callbacks of one pass over ``feed`` (evaluate, predict), with a progress bar
    unless ``verbose`` is 0."""
    return CallbackList(
        callbacks,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=1,
        steps=feed.source.steps,
    )
