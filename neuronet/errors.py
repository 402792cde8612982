"""The exceptions neuronet raises, each a subclass of the built-in type Keras raises.

Catching ``ValueError`` (or ``TypeError`` for bad arguments) keeps working for code written
against Keras; catching these types lets a program tell the cases apart.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable


class UnknownIdentifierError(ValueError):
    """A name (activation, loss, optimizer, metric, ...) that no registry knows."""


class UnknownArgumentError(TypeError, ValueError):
    """A keyword argument that the class or function does not take."""


class ShapeError(ValueError):
    """Data whose shape does not fit the layer or model it is given to."""


class DataError(ValueError):
    """Training or evaluation data that cannot be used: empty, NaN, non-numeric, mismatched."""


class NotCompiledError(ValueError):
    """``fit``/``evaluate`` called before ``compile``."""


class NotBuiltError(ValueError):
    """An operation that needs the model's weights before the input shape is known."""


def did_you_mean(name: object, choices: Iterable[object]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    matches = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    if not matches:
        lowered = {str(c).lower(): str(c) for c in choices}
        if str(name).lower() in lowered:
            matches = [lowered[str(name).lower()]]
    return f" Did you mean '{matches[0]}'?" if matches else ""


def check_kwargs(owner: str, kwargs: Iterable[str], allowed: Collection[str]) -> None:
    """Raise UnknownArgumentError for any key of ``kwargs`` not in ``allowed``."""
    for key in kwargs:
        if key not in allowed:
            raise UnknownArgumentError(
                f"Unrecognized keyword argument '{key}' passed to {owner}."
                f"{did_you_mean(key, allowed)} Valid arguments: {', '.join(sorted(allowed))}."
            )


class FileFormatError(ValueError):
    """A model or weights file that cannot be loaded; the message names the file and why."""

    @classmethod
    def at(cls, source: object, where: object, problem: object) -> Self:
        """``"<file>: <object in the file>: <what is wrong>."``"""
        return cls(f"{source}: {where}: {problem}.")


class UnknownIdentifierInFileError(FileFormatError, UnknownIdentifierError):
    """A file names a class or function that neither neuronet nor ``custom_objects`` holds.

    A ``FileFormatError`` like every refusal of a file, and an ``UnknownIdentifierError``
    for code that catches the registries' error.
    """
