"""HDF5 weight files: ``save_weights`` / ``load_weights`` in Keras 2 and Keras 3 layouts.

- Keras 2 (``model.save_weights('w.h5')`` in tf_keras): root attributes ``layer_names``,
  ``backend``, ``keras_version``; one group per layer with a ``weight_names`` attribute listing
  its datasets (``dense/kernel:0``, ``dense/bias:0``) in order.
- Keras 3 (``model.save_weights('w.weights.h5')``): ``layers/<key>/vars/<i>`` where ``<key>``
  is the snake-case class name numbered per class (``dense``, ``dense_1``, ...).

The layout written follows the file name (``.weights.h5`` -> Keras 3, else Keras 2); the layout
read is detected from the file's content. Reading goes through ``h5_checks`` (re-exported here:
``open_hdf5``, ``read_array``, ``read_json_attribute``, ``read_string_list_attribute``): the
whole file's structure is checked when it is opened, every dataset's dtype and shape against
the model before any data is read, and no weight changes unless the whole file checks out.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

import numpy as np

from neuronet.errors import FileFormatError
from neuronet.layers.layer import format_shape, snake_case
from neuronet.saving.atomic import atomic_path
from neuronet.saving.h5_checks import (
    check_dataset,
    check_file,
    checked,
    h5_errors,
    open_hdf5,
    read_array,
    read_json_attribute,
    read_string_list_attribute,
    require_h5py,
)

if TYPE_CHECKING:
    import h5py

    from neuronet.models.sequential import Sequential

__all__ = [
    "check_dataset",
    "check_file",
    "checked",
    "keras3_layer_keys",
    "load_weights",
    "load_weights_from",
    "open_hdf5",
    "read_array",
    "read_json_attribute",
    "read_string_list_attribute",
    "save_weights",
    "write_keras2_weights",
    "write_keras3_weights",
]

KERAS2_VERSION = "2.21.0"  # the tf_keras release whose layout neuronet writes


def _h5py():
    return require_h5py()


def _layout_for_name(filepath):
    return "keras3" if os.fspath(filepath).endswith(".weights.h5") else "keras2"


def save_weights(
    model: Sequential,
    filepath: str | os.PathLike[str],
    overwrite: bool = True,
    layout: str | None = None,
) -> None:
    """Write ``model``'s weights to ``filepath`` (atomically: the old file survives a crash)."""
    h5py = _h5py()
    layout = layout or _layout_for_name(filepath)
    if layout not in ("keras2", "keras3"):
        raise ValueError(f"Unknown weights layout {layout!r}; use 'keras2' or 'keras3'.")
    with atomic_path(filepath, overwrite=overwrite) as temporary:
        with h5py.File(temporary, "w") as file:
            if layout == "keras2":
                write_keras2_weights(file, model)
            else:
                write_keras3_weights(file, model)


def write_keras2_weights(group: h5py.Group, model: Sequential) -> None:
    """Keras 2's layout into an open HDF5 group (the file root, or ``model_weights``)."""
    h5py = _h5py()
    ascii_string = h5py.string_dtype("ascii")
    names = [layer.name.encode("utf8") for layer in model.layers]
    group.attrs.create("layer_names", names, dtype=ascii_string)
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = KERAS2_VERSION.encode("utf8")
    for layer in model.layers:
        layer_group = group.create_group(layer.name)
        weights = layer.weights
        weight_names = [f"{layer.name}/{w.name}:0".encode() for w in weights]
        if weight_names:
            layer_group.attrs.create("weight_names", weight_names, dtype=ascii_string)
        else:
            layer_group.attrs["weight_names"] = np.zeros((0,), dtype="float64")
        for name, weight in zip(weight_names, weights):
            layer_group.create_dataset(name.decode("utf8"), data=weight.numpy())
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = np.zeros((0,), dtype="float64")


def write_keras3_weights(
    file: h5py.File, model: Sequential, include_optimizer: bool = True
) -> None:
    """Keras 3's ``.weights.h5`` layout; like Keras, with the optimizer's state when the
    model is compiled (``optimizer/vars/<i>``, in the order of ``optimizer.variables``)."""
    layers_group = file.create_group("layers")
    for key, layer in zip(keras3_layer_keys(model), model.layers):
        variables = layers_group.create_group(key).create_group("vars")
        variables.attrs["name"] = layer.name
        for index, weight in enumerate(layer.weights):
            variables.create_dataset(str(index), data=weight.numpy())
    if include_optimizer and getattr(model, "optimizer", None) is not None:
        group = file.create_group("optimizer").create_group("vars")
        group.attrs["name"] = model.optimizer.name
        for index, variable in enumerate(model.optimizer.variables):
            group.create_dataset(str(index), data=variable.numpy())
    file.create_group("vars").attrs["name"] = model.name


