"""Telling model files apart by their content, and loading them through ``neuronet.saving``.

The command line accepts five kinds of file, whatever their names:

- a Keras 3 ``.keras`` archive (a zip) and a Keras 2 full-model ``.h5`` (HDF5 with a
  ``model_config`` attribute): architecture, weights and compile settings;
- an architecture JSON file (``to_json`` of Keras 2 or 3): architecture only;
- a weights file, Keras 2 layout (``layer_names``) or Keras 3 layout (``layers/...``):
  weights only.

Every refusal becomes a ``CommandError`` whose message starts with the file's path. The checks
and the error translation for the files the commands write (``check_target``, ``writing``) are
here too.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import TYPE_CHECKING, Any

from neuronet.errors import FileFormatError
from neuronet.saving import load_model, load_weights, model_from_json
from neuronet.saving.model_files import compile_from_config

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    import h5py

    from neuronet.models.sequential import Sequential

ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
# Architecture files are a few kilobytes; a bigger "JSON" file is refused before it is read
# whole, so that a wrong argument cannot fill the memory.
MAX_JSON_BYTES = 64 * 1024 * 1024

KERAS_ARCHIVE = "keras archive"
KERAS2_MODEL = "keras2 model"
ARCHITECTURE = "architecture"
WEIGHTS_KERAS2 = "keras2 weights"
WEIGHTS_KERAS3 = "keras3 weights"

FULL_MODELS = (KERAS_ARCHIVE, KERAS2_MODEL)
WEIGHTS = (WEIGHTS_KERAS2, WEIGHTS_KERAS3)

DESCRIPTIONS = {
    KERAS_ARCHIVE: "Keras 3 .keras archive (architecture, weights, compile settings)",
    KERAS2_MODEL: "Keras 2 full-model HDF5 (architecture, weights, compile settings)",
    WEIGHTS_KERAS2: "Keras 2 weights HDF5, save_weights layout (weights only, no architecture)",
    WEIGHTS_KERAS3: "Keras 3 weights HDF5, .weights.h5 layout (weights only, no architecture)",
}

# What a loader raises for a file it cannot use. ValueError covers FileFormatError and the
# registry's refusals (unknown layer or argument names); OSError a missing or unreadable file;
# RecursionError a JSON document nested too deep for the parser.
BAD_FILE_ERRORS = (FileFormatError, OSError, ValueError, TypeError, KeyError, RecursionError)


class CommandError(Exception):
    """A failure that the command line reports as one line; ``status`` is the exit status.

    Status 2 means bad input or usage (a file that cannot be used, a wrong argument); status 1
    any other failure (a file that cannot be written, an unexpected error).
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def file_message(path: str, error: BaseException) -> str:
    """``"PATH: what is wrong"`` on one line, without repeating a path the message starts with."""
    text = " ".join(str(error).split()) or type(error).__name__
    if text.startswith((f"{path}:", f"{path}/")):
        return text
    if text.startswith("<json string>"):  # model_from_json names its input this way
        return f"{path}{text[len('<json string>') :]}"
    if isinstance(error, OSError) and error.strerror:  # "[Errno 2] ...: 'path'" -> the reason
        return f"{path}: cannot be read ({error.strerror})."
    return f"{path}: {text}"


@contextlib.contextmanager
def reading(path: str) -> Iterator[None]:
    """Turn a loader's refusal of ``path`` into a ``CommandError`` (status 2) naming it."""
    try:
        yield
    except CommandError:
        raise
    except BAD_FILE_ERRORS as error:
        raise CommandError(file_message(path, error), 2) from None


def h5py_module() -> ModuleType:
    """h5py, or a CommandError saying how to install it."""
    try:
        import h5py
    except ImportError:
        raise CommandError(
            "reading and writing HDF5 files needs h5py: pip install 'neuronet[h5]'", 1
        ) from None
    return h5py


def hard_member(group: h5py.Group, name: str, path: str) -> h5py.Group | h5py.Dataset | None:
    """``group[name]`` if it is stored in the file itself; None if absent.

    Soft and external links are refused without being followed: an external link would open
    another file on this machine.
    """
    h5py = h5py_module()
    link = group.get(name, getlink=True)
    if link is None:
        return None
    if not isinstance(link, h5py.HardLink):
        where = f"{group.name.rstrip('/')}/{name}"
        raise FileFormatError(
            f"{path}: {where} is a link ({type(link).__name__}); links are refused."
        )
    return group[name]


