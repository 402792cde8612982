"""Checks on model configs read from files, done on the parsed JSON before any object is built.

A config is data from a stranger. Before a layer is created it must pass:

- ``parse_json``: a size cap, a nesting cap checked on the text (``json.loads`` recurses, so
  deep nesting must be refused before it is parsed), no duplicate keys (two parsers reading the
  same file must not see two different models);
- ``check_json_tree``: the same caps on any parsed tree (configs may also come from HDF5
  attributes or from Python), finite numbers that fit 64 bits, and the rules that keep loading
  pure data parsing: no Lambda layers or bytecode, no flag that claims to switch off safety,
  every ``class_name`` one of neuronet's classes or the caller's ``custom_objects``, every
  ``module`` a Keras or neuronet module (never imported either way);
- ``check_model_description``: the Sequential structure and the types of the known fields of
  neuronet's layers, of the initializers that build their weights and of the compile settings
  (with the optimizer's arguments that its constructor uses);
- ``check_parameter_budget``: the weights the layers would create, totalled from
  ``Layer.weight_shapes`` before ``Sequential.add`` allocates anything.

Every refusal is a ``FileFormatError`` whose message starts with the file's name.
``loading_errors`` is the loaders' boundary: whatever deeper code raises while a file becomes a
model reaches the caller as a ``FileFormatError`` (the original chained as its cause).
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from neuronet.errors import (
    FileFormatError,
    UnknownIdentifierError,
    UnknownIdentifierInFileError,
)
from neuronet.saving.config_fields import (
    BUILD_FIELDS,
    COMMON_FIELDS,
    COMPILE_FIELDS,
    INITIALIZER_FIELDS,
    LAYER_FIELDS,
    MODEL_FIELDS,
    OPTIMIZER_FIELDS,
    REQUIRED_FIELDS,
    TRAINING_FIELDS,
    WEIGHT_RANKS,
    axes,
    optional,
    text,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from neuronet.layers.layer import Layer

MAX_JSON_CHARS = 16 * 2**20  # a 10,000-layer Keras config is about 10 MiB
MAX_DEPTH = 64  # Keras's own configs nest about 8 deep
MAX_CONTAINERS = 1_000_000  # objects and arrays in one config
MAX_STRING_LENGTH = 65_536
MAX_LIST_LENGTH = 100_000
MAX_OBJECT_KEYS = 1_000
MAX_LAYERS = 10_000
MAX_PARAMS = 2**30  # 4 GiB of float32 weights: default cap on a loaded model's parameters
_INT64 = 2**63

# Names by which Keras files have asked loaders to switch off their safety checks (Keras 3's
# ``safe_mode`` and the call behind CVE-2025-9906). neuronet has no unsafe mode to switch to.
_SAFETY_SWITCHES = frozenset(
    {"safe_mode", "safe_mode_saving", "enable_unsafe_deserialization", "unsafe_deserialization"}
)
# Classes whose config is Python code: Keras 2 marshals a Lambda's bytecode into the config
# (CVE-2024-3660), Keras 3 stores it as a "__lambda__" object.
_CODE_CLASSES = frozenset({"Lambda", "TFOpLambda", "SlicingOpLambda", "__lambda__"})
_MODULE_ROOTS = ("keras", "tf_keras", "neuronet")
_DATA_CLASSES = frozenset({"sequential", "dtypepolicy", "floatdtypepolicy"})
_CUSTOM_PREFIX = "Custom>"  # tf_keras writes optimizers as "Custom>Adam"


def refuse(source: str, message: str, where: str | None = None) -> FileFormatError:
    """The ``FileFormatError`` for ``source``, at config path ``where`` if given."""
    return FileFormatError(f"{source}: {where + ': ' if where else ''}{message}")


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


# --- the loaders' boundary ----------------------------------------------------------------------
def check_loader_arguments(custom_objects: object, max_params: object) -> None:
    """Caller mistakes are TypeError/ValueError, raised before any file is read."""
    if custom_objects is not None and not isinstance(custom_objects, Mapping):
        raise TypeError(
            f"custom_objects must be a dict of name -> class or function, got "
            f"{type(custom_objects).__name__}."
        )
    if isinstance(max_params, bool) or not isinstance(max_params, numbers.Integral):
        raise TypeError(f"max_params must be an integer, got {max_params!r}.")
    if max_params < 1:
        raise ValueError(f"max_params must be positive, got {max_params}.")


@contextlib.contextmanager
def loading_errors(source: str) -> Iterator[None]:
    """Turn any error raised while ``source`` becomes a model into a ``FileFormatError``.

    Deeper code raises what fits there (UnknownIdentifierError, ShapeError, TypeError,
    KeyError, RecursionError, zipfile.BadZipFile, OSError, ...); a caller loading a file only
    needs to know that the file cannot be loaded, and why. The original stays chained.
    """
    try:
        yield
    except (FileFormatError, ImportError):  # ImportError: h5py missing, not the file's fault
        raise
    except UnknownIdentifierError as error:
        raise UnknownIdentifierInFileError(f"{source}: {_message(error)}") from error
    except Exception as error:
        raise FileFormatError(
            f"{source}: cannot be loaded: {type(error).__name__}: {_message(error)}"
        ) from error


def _message(error, limit=500):
    """The error's message, cut short: registries quote whole configs, files can be huge."""
    text = str(error)
    return text if len(text) <= limit else f"{text[:limit]}... (message cut)"


