"""Sequential: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy.typing as npt

from neuronet import backend
from neuronet.errors import NotBuiltError, ShapeError
from neuronet.layers import InputLayer, KerasTensor, Layer
from neuronet.layers.layer import format_shape
from neuronet.models import summary as summary_module
from neuronet.models.trainer import Trainer

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Sequence

    import numpy as np

    from neuronet.backend import Array
    from neuronet.layers.layer import Shape
    from neuronet.variables import Variable


class Sequential(Trainer):
    """A linear stack of layers, as ``keras.Sequential``.

    Args:
        layers: optional list of layers (an ``Input(...)`` may come first).
        name: the model's name ('sequential', 'sequential_1', ... by default).

    >>> model = Sequential()
    >>> model.add(Dense(10, input_dim=2))
    >>> model.add(Activation('tanh'))
    >>> model.count_params()
    30
    """

    def __init__(
        self,
        layers: Iterable[Layer | KerasTensor] | None = None,
        name: str | None = None,
        trainable: bool = True,
    ):
        self.name = name or backend.unique_name("sequential")
        self._layers: list[Layer] = []
        self._layer_names: set[str] = set()
        self._input_layer: InputLayer | _ImplicitInput | None = None
        self._trainable = bool(trainable)
        self.built = False
        self._init_trainer()
        for layer in layers or ():
            self.add(layer)

    # --- structure ----------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The model's layers in order (without the InputLayer, as in Keras)."""
        return list(self._layers)

    def add(self, layer: Layer | KerasTensor) -> None:
        """Append a layer; once the input shape is known, every layer is built at once."""
        if isinstance(layer, KerasTensor):
            layer = layer._input_layer
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(
                    f"Model '{self.name}': an Input/InputLayer can only be the first thing "
                    "added to a Sequential model."
                )
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Only layers can be added to a Sequential model; got {layer!r} of type "
                f"{type(layer).__name__}."
            )
        if layer.name in self._layer_names:
            raise ValueError(
                f"All layers added to a Sequential model should have unique names; "
                f"'{layer.name}' is already in model '{self.name}'. Pass name=... to the layer."
            )
        if not self._layers and self._input_layer is None and layer._batch_input_shape:
            self._input_layer = _ImplicitInput(layer._batch_input_shape, layer.dtype)
        self._layers.append(layer)
        self._layer_names.add(layer.name)
        input_shape = self.input_shape_or_none()
        if input_shape is not None:
            try:
                self._build_layers(input_shape, only_last=True)
            except Exception:
                self._layer_names.discard(self._layers.pop().name)
                if not self._layers and isinstance(self._input_layer, _ImplicitInput):
                    self._input_layer = None
                raise

    def pop(self) -> Layer:
        """Remove the last layer."""
        if not self._layers:
            raise TypeError(f"There are no layers in model '{self.name}' to pop.")
        layer = self._layers.pop()
        self._layer_names.discard(layer.name)
        if not self._layers and isinstance(self._input_layer, _ImplicitInput):
            self._input_layer = None
        self._metrics = None
        return layer

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index in ``layers``."""
        if index is not None:
            if not -len(self._layers) <= index < len(self._layers):
                raise ValueError(
                    f"Model '{self.name}' has {len(self._layers)} layers; index {index} is "
                    "out of range."
                )
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        names = [layer.name for layer in self._layers]
        raise ValueError(f"No layer named '{name}' in model '{self.name}'; layers: {names}.")

    # --- building -----------------------------------------------------------------------------
    def input_shape_or_none(self) -> Shape | None:
        """The declared or built input shape ``(None, features)``, or None if unknown yet."""
        if self._input_layer is not None:
            return tuple(self._input_layer.batch_shape)
        first = self._layers[0] if self._layers else None
        if first is not None and first.built and first.input_shape is not None:
            return tuple(first.input_shape)
        return None

    @property
    def input_shape(self) -> Shape:
        shape = self.input_shape_or_none()
        if shape is None:
            raise NotBuiltError(f"Model '{self.name}' has no input shape yet.")
        return shape

    @property
    def output_shape(self) -> Shape:
        shape = self._layers[-1].output_shape if self.built else None
        if shape is None:
            raise NotBuiltError(f"Model '{self.name}' is not built yet.")
        return shape

    @property
    def compute_dtype(self) -> str:
        if self._layers:
            return self._layers[0].dtype
        return backend.floatx()

    def output_shape_for(self, input_shape: Sequence[int | None]) -> Shape:
        """The output shape for inputs of ``input_shape``, without building anything."""
        shape = tuple(input_shape)
        for layer in self._layers:
            if layer.built:
                layer.check_input_shape(shape)
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    def build(self, input_shape: Sequence[int | None] | None = None) -> None:
        """Create every layer's weights for inputs of ``input_shape`` (batch axis first)."""
        if input_shape is None:
            input_shape = self.input_shape_or_none()
            if input_shape is None:
                raise NotBuiltError(
                    f"Model '{self.name}' cannot be built without an input shape: pass "
                    "build(input_shape=(None, n_features)) or give the first layer input_dim."
                )
        input_shape = tuple(input_shape)
        if not self._layers:
            raise NotBuiltError(f"Model '{self.name}' has no layers to build.")
        self._build_layers(input_shape)

    def _build_layers(self, input_shape, only_last=False):
        """Build the layers that are not built yet, checking every shape before building.

        With ``only_last`` (from ``add``, once the model is built) only the new layer is visited,
        so adding n layers one by one costs O(n), not O(n^2).
        """
        start = len(self._layers) - 1 if only_last and self.built else 0
        shape = input_shape if start == 0 else tuple(self._layers[start - 1].output_shape)
        probe = shape
        for layer in self._layers[start:]:  # raises before anything is built
            if layer.built:
                layer.check_input_shape(probe)
            probe = tuple(layer.compute_output_shape(probe))
        for layer in self._layers[start:]:
            if not layer.built:
                layer.build(shape)
            shape = tuple(layer.compute_output_shape(shape))
        self.built = True

    def __call__(self, inputs: npt.ArrayLike, training: bool = False) -> Array:
        """Run the model on an array (building it on first use); returns an array."""
        from neuronet.models import data as data_checks

        inputs = data_checks.as_array(inputs, "inputs")
        data_checks.check_input_shape(self, inputs)
        if not self.built:
            self.build((None,) + tuple(inputs.shape[1:]))
        return self._forward(backend.xp.asarray(inputs, dtype=self.compute_dtype), training)[0]

    # --- weights ------------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self) -> list[Variable]:
        return [w for layer in self._layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list[Variable]:
        return [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [w for layer in self._layers for w in layer.non_trainable_weights]

    @property
    def variables(self) -> list[Variable]:
        return [w for layer in self._layers for w in layer.variables]

    def get_weights(self) -> list[np.ndarray]:
        """All weights as NumPy arrays, layer by layer (Keras's order)."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights: Iterable[npt.ArrayLike]) -> None:
        """Set all weights from a list in ``get_weights`` order; all or nothing."""
        weights = list(weights)
        own = self.weights
        if len(weights) != len(own):
            raise ShapeError(
                f"Model '{self.name}' has {len(own)} weight arrays, but {len(weights)} were "
                "given to set_weights."
            )
        for variable, value in zip(own, weights):
            shape = tuple(getattr(value, "shape", ()))
            if shape != variable.shape:
                raise ShapeError(
                    f"Weight '{variable.path}' has shape {format_shape(variable.shape)}, but "
                    f"set_weights was given an array of shape {format_shape(shape)}."
                )
        for variable, value in zip(own, weights):
            variable.assign(backend.xp.asarray(value, dtype=variable.value.dtype))

    def count_params(self) -> int:
        """Total number of weights (trainable and not)."""
        if not self.built:
            raise NotBuiltError(
                f"Model '{self.name}' is not built yet; count_params needs its input shape."
            )
        return sum(layer.count_params() for layer in self._layers)

    # --- description --------------------------------------------------------------------------
    def summary(
        self,
        line_length: int | None = None,
        positions: Sequence[float] | None = None,
        print_fn: Callable[[str], object] | None = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Sequence[str | int] | None = None,
    ) -> None:
        """Print the table of layers, output shapes and parameter counts (Keras 2 style)."""
        if not self.built:
            raise NotBuiltError(
                f"Model '{self.name}' has not yet been built. Build it first by calling "
                "build(input_shape), by fitting or calling it on data, or by giving the "
                "first layer input_dim/input_shape."
            )
        lines = summary_module.summary_lines(self, line_length, positions, show_trainable)
        print_fn = print_fn or print
        for line in lines:
            print_fn(line)

    def get_config(self) -> dict[str, Any]:
        """Keras 3's config: name, trainable, dtype policy, the layers and the input shape."""
        from neuronet.saving import json_config

        return json_config.sequential_config(self)

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Sequential:
        from neuronet.saving import json_config

        return json_config.sequential_from_config(config, custom_objects)

    def to_json(self, dialect: str = "keras3", **kwargs: Any) -> str:
        """The model's architecture as a Keras JSON string: Keras 3's form, or tf_keras's with
        ``dialect="keras2"``; other keyword arguments go to ``json.dumps``."""
        from neuronet.saving import json_config

        return json_config.to_json(self, dialect=dialect, **kwargs)

    def save(
        self,
        filepath: str | os.PathLike[str],
        overwrite: bool = True,
        include_optimizer: bool = True,
    ) -> None:
        """Save the whole model: ``.keras`` (Keras 3 archive) or ``.h5`` (Keras 2 file)."""
        from neuronet.saving import model_files

        model_files.save_model(self, filepath, overwrite, include_optimizer)

    def save_weights(self, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
        """Write the weights to an HDF5 file (Keras 2 layout for .h5)."""
        from neuronet.saving import hdf5

        hdf5.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(
        self, filepath: str | os.PathLike[str], skip_mismatch: bool = False, by_name: bool = False
    ) -> None:
        """Read weights written by ``save_weights`` (or by Keras) into this model."""
        from neuronet.saving import hdf5

        hdf5.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, built={self.built}, layers={len(self._layers)}>"


class _ImplicitInput:
    """The input declared by the first layer's input_dim/input_shape.

    Keras 3 creates an InputLayer named 'input_layer' in this case; the name is reserved the
    same way so that saved configs name it as Keras does.
    """

    def __init__(self, batch_shape: tuple[int | None, ...], dtype: Any) -> None:
        self.batch_shape = tuple(batch_shape)
        self.dtype = dtype
        self.name = backend.unique_name("input_layer")
