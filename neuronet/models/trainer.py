"""Trainer: compile, fit, evaluate and predict, shared by every model class.

One training step (``_train_batch``) is the classic loop written out:

1. forward: each layer's ``forward`` in order, keeping its cache;
2. loss: the compiled loss of the output, plus the regularization penalties;
3. gradient of the loss with respect to the output (or, for sigmoid/softmax outputs with a
   crossentropy, directly with respect to the last layer's pre-activation: ``p - y``);
4. backward: each layer's ``backward`` in reverse order, which fills the weights' ``.grad``;
5. one optimizer step over all trainable weights.

``batch_size`` chooses between the three classic methods: ``len(x)`` is batch gradient descent
(one update per epoch, the full-batch gradient), ``1`` is stochastic gradient descent (one update
per sample, in a new order each epoch when ``shuffle=True``), anything in between is mini-batch
gradient descent; the last batch of an epoch may be smaller, and its gradient is the mean over
its own samples, as in Keras.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuronet import activations, backend, losses, optimizers, variables
from neuronet import metrics as metrics_module
from neuronet.backend import xp
from neuronet.callbacks import CallbackList
from neuronet.errors import DataError, NotCompiledError, check_kwargs
from neuronet.models import data as data_checks
from neuronet.models import source_training
from neuronet.models.array_batches import ArrayBatches
from neuronet.models.batches import is_batch_source

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from neuronet.callbacks.callback import Callback
    from neuronet.callbacks.history import History
    from neuronet.losses.loss import Loss
    from neuronet.optimizers.optimizer import Optimizer

    # What evaluate and the *_on_batch methods return: the loss alone, [loss, *metrics], or
    # a dict by name; a metric with several thresholds gives an array.
    Results = float | np.ndarray | list[float | np.ndarray] | dict[str, float | np.ndarray]


class Trainer:
    """Mixin giving a model ``compile``/``fit``/``evaluate``/``predict`` (Keras 3's API).

    The model class provides ``layers``, ``build(input_shape)``, ``built``,
    ``input_shape_or_none()``, ``output_shape_for(input_shape)`` and ``trainable_weights``.
    """

    if TYPE_CHECKING:  # what the model class provides, as the type checker should see it
        built: bool

        def build(self, input_shape: Sequence[int | None] | None = None) -> None: ...

        @property
        def compute_dtype(self) -> str: ...

    def _init_trainer(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._loss = None
        self._metric_identifiers = []
        self._weighted_metric_identifiers = []
        self._metrics = None  # resolved on first fit/evaluate, when the labels are known
        self._compile_config = None
        self._activity_regularized = True  # until _plan_backward has looked at the layers

    # --- compile ------------------------------------------------------------------------------
    def compile(
        self,
        optimizer: str | Optimizer | dict[str, Any] = "rmsprop",
        loss: str | Callable[..., Any] | Loss | dict[str, Any] | None = None,
        loss_weights: float | Sequence[float] | None = None,
        metrics: Sequence[Any] | None = None,
        weighted_metrics: Sequence[Any] | None = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: bool | str = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configure training: the optimizer, the loss and the metrics to report.

        Args:
            optimizer: name ('sgd', 'adam', ...) or optimizer instance; Keras's default
                'rmsprop'.
            loss: name ('binary_crossentropy', 'mse', ...), function or Loss instance.
            loss_weights: a scalar weight of the loss (single-output models).
            metrics: list of names ('accuracy', 'acc', 'mse', ...), functions or Metric
                objects, reported under the name given. Not weighted by sample weights.
            weighted_metrics: like ``metrics``, but weighted by ``sample_weight``/
                ``class_weight``.
            run_eagerly, steps_per_execution, jit_compile, auto_scale_loss: accepted for
                Keras compatibility; neuronet always runs eagerly, one step at a time.
        """
        optimizer_obj = optimizers.get(optimizer)
        loss_obj = None if loss is None else losses.as_loss(loss)
        metric_ids = _as_list(metrics, "metrics")
        weighted_ids = _as_list(weighted_metrics, "weighted_metrics")
        for identifier in metric_ids + weighted_ids:
            metrics_module.validate(identifier)  # unknown names fail here, not in fit
        if loss_weights is not None and not isinstance(loss_weights, (int, float)):
            if isinstance(loss_weights, (list, tuple)) and len(loss_weights) == 1:
                loss_weights = loss_weights[0]
            else:
                raise ValueError("`loss_weights` must be one number for a single-output model.")
        self.optimizer = optimizer_obj
        self.loss = loss
        self._loss = loss_obj
        self._loss_weight = 1.0 if loss_weights is None else float(loss_weights)
        self._metric_identifiers = metric_ids
        self._weighted_metric_identifiers = weighted_ids
        self._metrics = None
        self.compiled = True
        self._compile_config = {
            "optimizer": optimizer,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
        }

    def __getstate__(self) -> dict[str, Any]:
        # A copy (pickle, copy.deepcopy) comes back with its weights unpacked: it plans again
        # at its first fit, which packs them anew.
        state = self.__dict__.copy()
        state.pop("_planned_for", None)
        return state

    def _require_compiled(self, method):
        if not self.compiled:
            raise NotCompiledError(
                f"You must call `compile()` before `{method}()`: e.g. "
                "model.compile(optimizer='sgd', loss='binary_crossentropy', "
                "metrics=['accuracy'])."
            )
        if self._loss is None:
            raise NotCompiledError(
                f"The model was compiled without a loss; `{method}()` needs one: "
                "model.compile(optimizer=..., loss='mse')."
            )

    @property
    def metrics_names(self) -> list[str]:
        names = ["loss"]
        if self._metrics is not None:
            names += [m.name for m, _ in self._metrics]
        else:
            names += [
                _metric_name(i)
                for i in self._metric_identifiers + self._weighted_metric_identifiers
            ]
        return names

    # --- data ---------------------------------------------------------------------------------
    def _prepare(self, x, y, sample_weight=None, class_weight=None, names=("x", "y")):
        """Validate and convert one (x, y, sample_weight) triple, changing nothing."""
        x = data_checks.as_array(x, names[0])
        y = data_checks.as_array(y, names[1])
        data_checks.check_same_length([(names[0], x), (names[1], y)])
        if sample_weight is not None:
            data_checks.check_same_length(
                [(names[0], x), ("sample_weight", np.asarray(sample_weight))]
            )
        data_checks.check_input_shape(self, x)
        output_shape = self.output_shape_for((len(x),) + tuple(x.shape[1:]))
        self._loss.validate_targets(y, output_shape)
        weights = data_checks.sample_weights(sample_weight, class_weight, y, len(x))
        if y.ndim == len(output_shape) - 1 and output_shape[-1] == 1:
            y = y[..., None]  # (n,) labels for (n, 1) outputs: Keras expands them the same way
        return x, y, weights

    def _to_device(self, x, y=None, weights=None):
        dtype = self.compute_dtype
        return (
            xp.asarray(x, dtype=dtype),
            None if y is None else xp.asarray(y, dtype=dtype),
            None if weights is None else xp.asarray(weights, dtype=dtype),
        )

    def _check_optimizer_fits(self):
        """The optimizer keeps state per weight: refuse, before anything runs, a model whose
        trainable weights changed (a layer added or unfrozen) since that state was created."""
        if getattr(self.optimizer, "built", False):
            try:
                self.optimizer._indices_of(self.trainable_weights)
            except ValueError:
                raise ValueError(
                    f"The trainable weights of model '{self.name}' changed after its optimizer "
                    "started training (a layer was added or unfrozen). Call compile() again to "
                    "train with a fresh optimizer."
                ) from None

    def _ensure_ready(self, x, y):
        """Build the model and resolve the metrics once the data has passed every check."""
        if not self.built:
            self.build((None,) + tuple(x.shape[1:]))
        if self._metrics is None:
            output_shape = self.output_shape_for((len(x),) + tuple(x.shape[1:]))
            resolved = [
                (metrics_module.resolve(i, y, output_shape), False)
                for i in self._metric_identifiers
            ]
            resolved += [
                (metrics_module.resolve(i, y, output_shape), True)
                for i in self._weighted_metric_identifiers
            ]
            self._metrics = resolved
        self._plan_backward()

    def _plan_key(self):
        """What the plan depends on: the loss, the optimizer and each layer's identity, state
        and settings (a fit that finds the same key reuses the plan)."""
        # The objects themselves, not their ids: the key keeps them alive, so a new object
        # can never pass for one that was replaced.
        return (
            self._loss,
            self.optimizer,
            self._loss_weight,
            tuple(
                (layer, layer.built, layer.trainable, layer.activity_regularizer)
                for layer in self.layers
            ),
        )

    def _plan_backward(self):
        """Decide how the gradient enters the network (fused crossentropy or not)."""
        key = self._plan_key()
        if _same_objects(key, getattr(self, "_planned_for", None)):
            return
        layers = self.layers
        for i, layer in enumerate(layers):
            layer.input_grad_needed = i > 0
        last = layers[-1]
        activation_name = activations.name_of(getattr(last, "activation", None))
        self._fused = (
            getattr(self._loss, "fused_activation", None) is not None
            and self._loss.fused_activation == activation_name
            and hasattr(last, "backward_logits")
            and last.activity_regularizer is None
        )
        self._pack_weights()
        self._loss_scale = float(self.optimizer.scale_loss(1.0)) if self.optimizer else 1.0
        self._regularized = [w for w in self.weights if w.regularizer is not None]
        self._activity_regularized = any(layer.activity_regularizer is not None for layer in layers)
        # The layers backward runs through, last first (the fused one enters by its logits).
        self._fused_layer = last if self._fused else None
        self._backward_layers = list(reversed(layers[:-1] if self._fused else layers))
        self._planned_for = key

    def _pack_weights(self):
        """Keep the trainable weights (and their gradients) in one contiguous buffer each, so
        that an optimizer step is a few vectorised operations over all of them."""
        self._train_variables = self.trainable_weights
        variables.pack(self._train_variables)

    # --- one step -----------------------------------------------------------------------------
    def _forward(self, x, training):
        """Run every layer; return the output and the activity penalties."""
        penalty = 0.0
        if not self._activity_regularized:
            for layer in self.layers:
                x = layer.forward(x, training=training)
            return x, penalty
        for layer in self.layers:
            x = layer.forward(x, training=training)
            if layer.activity_regularizer is not None:
                penalty += float(layer.activity_regularizer(x))
                layer._activity_output = x
        return x, penalty

    def _penalty(self):
        """Sum of the weight regularization penalties (part of the reported loss)."""
        return sum(float(w.regularizer(w.value)) for w in self._regularized)

    def _train_batch(self, x, y, weights, prescale=False):
        """One step: forward, loss, backward, update. Returns (loss, outputs).

        The weights' ``.grad`` receive the gradients of the loss times ``loss_scale``: the
        optimizer's ``loss_scale_factor`` (it divides them back), or with ``prescale`` (in
        ``fit``) the factor the optimizer folds into them, ``-learning_rate`` for plain SGD,
        which makes its update one addition per weight.
        """
        outputs, penalty = self._forward(x, training=True)
        if self._regularized:
            penalty += self._penalty()  # of the weights the loss is computed with
        factor = self.optimizer.gradient_factor(self._train_variables) if prescale else None
        loss_scale = self._loss_scale if factor is None else factor
        scale = self._loss_weight * loss_scale
        if self._fused:
            loss, grad = self._loss.fused_value_and_grad(y, outputs, weights, scale=scale)
            grad = self._fused_layer.backward_logits(grad)
        else:
            loss, grad = self._loss.value_and_grad(y, outputs, weights, scale=scale)
        if self._activity_regularized:
            self._backward_with_activity_penalties(grad, loss_scale)
        else:
            for layer in self._backward_layers:
                grad = layer.backward(grad)
        for variable in self._regularized:
            if variable.trainable:
                variable.grad += loss_scale * variable.regularizer.grad(variable.value)
        if factor is None:
            self.optimizer.step(self._train_variables)
        else:
            self.optimizer.step(self._train_variables, prescaled=True)
        return self._loss_weight * float(loss) + penalty, outputs

    def _backward_with_activity_penalties(self, grad, loss_scale):
        """The backward pass, adding each activity penalty's gradient where it applies."""
        for layer in self._backward_layers:
            if layer.activity_regularizer is not None:
                grad = grad + loss_scale * layer.activity_regularizer.grad(layer._activity_output)
            grad = layer.backward(grad)

    def _update_metrics(self, y, outputs, weights):
        for metric, weighted in self._metrics:
            metric.update_state(y, outputs, sample_weight=weights if weighted else None)

    def _reset_metrics(self):
        for metric, _ in self._metrics:
            metric.reset_state()

    def _logs(self, loss_sum, count):
        logs = {"loss": loss_sum / count}
        for metric, _ in self._metrics:
            logs[metric.name] = metric.result()
        return logs

    # --- fit ----------------------------------------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: npt.ArrayLike | None = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Sequence[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool | str = True,
        class_weight: Mapping[int, float] | None = None,
        sample_weight: npt.ArrayLike | None = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
        **kwargs: Any,
    ) -> History:
        """Train for ``epochs`` passes over the data; returns the ``History``.

        ``x`` and ``y`` are arrays (NumPy, pandas, nested lists), or ``x`` alone is a batch
        source: a ``neuronet.utils.PyDataset`` or a generator or iterable of ``(x, y)`` /
        ``(x, y, sample_weight)`` batches, with no ``batch_size``. A generator can be read
        once: for more than one epoch give ``steps_per_epoch``, the batches drawn per epoch.
        ``validation_data`` may be a source too (with ``validation_steps``).

        Calling ``fit`` again continues from the current weights and optimizer state.
        Validation runs after each epoch on ``validation_data`` or on the last
        ``validation_split`` fraction of the samples (taken before shuffling).
        """
        check_kwargs("fit", kwargs, {"nb_epoch"})
        if "nb_epoch" in kwargs:  # Keras 1's name, still found in old tutorials
            epochs = kwargs["nb_epoch"]
        self._require_compiled("fit")
        if is_batch_source(x):
            return source_training.fit(
                self,
                x,
                y=y,
                batch_size=batch_size,
                epochs=epochs,
                verbose=_resolve_verbose(verbose),
                callbacks=callbacks,
                validation_split=validation_split,
                validation_data=validation_data,
                shuffle=shuffle,
                class_weight=class_weight,
                sample_weight=sample_weight,
                initial_epoch=initial_epoch,
                steps_per_epoch=steps_per_epoch,
                validation_steps=validation_steps,
                validation_batch_size=validation_batch_size,
                validation_freq=validation_freq,
            )
        validation_source = is_batch_source(validation_data)
        if steps_per_epoch is not None or (validation_steps is not None and not validation_source):
            raise DataError(
                "`steps_per_epoch`/`validation_steps` are for generators; with arrays, "
                "every epoch uses all samples. Remove these arguments."
            )
        batch_size = _batch_size(batch_size, "batch_size")
        epochs, initial_epoch = int(epochs), int(initial_epoch)
        x, y, weights = self._prepare(x, y, sample_weight, class_weight)
        validation = None
        if validation_source:  # checked now (its first batch), evaluated batch by batch
            validation = source_training.prepare_validation(
                self,
                validation_data,
                validation_steps,
                validation_batch_size,
                runs=source_training.validation_runs(initial_epoch, epochs, validation_freq),
            )
        elif validation_data is not None:
            x_val, y_val, w_val = data_checks.unpack_validation_data(validation_data)
            validation = self._prepare(x_val, y_val, w_val, names=("x_val", "y_val"))
        elif validation_split:
            (x, y, weights), (x_val, y_val, w_val) = data_checks.split_validation(
                [x, y, weights], float(validation_split)
            )
            validation = (x_val, y_val, w_val)
        if not validation_source:
            validation_batch_size = _batch_size(validation_batch_size or batch_size, "batch size")

        self._check_optimizer_fits()
        # Everything is valid: from here on the model may change.
        self._ensure_ready(x, y)
        x, y, weights = self._to_device(x, y, weights)
        if validation is not None and not validation_source:
            validation = self._to_device(*validation)
        n = len(x)
        steps = -(-n // batch_size)
        verbose = _resolve_verbose(verbose)
        callback_list = CallbackList(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
            samples=n,
            batch_size=batch_size,
        )
        # Batch hooks (and the running logs they get) only when a callback listens to them.
        batch_hooks = callback_list.overrides(
            "on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"
        )
        epoch_hook = callback_list.overrides("on_epoch_begin")
        batches = ArrayBatches((x, y, weights), batch_size, bool(shuffle))
        self.stop_training = False
        callback_list.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self._reset_metrics()
            if epoch_hook:
                callback_list.on_epoch_begin(epoch)
            loss_sum = 0.0
            for step, stop, (xb, yb, wb) in batches.epoch():
                if batch_hooks:
                    callback_list.on_train_batch_begin(step)
                loss, outputs = self._train_batch(xb, yb, wb, prescale=True)
                loss_sum += loss * len(xb)
                self._update_metrics(yb, outputs, wb)
                if batch_hooks:
                    batch_logs = self._logs(loss_sum, stop)
                    batch_logs["size"] = len(xb)
                    callback_list.on_train_batch_end(step, batch_logs)
                if self.stop_training:
                    break
            epoch_logs = self._logs(loss_sum, stop)
            if validation is not None and (epoch + 1) % int(validation_freq) == 0:
                if validation_source:
                    val_logs = source_training.evaluate_feed(self, validation, callback_list)
                else:
                    # mypy matches the unpacked `validation` (typed Any) against every
                    # parameter, so it counts the two arguments after it as extra.
                    val_logs = self._evaluate_arrays(  # type: ignore[call-arg]
                        *validation, validation_batch_size, callback_list
                    )
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        # Optimizers with use_ema=True copy their moving averages into the weights now.
        self.optimizer.finalize_variable_values(self._train_variables)
        callback_list.on_train_end(epoch_logs)
        return self.history

    # --- evaluate / predict -------------------------------------------------------------------
    def _evaluate_arrays(self, x, y, weights, batch_size, callback_list=None):
        """Loss and metrics over (x, y) in batches, without changing the weights."""
        self._reset_metrics()
        n = len(x)
        loss_sum = 0.0
        test_hooks = callback_list is not None and callback_list.overrides(
            "on_test_batch_begin", "on_test_batch_end"
        )
        if callback_list is not None:
            callback_list.on_test_begin()
        for step, start in enumerate(range(0, n, batch_size)):
            stop = min(n, start + batch_size)
            if test_hooks:
                callback_list.on_test_batch_begin(step)
            wb = None if weights is None else weights[start:stop]
            outputs, penalty = self._forward(x[start:stop], training=False)
            loss = self._loss_weight * float(self._loss(y[start:stop], outputs, sample_weight=wb))
            loss_sum += (loss + penalty + self._penalty()) * (stop - start)
            self._update_metrics(y[start:stop], outputs, wb)
            if test_hooks:
                callback_list.on_test_batch_end(
                    step, {**self._logs(loss_sum, stop), "size": stop - start}
                )
        logs = self._logs(loss_sum, n)
        if callback_list is not None:
            callback_list.on_test_end(logs)
        return logs

    def evaluate(
        self,
        x: Any = None,
        y: npt.ArrayLike | None = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: npt.ArrayLike | None = None,
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
        return_dict: bool = False,
    ) -> Results:
        """Loss and metrics on the given data: a scalar, a list ``[loss, *metrics]``, or a dict.

        ``x`` may be a batch source, as for ``fit``; ``steps`` then limits the batches used.
        """
        self._require_compiled("evaluate")
        if is_batch_source(x):
            logs = source_training.evaluate(
                self,
                x,
                y=y,
                batch_size=batch_size,
                verbose=_resolve_verbose(verbose),
                sample_weight=sample_weight,
                steps=steps,
                callbacks=callbacks,
            )
        else:
            _no_steps(steps)
            batch_size = _batch_size(batch_size, "batch_size")
            x, y, weights = self._prepare(x, y, sample_weight)
            self._ensure_ready(x, y)
            x, y, weights = self._to_device(x, y, weights)
            callback_list = self._callbacks_for(callbacks, verbose, len(x), batch_size)
            logs = self._evaluate_arrays(x, y, weights, batch_size, callback_list)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = 0,
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
    ) -> np.ndarray:
        """The model's outputs for ``x``, computed in batches, as a NumPy array.

        ``verbose`` defaults to 0 (no progress bar), as in Keras 2. ``x`` may be a batch
        source, as for ``fit`` (batches ``x`` or ``(x, ...)``); ``steps`` then limits them.
        """
        if is_batch_source(x):
            return source_training.predict(
                self,
                x,
                batch_size=batch_size,
                verbose=_resolve_verbose(verbose),
                steps=steps,
                callbacks=callbacks,
            )
        _no_steps(steps)
        batch_size = _batch_size(batch_size, "batch_size")
        x = data_checks.as_array(x, "x", finite=False)
        data_checks.check_input_shape(self, x)
        if not self.built:
            self.build((None,) + tuple(x.shape[1:]))
        x = xp.asarray(x, dtype=self.compute_dtype)
        callback_list = self._callbacks_for(callbacks, verbose, len(x), batch_size)
        callback_list.on_predict_begin()
        outputs = []
        for step, start in enumerate(range(0, len(x), batch_size)):
            stop = min(len(x), start + batch_size)
            callback_list.on_predict_batch_begin(step)
            outputs.append(self._forward(x[start:stop], training=False)[0])
            callback_list.on_predict_batch_end(step, {"outputs": outputs[-1], "size": stop - start})
        callback_list.on_predict_end()
        result = outputs[0] if len(outputs) == 1 else xp.concatenate(outputs)
        return np.array(backend.to_numpy(result))

    def _callbacks_for(self, callbacks, verbose, samples, batch_size):
        verbose = _resolve_verbose(verbose)
        return CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=-(-samples // batch_size),
            samples=samples,
            batch_size=batch_size,
        )

    def predict_on_batch(self, x: npt.ArrayLike) -> np.ndarray:
        """The outputs for one batch, as a NumPy array."""
        x = data_checks.as_array(x, "x")
        return self.predict(x, batch_size=len(x))

    def predict_classes(self, x: Any, batch_size: int = 32, verbose: int | str = 0) -> np.ndarray:
        """Class predictions as Keras 2 gave them: argmax for several outputs, else p > 0.5.

        Returns int32 labels: shape ``(n,)`` for several outputs, ``(n, 1)`` for one.
        """
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probabilities.shape[-1] > 1:
            return probabilities.argmax(axis=-1).astype("int32")
        return (probabilities > 0.5).astype("int32")

    def predict_proba(self, x: Any, batch_size: int = 32, verbose: int | str = 0) -> np.ndarray:
        """The outputs, read as probabilities (Keras 2's alias of ``predict``)."""
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def train_on_batch(
        self,
        x: Any,  # arrays as for fit: NumPy, pandas, nested lists
        y: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
        class_weight: Mapping[int, float] | None = None,
        return_dict: bool = False,
        reset_metrics: bool = True,
    ) -> Results:
        """One gradient update on one batch; returns the loss (and metrics) on it."""
        self._require_compiled("train_on_batch")
        x, y, weights = self._prepare(x, y, sample_weight, class_weight)
        self._check_optimizer_fits()
        self._ensure_ready(x, y)
        x, y, weights = self._to_device(x, y, weights)
        if reset_metrics:
            self._reset_metrics()
        loss, outputs = self._train_batch(x, y, weights)
        self._update_metrics(y, outputs, weights)
        return self._batch_result(loss, return_dict)

    def test_on_batch(
        self,
        x: Any,  # arrays as for fit: NumPy, pandas, nested lists
        y: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
        return_dict: bool = False,
    ) -> Results:
        """The loss (and metrics) on one batch, without updating the weights."""
        self._require_compiled("test_on_batch")
        x, y, weights = self._prepare(x, y, sample_weight)
        self._ensure_ready(x, y)
        x, y, weights = self._to_device(x, y, weights)
        logs = self._evaluate_arrays(x, y, weights, len(x))
        return self._batch_result(logs.pop("loss"), return_dict, logs)

    def _batch_result(self, loss, return_dict, logs=None):
        if logs is None:
            logs = {m.name: m.result() for m, _ in self._metrics}
        result = {"loss": loss, **logs}
        if return_dict:
            return result
        values = list(result.values())
        return values[0] if len(values) == 1 else values


def _same_objects(a, b):
    """Nested tuples holding the very same objects (``is``, never ``==``)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same_objects(x, y) for x, y in zip(a, b))
    return a is b or (type(a) in (bool, float, int) and a == b)


def _as_list(value, name):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        raise ValueError(f"`{name}` as a dict is for multi-output models; pass a list.")
    return [value]


def _metric_name(identifier):
    if isinstance(identifier, str):
        return identifier
    return getattr(identifier, "name", getattr(identifier, "__name__", str(identifier)))


def _batch_size(value, name):
    if value is None:
        return 32
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise DataError(f"`{name}` must be a positive integer, got {value!r}.")
    return int(value)


def _no_steps(steps):
    if steps is not None:
        raise DataError(
            "`steps` is for generators; with arrays every sample is used. Remove `steps`."
        )


def _resolve_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2, got {verbose!r}.")
    return int(verbose)