# --- JSON text ----------------------------------------------------------------------------------
# A JSON string token; an unterminated one runs to the end of the text, so the scan stays
# linear whatever the input.
_STRING_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class _DuplicateKeyError(ValueError):
    pass


def _object_without_duplicates(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return obj


def parse_json(
    text: str | bytes | bytearray | memoryview, source: str, what: str = "the JSON"
) -> Any:
    """Parse ``text`` (str or UTF-8 bytes) after checking its size and nesting on the text."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        if len(text) > 4 * MAX_JSON_CHARS:
            raise refuse(source, f"{what} is larger than {MAX_JSON_CHARS} characters.")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise refuse(source, f"{what} is not UTF-8 text ({error}).") from error
    if not isinstance(text, str):
        raise refuse(
            source, f"{what} could not be parsed: expected text, got {type(text).__name__}."
        )
    if len(text) > MAX_JSON_CHARS:
        raise refuse(source, f"{what} is larger than {MAX_JSON_CHARS} characters.")
    _check_nesting(text, source, what)
    try:
        return json.loads(text, object_pairs_hook=_object_without_duplicates)
    except _DuplicateKeyError as error:
        raise refuse(
            source, f"{what} repeats the key {_short(error.args[0])} in one object."
        ) from error
    except (ValueError, RecursionError) as error:
        raise refuse(source, f"{what} could not be parsed: {_message(error)}") from error


def _check_nesting(text, source, what):
    """Count and nest the brackets outside strings, without recursion and in linear time."""
    skeleton = _STRING_TOKEN.sub("", text)
    if skeleton.count("[") + skeleton.count("{") > MAX_CONTAINERS:
        raise refuse(source, f"{what} holds more than {MAX_CONTAINERS} objects and arrays.")
    depth = 0
    for match in _BRACKET.finditer(skeleton):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise refuse(source, f"{what} is nested deeper than {MAX_DEPTH} levels.")
        else:
            depth -= 1


# --- any parsed tree ----------------------------------------------------------------------------
def _known_names():
    """Every name in neuronet's registries, lowercased (optimizers are found by any case)."""
    from neuronet import activations, initializers, losses, metrics, optimizers, regularizers
    from neuronet.layers import LAYERS
    from neuronet.optimizers import schedules

    registries = (
        LAYERS,
        activations.ACTIVATIONS,
        initializers.INITIALIZERS,
        regularizers.REGULARIZERS,
        losses.LOSSES,
        metrics.METRICS,
        optimizers.OPTIMIZERS,
        schedules.SCHEDULES,
    )
    return {name.lower() for registry in registries for name in registry.names()}


def _path(node):
    """``config.layers[1].config.units`` from a ``(key, parent)`` chain."""
    parts = []
    while node is not None:
        key, node = node
        parts.append(f"[{key}]" if isinstance(key, int) else f".{_short(key, 40)[1:-1]}")
    parts.reverse()
    if len(parts) > 12:  # deep paths (or a Python config that contains itself): ends only
        parts = parts[:4] + [f" ...({len(parts) - 8} more)... ", parts[-4].lstrip(".")] + parts[-3:]
    return "".join(parts).lstrip(".") or "top level"


def check_json_tree(
    tree: object, source: str, custom_objects: Mapping[str, Any] | None = None
) -> None:
    """Walk ``tree`` without recursion: sizes, depth, numbers, code and classes (see module)."""
    known = _known_names()
    custom = custom_objects or {}
    stack: list[tuple[object, tuple[str | int, Any] | None, int]] = [(tree, None, 1)]
    containers = 0
    while stack:
        value, node, depth = stack.pop()
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, str):
            if len(value) > MAX_STRING_LENGTH:
                raise refuse(source, f"a string of {len(value)} characters.", _path(node))
            continue
        if isinstance(value, numbers.Integral):
            if not -_INT64 <= int(value) < _INT64:
                raise refuse(source, "an integer beyond 64 bits.", _path(node))
            continue
        if isinstance(value, numbers.Real):
            if not math.isfinite(value):
                raise refuse(source, f"{value} where a number must be finite.", _path(node))
            continue
        containers += 1
        if containers > MAX_CONTAINERS:
            raise refuse(source, f"more than {MAX_CONTAINERS} objects and arrays.")
        if depth > MAX_DEPTH:
            raise refuse(source, f"nested deeper than {MAX_DEPTH} levels.", _path(node))
        if isinstance(value, dict):
            if len(value) > MAX_OBJECT_KEYS:
                raise refuse(source, f"an object with {len(value)} keys.", _path(node))
            for key, item in value.items():
                if not isinstance(key, str) or len(key) > MAX_STRING_LENGTH:
                    raise refuse(
                        source, f"the key {_short(key)} is not a short string.", _path(node)
                    )
                if key in _SAFETY_SWITCHES:
                    raise refuse(
                        source,
                        f"the file sets {key!r}; no flag inside a file can change how neuronet "
                        "loads it: loading never runs code.",
                        _path((key, node)),
                    )
                stack.append((item, (key, node), depth + 1))
            _check_object(value, source, node, custom, known)
        elif isinstance(value, (list, tuple)):
            if len(value) > MAX_LIST_LENGTH:
                raise refuse(source, f"a list of {len(value)} items.", _path(node))
            stack.extend((item, (i, node), depth + 1) for i, item in enumerate(value))
        else:
            raise refuse(source, f"a {type(value).__name__}, which is not JSON data.", _path(node))