def detect_kind(path: str) -> str:
    """Which of the five kinds ``path`` is, from its first bytes and (for HDF5) its layout."""
    with reading(path):
        with open(path, "rb") as handle:
            head = handle.read(len(HDF5_MAGIC))
    if head.startswith(ZIP_MAGIC):
        return KERAS_ARCHIVE
    if head.startswith(HDF5_MAGIC):
        return _hdf5_kind(path)
    return ARCHITECTURE


def _hdf5_kind(path):
    h5py = h5py_module()
    with reading(path), h5py.File(path, "r") as file:
        if "model_config" in file.attrs:
            return KERAS2_MODEL
        if weights_group(file, path) is not None:
            return WEIGHTS_KERAS2
        if isinstance(hard_member(file, "layers", path), h5py.Group):
            return WEIGHTS_KERAS3
    raise CommandError(
        f"{path}: an HDF5 file holding neither a Keras model (model_config) nor Keras weights "
        "(layer_names or layers/).",
        2,
    )


def weights_group(file: h5py.File, path: str) -> h5py.Group | None:
    """The group with Keras 2's ``layer_names``: the root, or ``model_weights``; else None."""
    for group in (file, hard_member(file, "model_weights", path)):
        # Keras 2 splits a list too long for one attribute into layer_names0, layer_names1...
        if group is not None and ("layer_names" in group.attrs or "layer_names0" in group.attrs):
            return group
    return None


def read_architecture(path: str, compile: bool = False) -> tuple[Sequential, Any]:
    """``(model, description)`` from an architecture JSON file (Keras 2 or 3).

    With ``compile=True`` the model is compiled with the settings the file records, if any
    (``to_json`` of a compiled Keras 3 or neuronet model records them).
    """
    with reading(path):
        with open(path, "rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise FileFormatError(
                f"{path}: larger than {MAX_JSON_BYTES} bytes, so not an architecture JSON file."
            )
        try:
            text = raw.decode("utf-8")
            description = json.loads(text)
        except ValueError as error:  # UnicodeDecodeError is a ValueError too
            raise FileFormatError(
                f"{path}: not a .keras archive, an HDF5 file or a JSON architecture ({error})."
            ) from None
        except RecursionError:
            raise FileFormatError(f"{path}: JSON nested too deeply to be a model.") from None
        model = model_from_json(text)
        compile_config = (
            description.get("compile_config") if isinstance(description, dict) else None
        )
        if compile and isinstance(compile_config, dict):
            compile_from_config(model, compile_config)
    return model, description


def json_form(description: object) -> str:
    """``"Keras 3"`` or ``"Keras 2"``: which ``to_json`` wrote an architecture description."""
    if isinstance(description, dict):
        version = str(description.get("keras_version", ""))
        if "module" in description or version.startswith("3."):
            return "Keras 3"
    return "Keras 2"


def read_model(path: str, compile: bool = True) -> Sequential:
    """A model from a ``.keras`` archive or a Keras 2 full-model ``.h5``."""
    with reading(path):
        return load_model(path, compile=compile)


def read_weights(model: Sequential, path: str) -> None:
    """Load the weights in ``path`` (either layout) into ``model``; all or nothing."""
    with reading(path):
        load_weights(model, path)


def check_target(path: str, overwrite: bool) -> None:
    """Refuse, before any work, an output that exists or whose folder does not."""
    if os.path.isdir(path):
        raise CommandError(f"{path}: is a folder; name the file to write.")
    if os.path.lexists(path) and not overwrite:
        raise CommandError(f"{path}: exists; pass --overwrite to replace it.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CommandError(f"{path}: the folder {folder} does not exist.")


@contextlib.contextmanager
def writing(path: str) -> Iterator[None]:
    """Turn a failure to write ``path`` into a CommandError (status 1) naming it."""
    try:
        yield
    except CommandError:
        raise
    except OSError as error:
        reason = error.strerror or " ".join(str(error).split())
        raise CommandError(f"{path}: cannot be written ({reason}).", 1) from None
    except Exception as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise CommandError(f"{path}: cannot be written: {reason}", 1) from None
