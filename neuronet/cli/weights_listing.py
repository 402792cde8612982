"""What a weights-only HDF5 file holds: layers, weight names, shapes, dtypes, parameter counts.

A weights file has no architecture, so there is no model to summarise; this lists the file
itself, as a table in the style of ``model.summary()``. Only the file's structure is read
(names, shapes, dtypes), never the weights' values. The file is opened through
``neuronet.saving.h5_checks.open_hdf5``, so what ``load_weights`` refuses (links, external and
virtual datasets, sizes the file cannot hold, weights that are not floating point) is refused
here too.
"""

import math
import re

import numpy as np

from neuronet.cli import files
from neuronet.errors import FileFormatError
from neuronet.layers.layer import format_shape
from neuronet.models.summary import readable_size
from neuronet.saving.h5_checks import check_dataset, open_hdf5, read_string_list_attribute
from neuronet.saving.json_config import MAX_LAYERS

LINE_LENGTH = 90
COLUMNS = [22, 50, 66, 78, 90]  # where each column ends: layer, weight, shape, dtype, params
HEADER = ["Layer", "Weight", "Shape", "Dtype", "Param #"]


def weights_listing_lines(path: str) -> list[str]:
    """The lines ``neuronet summary`` prints for the weights file ``path``."""
    files.h5py_module()
    # open_hdf5 walks the whole file first and refuses what load_weights would refuse.
    with files.reading(path), open_hdf5(path) as file:
        group = files.weights_group(file, path)
        if group is not None:
            layout = files.WEIGHTS_KERAS2
            layers = _keras2_layers(group, path)
            optimizer = None
        else:
            layout = files.WEIGHTS_KERAS3
            layers = _keras3_layers(file, path)
            optimizer = _keras3_optimizer(file, path)
    return _table(path, layout, layers, optimizer)


def _keras2_layers(group, path):
    """``[(layer name, [(weight name, shape, dtype), ...]), ...]`` in the file's order."""
    names = read_string_list_attribute(group, "layer_names", path)
    _check_count(len(names), path)
    layers = []
    for name in names:
        layer_group = files.hard_member(group, name, path)
        if layer_group is None:
            raise FileFormatError(f"{path}: layer group '{name}' is listed but missing.")
        weights = []
        weight_names = read_string_list_attribute(layer_group, "weight_names", path, False)
        for weight_name in weight_names:
            dataset = _dataset(layer_group, weight_name, path)
            weights.append((weight_name, dataset.shape, dataset.dtype))
        layers.append((name, weights))
    return layers


def _keras3_layers(file, path):
    """Keras 3 keeps no layer order in the file: keys are listed as ``dense``, ``dense_1``...

    Each layer's weights have no names either, only their position: ``vars/0``, ``vars/1``.
    """
    layers_group = _group(file, "layers", path)
    _check_count(len(layers_group), path)
    keys = sorted(layers_group.keys(), key=_natural_key)
    layers = []
    for key in keys:
        layer_group = _group(layers_group, key, path)
        variables = _group(layer_group, "vars", path, required=False)
        weights = []
        if variables is not None:
            name = variables.attrs.get("name", key)
            key = f"{key} ({_text(name)})" if _text(name) != key else key
            for index in range(len(variables)):
                dataset = _dataset(variables, str(index), path)
                weights.append((f"vars/{index}", dataset.shape, dataset.dtype))
        layers.append((key, weights))
    return layers


def _keras3_optimizer(file, path):
    """``(name, number of variables)`` of the optimizer state Keras 3 saves, or None."""
    optimizer = _group(file, "optimizer", path, required=False)
    variables = None if optimizer is None else _group(optimizer, "vars", path, required=False)
    if variables is None:
        return None
    return _text(variables.attrs.get("name", "optimizer")), len(variables)


def _group(parent, name, path, required=True):
    group = files.hard_member(parent, name, path)
    if group is None and not required:
        return None
    if not isinstance(group, files.h5py_module().Group):
        raise FileFormatError(f"{path}: {parent.name.rstrip('/')}/{name} is not a group.")
    return group


def _dataset(group, name, path):
    dataset = files.hard_member(group, name, path)
    if dataset is None:
        raise FileFormatError(f"{path}: dataset '{group.name}/{name}' is missing.")
    check_dataset(dataset, path)  # a floating-point dataset stored in the file
    return dataset


def _check_count(count, path):
    if count > MAX_LAYERS:
        raise FileFormatError(f"{path}: more than {MAX_LAYERS} layers; refused.")


def _natural_key(key):
    """``dense_2`` before ``dense_10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


def _text(value):
    return value.decode("utf8", "replace") if isinstance(value, bytes) else str(value)


def _row(fields):
    line = ""
    for field, end in zip(fields, COLUMNS):
        line += " " + str(field)
        line = line.ljust(end) if end != COLUMNS[-1] else line
    return line.rstrip()


def _table(path, layout, layers, optimizer):
    lines = [
        f"File: {path}",
        f"Format: {files.DESCRIPTIONS[layout]}",
        "_" * LINE_LENGTH,
        _row(HEADER),
        "=" * LINE_LENGTH,
    ]
    total = 0
    total_bytes = 0
    for name, weights in layers:
        if not weights:
            lines.append(_row([name, "(no weights)"]))
        for index, (weight_name, shape, dtype) in enumerate(weights):
            count = math.prod(shape)
            total += count
            total_bytes += count * np.dtype(dtype).itemsize
            layer_field = name if index == 0 else ""
            lines.append(_row([layer_field, weight_name, format_shape(shape), dtype, count]))
    lines.append("=" * LINE_LENGTH)
    with_weights = sum(1 for _, weights in layers if weights)
    lines.append(f"Total params: {total} ({readable_size(total_bytes)})")
    lines.append(f"Layers: {len(layers)} ({with_weights} with weights)")
    if layout == files.WEIGHTS_KERAS3:
        lines.append("(Keras 3 weights files do not record the layers' order: listed by key.)")
    if optimizer is not None:
        lines.append(f"Optimizer state: {optimizer[1]} variables ({optimizer[0]})")
    lines.append("_" * LINE_LENGTH)
    lines.append(
        "No architecture is stored: build the model and call load_weights, or convert with "
        "--config ARCH.json."
    )
    return lines
