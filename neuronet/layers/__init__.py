"""Layers, one per module, and the closed registry that configs are rebuilt from."""

from __future__ import annotations

from typing import Any

from neuronet.layers.activation import Activation
from neuronet.layers.dense import Dense
from neuronet.layers.dropout import Dropout
from neuronet.layers.flatten import Flatten
from neuronet.layers.input_layer import Input, InputLayer, KerasTensor
from neuronet.layers.layer import Layer
from neuronet.layers.reshape import Reshape
from neuronet.registry import Registry

LAYERS = Registry("layer", "keras.layers")
for _cls in (Activation, Dense, Dropout, Flatten, InputLayer, Reshape):
    LAYERS.add(_cls, _cls.__name__)


def serialize(layer: Layer) -> dict[str, Any]:
    """Keras 3's ``{"module", "class_name", "config", "registered_name"}`` for a layer."""
    return LAYERS.serialize(layer)


def deserialize(config: str | dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """Rebuild a layer from its serialized config; only registered (or custom) classes."""
    return LAYERS.deserialize(config, custom_objects)


__all__ = [
    "LAYERS",
    "Activation",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "KerasTensor",
    "Layer",
    "Reshape",
    "deserialize",
    "serialize",
]
