"""Keras 2's dialect of model configs (tf_keras), translated from neuronet's Keras 3 form.

Keras 2 writes dtypes as plain strings; an InputLayer with ``batch_input_shape`` (named
``<first layer>_input`` when the first layer declared the input) whose shape the first layer
repeats; ``activity_regularizer`` on Dense; initializer configs without Keras 3's
``input_axes``/``output_axes``; and a ``build_config`` on every built layer. Inside ``.h5``
model files it leaves out ``module``, ``registered_name`` and ``build_config``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from neuronet.layers import LAYERS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from neuronet.models.sequential import Sequential

KERAS2_VERSION = "2.21.0"  # the tf_keras release whose dialect neuronet writes
_KERAS3_ONLY_INITIALIZER_KEYS = ("input_axes", "output_axes")
_KERAS3_ONLY_OPTIMIZER_KEYS = ("loss_scale_factor", "gradient_accumulation_steps")


def _plain_dtype(dtype):
    if isinstance(dtype, dict):
        return (dtype.get("config") or {}).get("name", "float32")
    return dtype


def _strip_initializer(config):
    if isinstance(config, dict) and isinstance(config.get("config"), dict):
        inner = config["config"]
        for key in _KERAS3_ONLY_INITIALIZER_KEYS:
            if inner.get(key) is None:
                inner.pop(key, None)


def _layer_entry(layer, batch_input_shape=None):
    entry = copy.deepcopy(LAYERS.serialize(layer))
    config = entry["config"]
    config["dtype"] = _plain_dtype(config.get("dtype"))
    if batch_input_shape is not None:  # the first layer repeats the input shape
        head = {key: config.pop(key) for key in ("name", "trainable", "dtype")}
        entry["config"] = config = {**head, "batch_input_shape": list(batch_input_shape), **config}
    if type(layer).__name__ == "Dense":
        config.setdefault("activity_regularizer", None)
        order = list(config)
        if "activity_regularizer" in order:  # Keras 2 lists it after the bias regularizer
            value = config.pop("activity_regularizer")
            position = list(config).index("bias_regularizer") + 1
            items = list(config.items())
            items.insert(position, ("activity_regularizer", value))
            entry["config"] = config = dict(items)
        for key in ("kernel_initializer", "bias_initializer"):
            _strip_initializer(config.get(key))
    if layer.built:
        entry["build_config"] = {"input_shape": list(layer.input_shape)}
    return entry


def model_description(model: Sequential, for_h5: bool = False) -> dict[str, Any]:
    """tf_keras's ``{"class_name": "Sequential", "config": ...}`` for ``model``.

    ``for_h5=True`` gives the plainer form tf_keras stores in ``.h5`` files.
    """
    layers = []
    input_shape = model.input_shape_or_none()
    # A first layer that declared the input (input_dim=...) repeats its shape, and Keras 2
    # names the InputLayer after it; an explicit Input keeps its own name.
    input_layer = model._input_layer
    declared_by_layer = type(input_layer).__name__ == "_ImplicitInput"
    if input_shape is not None and model.layers:
        if declared_by_layer or input_layer is None:
            name = f"{model.layers[0].name}_input"
        else:
            name = input_layer.name
        layers.append(
            {
                "module": "keras.layers",
                "class_name": "InputLayer",
                "config": {
                    "batch_input_shape": list(input_shape),
                    "dtype": model.compute_dtype,
                    "sparse": False,
                    "ragged": False,
                    "name": name,
                    "optional": False,
                },
                "registered_name": None,
            }
        )
    for index, layer in enumerate(model.layers):
        declared = input_shape if index == 0 and declared_by_layer else None
        layers.append(_layer_entry(layer, declared))
    if for_h5:
        layers = [{"class_name": e["class_name"], "config": e["config"]} for e in layers]
    return {"class_name": "Sequential", "config": {"name": model.name, "layers": layers}}


def optimizer_config(keras3_optimizer: Mapping[str, Any]) -> dict[str, Any]:
    """tf_keras's ``optimizer_config`` entry of a ``training_config``."""
    config = dict(keras3_optimizer["config"])
    for key in _KERAS3_ONLY_OPTIMIZER_KEYS:
        config.pop(key, None)
    config["jit_compile"] = False
    config["is_legacy_optimizer"] = False
    return {"class_name": f"Custom>{keras3_optimizer['class_name']}", "config": config}


def loss_config(loss: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
    """The loss as Keras 2 records it: canonical function names ('mse' -> 'mean_squared_error'),
    which Keras 3's reader of Keras 2 files needs (it cannot resolve the short aliases)."""
    if isinstance(loss, str):
        from neuronet import losses

        function = losses.get(loss)
        return losses.serialize(function) if not isinstance(function, losses.Loss) else loss
    return loss
