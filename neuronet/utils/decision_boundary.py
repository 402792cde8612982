"""``plot_decision_boundary``: what a model answers over the plane of a 2-D problem."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuronet.errors import DataError, ShapeError
from neuronet.utils.plotting import new_figure, require_matplotlib, save_figure

if TYPE_CHECKING:
    import os

    from matplotlib.figure import Figure

# The diverging map of a probability: class 0 blue, class 1 red, undecided (0.5) white.
_PROBABILITY_CMAP = "RdBu_r"
# More than this many distinct labels are read as a continuous target, not as classes.
_MAX_CLASSES = 10
# The grid extends past the data by this fraction of its range on each side.
_MARGIN = 0.2


def plot_decision_boundary(
    model: Any,
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    path: str | os.PathLike[str] | None = None,
    resolution: int = 200,
    *,
    dpi: float = 100,
) -> Figure:
    """Colour the plane by the model's answer and draw the samples on top.

    The model is evaluated on a ``resolution x resolution`` grid covering the samples (plus
    a margin). A single output in [0, 1] (sigmoid) is drawn as the probability of class 1,
    from blue (0) through white to red (1), with the 0.5 boundary as a black line; several
    outputs (softmax) as the region of each predicted class (the argmax); integer outputs
    as the regions of those labels; any other output as a continuous colour map. The samples
    are coloured by their label ``y`` (class indices, 0/1 labels or one-hot rows).

    Args:
        model: a trained model, or anything with ``predict(x)`` taking an ``(n, 2)`` array.
        x: the samples, shape ``(n, 2)``.
        y: their labels: shape ``(n,)``, ``(n, 1)`` or one-hot ``(n, classes)``.
        path: where to save the picture (PNG unless the extension names another format);
            None saves nothing.
        resolution: grid points along each axis (at least 2).
        dpi: pixels per inch of the 6 x 5 inch figure.

    Returns:
        The ``matplotlib.figure.Figure``.

    >>> model.fit(x_train, y_train, epochs=2000, verbose=0)  # doctest: +SKIP
    >>> plot_decision_boundary(model, x_train, y_train, "xor.png")  # doctest: +SKIP
    <Figure size 600x500 with 2 Axes>
    """
    require_matplotlib("plot_decision_boundary")  # before the model is asked anything
    x = _samples(x)
    labels = _labels(y, len(x))
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral):
        raise TypeError(f"resolution must be an integer, got {resolution!r}.")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2 grid points, got {resolution}.")

    axis_0, axis_1 = (_grid_axis(x[:, k], int(resolution)) for k in (0, 1))
    grid_0, grid_1 = np.meshgrid(axis_0, axis_1)
    grid = np.column_stack([grid_0.ravel(), grid_1.ravel()]).astype(x.dtype)
    outputs = np.asarray(model.predict(grid))
    if len(outputs) != len(grid):
        raise ValueError(f"model.predict returned {len(outputs)} rows for {len(grid)} grid points.")

    figure = new_figure("plot_decision_boundary", (6, 5), dpi)
    ax = figure.add_axes((0.12, 0.11, 0.68, 0.8))
    colorbar_ax = figure.add_axes((0.84, 0.11, 0.04, 0.8))
    class_colors = _draw_outputs(ax, colorbar_ax, grid_0, grid_1, outputs)
    _draw_samples(ax, x, labels, class_colors)
    ax.set_xlim(axis_0[0], axis_0[-1])
    ax.set_ylim(axis_1[0], axis_1[-1])
    ax.set_xlabel("x[:, 0]")
    ax.set_ylabel("x[:, 1]")
    name = getattr(model, "name", None)
    ax.set_title(f"Decision boundary of {name}" if isinstance(name, str) else "Decision boundary")
    if path is not None:
        save_figure(figure, path)
    return figure


def _samples(x: npt.ArrayLike) -> np.ndarray:
    try:
        x = np.asarray(x, dtype="float64")
    except (TypeError, ValueError) as error:
        raise DataError(f"x must be an array of numbers: {error}") from None
    if x.ndim != 2 or x.shape[1] != 2:
        raise ShapeError(
            "plot_decision_boundary draws problems with 2 input features: x must have shape "
            f"(n_samples, 2), got {x.shape}. For more features, plot two of them (or a 2-D "
            "projection) with a model trained on those."
        )
    if not len(x):
        raise DataError("x has no samples to plot.")
    if not np.isfinite(x).all():
        raise DataError("x contains NaN or infinity; the grid needs finite samples.")
    return x


def _labels(y, count):
    """One label per sample: the argmax of one-hot rows, else the values themselves."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    elif y.ndim == 2 or y.ndim == 0:
        y = y.reshape(-1)
    if y.ndim != 1 or len(y) != count:
        raise ShapeError(
            f"y must hold one label per sample ({count}): shape ({count},), ({count}, 1) "
            f"or one-hot ({count}, classes); got {np.shape(y)}."
        )
    return y


