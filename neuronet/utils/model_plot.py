"""``plot_model``: the layer graph of a model, drawn with matplotlib alone.

Keras's ``plot_model`` writes a graphviz ``dot`` file and needs pydot and the graphviz
programs to render it. A Sequential model's graph is a chain, so a column of boxes joined by
arrows says everything, and matplotlib can lay that out by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neuronet import activations
from neuronet.errors import NotBuiltError
from neuronet.layers.layer import format_shape
from neuronet.utils.plotting import new_figure, save_figure

if TYPE_CHECKING:
    import os

    from matplotlib.figure import Figure

_FONT_SIZE = 10  # points
_CHAR_WIDTH = 0.62 * _FONT_SIZE / 72  # inches: a generous mean width of a DejaVu Sans glyph
_LINE_HEIGHT = 1.55 * _FONT_SIZE / 72  # inches
_PADDING = 0.14  # inches inside a box, around its text
_GAP = 0.4  # inches between boxes: room for the arrow
_MARGIN = 0.25  # inches around the drawing
_MIN_BOX_WIDTH = 2.2  # inches
# A light fill per layer family, so the kinds of layers stand apart at a glance.
_FILL = {
    "InputLayer": "#e3e3e3",
    "Dense": "#cfe2f3",
    "Activation": "#fde9c9",
    "Dropout": "#d9ead3",
    "Flatten": "#ead1dc",
    "Reshape": "#ead1dc",
}
_OTHER_FILL = "#e4dcf5"


def plot_model(
    model: Any,
    path: str | os.PathLike[str] | None = None,
    show_shapes: bool = True,
    show_params: bool = True,
    *,
    to_file: str | os.PathLike[str] | None = None,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: float = 100,
) -> Figure:
    """Draw the model's layers as boxes joined by arrows, from the input to the output.

    Each box holds the layer's name and class, and (as asked) its output shape, parameter
    count, dtype, activation and whether it is trainable; the first box is the model's
    InputLayer. Keras's keyword arguments are accepted, so ``plot_model(model,
    to_file="model.png", show_shapes=True)`` works as written for Keras; the defaults differ
    where the point is the picture (shapes and counts shown, 100 dpi instead of 200).

    Args:
        model: a built Sequential model (built by ``build``, ``fit``, an ``Input`` or the
            first layer's ``input_dim``/``input_shape``).
        path: where to save the picture (PNG unless the extension names another format);
            None saves nothing. ``to_file`` is Keras's name for it.
        show_shapes: write each layer's output shape.
        show_params: write each layer's parameter count, and the model's total.
        show_dtype: write each layer's dtype.
        show_layer_names: write each layer's name before its class.
        show_layer_activations: write the activation of layers that have one.
        show_trainable: write whether each layer is trainable.
        rankdir: ``"TB"`` draws top to bottom, ``"LR"`` left to right.
        expand_nested: accepted for Keras compatibility; a Sequential model holds no nested
            models to expand.
        dpi: pixels per inch.

    Returns:
        The ``matplotlib.figure.Figure``.

    >>> model = Sequential([Input((2,)), Dense(10, activation="tanh"), Dense(1)])
    >>> plot_model(model, "model.png")  # doctest: +SKIP
    <Figure size 285x473 with 1 Axes>
    """
    if path is not None and to_file is not None:
        raise ValueError("Give the file as path or as to_file (Keras's name), not both.")
    path = to_file if path is None else path
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' (top to bottom) or 'LR', got {rankdir!r}.")
    del expand_nested  # nothing nested in a Sequential model
    options = {
        "show_shapes": show_shapes,
        "show_params": show_params,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "show_layer_activations": show_layer_activations,
        "show_trainable": show_trainable,
    }
    boxes = [_box_lines(entry, options) for entry in _entries(model)]
    title = f'Model: "{model.name}"'
    footer = f"Total params: {model.count_params():,}" if show_params else None
    figure = _draw(boxes, title, footer, rankdir == "LR", dpi)
    if path is not None:
        save_figure(figure, path)
    return figure


def _entries(model):
    """(name, class name, output shape, params, dtype, activation, trainable) per box."""
    if not getattr(model, "built", False) or not hasattr(model, "layers"):
        raise NotBuiltError(
            f"plot_model needs a built model with layers; '{getattr(model, 'name', model)}' "
            "is not built yet. Build it with build(input_shape), by fitting it, or by giving "
            "it an Input or the first layer input_dim/input_shape."
        )
    declared = getattr(model, "_input_layer", None)  # None when built by build(input_shape)
    entries = [
        (
            getattr(declared, "name", "input_layer"),
            "InputLayer",
            tuple(model.input_shape),
            0,
            getattr(declared, "dtype", None) or model.compute_dtype,
            None,
            None,
        )
    ]
    for layer in model.layers:
        function = getattr(layer, "activation", None)
        activation = None
        if callable(function):
            activation = activations.name_of(function) or getattr(function, "__name__", None)
        entries.append(
            (
                layer.name,
                type(layer).__name__,
                tuple(layer.output_shape),
                layer.count_params(),
                layer.dtype,
                activation,
                layer.trainable,
            )
        )
    return entries


def _box_lines(entry, options):
    """The class (bold) line of a box, its detail lines and its fill colour."""
    name, class_name, shape, params, dtype, activation, trainable = entry
    header = f"{name} ({class_name})" if options["show_layer_names"] else class_name
    details = []
    if options["show_shapes"]:
        details.append(f"Output shape: {format_shape(shape)}")
    if options["show_dtype"]:
        details.append(f"dtype: {dtype}")
    if options["show_layer_activations"] and activation:
        details.append(f"Activation: {activation}")
    if options["show_params"]:
        details.append(f"Params: {params:,}")
    if options["show_trainable"] and trainable is not None:
        details.append(f"Trainable: {'yes' if trainable else 'no'}")
    return header, details, _FILL.get(class_name, _OTHER_FILL)


def _draw(boxes, title, footer, left_to_right, dpi):
    """Lay the boxes out in a column (or a row) with arrows between them, sizes in inches."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    longest = max(len(line) for header, details, _ in boxes for line in [header, *details])
    width = max(_MIN_BOX_WIDTH, longest * _CHAR_WIDTH + 2 * _PADDING)
    heights = [(1 + len(details)) * _LINE_HEIGHT + 2 * _PADDING for _, details, _ in boxes]
    tallest = max(heights)
    extra_lines = 1 + (footer is not None)  # the title above the boxes, the total below
    if left_to_right:
        size = (
            2 * _MARGIN + len(boxes) * width + (len(boxes) - 1) * _GAP,
            2 * _MARGIN + tallest + extra_lines * _LINE_HEIGHT * 1.5,
        )
        corners = [
            (_MARGIN + k * (width + _GAP), _MARGIN + 1.5 * _LINE_HEIGHT) for k in range(len(boxes))
        ]
    else:
        size = (
            2 * _MARGIN + width,
            2 * _MARGIN + sum(heights) + (len(boxes) - 1) * _GAP + extra_lines * _LINE_HEIGHT * 1.5,
        )
        tops = [
            _MARGIN + 1.5 * _LINE_HEIGHT + sum(heights[:k]) + k * _GAP for k in range(len(boxes))
        ]
        corners = [(_MARGIN, top) for top in tops]

    figure = new_figure("plot_model", size, dpi)
    ax = figure.add_axes((0, 0, 1, 1))
    # Data coordinates are inches from the top left corner, so sizes above are drawn as is.
    full_width, full_height = figure.get_size_inches()
    ax.set_xlim(0, full_width)
    ax.set_ylim(full_height, 0)
    ax.set_axis_off()
    text = {"ha": "center", "va": "top", "fontsize": _FONT_SIZE}
    ax.text(full_width / 2, _MARGIN, title, fontstyle="italic", **text)
    for (header, details, fill), (left, top), height in zip(boxes, corners, heights):
        if left_to_right:
            height = tallest
        ax.add_patch(
            FancyBboxPatch(
                (left, top),
                width,
                height,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=fill,
                edgecolor="#555555",
                linewidth=1.2,
            )
        )
        center = left + width / 2
        ax.text(center, top + _PADDING, header, fontweight="bold", **text)
        for k, line in enumerate(details, start=1):
            ax.text(center, top + _PADDING + k * _LINE_HEIGHT, line, **text)
    for k in range(len(boxes) - 1):
        (left, top), (next_left, next_top) = corners[k], corners[k + 1]
        if left_to_right:
            start, end = (left + width, top + tallest / 2), (next_left, next_top + tallest / 2)
        else:
            start, end = (left + width / 2, top + heights[k]), (next_left + width / 2, next_top)
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=12,
                color="#444444",
                linewidth=1.3,
                shrinkA=0,
                shrinkB=0,
            )
        )
    if footer is not None:
        ax.text(full_width / 2, full_height - _MARGIN - _LINE_HEIGHT, footer, **text)
    return figure
