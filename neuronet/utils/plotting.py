"""What the plotting functions share: matplotlib on demand, standalone figures, saving.

matplotlib is the optional extra ``plot`` (``pip install 'neuronet[plot]'``). It is imported
here, when a picture is drawn, never by ``import neuronet``.

Figures are ``matplotlib.figure.Figure`` objects drawn by the Agg renderer, not pyplot figures:
they open no window and join no global figure list, so drawing works on a machine without a
display, whatever backend pyplot would have chosen, and a loop that draws many figures never
accumulates them. Show one in a notebook by making it the cell's value (after
``%matplotlib inline``), or save it with ``path=`` or ``figure.savefig``.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOT_EXTRA = "pip install 'neuronet[plot]'"


def require_matplotlib(what: str = "plotting") -> None:
    """Import matplotlib, or raise an ImportError that says how to install it.

    Args:
        what: the feature that needs matplotlib, for the message.

    >>> require_matplotlib("plot_history")  # silent when matplotlib is installed
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{what} needs matplotlib, which is not installed: {PLOT_EXTRA}"
        ) from error


def new_figure(what: str, figsize: tuple[float, float], dpi: float) -> Figure:
    """A standalone Figure rendered by Agg, sized to whole pixels.

    Args:
        what: the calling function's name, for the message when matplotlib is missing.
        figsize: (width, height) in inches.
        dpi: pixels per inch.

    Returns:
        A ``matplotlib.figure.Figure`` whose PNG is exactly ``figsize * dpi`` pixels (each
        side rounded up to a whole pixel).
    """
    require_matplotlib(what)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = _positive_number(dpi, "dpi")
    # A size of a fraction of a pixel would be cut off differently by each output format.
    width, height = (math.ceil(_positive_number(side, "figsize") * dpi) / dpi for side in figsize)
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)  # attaches itself: rendering by Agg, never by a GUI backend
    return figure


def save_figure(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Write ``figure`` to ``path``: PNG, or the format the file's extension names.

    The picture is written to a temporary file beside ``path`` and renamed into place, like
    every file neuronet saves, so an interrupted save leaves the old picture whole.

    Args:
        figure: a Figure from ``new_figure``.
        path: a file path (str or ``os.PathLike``); ``.png``, ``.svg``, ``.pdf``, ... or no
            extension (PNG).
    """
    from neuronet.saving.atomic import atomic_path

    path = os.fspath(path)
    extension = os.path.splitext(path)[1].lstrip(".").lower()
    image_format = extension or "png"
    formats = figure.canvas.get_supported_filetypes()
    if image_format not in formats:
        raise ValueError(
            f"Cannot save a picture as '.{image_format}' ({path}); use one of: "
            f"{', '.join('.' + name for name in sorted(formats))}."
        )
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format=image_format, dpi=figure.dpi)


def _positive_number(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return float(value)
