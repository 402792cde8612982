"""Layer: the base class. Configuration in ``__init__``, weights in ``build``, math in
``forward``/``backward``, description in ``get_config``.

Subclasses implement:
- ``build(input_shape)``: create weights with ``add_weight``;
- ``forward(inputs, training=False)``: compute the output, keeping in ``self._cache`` what
  ``backward`` needs;
- ``backward(grad_output)``: written right under ``forward`` and mirroring it: fill each
  trainable weight's ``.grad`` with dL/dweight and return dL/dinputs. It reuses the cache and
  never recomputes the forward pass;
- ``compute_output_shape(input_shape)`` and ``get_config()``.
"""

from __future__ import annotations

import inspect
import numbers
import re
from typing import TYPE_CHECKING, Any, Self

import numpy.typing as npt

from neuronet import backend
from neuronet.backend import Array, xp
from neuronet.errors import ShapeError, check_kwargs
from neuronet.variables import Variable

# Keras config keys that neuronet accepts only with their default value (they describe features
# neuronet does not have: sparse/ragged inputs, quantization, LoRA, autocasting).
KERAS_ONLY_DEFAULTS = {
    "quantization_config": None,
    "lora_rank": None,
    "lora_alpha": None,
    "sparse": False,
    "ragged": False,
    "optional": False,
    "autocast": True,
    "input_tensor": None,
}

# A shape with the batch axis first; None where a size is not known yet.
Shape = tuple[int | None, ...]

