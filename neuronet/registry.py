"""Name → object registries: how strings in user code and in files become objects.

Each family (activations, losses, metrics, optimizers, initializers, regularizers, layers) owns
one ``Registry``. A registry is closed: ``lookup`` and ``deserialize`` only ever return objects
that neuronet registered itself or that the caller passes in ``custom_objects``. Nothing is
imported by name, so reading a config from a file can never run code from elsewhere.

Serialized forms follow Keras:
- a registered function serializes to its name (``"tanh"``);
- an object serializes to ``{"module", "class_name", "config", "registered_name"}``;
- ``deserialize`` also accepts Keras 3's ``{"class_name": "function", "config": "tanh"}``
  and Keras 2's ``{"class_name", "config"}`` without a module.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, TypeVar

from neuronet.errors import UnknownIdentifierError, did_you_mean

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_T = TypeVar("_T")
_F = TypeVar("_F", bound="Callable[..., Any]")


class Registry:
    """The objects of one family, by canonical name and aliases.

    Args:
        family: what the family is called in messages (``"activation"``).
        module: the Keras module recorded in serialized configs (``"keras.activations"``).
    """

    def __init__(self, family: str, module: str) -> None:
        self.family = family
        self.module = module
        self._objects: dict[str, Any] = {}  # every name and alias -> object
        self._canonical: dict[int, str] = {}  # id(object) -> canonical name
        # function -> its derivative (activations and losses)
        self._gradients: dict[Any, Callable[..., Any]] = {}

    def register(self, *names: str) -> Callable[[_T], _T]:
        """Decorator: register a function or class under ``names`` (default: its ``__name__``).

        The first name is canonical (used by ``serialize``); the others are aliases.
        """

        def decorate(obj):
            self.add(obj, *(names or (obj.__name__,)))
            return obj

        return decorate

    def add(self, obj: Any, *names: str) -> None:
        """Register ``obj`` under ``names``; the first is its canonical name."""
        if not names:
            names = (obj.__name__,)
        for name in names:
            if name in self._objects and self._objects[name] is not obj:
                raise ValueError(f"The {self.family} name {name!r} is already registered.")
            self._objects[name] = obj
        self._canonical.setdefault(id(obj), names[0])

    def add_with_gradient(self, fn: _F, grad: Callable[..., Any], *names: str) -> _F:
        """Register a function and its derivative (activations and losses pair them).

        Every name is checked before any is added, so a clash leaves the registry unchanged.
        """
        if not callable(fn) or not callable(grad):
            raise TypeError(
                f"register(fn, grad, *names) needs two callables, got fn={fn!r}, grad={grad!r}."
            )
        if not names:
            if not hasattr(fn, "__name__"):
                raise ValueError(f"{fn!r} has no __name__: pass the name(s) to register it under.")
            names = (fn.__name__,)
        for name in names:
            if not isinstance(name, str) or not name:
                raise TypeError(f"{self.family} names must be non-empty strings, got {name!r}.")
            if name in self._objects and self._objects[name] is not fn:
                raise ValueError(f"The {self.family} name {name!r} is already registered.")
        if self._gradients.get(fn, grad) is not grad:
            raise ValueError(f"{fn!r} is already registered with another derivative.")
        self.add(fn, *names)
        self._gradients[fn] = grad
        return fn

    def derivative_of(self, fn: Callable[..., Any], *names: str) -> Callable[[_F], _F]:
        """Decorator for a built-in derivative: registers ``fn`` with it under ``names``."""

        def decorate(grad):
            self.add_with_gradient(fn, grad, *names)
            return grad

        return decorate

    def gradient_of(self, fn: Any) -> Callable[..., Any] | None:
        """The registered derivative of ``fn`` (a function or a name), or None."""
        if isinstance(fn, str):
            fn = self.lookup(fn)
        try:
            return self._gradients.get(fn)
        except TypeError:  # unhashable
            return None

    def get(self, identifier: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
        """Keras's ``get`` for the family: None stays None; a name or a config is deserialized;
        a class becomes a fresh instance; any other callable is returned as it is."""
        if identifier is None:
            return None
        obj = identifier
        if isinstance(identifier, (str, dict)):
            obj = self.deserialize(identifier, custom_objects)
        if inspect.isclass(obj):
            obj = obj()
        if callable(obj):
            return obj
        raise ValueError(
            f"Could not interpret {self.family} identifier: {identifier!r}. Expected a name, a "
            "serialized config (dict) or a callable."
        )

    def names(self) -> list[str]:
        """All registered names and aliases, sorted."""
        return sorted(self._objects)

    def __contains__(self, name: object) -> bool:
        return name in self._objects

    def lookup(self, name: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
        """The object registered as ``name``; ``custom_objects`` (a dict) is consulted first.

        Raises:
            UnknownIdentifierError: no such name, with the closest known name suggested.
        """
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        if isinstance(name, str) and name in self._objects:
            return self._objects[name]
        choices = self.names() + list(custom_objects or ())
        raise UnknownIdentifierError(
            f"Unknown {self.family}: {name!r}.{did_you_mean(name, choices)}"
            f" Known {self.family} names: {', '.join(self.names())}."
        )

    def name_of(self, obj: object) -> str | None:
        """The canonical name of a registered object, or None."""
        return self._canonical.get(id(obj))

    # Any: a str (a registered function's name) or a dict (an object with get_config); each
    # family's serialize says which it gives.
    def serialize(self, obj: Any) -> Any:
        """A JSON-ready description of ``obj`` in Keras's format."""
        name = self.name_of(obj)
        if name is not None and not inspect.isclass(obj) and not hasattr(obj, "get_config"):
            return name
        if hasattr(obj, "get_config"):
            return {
                "module": self.module,
                "class_name": type(obj).__name__,
                "config": obj.get_config(),
                "registered_name": None,
            }
        raise ValueError(
            f"Cannot serialize {obj!r}: it is not a registered {self.family} and has no "
            "get_config(). Register it, or pass it through custom_objects when loading."
        )

    def deserialize(self, config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
        """Rebuild an object from ``serialize``'s output (or Keras's, version 2 or 3).

        A string gives the registered object itself; a dict gives ``cls.from_config(config)``
        of the registered class named by ``class_name``.
        """
        if isinstance(config, str):
            return self.lookup(config, custom_objects)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(
                f"Could not interpret {self.family} config: expected a name or a dict with "
                f"'class_name' and 'config', got {config!r}."
            )
        class_name = config["class_name"]
        inner = config.get("config", {})
        if class_name == "function":  # Keras 3's form for plain functions
            return self.lookup(
                inner if isinstance(inner, str) else config.get("registered_name"), custom_objects
            )
        cls = self.lookup(class_name, custom_objects)
        if not inspect.isclass(cls):
            return cls
        if inner is None:
            inner = {}
        if not isinstance(inner, dict):
            raise ValueError(f"The config of {self.family} {class_name!r} must be a dict.")
        return cls.from_config(inner) if hasattr(cls, "from_config") else cls(**inner)
