"""Whole models in one file: ``model.save`` and ``load_model``.

- ``.keras`` (Keras 3): a zip of ``config.json`` (architecture and compile settings),
  ``metadata.json`` and ``model.weights.h5`` (weights and optimizer state, Keras 3 layout).
- ``.h5`` / ``.hdf5`` (Keras 2 full model): root attributes ``model_config`` and
  ``training_config`` (JSON), groups ``model_weights`` (Keras 2 weights layout) and
  ``optimizer_weights``.

``load_model`` detects the format from the file's first bytes, whatever its name.
"""

import datetime
import io
import json
import os
import warnings
import zipfile

import numpy as np

from neuronet.errors import FileFormatError
from neuronet.saving import hdf5, json_config, keras2_config
from neuronet.saving.atomic import atomic_path

_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_KERAS_MEMBERS = ("config.json", "metadata.json", "model.weights.h5")


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write ``model`` (architecture, weights, compile settings, optimizer state)."""
    path = os.fspath(filepath)
    if path.endswith(".keras"):
        _save_keras(model, path, overwrite, include_optimizer)
    elif path.endswith((".h5", ".hdf5")):
        _save_keras2_h5(model, path, overwrite, include_optimizer)
    else:
        raise ValueError(
            f"Cannot tell the format from the file name {path!r}: use a name ending in "
            "'.keras' (Keras 3) or '.h5' (Keras 2)."
        )


def _save_keras(model, path, overwrite, include_optimizer):
    h5py = hdf5._h5py()
    description = json.loads(json_config.to_json(model))
    description.pop("keras_version", None)
    description.pop("backend", None)
    metadata = {
        "keras_version": json_config.KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    weights = io.BytesIO()
    with h5py.File(weights, "w") as file:
        hdf5.write_keras3_weights(file, model)
        if include_optimizer and model.optimizer is not None:
            group = file.create_group("optimizer").create_group("vars")
            group.attrs["name"] = model.optimizer.name
            store = {}
            model.optimizer.save_own_variables(store)
            for key, value in store.items():
                group.create_dataset(key, data=value)
    with atomic_path(path, overwrite) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", json.dumps(description))
            archive.writestr("model.weights.h5", weights.getvalue())


def _save_keras2_h5(model, path, overwrite, include_optimizer):
    h5py = hdf5._h5py()
    config = keras2_config.model_config(json_config.sequential_config(model), model)
    config["keras_version"] = keras2_config.KERAS2_VERSION
    config["backend"] = "tensorflow"
    with atomic_path(path, overwrite) as temporary:
        with h5py.File(temporary, "w") as file:
            file.attrs["backend"] = b"tensorflow"
            file.attrs["keras_version"] = keras2_config.KERAS2_VERSION.encode()
            file.attrs["model_config"] = json.dumps(config).encode()
            compile_config = json_config.compile_config_of(model)
            if compile_config is not None:
                training = {
                    "loss": compile_config["loss"],
                    "metrics": compile_config["metrics"],
                    "weighted_metrics": compile_config["weighted_metrics"],
                    "loss_weights": compile_config["loss_weights"],
                    "optimizer_config": keras2_config.optimizer_config(compile_config["optimizer"]),
                }
                file.attrs["training_config"] = json.dumps(training).encode()
            hdf5.write_keras2_weights(file.create_group("model_weights"), model)
            if include_optimizer and model.optimizer is not None:
                _write_keras2_optimizer(file.create_group("optimizer_weights"), model.optimizer)


def _keras2_optimizer_variables(optimizer):
    """tf_keras keeps the iteration count and the slots, not the learning rate."""
    return [v for v in optimizer.variables if v.name != "learning_rate"]


def _write_keras2_optimizer(group, optimizer):
    variables = _keras2_optimizer_variables(optimizer)
    names = [f"{v.path}:0".encode() for v in variables]
    group.attrs.create("weight_names", names, dtype=hdf5._h5py().string_dtype("ascii"))
    for name, variable in zip(names, variables):
        group.create_dataset(name.decode(), data=variable.numpy())


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model saved by ``model.save`` (or by Keras 3 / tf_keras)."""
    path = os.fspath(filepath)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise FileFormatError(f"{path}: cannot be read ({error}).") from None
    if head.startswith(_ZIP_MAGIC):
        return _load_keras(path, custom_objects, compile)
    if head.startswith(_HDF5_MAGIC):
        return _load_keras2_h5(path, custom_objects, compile)
    raise FileFormatError(
        f"{path}: neither a .keras archive nor an HDF5 model file (unknown first bytes)."
    )


