"""Whole models in one file: ``model.save`` and ``load_model``.

- ``.keras`` (Keras 3): a zip of ``config.json`` (architecture and compile settings),
  ``metadata.json`` and ``model.weights.h5`` (weights and optimizer state, Keras 3 layout).
- ``.h5`` / ``.hdf5`` (Keras 2 full model): root attributes ``model_config`` and
  ``training_config`` (JSON), groups ``model_weights`` (Keras 2 weights layout) and
  ``optimizer_weights``.

``load_model`` detects the format from the file's first bytes, whatever its name, and treats
the file as untrusted: ``keras_zip`` checks and reads the archive (bounded, in memory),
``config_checks`` the configs, ``hdf5``'s readers the weights; every refusal, and any error from
deeper code, reaches the caller as a ``FileFormatError`` naming the file.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import stat
import warnings
import zipfile
from typing import TYPE_CHECKING, Any

from neuronet.errors import FileFormatError
from neuronet.saving import config_checks, hdf5, json_config, keras2_config, keras_zip
from neuronet.saving.atomic import atomic_path
from neuronet.saving.config_checks import MAX_PARAMS

if TYPE_CHECKING:
    from neuronet.models.sequential import Sequential

_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_NUMERIC = "fiu"  # optimizer state: float slots, an integer iteration count


def save_model(
    model: Sequential,
    filepath: str | os.PathLike[str],
    overwrite: bool = True,
    include_optimizer: bool = True,
) -> None:
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
        hdf5.write_keras3_weights(file, model, include_optimizer)
    with atomic_path(path, overwrite) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", json.dumps(description))
            archive.writestr("model.weights.h5", weights.getvalue())


def _save_keras2_h5(model, path, overwrite, include_optimizer):
    h5py = hdf5._h5py()
    config = keras2_config.model_description(model, for_h5=True)
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
                    "loss": keras2_config.loss_config(compile_config["loss"]),
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
    # tf_keras restores these by position; the names follow its pattern for readers' sake.
    names = [b"iteration:0"] + [
        f"{type(optimizer).__name__}/{v.name}:0".encode() for v in variables[1:]
    ]
    group.attrs.create("weight_names", names, dtype=hdf5._h5py().string_dtype("ascii"))
    for name, variable in zip(names, variables):
        group.create_dataset(name.decode(), data=variable.numpy())


def load_model(
    filepath: str | os.PathLike[str],
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
    max_params: int = MAX_PARAMS,
) -> Sequential:
    """Rebuild a model saved by ``model.save`` (or by Keras 3 / tf_keras).

    Loading is pure data parsing (see ``config_checks`` and ``keras_zip``): classes come from
    neuronet's registries or ``custom_objects`` only, nothing is imported by name, no code from
    the file ever runs, and nothing is extracted to disk.

    Args:
        filepath: a ``.keras`` archive or a Keras 2 ``.h5`` model (told apart by content).
        custom_objects: ``{name: class or function}`` for objects that are not neuronet's.
        compile: restore the compile settings and the optimizer state, if saved.
        safe_mode: accepted for Keras compatibility. neuronet has no unsafe mode: Lambda
            layers and other code in files are always refused, whatever this argument or any
            flag inside the file says.
        max_params: refuse, before allocating anything, models with more weights than this.

    Raises:
        FileFormatError: for every problem with the file (its message starts with the path);
            whatever deeper code raised is chained as its cause. No model is returned, not
            even a partly loaded one.
    """
    path = os.fspath(filepath)
    config_checks.check_loader_arguments(custom_objects, max_params)
    with config_checks.loading_errors(path):
        head = _first_bytes(path)
        if head.startswith(_ZIP_MAGIC):
            return _load_keras(path, custom_objects, compile, max_params)
        if head.startswith(_HDF5_MAGIC):
            return _load_keras2_h5(path, custom_objects, compile, max_params)
        raise FileFormatError(
            f"{path}: neither a .keras archive nor an HDF5 model file (unknown first bytes)."
        )


def _first_bytes(path):
    """The file's first 8 bytes; only regular files are read (not FIFOs or devices)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise FileFormatError(f"{path}: not a regular file.")
        with open(path, "rb") as handle:
            return handle.read(8)
    except OSError as error:
        raise FileFormatError(f"{path}: cannot be read ({error}).") from error


def _load_keras(path, custom_objects, compile, max_params):
    archive = keras_zip.read_keras_archive(path, keras_zip.max_weights_bytes(max_params))
    if archive.metadata is not None:
        source = f"{path}/{keras_zip.METADATA}"
        metadata = config_checks.parse_json(archive.metadata, source, keras_zip.METADATA)
        config_checks.check_json_tree(metadata, source)
        if not isinstance(metadata, dict):
            raise FileFormatError(f"{source}: must hold a JSON object.")
    source = f"{path}/{keras_zip.CONFIG}"
    description = config_checks.parse_json(archive.config, source, keras_zip.CONFIG)
    model = json_config.build_model(description, source, custom_objects, max_params)
    source = f"{path}/{keras_zip.WEIGHTS}"
    with hdf5.open_hdf5(archive.weights, name=source) as file:
        _load_weights(model, file, file.get("layers"), source)
        if compile and description.get("compile_config"):
            compile_from_config(model, description["compile_config"], custom_objects)
            hdf5.restore_keras3_optimizer(model, file, source)
    return model


