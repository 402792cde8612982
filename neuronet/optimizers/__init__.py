"""Optimizers: how gradients become weight updates, with Keras 3's names, defaults and rules.

``get('adam')`` gives a fresh optimizer with Keras 3's defaults; ``serialize``/``deserialize``
speak Keras's ``{"module", "class_name", "config", "registered_name"}`` format. Class names
are matched case-insensitively, as Keras 3 does (``'SGD'``, ``'sgd'``, ``'Sgd'``).
"""

from __future__ import annotations

import inspect
from typing import Any, overload

from neuronet.errors import UnknownIdentifierError
from neuronet.optimizers import schedules
from neuronet.optimizers.adadelta import Adadelta
from neuronet.optimizers.adagrad import Adagrad
from neuronet.optimizers.adam import Adam
from neuronet.optimizers.adamax import Adamax
from neuronet.optimizers.adamw import AdamW
from neuronet.optimizers.nadam import Nadam
from neuronet.optimizers.optimizer import Optimizer
from neuronet.optimizers.rmsprop import RMSprop
from neuronet.optimizers.schedules import LearningRateSchedule
from neuronet.optimizers.sgd import SGD
from neuronet.registry import Registry

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LearningRateSchedule",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

OPTIMIZERS = Registry("optimizer", "keras.optimizers")
for _cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam):
    OPTIMIZERS.add(_cls, _cls.__name__, _cls.__name__.lower())


def _lookup(name, custom_objects=None):
    """The class registered as ``name``, ignoring case for neuronet's own optimizers."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if isinstance(name, str) and name not in OPTIMIZERS and name.lower() in OPTIMIZERS:
        name = name.lower()
    return OPTIMIZERS.lookup(name, custom_objects)


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """``{"module": "keras.optimizers", "class_name", "config", "registered_name"}``."""
    return OPTIMIZERS.serialize(optimizer)


def deserialize(config: str | dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """An optimizer from ``serialize``'s output (Keras 2's or 3's), or from a name.

    Args:
        config: a dict with ``class_name`` and ``config``, or an optimizer name.
        custom_objects: extra ``{name: class}`` to resolve ``class_name`` (and schedules) from.
    """
    if isinstance(config, str):
        return _lookup(config, custom_objects)()
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not interpret optimizer config: expected a name or a dict with 'class_name' "
            f"and 'config', got {config!r}."
        )
    cls = _lookup(config["class_name"], custom_objects)
    inner = config.get("config") or {}
    if not isinstance(inner, dict):
        raise ValueError(f"The config of optimizer {config['class_name']!r} must be a dict.")
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


@overload
def get(identifier: None) -> None: ...
@overload
def get(identifier: str | dict[str, Any] | Optimizer) -> Optimizer: ...


def get(identifier: str | dict[str, Any] | Optimizer | None) -> Optimizer | None:
    """An optimizer from a name (fresh, Keras 3 defaults), a config dict, or an instance.

    Raises:
        UnknownIdentifierError: unknown name, with the closest known one suggested.
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise UnknownIdentifierError(f"Could not interpret optimizer identifier: {identifier!r}")