def _load_keras(path, custom_objects, compile):
    h5py = hdf5._h5py()
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in ("config.json", "model.weights.h5"):
                if name not in names:
                    raise FileFormatError(f"{path}: the .keras archive has no {name}.")
            unexpected = sorted(set(names) - set(_KERAS_MEMBERS) - {"assets/"})
            if unexpected:
                raise FileFormatError(f"{path}: unexpected members in the archive: {unexpected}.")
            config = archive.read("config.json")
            weights = archive.read("model.weights.h5")
    except (zipfile.BadZipFile, OSError) as error:
        raise FileFormatError(f"{path}: not a readable .keras archive ({error}).") from None
    try:
        description = json.loads(config)
    except ValueError as error:
        raise FileFormatError(f"{path}: config.json is not valid JSON ({error}).") from None
    model = json_config.model_from_config(description, custom_objects)
    with h5py.File(io.BytesIO(weights), "r") as file:
        hdf5.load_weights_from(model, file, f"{path}/model.weights.h5")
        if compile and description.get("compile_config"):
            compile_from_config(model, description["compile_config"], custom_objects)
            if "optimizer/vars" in file:
                group = file["optimizer/vars"]
                _restore_optimizer(model, {key: np.asarray(group[key][()]) for key in group})
    return model


def _load_keras2_h5(path, custom_objects, compile):
    h5py = hdf5._h5py()
    with h5py.File(path, "r") as file:
        if "model_config" not in file.attrs:
            raise FileFormatError(
                f"{path}: an HDF5 file without 'model_config' holds only weights; build the "
                "model and call load_weights instead."
            )
        description = json.loads(_text(file.attrs["model_config"]))
        model = json_config.model_from_config(description, custom_objects)
        hdf5.load_weights_from(model, file, path)
        if compile and "training_config" in file.attrs:
            training = json.loads(_text(file.attrs["training_config"]))
            compile_from_config(
                model,
                {
                    "optimizer": training.get("optimizer_config"),
                    "loss": training.get("loss"),
                    "metrics": _keras2_metric_names(training.get("metrics")),
                    "weighted_metrics": _keras2_metric_names(training.get("weighted_metrics")),
                    "loss_weights": training.get("loss_weights"),
                },
                custom_objects,
            )
            if "optimizer_weights" in file:
                group = file["optimizer_weights"]
                names = hdf5._decode(group.attrs.get("weight_names", []))
                _restore_keras2_optimizer(model, [np.asarray(group[n][()]) for n in names])
    return model


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _keras2_metric_names(metrics):
    """tf_keras nests metrics per output and writes them as MeanMetricWrapper configs."""
    if metrics is None:
        return None
    flat = []
    for entry in metrics:
        for item in entry if isinstance(entry, list) else [entry]:
            if isinstance(item, dict) and item.get("class_name") == "MeanMetricWrapper":
                item = (item.get("config") or {}).get("name")
            flat.append(item)
    return flat


def compile_from_config(model, compile_config, custom_objects=None):
    """``model.compile`` with the settings a file recorded."""
    from neuronet import losses, optimizers

    optimizer = compile_config.get("optimizer") or "rmsprop"
    if isinstance(optimizer, dict) and str(optimizer.get("class_name", "")).startswith("Custom>"):
        optimizer = {**optimizer, "class_name": optimizer["class_name"][len("Custom>") :]}
    optimizer = optimizers.deserialize(optimizer, custom_objects)
    loss = compile_config.get("loss")
    if isinstance(loss, dict):
        loss = losses.deserialize(loss, custom_objects)
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=compile_config.get("metrics"),
        weighted_metrics=compile_config.get("weighted_metrics"),
        loss_weights=compile_config.get("loss_weights"),
    )


def _restore_optimizer(model, store):
    optimizer = model.optimizer
    if len(store) != len(optimizer.variables):  # saved after training: slots too
        optimizer.build(model.trainable_weights)
    optimizer.load_own_variables(store)


def _restore_keras2_optimizer(model, values):
    optimizer = model.optimizer
    if len(values) != len(_keras2_optimizer_variables(optimizer)):  # saved after training
        optimizer.build(model.trainable_weights)
    variables = _keras2_optimizer_variables(optimizer)
    shapes_match = len(values) == len(variables) and all(
        tuple(np.shape(v)) == w.shape for v, w in zip(values, variables)
    )
    if not shapes_match:
        warnings.warn(
            f"The optimizer state in the file does not fit optimizer '{optimizer.name}' "
            "(different variables); the optimizer starts afresh.",
            stacklevel=3,
        )
        return
    for variable, value in zip(variables, values):
        variable.assign(value)