def _check_object(obj, source, node, custom, known):
    """One JSON object: code payloads, its ``class_name`` and its ``module``."""
    where = _path(node)
    if "lambda" in (obj.get("function_type"), obj.get("output_shape_type")):
        raise refuse(source, _code_message("a marshalled Python function"), where)
    if "class_name" not in obj:
        return
    class_name = obj["class_name"]
    if not isinstance(class_name, str):
        raise refuse(source, f"class_name must be a string, got {_short(class_name)}.", where)
    if class_name == "__lambda__" or (class_name in _CODE_CLASSES and class_name not in custom):
        raise UnknownIdentifierInFileError(
            f"{source}: {where}: {_code_message(f'class {class_name!r}')}"
        )
    name = class_name
    if class_name == "function":  # Keras 3's form of a plain function
        inner = obj.get("config")
        name = inner if isinstance(inner, str) else obj.get("registered_name")
        if not isinstance(name, str):
            raise refuse(source, "a function without a name.", where)
        if name in _SAFETY_SWITCHES:
            raise refuse(source, f"the file calls {name!r}; loading never runs code.", where)
    elif name.startswith(_CUSTOM_PREFIX):
        name = name[len(_CUSTOM_PREFIX) :]
    if name in custom or class_name in custom:
        return  # the caller chose this class: its module key is ignored, never imported
    kind = "function" if class_name == "function" else "class"
    module = obj.get("module")
    if module is not None and not (
        isinstance(module, str) and module.split(".")[0] in _MODULE_ROOTS
    ):
        raise refuse(
            source,
            f"{kind} {name!r} is said to come from module {_short(module)}, which is neither "
            "Keras nor neuronet; neuronet never imports modules named in a file and builds "
            "only its own classes or those passed in custom_objects.",
            where,
        )
    if name.lower() not in known and name.lower() not in _DATA_CLASSES:
        raise UnknownIdentifierInFileError(
            f"{source}: {where}: unknown {kind} {name!r}: neither one of neuronet's nor in "
            "custom_objects (neuronet never imports classes named in a file)."
        )


