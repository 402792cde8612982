"""Keras 2's dialect of model configs (tf_keras), translated from neuronet's Keras 3 form.

Keras 2 writes dtypes as plain strings, an InputLayer with ``batch_input_shape`` (named
``<first layer>_input``) whose shape the first layer repeats, ``activity_regularizer`` on
Dense, and initializer configs without Keras 3's ``input_axes``/``output_axes``.
"""

import copy

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
    return config


def layer_config(entry):
    """One layer's ``{"class_name", "config"}`` in Keras 2's form."""
    entry = copy.deepcopy(entry)
    entry.pop("build_config", None)
    config = entry["config"]
    if "dtype" in config:
        config["dtype"] = _plain_dtype(config["dtype"])
    if entry["class_name"] == "InputLayer" and "batch_shape" in config:
        config = {"batch_input_shape": config.pop("batch_shape"), **config}
        entry["config"] = config
    if entry["class_name"] == "Dense":
        config.setdefault("activity_regularizer", None)
        for key in ("kernel_initializer", "bias_initializer"):
            _strip_initializer(config.get(key))
    return entry


def model_config(keras3_config, model):
    """The Sequential ``{"class_name", "config"}`` in Keras 2's form."""
    layers = [layer_config(entry) for entry in keras3_config["layers"]]
    input_shape = model.input_shape_or_none()
    if layers and layers[0]["class_name"] == "InputLayer" and model.layers:
        layers[0]["config"]["name"] = f"{model.layers[0].name}_input"
        layers[1]["config"] = {
            "name": layers[1]["config"]["name"],
            "trainable": layers[1]["config"]["trainable"],
            "dtype": layers[1]["config"].get("dtype", "float32"),
            "batch_input_shape": list(input_shape),
            **{
                k: v
                for k, v in layers[1]["config"].items()
                if k not in ("name", "trainable", "dtype")
            },
        }
    return {"class_name": "Sequential", "config": {"name": keras3_config["name"], "layers": layers}}


def optimizer_config(keras3_optimizer):
    """tf_keras's ``optimizer_config`` entry of a ``training_config``."""
    config = dict(keras3_optimizer["config"])
    for key in _KERAS3_ONLY_OPTIMIZER_KEYS:
        config.pop(key, None)
    config["jit_compile"] = False
    config["is_legacy_optimizer"] = False
    return {"class_name": f"Custom>{keras3_optimizer['class_name']}", "config": config}
