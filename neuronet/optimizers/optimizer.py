"""Optimizer: the base class that turns gradients into in-place weight updates, as Keras 3 does.

One optimizer step, in Keras 3's order (``BaseOptimizer.apply``):

1. gradients are divided by ``loss_scale_factor`` (when set);
2. with ``gradient_accumulation_steps=n``, they are added to per-weight accumulators and
   steps 3-5 run only every n-th call, on the mean of the accumulated gradients;
3. clipping: ``clipnorm`` (each gradient's norm), ``global_clipnorm`` (the norm of all of
   them together) or ``clipvalue`` (each element), at most one of them;
4. weight decay: ``w -= w * weight_decay * learning_rate``, before and apart from the update
   (decoupled, as in AdamW);
5. the optimizer's own update rule, on the weight and its slots (momentum, velocity, ...);
6. the moving average of the weights (``use_ema``), then ``iterations += 1``.

Every update writes into the existing arrays (``value``, slots): layers may hold views into
them. Per-step scratch space is allocated once, in ``build``, so a step allocates no arrays.
Subclasses create their slots in ``_build_slots``, compute the step's scalar constants once per
dtype in ``_coefficients`` and update one weight in place in ``_update_step``.
"""

from __future__ import annotations

import inspect
import math
import numbers
import re
import warnings
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.errors import ShapeError, check_kwargs
from neuronet.optimizers import schedules as lr_schedules
from neuronet.variables import Variable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence

    from neuronet.backend import Array
    from neuronet.optimizers.schedules import LearningRateSchedule

# Keys that Keras 2 (tf.keras >= 2.11) writes into optimizer configs and Keras 3 dropped.
_KERAS2_ONLY_KEYS = ("is_legacy_optimizer", "jit_compile")


class DefaultLearningRate(float):
    """A signature's default learning rate: a float that tells ``lr=`` it was not passed."""


class ScalarVariable(Variable):
    """A Variable holding one number (``iterations``, ``learning_rate``): ``int()``/``float()``.

    Its value stays a NumPy array even under CuPy: the optimizer reads it on the host every
    step, and a device round trip per step would stall the GPU.
    """

    def __init__(self, value: float, name: str, *, path: str | None = None, dtype: npt.DTypeLike):
        super().__init__(0, name, path=path, trainable=False, dtype=dtype)
        self.value = np.array(value, dtype=dtype)

    def assign(self, value: npt.ArrayLike) -> Self:
        value = np.asarray(backend.to_numpy(value))
        if value.shape != ():
            raise ShapeError(f"Cannot assign an array of shape {value.shape} to '{self.path}'.")
        self.value[...] = value
        return self

    def __int__(self):
        return int(self.value)

    __index__ = __int__

    def __float__(self):
        return float(self.value)