def _grid_axis(values, resolution):
    low, high = float(values.min()), float(values.max())
    margin = _MARGIN * (high - low) or 1.0  # all samples on one line: still a visible band
    return np.linspace(low - margin, high + margin, resolution)


def _draw_outputs(ax, colorbar_ax, grid_0, grid_1, outputs):
    """Fill the plane with the model's answer; return the colour of each class (or None)."""
    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm, ListedColormap

    shape = grid_0.shape
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        classes, count = outputs.argmax(axis=1), outputs.shape[1]
    elif outputs.dtype.kind in "biu":
        classes, count = outputs.reshape(-1).astype("int64"), None
    else:
        values = outputs.reshape(len(grid_0.ravel()), -1)
        if values.shape[1] != 1:
            raise ShapeError(f"Cannot draw model outputs of shape {outputs.shape}.")
        values = values[:, 0].astype("float64").reshape(shape)
        if np.nanmin(values) >= 0 and np.nanmax(values) <= 1:
            cmap = colormaps[_PROBABILITY_CMAP]
            # The plane in paler tones than the samples drawn on top in the same two colours.
            pale = ListedColormap(cmap(np.linspace(0.18, 0.82, 256)))
            levels = np.linspace(0, 1, 21)
            filled = ax.contourf(grid_0, grid_1, values, levels=levels, cmap=pale)
            if np.nanmin(values) < 0.5 < np.nanmax(values):
                ax.contour(grid_0, grid_1, values, levels=[0.5], colors="black", linewidths=1.5)
            ax.figure.colorbar(filled, cax=colorbar_ax, label="P(class 1)")
            return [cmap(0.0), cmap(1.0)]
        filled = ax.contourf(grid_0, grid_1, values, levels=20, cmap="viridis")
        ax.figure.colorbar(filled, cax=colorbar_ax, label="model output")
        return None

    # Discrete answers: one flat region per class, coloured as its samples.
    count = count or int(classes.max()) + 1
    if classes.min() < 0 or count > _MAX_CLASSES:
        raise ValueError(
            f"plot_decision_boundary colours up to {_MAX_CLASSES} classes numbered from 0; "
            f"the model predicted labels from {classes.min()} to {classes.max()}."
        )
    colors = [colormaps["tab10"](k) for k in range(count)]
    cmap, norm = ListedColormap(colors), BoundaryNorm(np.arange(count + 1) - 0.5, count)
    filled = ax.contourf(
        grid_0, grid_1, classes.reshape(shape), levels=norm.boundaries, cmap=cmap, alpha=0.4
    )
    colorbar = ax.figure.colorbar(filled, cax=colorbar_ax, label="predicted class")
    colorbar.set_ticks(range(count))
    return colors


def _draw_samples(ax, x, labels, class_colors):
    values = np.unique(labels)
    numeric = labels.dtype.kind in "biuf"
    if numeric and len(values) > _MAX_CLASSES:  # a continuous target: colour by value
        ax.scatter(x[:, 0], x[:, 1], c=labels, cmap="viridis", edgecolors="black", zorder=3)
        return
    for index, value in enumerate(values):
        # A class's colour follows its number (0, 1, ...) when the labels are such numbers.
        position = int(value) if numeric and float(value).is_integer() else index
        palette = class_colors if class_colors and 0 <= position < len(class_colors) else None
        color = palette[position] if palette else _fallback_color(position)
        chosen = labels == value
        ax.scatter(
            x[chosen, 0],
            x[chosen, 1],
            color=color,
            edgecolors="black",
            linewidths=1,
            s=60,
            zorder=3,
            label=f"class {_label_text(value)}",
        )
    ax.legend(loc="upper right", framealpha=0.9)


def _label_text(value):
    """``1.0`` -> ``'1'``: labels stored as floats read as the class numbers they are."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fallback_color(position):
    from matplotlib import colormaps

    return colormaps["tab10"](position % 10)
