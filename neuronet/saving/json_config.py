"""Model architecture as Keras JSON: ``to_json`` and ``model_from_json``.

Written in Keras 3's form (``module``/``class_name``/``config``/``registered_name``, an
``InputLayer`` first, ``build_config``); read in Keras 3's and Keras 2's forms, including the
legacy one where a Sequential config is a bare list of layers. Reading is pure data parsing:
classes come only from neuronet's closed registries (or ``custom_objects``).
"""

import json

from neuronet.layers import LAYERS, Layer

KERAS_VERSION = "3.15.1"  # the Keras release whose file format neuronet writes
BACKEND = "numpy"
MAX_LAYERS = 10_000


def _dtype_policy(dtype):
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": dtype},
        "registered_name": None,
    }


def sequential_config(model):
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
        if layer.built and type(layer).build is not Layer.build:  # as Keras 3: own build only
            entry["build_config"] = {"input_shape": list(layer.input_shape)}
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


def to_json(model, **kwargs):
    """The JSON string of ``model``'s architecture (and compile settings, if compiled)."""
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


def compile_config_of(model):
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


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model from ``to_json`` output or a Keras 2/3 JSON file's text."""
    try:
        description = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError(f"The model JSON could not be parsed: {error}") from None
    return model_from_config(description, custom_objects)


def model_from_config(description, custom_objects=None):
    """Rebuild a model from a parsed ``{"class_name": ..., "config": ...}`` description."""
    if not isinstance(description, dict) or "class_name" not in description:
        raise ValueError("A model config must be a dict with 'class_name' and 'config'.")
    class_name = description["class_name"]
    if class_name != "Sequential":
        raise ValueError(
            f"Model class {class_name!r} is not supported; neuronet loads Sequential models."
        )
    model = sequential_from_config(description.get("config"), custom_objects)
    build_config = description.get("build_config") or {}
    if not model.built and build_config.get("input_shape"):
        model.build(tuple(build_config["input_shape"]))
    return model


def sequential_from_config(config, custom_objects=None):
    """A Sequential model from its config (Keras 3, Keras 2, or a bare list of layers)."""
    from neuronet.models.sequential import Sequential

    if isinstance(config, list):  # the legacy form: just the layers
        config = {"layers": config}
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError("A Sequential config must hold a list of 'layers'.")
    if len(config["layers"]) > MAX_LAYERS:
        raise ValueError(f"A Sequential config with more than {MAX_LAYERS} layers is refused.")
    name = config.get("name")
    model = Sequential(name=name if isinstance(name, str) and name else None)
    for entry in config["layers"]:
        model.add(LAYERS.deserialize(entry, custom_objects))
    build_input_shape = config.get("build_input_shape")
    if not model.built and build_input_shape and model.layers:
        model.build(tuple(build_input_shape))
    return model