class Optimizer:
    """Base class of the optimizers; subclasses give the update rule.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` (evaluated at ``iterations``) or a
            callable without arguments returning the rate.
        weight_decay: if set, ``w -= w * weight_decay * learning_rate`` before each update.
        clipnorm: if set, each gradient is rescaled so that its L2 norm is at most this.
        clipvalue: if set, each gradient element is clipped to ``[-clipvalue, clipvalue]``.
        global_clipnorm: if set, all gradients are rescaled together so that the norm of their
            concatenation is at most this. At most one of the three clipping options.
        use_ema: keep an exponential moving average of the weights
            (``average = ema_momentum * average + (1 - ema_momentum) * w``, the first step
            copying ``w``); ``finalize_variable_values`` copies it into the weights.
        ema_momentum: the EMA's momentum, in [0, 1].
        ema_overwrite_frequency: if set, the weights are overwritten by their averages every
            this many steps.
        loss_scale_factor: gradients are divided by it (the loss was multiplied by it, see
            ``scale_loss``), to keep float16 gradients from underflowing.
        gradient_accumulation_steps: update only every n-th step, with the mean gradient of
            the last n steps; ``iterations`` then counts updates.
        name: the optimizer's name; by default the lowercase class name (``'adam'``).
        lr: deprecated alias of ``learning_rate``.
    """

    _scratch_count = 1  # scratch arrays the update rule needs per weight

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Callable[[], float],
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ):
        if "lr" in kwargs:
            if not isinstance(learning_rate, DefaultLearningRate):
                raise ValueError(
                    "Pass either `learning_rate` or its deprecated alias `lr`, not both. "
                    f"Received: learning_rate={learning_rate}, lr={kwargs['lr']}."
                )
            warnings.warn(
                "The `lr` argument is deprecated; use `learning_rate` instead.",
                DeprecationWarning,
                stacklevel=3,
            )
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", None)
        if decay:  # Keras 2's time decay, still found in old configs; 0 means none
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=3
            )
        if kwargs:
            check_kwargs(type(self).__name__, kwargs, self._argument_names())

        self.name = type(self).__name__.lower() if name is None else str(name)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._validate_base_arguments()

        self.built = False
        self._flat = False
        self._plain = False
        # the list of variables ``step`` last updated flat
        self._flat_list: Sequence[Variable] | None = None
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._index: dict[int, int] = {}  # id(weight) -> position in the list given to build
        self._iterations = ScalarVariable(
            0, "iteration", path=self._path("iteration"), dtype="int64"
        )
        self._variables.append(self._iterations)
        self._learning_rate: ScalarVariable | LearningRateSchedule | Callable[[], float] | None = (
            None
        )
        self.learning_rate = learning_rate

    def __getstate__(self):
        # Copies (pickle, copy.deepcopy) lose what ties the state together in memory: slots that
        # are views of one flat buffer become separate arrays, and variables are looked up by
        # id(). A copy keeps every slot's values and updates weight by weight.
        state = self.__dict__.copy()
        state.update(
            _pack=None,
            _flat=False,
            _plain=False,
            _flat_list=None,
            _flat_record=None,
            _flat_buffers={},
            _index=None,
        )
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._index = {id(v): i for i, v in enumerate(self._trainable_variables)}

    @classmethod
    def _argument_names(cls):
        params = inspect.signature(cls.__init__).parameters.values()
        names = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD][1:]
        return names + ["lr", "decay"]

    def _path(self, name):
        return f"{self.name}/{name}"

    def _validate_base_arguments(self):
        clips = {
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }
        for key, value in [
            *clips.items(),
            ("weight_decay", self.weight_decay),
            ("loss_scale_factor", self.loss_scale_factor),
        ]:
            if value is not None and (
                not isinstance(value, numbers.Real) or isinstance(value, bool)
            ):
                raise ValueError(f"`{key}` must be a number or None. Received: {key}={value!r}")
        if sum(value is not None for value in clips.values()) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                + ", ".join(f"{key}={value}" for key, value in clips.items())
            )
        steps = self.gradient_accumulation_steps
        if steps and (not isinstance(steps, numbers.Integral) or steps < 2):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={steps!r}"
            )
        if self.use_ema:
            if not 0 <= self.ema_momentum <= 1:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: "
                    f"ema_momentum={self.ema_momentum}"
                )
            frequency = self.ema_overwrite_frequency
            if frequency and (not isinstance(frequency, numbers.Integral) or frequency < 1):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                    f"ema_overwrite_frequency={frequency!r}"
                )

    # --- learning rate and step count -------------------------------------------------------
    @property
    def iterations(self) -> ScalarVariable | np.int64:
        """The step counter (a Variable; ``int(optimizer.iterations)`` gives the count).

        With gradient accumulation it counts updates, ``steps // gradient_accumulation_steps``.
        """
        if self.gradient_accumulation_steps:
            return np.int64(int(self._iterations) // self.gradient_accumulation_steps)
        return self._iterations

    @property
    def learning_rate(self) -> float:
        """The current learning rate as a float (a schedule is evaluated at ``iterations``)."""
        return float(self._current_learning_rate())

    @learning_rate.setter
    def learning_rate(self, value: float | LearningRateSchedule | Callable[[], float]) -> None:
        if isinstance(value, lr_schedules.LearningRateSchedule) or callable(value):
            if isinstance(self._learning_rate, ScalarVariable):
                self._variables.remove(self._learning_rate)
            self._learning_rate = value
            return
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise ValueError(
                "Argument `learning_rate` should be a float, a LearningRateSchedule or a "
                f"callable returning the rate. Received: learning_rate={value!r}"
            )
        if isinstance(self._learning_rate, ScalarVariable):
            self._learning_rate.assign(value)
        elif self._learning_rate is None:
            self._learning_rate = ScalarVariable(
                value, "learning_rate", path=self._path("learning_rate"), dtype=backend.floatx()
            )
            self._variables.append(self._learning_rate)
        else:
            raise TypeError(
                f"This optimizer's learning rate is given by {self._learning_rate!r}, so it "
                "cannot be set to a number. Create the optimizer with a float "
                "`learning_rate` if you need to change it during training."
            )

    def _current_learning_rate(self):
        """The rate for this step, in ``floatx`` like Keras's learning-rate variable."""
        rate = self._learning_rate
        if isinstance(rate, ScalarVariable):
            return rate.value[()]
        if isinstance(rate, lr_schedules.LearningRateSchedule):
            value = rate(int(self._iterations))
        else:
            value = rate()
        return np.dtype(backend.floatx()).type(backend.to_numpy(value))

    def scale_loss(self, loss: Array) -> Array:
        """Multiply the loss by ``loss_scale_factor`` (if set) before computing gradients."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # --- state ------------------------------------------------------------------------------
    @property
    def variables(self) -> list[Variable]:
        """All state in Keras 3's order: iteration, learning rate, then the slots."""
        return list(self._variables)

    def build(self, variables: Iterable[Variable]) -> None:
        """Create the optimizer's state for ``variables`` (done by the first step).

        State then persists: later steps (and later ``fit`` calls) continue from it.
        """
        if self.built:
            return
        variables = list(variables)
        self._trainable_variables = variables
        self._index = {id(variable): i for i, variable in enumerate(variables)}
        # Weights packed into one buffer (a model's) get slots packed the same way, so that a
        # step over all of them can run as one update of the flat buffers.
        pack = variables[0].pack if variables else None
        self._pack = pack if pack is not None and pack.covers(variables) else None
        self._flat_buffers: dict[int, Array] = {}  # id(first view of a packed slot) -> buffer
        if self.use_ema:
            self._averages = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulators = self.add_optimizer_variables(variables, "gradient_accumulator")
        self._slot_lists = self._build_slots(variables) or []
        self._decay_flags = [self._use_weight_decay(variable) for variable in variables]
        self._allocate_workspaces(variables)
        self._flat = self._pack is not None and not (
            self.clipnorm  # a norm per weight
            or self.gradient_accumulation_steps
            or len(set(self._decay_flags)) > 1
            or any(getattr(variable, "constraint", None) for variable in variables)
        )
        # The flat step's shortest lane: the update rule and nothing else.
        self._plain = self._flat and not (
            self.clipvalue
            or self.global_clipnorm
            or self.weight_decay is not None
            or self.loss_scale_factor is not None
            or self.use_ema
        )
        self.built = True

    def _build_slots(self, variables):
        """Create the update rule's slots; return the lists the update needs, in its order."""
        return []

    def add_optimizer_variables(
        self, variables: Sequence[Variable], names: str | Sequence[str], initializer: float = 0.0
    ) -> list[Variable] | tuple[list[Variable], ...]:
        """One slot per weight and name, named like Keras (``dense_kernel_momentum``).

        Several names are created interleaved per weight, in Keras 3's order. Returns a list
        of slots for one name, a tuple of lists for several.
        """
        single = isinstance(names, str)
        names = [names] if isinstance(names, str) else list(names)  # isinstance: for mypy
        slots: tuple[list[Variable], ...] = tuple([] for _ in names)
        packed = getattr(self, "_pack", None)
        views = None
        if packed is not None and list(variables) == list(packed.variables):
            # One flat buffer per slot name; each weight's slot is a view into it.
            views = []
            for _ in names:
                flat = xp.full(packed.values.size, initializer, dtype=packed.values.dtype)
                views.append(packed.views(flat))
                self._flat_buffers[id(views[-1][0])] = flat
        for position, variable in enumerate(variables):
            prefix = str(variable.path).replace("/", "_")  # str: a Variable's path may be None
            for which, (slot_list, name) in enumerate(zip(slots, names)):
                slot = Variable(
                    0.0 if views else xp.full(variable.shape, initializer, dtype=variable.dtype),
                    f"{prefix}_{name}",
                    path=self._path(f"{prefix}_{name}"),
                    trainable=False,
                    dtype=variable.dtype,
                )
                if views:
                    slot.value = views[which][position]
                self._variables.append(slot)
                slot_list.append(slot)
        return slots[0] if single else slots

    def _allocate_workspaces(self, variables):
        # One flat buffer per dtype and use, as large as the largest weight: every weight gets
        # views into it, so a step writes its temporaries without allocating.
        needs_gradient_buffer = bool(
            self.loss_scale_factor is not None
            or self.clipnorm
            or self.clipvalue
            or self.global_clipnorm
            or self.gradient_accumulation_steps
        )
        count = self._scratch_count + needs_gradient_buffer
        largest = {}
        for variable in variables:
            largest[variable.dtype] = max(largest.get(variable.dtype, 0), variable.size)
        if self._pack is not None:  # the whole pack's size: the flat update needs it all
            largest = {str(self._pack.values.dtype): self._pack.values.size}
        flat = {
            dtype: [xp.empty(size, dtype=dtype) for _ in range(count)]
            for dtype, size in largest.items()
        }
        self._flat_record = None
        if self._pack is not None:
            buffers = list(flat[str(self._pack.values.dtype)])
            flat_slots = tuple(
                self._flat_buffers[id(slot_list[0].value)] for slot_list in self._slot_lists
            )
            gradient_buffer = buffers.pop() if needs_gradient_buffer else None
            self._flat_record = (flat_slots, tuple(buffers), gradient_buffer)
        self._records = []
        for i, variable in enumerate(variables):
            views = [
                buffer[: variable.size].reshape(variable.shape) for buffer in flat[variable.dtype]
            ]
            slots = tuple(slot_list[i].value for slot_list in self._slot_lists)
            gradient_buffer = views.pop() if needs_gradient_buffer else None
            self._records.append((slots, tuple(views), gradient_buffer))

    def exclude_from_weight_decay(
        self, var_list: Iterable[Variable] | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Exempt weights from weight decay: those in ``var_list``, and those whose name
        contains one of the strings (regular expressions) in ``var_names``. Call before build.
        """
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer "
                "is built."
            )
        self._excluded_ids = {id(variable) for variable in var_list or ()}
        self._excluded_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in getattr(self, "_excluded_ids", ()):
            return False
        pattern = getattr(self, "_excluded_pattern", None)
        return pattern is None or pattern.search(variable.name) is None

    # --- applying gradients -----------------------------------------------------------------
    def gradient_factor(self, variables: Sequence[Variable]) -> float | None:
        """A factor the training loop may fold into the loss gradient before backward, so
        that ``step(variables, prescaled=True)`` is one addition per weight; None if none.

        Only an update that is a fixed multiple of the gradient has one (plain SGD:
        ``-learning_rate``); the chain rule carries the factor from the output's gradient,
        a small array, into every weight's gradient.
        """
        return None

    def step(self, variables: Sequence[Variable], prescaled: bool = False) -> None:
        """Update every trainable variable in ``variables`` from its ``.grad``, in place.

        ``prescaled``: the gradients were multiplied by ``gradient_factor(variables)``.
        """
        if variables is self._flat_list:  # the same list as last step, known to be the pack
            if prescaled:
                # _flat_list is only set while the pack covers the variables (below).
                self._pack.values += self._pack.grads  # type: ignore[union-attr]
                self._iterations.value[()] = int(self._iterations.value) + 1
                return
            self._flat_step()
            return
        if prescaled:
            raise ValueError("Gradients were prescaled, but no factor was offered for them.")
        trainable = [variable for variable in variables if variable.trainable]
        self.apply([variable.grad for variable in trainable], trainable)
        if (
            self._flat
            and self._pack is not None  # always, when _flat; said for the type checker
            and len(trainable) == len(variables)
            and self._pack.covers(trainable)
        ):
            self._flat_list = variables  # remember the list: next steps skip the checks

    def _flat_step(self):
        """``apply`` for the whole pack with its own gradients: one flat update."""
        if self._plain and self._learning_rate.__class__ is ScalarVariable:
            # No clipping, decay, loss scale or moving average, and a constant rate: the update
            # rule alone, on the flat buffers (``_update_values`` with nothing to do around it).
            step = int(self._iterations.value) + 1
            self._before_updates(step)
            slots, scratch, _ = self._flat_record
            values = self._pack.values
            rate = self._learning_rate.value  # a 0-d array: a cheaper operand than a scalar
            if rate.dtype != values.dtype:
                rate = values.dtype.type(rate[()])
            coefficients = self._coefficients(rate, values.dtype, step)
            self._update_step(values, self._pack.grads, slots, coefficients, scratch)
            self._iterations.value[()] = step
            return
        self._update_values(
            [self._pack.grads],
            [self._pack.values],
            [self._flat_record],
            self._decay_flags[:1],
            unscaled=False,
        )
        if self.use_ema:
            self._update_moving_averages()
        self._iterations.value += 1

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Array, Variable]]) -> ScalarVariable:
        """Apply ``[(gradient, variable), ...]``; returns ``iterations``. ``.grad`` is unused."""
        grads_and_vars = list(grads_and_vars)
        if grads_and_vars:
            grads, variables = zip(*grads_and_vars)
            self.apply(grads, variables)
        return self._iterations

    def apply(
        self, grads: Iterable[Array], trainable_variables: Iterable[Variable] | None = None
    ) -> None:
        """Apply ``grads`` to ``trainable_variables`` (by default those the optimizer was built
        with, in that order). The variables' own ``.grad`` arrays are neither read nor changed.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables: call `optimizer.build(variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(trainable_variables)} variables."
            )
        self.build(trainable_variables)
        indices = self._indices_of(trainable_variables)
        grads, trainable_variables, indices = self._drop_missing(
            grads, trainable_variables, indices
        )
        grads = [
            self._as_gradient(grad, variable) for grad, variable in zip(grads, trainable_variables)
        ]
        if self.gradient_accumulation_steps:
            self._accumulate(grads, trainable_variables, indices)
        elif self._flat and self._whole_pack(grads, trainable_variables):
            # The model's own gradients for all its weights: one update of the flat buffers.
            self._flat_step()
            return
        else:
            self._update(grads, trainable_variables, indices, unscaled=False)
        if self.use_ema:
            self._update_moving_averages()
        self._iterations.value += 1

    def _indices_of(self, variables):
        try:
            return [self._index[id(variable)] for variable in variables]
        except KeyError:
            unknown = [v.path for v in variables if id(v) not in self._index]
            raise ValueError(
                f"Unknown variable(s) {unknown}: this optimizer was built for other variables "
                "and can only update those. Create a new optimizer for a new set of variables."
            ) from None

    @staticmethod
    def _drop_missing(grads, variables, indices):
        if all(grad is not None for grad in grads):
            return grads, variables, indices
        kept = [i for i, grad in enumerate(grads) if grad is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        missing = [variables[i].path for i in range(len(grads)) if grads[i] is None]
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss.",
            stacklevel=3,
        )
        return ([grads[i] for i in kept], [variables[i] for i in kept], [indices[i] for i in kept])

    @staticmethod
    def _as_gradient(grad, variable):
        if not isinstance(grad, xp.ndarray):
            grad = xp.asarray(grad, dtype=variable.value.dtype)
        if grad.shape != variable.value.shape:
            raise ShapeError(
                f"Gradient of shape {tuple(grad.shape)} for variable '{variable.path}' of "
                f"shape {variable.shape}."
            )
        return grad

    def _accumulate(self, grads, variables, indices):
        steps = self.gradient_accumulation_steps
        accumulators = [self._accumulators[i].value for i in indices]
        for grad, accumulator, i in zip(grads, accumulators, indices):
            if self.loss_scale_factor is not None:
                buffer = self._records[i][2]
                xp.divide(grad, self.loss_scale_factor, out=buffer)
                grad = buffer
            accumulator += grad
        if (int(self._iterations) + 1) % steps:
            return
        for accumulator in accumulators:  # the accumulator now holds the mean gradient
            accumulator /= steps
        self._update(accumulators, variables, indices, unscaled=True)
        for accumulator in self._accumulators:
            accumulator.value[...] = 0

    def _whole_pack(self, grads, variables):
        """True when ``grads`` are the packed variables' own ``.grad`` views, all of them."""
        return len(variables) == len(self._trainable_variables) and all(
            grad is variable.grad and variable is built
            for grad, variable, built in zip(grads, variables, self._trainable_variables)
        )

    def _update(self, grads, variables, indices, unscaled):
        """Steps 3-5 of the module docstring: clip, decay, update each weight in place."""
        self._update_values(
            grads,
            [variable.value for variable in variables],
            [self._records[i] for i in indices],
            [self._decay_flags[i] for i in indices],
            unscaled,
        )
        for variable in variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.value[...] = constraint(variable.value)

    def _update_values(self, grads, values, records, decay_flags, unscaled):
        """Clip, decay and update each array of ``values`` in place (with its record's slots
        and scratch): per weight, or once for a whole pack."""
        rate = self._current_learning_rate()
        step = int(self.iterations) + 1
        self._before_updates(step)
        scale = None if unscaled else self.loss_scale_factor
        global_factor = None
        if self.global_clipnorm and self.global_clipnorm > 0:
            global_factor = self._global_clip_factor(grads, scale)
        constants = {}  # dtype -> this step's scalars, computed once
        for grad, value, record, use_decay in zip(grads, values, records, decay_flags):
            slots, scratch, buffer = record
            dtype = value.dtype
            if dtype not in constants:
                typed_rate = dtype.type(rate)
                decay = None
                if self.weight_decay is not None:
                    decay = dtype.type(self.weight_decay) * typed_rate
                constants[dtype] = (self._coefficients(typed_rate, dtype, step), decay)
            coefficients, decay = constants[dtype]
            grad = self._transform_gradient(grad, buffer, scale, global_factor)
            if decay is not None and use_decay:
                xp.multiply(value, decay, out=scratch[0])
                value -= scratch[0]
            self._update_step(value, grad, slots, coefficients, scratch)

    def _transform_gradient(self, grad, buffer, scale, global_factor):
        """Unscale and clip one gradient into ``buffer`` (the gradient itself if untouched)."""
        if scale is not None:
            xp.divide(grad, scale, out=buffer)
            grad = buffer
        if self.clipnorm and self.clipnorm > 0:
            norm = math.sqrt(float(xp.vdot(grad, grad)))
            xp.multiply(grad, self.clipnorm, out=buffer)
            buffer /= max(norm, self.clipnorm)
            return buffer
        if global_factor is not None:
            xp.multiply(grad, global_factor, out=buffer)
            return buffer
        if self.clipvalue and self.clipvalue > 0:
            xp.clip(grad, -self.clipvalue, self.clipvalue, out=buffer)
            return buffer
        return grad

    def _global_clip_factor(self, grads, scale):
        """``clip * min(1 / norm, 1 / clip)`` over all gradients; NaN for a non-finite norm."""
        squared = sum(float(xp.vdot(grad, grad)) for grad in grads)
        norm = math.sqrt(squared) / (scale if scale is not None else 1.0)
        if not math.isfinite(norm):
            return math.nan
        inverse = math.inf if norm == 0 else 1.0 / norm
        return self.global_clipnorm * min(inverse, 1.0 / self.global_clipnorm)

    def _before_updates(self, step):
        """Hook run once per update, before the weights are updated (Nadam's product)."""

    def _coefficients(self, learning_rate, dtype, step):
        """The step's scalars for weights of ``dtype`` (``learning_rate`` is already cast)."""
        return learning_rate

    def _update_step(self, value, grad, slots, coefficients, scratch):
        """Update one weight ``value`` and its ``slots`` in place."""
        raise NotImplementedError(f"{type(self).__name__} must implement `_update_step`.")

    # --- exponential moving average ---------------------------------------------------------
    def _update_moving_averages(self):
        first = int(self.iterations) == 0
        for variable, average, (_, scratch, _) in zip(
            self._trainable_variables, self._averages, self._records
        ):
            dtype = variable.value.dtype
            momentum = dtype.type(0.0 if first else self.ema_momentum)
            average.value *= momentum
            xp.multiply(variable.value, dtype.type(1) - momentum, out=scratch[0])
            average.value += scratch[0]
        frequency = self.ema_overwrite_frequency
        if frequency and (int(self.iterations) + 1) % frequency == 0:
            self._overwrite_with_averages(self._trainable_variables)

    def _overwrite_with_averages(self, variables):
        if len(variables) != len(self._averages):
            raise ValueError(
                f"Got {len(variables)} variables to overwrite with their moving averages, but "
                f"the optimizer keeps {len(self._averages)} averages."
            )
        for variable, average in zip(variables, self._averages):
            variable.value[...] = average.value

    def finalize_variable_values(self, var_list: Iterable[Variable]) -> None:
        """At the end of training: with ``use_ema``, copy the averages into the weights."""
        if self.use_ema:
            self._overwrite_with_averages(list(var_list))

    # --- saving -----------------------------------------------------------------------------
    def set_weights(self, weights: Iterable[npt.ArrayLike]) -> None:
        """Assign ``weights`` (arrays in the order of ``variables``) to the optimizer's state."""
        if not self.built:
            raise ValueError("Build the optimizer before calling `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store: MutableMapping[str, Any]) -> None:
        """Write the state into ``store`` under keys ``'0'``, ``'1'``, ... (Keras's layout)."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store: Mapping[str, Any]) -> None:
        """Read the state written by ``save_own_variables`` (or by Keras 3)."""
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self._variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables.",
                stacklevel=2,
            )
            return
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])

    # --- configuration ----------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with Keras 3's keys and order."""
        rate: object = self._learning_rate
        if isinstance(rate, ScalarVariable):
            rate = float(rate)
        elif isinstance(rate, lr_schedules.LearningRateSchedule):
            rate = lr_schedules.serialize(rate)
        else:
            raise ValueError(
                f"Cannot serialize the learning rate {rate!r}: use a float or a "
                "LearningRateSchedule."
            )
        return {
            "name": self.name,
            "learning_rate": rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Self:
        """Create an optimizer from ``get_config()``'s output (Keras 3's, or Keras 2's)."""
        config = dict(config)
        for key in _KERAS2_ONLY_KEYS:
            config.pop(key, None)
        if "lr" in config and "learning_rate" not in config:  # Keras 2.0-2.2 files
            config["learning_rate"] = config.pop("lr")
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = lr_schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, learning_rate={self._learning_rate!r}>"
