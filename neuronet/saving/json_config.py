"""Model architecture as Keras JSON: ``to_json`` and ``model_from_json``.

Written in Keras 3's form (``module``/``class_name``/``config``/``registered_name``, an
``InputLayer`` first, ``build_config``); read in Keras 3's and Keras 2's forms, including the
legacy one where a Sequential config is a bare list of layers. Reading is pure data parsing:
the parsed JSON passes ``config_checks`` before any object is built, classes come only from
neuronet's closed registries (or ``custom_objects``), and the weights the layers would create
are counted before any is allocated.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from neuronet.layers import LAYERS, InputLayer, Layer
from neuronet.saving import config_checks

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.models.sequential import Sequential

KERAS_VERSION = "3.15.1"  # the Keras release whose file format neuronet writes
BACKEND = "numpy"
MAX_LAYERS = config_checks.MAX_LAYERS


def _dtype_policy(dtype):
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": dtype},
        "registered_name": None,
    }


def sequential_config(model: Sequential) -> dict[str, Any]:
    """Keras 3's ``Sequential.get_config()`` for ``model``."""
    layer_configs = []
    input_shape = model.input_shape_or_none()
    if input_shape is not None and model._input_layer is not None:
        layer_configs.append(
            {
                "module": "keras.layers",
                "class_name": "InputLayer",
                "config": {
                    "batch_shape": list(input_shape),
                    "dtype": model._input_layer.dtype,
                    "sparse": False,
                    "ragged": False,
                    "name": model._input_layer.name,
                    "optional": False,
                },
                "registered_name": None,
            }
        )
    for layer in model.layers:
        entry = LAYERS.serialize(layer)
        shape = layer.input_shape  # set when built
        if layer.built and shape is not None and type(layer).build is not Layer.build:
            entry["build_config"] = {"input_shape": list(shape)}  # as Keras 3: own build only
        layer_configs.append(entry)
    config = {
        "name": model.name,
        "trainable": model.trainable,
        "dtype": _dtype_policy(model.compute_dtype),
        "layers": layer_configs,
    }
    if model.built:
        config["build_input_shape"] = list(model.input_shape)
    return config


def to_json(model: Sequential, dialect: str = "keras3", **kwargs: Any) -> str:
    """The JSON string of ``model``'s architecture (and compile settings, if compiled).

    Args:
        dialect: ``"keras3"`` (what Keras 3's ``to_json`` writes, with ``compile_config``) or
            ``"keras2"`` (what tf_keras's ``to_json`` writes, for ``tf_keras.models.
            model_from_json``).
        **kwargs: passed to ``json.dumps`` (e.g. ``indent=2``), as in Keras.
    """
    if dialect == "keras2":
        from neuronet.saving import keras2_config

        description = keras2_config.model_description(model)
        description["keras_version"] = keras2_config.KERAS2_VERSION
        description["backend"] = "tensorflow"
        return json.dumps(description, **kwargs)
    if dialect != "keras3":
        raise ValueError(f"Unknown JSON dialect {dialect!r}; use 'keras3' or 'keras2'.")
    description = {
        "module": "keras",
        "class_name": "Sequential",
        "config": sequential_config(model),
        "registered_name": None,
    }
    if model.built:
        description["build_config"] = {"input_shape": list(model.input_shape)}
    compile_config = compile_config_of(model)
    if compile_config is not None:
        description["compile_config"] = compile_config
    description["keras_version"] = KERAS_VERSION
    description["backend"] = BACKEND
    return json.dumps(description, **kwargs)


def compile_config_of(model: Sequential) -> dict[str, Any] | None:
    """Keras 3's ``compile_config`` (optimizer, loss, metrics) or None if not compiled."""
    if not model.compiled:
        return None
    from neuronet import losses, optimizers

    settings = model._compile_config
    loss = settings["loss"]
    if loss is not None and not isinstance(loss, str):
        loss = losses.serialize(loss)
    metrics = settings["metrics"]
    return {
        "optimizer": optimizers.serialize(model.optimizer),
        "loss": loss,
        "loss_weights": settings["loss_weights"],
        "metrics": _plain_metrics(metrics),
        "weighted_metrics": _plain_metrics(settings["weighted_metrics"]),
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }


def _plain_metrics(metrics):
    if metrics is None:
        return None
    from neuronet import metrics as metrics_module

    return [m if isinstance(m, str) else metrics_module.serialize(m) for m in metrics]


def model_from_json(
    json_string: str,
    custom_objects: dict[str, Any] | None = None,
    max_params: int = config_checks.MAX_PARAMS,
) -> Sequential:
    """Rebuild a model from ``to_json`` output or a Keras 2/3 JSON file's text.

    Args:
        json_string: the JSON text (str, or UTF-8 bytes).
        custom_objects: ``{name: class or function}`` for classes that are not neuronet's;
            the only way besides neuronet's registries for a name in the text to become code.
        max_params: refuse (before allocating anything) models with more parameters.

    Raises:
        FileFormatError: whatever is wrong with the text, starting with ``"<json string>"``.
    """
    source = "<json string>"
    config_checks.check_loader_arguments(custom_objects, max_params)
    with config_checks.loading_errors(source):
        description = config_checks.parse_json(json_string, source)
        return build_model(description, source, custom_objects, max_params)


def model_from_config(
    description: dict[str, Any],
    custom_objects: dict[str, Any] | None = None,
    max_params: int = config_checks.MAX_PARAMS,
) -> Sequential:
    """Rebuild a model from a parsed ``{"class_name": ..., "config": ...}`` description.

    Checked like a file (``config_checks``); errors are FileFormatError naming ``"<config>"``.
    """
    source = "<config>"
    config_checks.check_loader_arguments(custom_objects, max_params)
    with config_checks.loading_errors(source):
        return build_model(description, source, custom_objects, max_params)


def build_model(
    description: Any,
    source: str,
    custom_objects: dict[str, Any] | None = None,
    max_params: int = config_checks.MAX_PARAMS,
) -> Sequential:
    """Check ``description`` (from ``source``) as untrusted data, then build its model.

    Loaders call this inside ``config_checks.loading_errors(source)``.
    """
    config_checks.check_model_description(description, source, custom_objects)
    build_config = description.get("build_config") or {}
    model = sequential_from_config(
        description.get("config"),
        custom_objects,
        max_params=max_params,
        source=source,
        build_input_shape=build_config.get("input_shape"),
    )
    return model


def sequential_from_config(
    config: dict[str, Any],
    custom_objects: dict[str, Any] | None = None,
    max_params: int = config_checks.MAX_PARAMS,
    source: str = "<config>",
    build_input_shape: Sequence[int | None] | None = None,
) -> Sequential:
    """A Sequential model from its config (Keras 3, Keras 2, or a bare list of layers).

    Every layer object is created first (configuration only, no weights); the weights they
    would create are totalled (``config_checks.check_parameter_budget``) before the first
    ``add`` builds anything. ``build_input_shape`` is the model's ``build_config`` shape, used
    when neither an InputLayer nor the config's ``build_input_shape`` gives one.
    """
    from neuronet.models.sequential import Sequential

    entries = config_checks.layer_entries(config, source)
    layers = [LAYERS.deserialize(entry, custom_objects) for entry in entries]
    for entry, layer in zip(entries, layers):
        if not isinstance(layer, Layer):  # a custom object that is not a layer class
            raise config_checks.refuse(
                source, f"{entry['class_name']!r} gives a {type(layer).__name__}, not a layer."
            )
    if isinstance(config, dict) and config.get("build_input_shape"):
        build_input_shape = config["build_input_shape"]
    input_shape = _declared_input_shape(layers) or build_input_shape
    if input_shape is not None:
        input_shape = tuple(input_shape)
    weighted = [layer for layer in layers if not isinstance(layer, InputLayer)]
    config_checks.check_parameter_budget(weighted, input_shape, source, max_params)
    name = config.get("name") if isinstance(config, dict) else None
    model = Sequential(name=name if isinstance(name, str) and name else None)
    for layer in layers:
        model.add(layer)
    if not model.built and input_shape is not None and model.layers:
        model.build(input_shape)
    return model


def _declared_input_shape(layers):
    """The input shape an InputLayer, or the first layer's input_dim/input_shape, declares."""
    if not layers:
        return None
    if isinstance(layers[0], InputLayer):
        return layers[0].batch_shape
    return layers[0]._batch_input_shape