_BASE_ARGUMENTS = (
    "name",
    "trainable",
    "dtype",
    "activity_regularizer",
    "input_shape",
    "input_dim",
    "batch_input_shape",
    "batch_shape",
    "batch_size",
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np


def snake_case(name: str) -> str:
    """``'InputLayer'`` -> ``'input_layer'``: Keras's automatic layer name prefix."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_MIXED_POLICIES = ("mixed_float16", "mixed_bfloat16")


def dtype_name(dtype: object) -> str | None:
    """The dtype's name from a string, a NumPy dtype or a Keras 3 DTypePolicy config dict."""
    if dtype is None:
        return None
    if isinstance(dtype, dict):  # {"class_name": "DTypePolicy", "config": {"name": "float32"}}
        dtype = (dtype.get("config") or {}).get("name")
    name = str(dtype)
    if name in _MIXED_POLICIES:
        # Keras's mixed precision keeps float32 weights (and computes in float16/bfloat16);
        # neuronet computes in the weights' float32: the same model, a little more precise.
        return "float32"
    if name not in ("float16", "float32", "float64"):
        raise ValueError(f"Unsupported layer dtype {dtype!r}; use float16, float32 or float64.")
    return name


def format_shape(shape: Sequence[int | None]) -> str:
    """``(None, 10)`` the way Keras prints shapes."""
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


class Layer:
    """Base class of all layers.

    Args:
        name: unique name; by default the snake-case class name, numbered like Keras
            (``dense``, ``dense_1``, ...).
        trainable: whether the layer's weights are updated by training.
        dtype: float type of the weights and output; ``backend.floatx()`` by default.
        activity_regularizer: a penalty on the layer's output, added to the loss.
        input_shape / input_dim / batch_input_shape / batch_shape / batch_size: declare the
            input of the first layer of a Sequential model (Keras's arguments).
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        trainable: bool = True,
        dtype: str | np.dtype[Any] | dict[str, Any] | None = None,
        activity_regularizer: Any = None,
        input_shape: int | Sequence[int | None] | None = None,
        input_dim: int | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        batch_shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        **kwargs: Any,
    ):
        allowed = set(_BASE_ARGUMENTS) | self._init_arguments()
        for key in list(kwargs):
            if key in KERAS_ONLY_DEFAULTS and kwargs[key] == KERAS_ONLY_DEFAULTS[key]:
                kwargs.pop(key)
        check_kwargs(type(self).__name__, kwargs, allowed)
        from neuronet import regularizers

        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(f"Layer name must be a non-empty string without '/', got {name!r}.")
        self.name = name or backend.unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = dtype_name(dtype) or backend.floatx()
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._batch_input_shape = _declared_input_shape(
            input_shape, input_dim, batch_input_shape, batch_shape, batch_size
        )
        self._weights: list[Variable] = []
        self._cache: Any = None  # what forward keeps for backward
        # A model sets this to False on its first layer: nothing needs dL/d(model input).
        self.input_grad_needed = True
        self.built = False
        self.input_shape: Shape | None = None  # set by build()
        self.output_shape: Shape | None = None

    @classmethod
    def _init_arguments(cls):
        names = set()
        for klass in cls.__mro__:
            if klass is object:
                break
            params = inspect.signature(klass.__init__).parameters.values()
            names.update(p.name for p in params if p.kind is not p.VAR_KEYWORD)
        names.discard("self")
        return names

    # --- weights ------------------------------------------------------------------------------
    def add_weight(
        self,
        name: str,
        shape: Sequence[int],
        initializer: Any = "zeros",
        regularizer: Any = None,
        trainable: bool = True,
    ) -> Variable:
        """Create a weight of ``shape``, initialised by ``initializer``, owned by this layer."""
        from neuronet import initializers

        init = initializers.get(initializer)
        value = init(tuple(shape), dtype=self.dtype)
        variable = Variable(
            value,
            name,
            path=f"{self.name}/{name}",
            trainable=trainable and self._trainable,
            regularizer=regularizer,
            dtype=self.dtype,
        )
        if variable.grad is None:
            variable.grad = xp.zeros_like(variable.value)
        variable._declared_trainable = trainable
        self._weights.append(variable)
        return variable

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for variable in self._weights:
            variable.trainable = self._trainable and variable._declared_trainable

    @property
    def weights(self) -> list[Variable]:
        """All weights, trainable first, in creation order (Keras's order)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list[Variable]:
        return [w for w in self._weights if w.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [w for w in self._weights if not w.trainable]

    @property
    def variables(self) -> list[Variable]:
        return list(self._weights)

    def get_weights(self) -> list[np.ndarray]:
        """The weights as a list of NumPy arrays, in ``weights`` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights: Iterable[npt.ArrayLike]) -> None:
        """Set the weights from a list of arrays in ``weights`` order; shapes must match."""
        weights = list(weights)
        own = self.weights
        if len(weights) != len(own):
            raise ShapeError(
                f"Layer '{self.name}' expects {len(own)} weight arrays "
                f"({', '.join(format_shape(w.shape) for w in own) or 'none'}), "
                f"but received {len(weights)}."
            )
        for variable, value in zip(own, weights):
            shape = tuple(getattr(value, "shape", ()))
            if shape != variable.shape:
                raise ShapeError(
                    f"Layer '{self.name}' weight '{variable.name}' has shape "
                    f"{format_shape(variable.shape)}, but the value given has shape "
                    f"{format_shape(shape)}."
                )
        for variable, value in zip(own, weights):
            variable.assign(xp.asarray(value, dtype=variable.value.dtype))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call count_params on layer '{self.name}', but the layer isn't "
                "built. Build it first, e.g. by calling it on data or giving its input shape."
            )
        return int(sum(w.size for w in self._weights))

    # --- building and calling -----------------------------------------------------------------
    def build(self, input_shape: Sequence[int | None]) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None)."""
        self._set_built(input_shape)

    def _set_built(self, input_shape):
        self.input_shape = tuple(input_shape)
        self.output_shape = tuple(self.compute_output_shape(self.input_shape))
        self.built = True

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> Shape:
        return tuple(input_shape)

    def weight_shapes(self, input_shape: Sequence[int | None]) -> list[tuple[int | None, ...]]:
        """The shapes of the weights ``build(input_shape)`` would create, without creating
        them (so a loader can refuse an absurd model before allocating anything)."""
        return []

    def check_input_shape(self, input_shape: Sequence[int | None]) -> None:
        """Raise ShapeError when inputs of ``input_shape`` cannot go through this layer."""
        expected = self.input_shape
        if not self.built or expected is None:  # a built layer always has its input shape
            return
        received = tuple(input_shape)
        if len(received) != len(expected) or any(
            e is not None and r is not None and e != r for e, r in zip(expected[1:], received[1:])
        ):
            raise self.incompatible_input(received)

    def incompatible_input(
        self, received: Sequence[int | None], fix: str | None = None
    ) -> ShapeError:
        """The ShapeError for inputs of shape ``received`` (with an optional remedy)."""
        expected = self.input_shape if self.input_shape is not None else ()
        return ShapeError(
            f"Input of layer '{self.name}' ({type(self).__name__}) is incompatible with the "
            f"layer: expected shape {format_shape(expected)}, but received input with shape "
            f"{format_shape(received)}." + (f" {fix}" if fix else "")
        )

    def __call__(self, inputs: Array, training: bool = False) -> Array:
        """Run the layer on an array: build it on first use, check the shape, ``forward``."""
        if type(inputs).__name__ == "KerasTensor":
            raise TypeError(
                f"Layer '{self.name}' was called on an Input: the functional API is not part of "
                "neuronet yet. Stack the layers in a Sequential model instead: "
                "Sequential([Input(shape), layer, ...])."
            )
        inputs = xp.asarray(inputs, dtype=self.dtype)
        if not self.built:
            self.build((None,) + tuple(inputs.shape[1:]))
        self.check_input_shape(inputs.shape)
        return self.forward(inputs, training=training)

    def forward(self, inputs: Array, training: bool = False) -> Array:
        raise NotImplementedError(f"{type(self).__name__} does not implement forward().")

    def backward(self, grad_output: Array) -> Array:
        raise NotImplementedError(f"{type(self).__name__} does not implement backward().")

    # --- configuration ------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Keras 3's description of the layer (name, trainable, dtype policy, arguments)."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": self.dtype},
                "registered_name": None,
            },
        }
        if self.activity_regularizer is not None:
            from neuronet import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        """Create a layer from ``get_config()`` output (Keras 2 or Keras 3 forms)."""
        return cls(**dict(config))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _declared_input_shape(input_shape, input_dim, batch_input_shape, batch_shape, batch_size):
    """Keras's ways of declaring a first layer's input, reduced to one batch shape or None."""
    given = [
        n
        for n, v in (
            ("input_shape", input_shape),
            ("input_dim", input_dim),
            ("batch_input_shape", batch_input_shape),
            ("batch_shape", batch_shape),
        )
        if v is not None
    ]
    if len(given) > 1 and set(given) != {"input_shape", "input_dim"}:
        raise ValueError(f"Give only one of {', '.join(given)} to declare the input shape.")
    if batch_input_shape is not None or batch_shape is not None:
        shape = tuple(batch_input_shape if batch_input_shape is not None else batch_shape)
    elif input_shape is not None:
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        shape = (batch_size,) + tuple(input_shape)
    elif input_dim is not None:
        shape = (batch_size, input_dim)
    else:
        return None
    return tuple(None if d is None else positive_int(d, "input dimension") for d in shape)


def positive_int(value: Any, what: str) -> int:
    """``value`` as an int, or a ValueError when it is not a positive whole number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"Expected {what} to be a positive integer, got {value!r}.")
    return int(value)