def _code_message(what):
    return (
        f"{what} is Python code (Lambda layers carry bytecode or functions); neuronet never "
        "runs code from a file. Replace the Lambda by built-in layers, or rebuild the model in "
        "Python and load only its weights."
    )


def _check_fields(obj, fields, source, where, required=()):
    if not isinstance(obj, dict):
        raise refuse(source, f"must be an object, got {_short(obj)}.", where)
    for key in required:
        if key not in obj:
            raise refuse(source, f"{key!r} is missing.", where)
    for key, check in fields.items():
        if key in obj:
            problem = check(obj[key])
            if problem:
                raise refuse(source, f"{problem}, got {_short(obj[key])}.", f"{where}.{key}")


def layer_entries(config: object, source: str) -> list[Any]:
    """The list of layer entries of a Sequential config (Keras 3, Keras 2 or a bare list)."""
    layers = config if isinstance(config, list) else None
    if isinstance(config, dict):
        layers = config.get("layers")
    if not isinstance(layers, list):
        raise refuse(source, "a Sequential config must hold a list of 'layers'.")
    if len(layers) > MAX_LAYERS:
        raise refuse(source, f"{len(layers)} layers; more than {MAX_LAYERS} are refused.")
    return layers


def check_model_description(
    description: object, source: str, custom_objects: Mapping[str, Any] | None = None
) -> None:
    """Everything ``model_from_config`` needs from ``description``, checked before building."""
    if not isinstance(description, dict) or "class_name" not in description:
        raise refuse(source, "a model config must be an object with 'class_name' and 'config'.")
    class_name = description["class_name"]
    if class_name != "Sequential":
        raise refuse(
            source,
            f"model class {_short(class_name)} is not supported; neuronet loads Sequential models.",
        )
    check_json_tree(description, source, custom_objects)
    config = description.get("config")
    layers = layer_entries(config, source)
    if isinstance(config, dict):
        _check_fields(config, MODEL_FIELDS, source, "config")
    prefix = "config" if isinstance(config, list) else "config.layers"
    for index, entry in enumerate(layers):
        _check_layer(entry, source, f"{prefix}[{index}]", custom_objects or {})
    if description.get("build_config") is not None:
        _check_fields(description["build_config"], BUILD_FIELDS, source, "build_config")
    if description.get("compile_config") is not None:
        check_compile_config(description["compile_config"], source, custom_objects=custom_objects)


def _check_layer(entry, source, where, custom_objects):
    _check_fields(entry, {"class_name": text}, source, where, required=("class_name",))
    if entry.get("build_config") is not None:
        _check_fields(entry["build_config"], BUILD_FIELDS, source, f"{where}.build_config")
    config = entry.get("config")
    class_name = entry["class_name"]
    if class_name in custom_objects:  # the caller's class decides what its config means
        return
    if config is None:  # read as {} by the registry
        config = {}
    fields = {**COMMON_FIELDS, **LAYER_FIELDS.get(class_name, {})}
    required = REQUIRED_FIELDS.get(class_name, ())
    _check_fields(config, fields, source, f"{where}.config", required)
    for key, rank in WEIGHT_RANKS.get(class_name, {}).items():
        initializer = config.get(key)
        if _is_neuronet_object(initializer, custom_objects):
            axis_fields = dict.fromkeys(("input_axes", "output_axes"), optional(axes(rank)))
            fields = {**INITIALIZER_FIELDS, **axis_fields}
            _check_fields(initializer["config"], fields, source, f"{where}.config.{key}.config")


