"""``plot_history``: the loss and each metric per epoch, training and validation together."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from neuronet.utils.plotting import new_figure, save_figure

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    from matplotlib.figure import Figure

    from neuronet.callbacks.history import History

_TRAINING_COLOR = "tab:blue"
_VALIDATION_COLOR = "tab:orange"
# Up to this many epochs each value gets a marker; beyond, markers would hide the curve.
_MARKED_EPOCHS = 30


def plot_history(
    history: History | Mapping[str, Sequence[float]],
    path: str | os.PathLike[str] | None = None,
    *,
    dpi: float = 100,
) -> Figure:
    """Draw the loss and each metric per epoch, training and validation on the same axes.

    One subplot per quantity (``loss``, ``accuracy``, ...), three to a row. A ``val_*`` entry
    is drawn, dashed, on its quantity's axes; one without a training entry gets axes of its
    own. Validation run every k-th epoch (``fit(validation_freq=k)``) is drawn at epochs k,
    2k, ...

    Args:
        history: the ``History`` that ``fit`` returns, or its ``.history`` dict
            (name -> one value per epoch).
        path: where to save the picture (PNG unless the extension names another format);
            None saves nothing.
        dpi: pixels per inch; each subplot is 4.5 x 3.5 inches.

    Returns:
        The ``matplotlib.figure.Figure``.

    >>> history = model.fit(x, y, epochs=20, validation_split=0.25, verbose=0)  # doctest: +SKIP
    >>> plot_history(history, "history.png")  # doctest: +SKIP
    <Figure size 900x350 with 2 Axes>
    """
    logs = _as_logs(history)
    quantities = _quantities(logs)
    columns = min(len(quantities), 3)
    rows = math.ceil(len(quantities) / columns)
    figure = new_figure("plot_history", (4.5 * columns, 3.5 * rows), dpi)
    figure.set_layout_engine("constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    epochs_run = max(len(values) for values in logs.values())
    for ax, quantity in zip(axes, quantities):
        _draw_quantity(ax, quantity, logs, epochs_run)
    for ax in axes[len(quantities) :]:
        ax.set_visible(False)  # the unused cells of the last row
    if path is not None:
        save_figure(figure, path)
    return figure


def _as_logs(history):
    """The name -> float array dict of a History or of its ``.history`` dict."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            "plot_history takes the History that fit returns or its .history dict, "
            f"got {type(history).__name__}."
        )
    arrays = {}
    for name, values in logs.items():
        try:
            array = np.asarray(values, dtype="float64")
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"History entry '{name}' must be a list of numbers, one per epoch: {error}"
            ) from None
        if array.ndim != 1:
            raise ValueError(
                f"History entry '{name}' must be a list of numbers, one per epoch; "
                f"got an array of shape {array.shape}."
            )
        if len(array):
            arrays[str(name)] = array
    if not arrays:
        raise ValueError("The history has no values to plot: fit has not completed an epoch.")
    return arrays


def _quantities(logs):
    """Each quantity once, in the order of the logs: ``loss, accuracy`` for Keras's logs."""
    names = [name for name in logs if not name.startswith("val_")]
    names += [name[4:] for name in logs if name.startswith("val_") and name[4:] not in logs]
    return names


def _draw_quantity(ax, quantity, logs, epochs_run):
    for name, label, color, style in (
        (quantity, "training", _TRAINING_COLOR, "-"),
        (f"val_{quantity}", "validation", _VALIDATION_COLOR, "--"),
    ):
        if name not in logs:
            continue
        values = logs[name]
        epochs = _epochs(len(values), epochs_run)
        marker = "o" if len(values) <= _MARKED_EPOCHS else None
        ax.plot(epochs, values, style, color=color, marker=marker, markersize=4, label=label)
    ax.set_title(quantity)
    ax.set_xlabel("epoch")
    ax.set_ylabel(quantity)
    ax.grid(True, alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()


def _epochs(count, epochs_run):
    """The 1-based epochs of ``count`` values out of ``epochs_run`` epochs.

    Validation every k-th epoch gives ``epochs_run // k`` values, at epochs k, 2k, ...; any
    other count is taken as one value per epoch from the first.
    """
    every = epochs_run // count
    if count < epochs_run and epochs_run // every == count:
        return np.arange(1, count + 1) * every
    return np.arange(1, count + 1)
