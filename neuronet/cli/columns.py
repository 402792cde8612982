"""The columns file: what the CSV columns meant to a model that ``neuronet train`` made.

``train`` saves the model as a plain Keras file (standardisation folded into the weights, so it
takes the raw columns) and, beside it, a small JSON file with what the model file cannot hold:

    {"format": "neuronet.columns", "version": 1,
     "features": ["x1", "x2"], "target": "species", "task": "classification",
     "classes": ["setosa", "versicolor", "virginica"]}

Its name is the model's with the extension replaced: ``iris.keras`` -> ``iris.columns.json``,
so it still matches after ``neuronet convert iris.keras iris.h5``. ``predict`` reads it to turn
class numbers back into the labels of the training file (``--classes``) and to pick the
feature columns by name from a CSV file with a header.
"""

import json
import os

from neuronet.cli.files import CommandError, file_message, writing
from neuronet.saving.atomic import atomic_path

SUFFIX = ".columns.json"
FORMAT = "neuronet.columns"
VERSION = 1
TASKS = ("classification", "regression")
MODEL_SUFFIXES = (".weights.h5", ".keras", ".h5", ".hdf5", ".json")
# A columns file lists names: a few kilobytes. A bigger one is refused before it is read whole.
MAX_BYTES = 16 * 2**20


def path_for(model_path: str) -> str:
    """``iris.keras`` -> ``iris.columns.json`` (the same for ``.h5``, ``.hdf5``, ``.json``).

    >>> path_for("models/iris.keras")
    'models/iris.columns.json'
    """
    for suffix in MODEL_SUFFIXES:
        if model_path.endswith(suffix) and len(model_path) > len(suffix):
            return model_path[: -len(suffix)] + SUFFIX
    return model_path + SUFFIX


def describe(features: list[str], target: str, task: str, classes: list[str] | None) -> dict:
    """The columns file's content."""
    description = {
        "format": FORMAT,
        "version": VERSION,
        "features": list(features),
        "target": target,
        "task": task,
    }
    if classes is not None:
        description["classes"] = list(classes)
    return description


def write(path: str, description: dict) -> None:
    """Write ``description`` (from ``describe``) to ``path``, atomically."""
    with writing(path), atomic_path(path) as temporary:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(description, handle, indent=2, ensure_ascii=False)
            handle.write("\n")


def read(path: str, required: bool = False) -> dict | None:
    """The checked content of the columns file ``path``; None if it does not exist and is not
    ``required``.

    Raises:
        CommandError: the file cannot be read or is not a columns file (status 2).
    """
    if not required and not os.path.lexists(path):
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise CommandError(file_message(path, error)) from None
    if len(raw) > MAX_BYTES:
        raise CommandError(f"{path}: larger than {MAX_BYTES} bytes, so not a columns file.")
    try:
        description = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        raise CommandError(f"{path}: not JSON, so not a columns file.") from None
    problem = _problem(description)
    if problem:
        raise CommandError(f"{path}: not a columns file written by 'neuronet train': {problem}.")
    return description


def _problem(description):
    """What is wrong with a columns file's content, or None."""
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        return f'no "format": "{FORMAT}"'
    if description.get("version") != VERSION:
        return f"version {description.get('version')!r}, this neuronet reads version {VERSION}"
    if not _names(description.get("features")) or not description["features"]:
        return '"features" must be a list of column names'
    if not isinstance(description.get("target"), str):
        return '"target" must be a column name'
    if description.get("task") not in TASKS:
        return f'"task" must be one of {", ".join(TASKS)}'
    classes = description.get("classes")
    if description["task"] == "classification":
        if not _names(classes) or len(classes) < 2 or len(set(classes)) != len(classes):
            return '"classes" must list two or more different labels'
    elif classes is not None:
        return 'a regression has no "classes"'
    return None


def _names(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