def _check_optimizer(optimizer, source, where, custom_objects):
    """An optimizer config object's arguments that its constructor uses at once (a class from
    ``custom_objects`` decides for itself)."""
    if _is_neuronet_object(optimizer, custom_objects):
        _check_fields(optimizer["config"], OPTIMIZER_FIELDS, source, f"{where}.config")


def _is_neuronet_object(obj, custom_objects):
    """A ``{"class_name", "config": {...}}`` object whose class is not the caller's."""
    if not (isinstance(obj, dict) and isinstance(obj.get("config"), dict)):
        return False
    name = obj.get("class_name")
    if isinstance(name, str) and name.startswith(_CUSTOM_PREFIX):
        name = name[len(_CUSTOM_PREFIX) :]
    return name not in (custom_objects or {})


def check_compile_config(
    config: Any,
    source: str,
    where: str = "compile_config",
    custom_objects: Mapping[str, Any] | None = None,
) -> None:
    """Keras 3's ``compile_config``: the types of its known fields (after ``check_json_tree``)."""
    _check_fields(config, COMPILE_FIELDS, source, where)
    _check_optimizer(config.get("optimizer"), source, f"{where}.optimizer", custom_objects)


def check_training_config(
    config: Any, source: str, custom_objects: Mapping[str, Any] | None = None
) -> None:
    """Keras 2's ``training_config`` attribute (a parsed tree) before the model is compiled."""
    check_json_tree(config, source, custom_objects)
    _check_fields(config, TRAINING_FIELDS, source, "training_config")
    _check_optimizer(
        config.get("optimizer_config"), source, "training_config.optimizer_config", custom_objects
    )


# --- what building would allocate ---------------------------------------------------------------
def check_parameter_budget(
    layers: Sequence[Layer],
    input_shape: Sequence[int | None] | None,
    source: str,
    max_params: int = MAX_PARAMS,
) -> None:
    """Refuse layers whose weights for ``input_shape`` would exceed ``max_params``.

    Uses ``Layer.weight_shapes``, so nothing is allocated; runs before ``Sequential.add``
    builds the first layer. Dropout's ``noise_shape`` is checked here too: it sizes the mask
    drawn in training, so it must broadcast against the input instead of being any size.
    """
    from neuronet.layers import Dropout

    if input_shape is None:
        return  # nothing is built while loading; a later build has the caller's data
    shape = tuple(input_shape)
    total = 0
    for layer in layers:
        for weight_shape in layer.weight_shapes(shape):
            if all(d is not None for d in weight_shape):  # else build refuses the shape
                total += math.prod(int(d) for d in weight_shape if d is not None)
        if total > max_params:
            raise refuse(
                source,
                f"the model would need more than {total:,} parameters by layer "
                f"'{layer.name}', beyond max_params={max_params:,}; nothing was allocated. "
                "Pass a larger max_params if the file is trusted.",
            )
        if isinstance(layer, Dropout) and layer.noise_shape is not None:
            _check_noise_shape(layer, shape, source)
        shape = tuple(layer.compute_output_shape(shape))


def _check_noise_shape(layer, input_shape, source):
    noise = layer.noise_shape
    fits = len(noise) == len(input_shape) and all(
        n is None or n == 1 or n == d for n, d in zip(noise, input_shape)
    )
    if not fits:
        raise refuse(
            source,
            f"Dropout '{layer.name}' has noise_shape {_short(list(noise))}, which does not "
            f"broadcast against its input {_short(list(input_shape))} (each size must be "
            "null, 1 or the input's).",
        )