def _load_keras2_h5(path, custom_objects, compile, max_params):
    with hdf5.open_hdf5(path) as file:
        if "model_config" not in file.attrs:
            raise FileFormatError(
                f"{path}: an HDF5 file without 'model_config' holds only weights; build the "
                "model and call load_weights instead."
            )
        description = hdf5.read_json_attribute(file, "model_config", path)
        source = f"{path} (model_config)"
        model = json_config.build_model(description, source, custom_objects, max_params)
        _load_weights(model, file, file.get("model_weights"), path)
        if compile and "training_config" in file.attrs:
            training = hdf5.read_json_attribute(file, "training_config", path)
            config_checks.check_training_config(
                training, f"{path} (training_config)", custom_objects
            )
            compile_from_config(
                model,
                {
                    "optimizer": training.get("optimizer_config"),
                    "loss": training.get("loss"),
                    "metrics": _keras2_metric_names(training.get("metrics"), path),
                    "weighted_metrics": _keras2_metric_names(
                        training.get("weighted_metrics"), path
                    ),
                    "loss_weights": training.get("loss_weights"),
                },
                custom_objects,
            )
            group = hdf5.optional_group(file, "optimizer_weights", path)
            if group is not None:
                _restore_keras2_optimizer(model, group, path)
    return model


def _load_weights(model, file, weights_group, source):
    """The file's weights into ``model``. A model saved before it was built has no input
    shape and no weights (Keras saves it so, and loads it back unbuilt); such a model takes
    no weights, and a file that holds some for it is refused."""
    if model.built:
        hdf5.load_weights_from(model, file, source)
        return
    h5py = hdf5._h5py()
    datasets = []
    if isinstance(weights_group, h5py.Group):
        # open_hdf5 has refused every link but hard links to objects reached once: safe to walk
        weights_group.visititems(
            lambda name, item: datasets.append(name) if isinstance(item, h5py.Dataset) else None
        )
    if datasets:
        raise FileFormatError(
            f"{source}: the model config gives no input shape, so its weights cannot be "
            f"placed, but the file holds {len(datasets)} weight arrays."
        )


def _keras2_metric_names(metrics, source):
    """tf_keras nests metrics per output and writes them as MeanMetricWrapper configs."""
    if metrics is None:
        return None
    flat = []
    for entry in metrics:
        for item in entry if isinstance(entry, list) else [entry]:
            if isinstance(item, dict) and item.get("class_name") == "MeanMetricWrapper":
                config = item.get("config")
                if not isinstance(config, dict):
                    raise FileFormatError(
                        f"{source} (training_config): metrics: a MeanMetricWrapper without "
                        "a config object."
                    )
                item = config.get("name")
            flat.append(item)
    return flat


def compile_from_config(
    model: Sequential, compile_config: dict[str, Any], custom_objects: dict[str, Any] | None = None
) -> None:
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


def _restore_keras2_optimizer(model, group, source):
    """tf_keras's ``optimizer_weights``, listed by its ``weight_names`` attribute."""
    names = hdf5.read_string_list_attribute(group, "weight_names", source, required=False)
    optimizer = model.optimizer
    if len(names) not in (len(optimizer.variables), len(_keras2_optimizer_variables(optimizer))):
        optimizer.build(model.trainable_weights)  # saved after training: slots too
    # tf_keras leaves the learning rate out; Keras 3's writer of this format keeps it.
    variables = optimizer.variables
    if len(names) != len(variables):
        variables = _keras2_optimizer_variables(optimizer)
    datasets = []
    for name in names:
        if name not in group:
            raise FileFormatError(f"{source}: optimizer_weights lists '{name}' but lacks it.")
        datasets.append(group[name])
    shapes_match = len(datasets) == len(variables) and all(
        tuple(getattr(d, "shape", None) or ()) == w.shape and hasattr(d, "dtype")
        for d, w in zip(datasets, variables)
    )
    if not shapes_match:
        warnings.warn(
            f"The optimizer state in the file does not fit optimizer '{optimizer.name}' "
            "(different variables); the optimizer starts afresh.",
            stacklevel=3,
        )
        return
    values = [
        hdf5.read_array(d, source, w.shape, kinds=_NUMERIC) for d, w in zip(datasets, variables)
    ]
    for variable, value in zip(variables, values):
        variable.assign(value)
