"""Build neuronet models from the layer specs in ../shared/keras-fixtures/*.json."""

import json

import numpy as np

from neuronet.layers import Activation, Dense, Dropout, Input
from neuronet.models import Sequential


def build_model(spec):
    """A Sequential model matching a fixture's ``{"input": ..., "layers": [...]}`` spec."""
    kind, dim = spec["input"]["kind"], spec["input"]["dim"]
    model = Sequential()
    if kind == "Input":
        model.add(Input(shape=(dim,)))
    for i, layer in enumerate(spec["layers"]):
        first = {}
        if i == 0 and kind == "input_dim":
            first = {"input_dim": dim}
        elif i == 0 and kind == "input_shape":
            first = {"input_shape": (dim,)}
        if layer["type"] == "Dense":
            model.add(Dense(layer["units"], activation=layer.get("activation"), **first))
        elif layer["type"] == "Activation":
            model.add(Activation(layer["activation"], **first))
        elif layer["type"] == "Dropout":
            model.add(Dropout(layer["rate"], **first))
        else:
            raise ValueError(f"unknown fixture layer type {layer['type']}")
    return model


def load_cases(folder, name):
    """The fixture's JSON list, each case with its arrays loaded as ``case['arrays']``."""
    cases = json.loads((folder / name).read_text())
    for case in cases:
        with np.load(folder / case["arrays"]) as arrays:
            case["arrays"] = dict(arrays)
    return cases