def keras3_layer_keys(model: Sequential) -> list[str]:
    """``dense``, ``activation``, ``dense_1``, ...: Keras 3's per-class numbering of layers."""
    counts: dict[str, int] = {}
    keys = []
    for layer in model.layers:
        base = snake_case(type(layer).__name__)
        count = counts.get(base, 0)
        counts[base] = count + 1
        keys.append(base if count == 0 else f"{base}_{count}")
    return keys


def load_weights(
    model: Sequential,
    filepath: str | os.PathLike[str],
    skip_mismatch: bool = False,
    by_name: bool = False,
) -> None:
    """Read weights from ``filepath`` into ``model``; all or nothing."""
    path = os.fsdecode(filepath)  # open_hdf5 reads bytes as the file's content, not a name
    with open_hdf5(path) as file:
        load_weights_from(model, file, path, skip_mismatch, by_name)


def load_weights_from(
    model: Sequential,
    file: h5py.File,
    source: str,
    skip_mismatch: bool = False,
    by_name: bool = False,
) -> None:
    """Load from an open HDF5 file (any of the layouts); ``source`` names it in errors.

    A file that ``open_hdf5`` did not open is walked by ``check_file`` first. Every dataset's
    dtype and shape is checked against the model before any data is read, and every value is
    read before the first weight changes.
    """
    if not model.built:
        raise FileFormatError(
            f"Model '{model.name}' must be built before loading weights from {source}: "
            "give the first layer input_dim/input_shape or call build()."
        )
    with checked(file, source):
        with h5_errors(source, file.name, "finding the weights"):
            assignments = _assignments(model, file, source, skip_mismatch, by_name)
        for variable, dataset in assignments:
            check_dataset(dataset, source, variable.shape)
        values = [
            (
                variable,
                np.asarray(read_array(dataset, source, variable.shape), variable.value.dtype),
            )
            for variable, dataset in assignments
        ]
        if "layers" in file and getattr(model, "compiled", False) and "optimizer" in file:
            # Keras 3's load_weights also restores a compiled model's optimizer state.
            restore_keras3_optimizer(model, file, source)
    for variable, value in values:
        variable.assign(value)


def _assignments(model, file, source, skip_mismatch, by_name):
    """(variable, dataset) pairs for the layout the file holds; reads no data."""
    if "layer_names" in file.attrs:
        return _keras2_assignments(model, file, source, by_name, skip_mismatch)
    weights_group = _child(file, "model_weights", source, required=False)
    if weights_group is not None and "layer_names" in weights_group.attrs:
        return _keras2_assignments(model, weights_group, source, by_name, skip_mismatch)
    if "layers" in file:
        return _keras3_assignments(model, file, source, skip_mismatch)
    raise FileFormatError(
        f"{source}: neither a Keras 2 (layer_names) nor a Keras 3 (layers/...) weights file."
    )


def _child(group, name, source, required=True, kind="group"):
    """``group[name]`` if it is a group (or a dataset, for ``kind="dataset"``); None if absent
    and not required."""
    h5py = _h5py()
    where = f"{group.name.rstrip('/')}/{name}"
    if name not in group:
        if required:
            raise FileFormatError(f"{source}: {where}: is listed but missing.")
        return None
    item = group[name]
    wanted = h5py.Group if kind == "group" else h5py.Dataset
    if not isinstance(item, wanted):
        raise FileFormatError(f"{source}: {where}: is a {type(item).__name__}, not a {kind}.")
    return item


def _decode(names):
    """Legacy helper model_files.py still uses; new code calls read_string_list_attribute."""
    return [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in np.atleast_1d(names)]


def _check_shapes(layer, variables, datasets, filepath, skip_mismatch):
    """True if the datasets fit the layer's weights; False to skip; raises otherwise."""
    problem = None
    if len(variables) != len(datasets):
        problem = f"expects {len(variables)} weights but the file has {len(datasets)}"
    else:
        for variable, dataset in zip(variables, datasets):
            if tuple(dataset.shape or ()) != variable.shape:
                problem = (
                    f"weight '{variable.name}' has shape {format_shape(variable.shape)} but the "
                    f"file's {dataset.name} has shape {format_shape(dataset.shape or ())}"
                )
                break
    if problem is None:
        return True
    if skip_mismatch:
        warnings.warn(
            f"Skipping layer '{layer.name}' when loading {filepath}: {problem}.", stacklevel=4
        )
        return False
    raise FileFormatError(f"{filepath}: layer '{layer.name}' {problem}.")


def _keras2_assignments(model, group, filepath, by_name, skip_mismatch):
    layer_names = read_string_list_attribute(group, "layer_names", filepath)
    stored = {}
    for name in layer_names:
        layer_group = _child(group, name, filepath)
        weight_names = read_string_list_attribute(
            layer_group, "weight_names", filepath, required=False
        )
        stored[name] = [
            _child(layer_group, weight_name, filepath, kind="dataset")
            for weight_name in weight_names
        ]
    assignments = []
    if by_name:
        for layer in model.layers:
            if layer.name in stored and _check_shapes(
                layer, layer.weights, stored[layer.name], filepath, skip_mismatch
            ):
                assignments += zip(layer.weights, stored[layer.name])
        return assignments
    with_weights = [layer for layer in model.layers if layer.weights]
    stored_with_weights = [name for name in layer_names if stored[name]]
    if len(with_weights) != len(stored_with_weights):
        raise FileFormatError(
            f"{filepath}: the file holds weights for {len(stored_with_weights)} layers "
            f"({', '.join(stored_with_weights)}) but model '{model.name}' has "
            f"{len(with_weights)} layers with weights. Load by_name=True to match by name."
        )
    for layer, name in zip(with_weights, stored_with_weights):
        if _check_shapes(layer, layer.weights, stored[name], filepath, skip_mismatch):
            assignments += zip(layer.weights, stored[name])
    return assignments


def _keras3_assignments(model, file, filepath, skip_mismatch):
    layers_group = _child(file, "layers", filepath)
    assignments = []
    for key, layer in zip(keras3_layer_keys(model), model.layers):
        layer_group = _child(layers_group, key, filepath, required=False)
        variables_group = None
        if layer_group is not None:
            variables_group = _child(layer_group, "vars", filepath, required=False)
        count = 0 if variables_group is None else len(variables_group)
        datasets = [
            _child(variables_group, str(i), filepath, kind="dataset")
            for i in range(count)
            if str(i) in variables_group
        ]
        if len(datasets) != count:
            raise FileFormatError(f"{filepath}: layers/{key}/vars has non-numbered entries.")
        if not layer.weights and not datasets:
            continue
        if _check_shapes(layer, layer.weights, datasets, filepath, skip_mismatch):
            assignments += zip(layer.weights, datasets)
    return assignments


def optional_group(parent: h5py.Group, name: str, source: str) -> h5py.Group | None:
    """``parent[name]`` if it is a group, None if absent; a dataset there is refused."""
    if name not in parent:
        return None
    item = parent[name]
    if not isinstance(item, _h5py().Group):
        raise FileFormatError(
            f"{source}: {parent.name.rstrip('/')}/{name} is a {type(item).__name__}, not a group."
        )
    return item


def restore_keras3_optimizer(model: Sequential, file: h5py.File, source: str) -> None:
    """Keras 3's ``optimizer/vars/<i>``: each dataset checked against the optimizer's own
    variable (shape, numeric dtype) before any is read; a different count is skipped with a
    warning, as Keras does."""
    group = optional_group(file, "optimizer", source)
    group = None if group is None else optional_group(group, "vars", source)
    if group is None:
        return
    optimizer = model.optimizer
    if len(group) != len(optimizer.variables):  # saved after training: slots too
        model._pack_weights()  # as fit will, so that the optimizer's state is laid out alike
        optimizer.build(model.trainable_weights)
    variables = optimizer.variables
    if len(group) != len(variables):
        warnings.warn(
            f"Skipping variable loading for optimizer '{optimizer.name}', because it has "
            f"{len(variables)} variables whereas the saved optimizer has {len(group)} "
            "variables.",
            stacklevel=3,
        )
        return
    store = {}
    for index, variable in enumerate(variables):  # every value read before any is assigned
        if str(index) not in group:
            raise FileFormatError(f"{source}: optimizer/vars has no dataset '{index}'.")
        dataset = group[str(index)]
        store[str(index)] = read_array(dataset, source, variable.shape, kinds="fiu")
    optimizer.load_own_variables(store)
