"""``model.summary()``: the Keras 2 table of layers, output shapes and parameter counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from neuronet.layers.layer import format_shape

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.models.sequential import Sequential


def readable_size(num_bytes: float) -> str:
    """``164`` -> ``'164.00 Byte'``, ``2048`` -> ``'2.00 KB'`` (Keras 2's units, base 1024)."""
    for unit in ("Byte", "KB", "MB", "GB", "TB"):
        if num_bytes < 1024:
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} PB"


def _wrap_row(fields, positions):
    """The lines of one table row; a field too long for its column continues below."""
    starts = [0] + positions[:-1]
    widths = [
        end - start - (2 if i < len(positions) - 1 else 0)
        for i, (start, end) in enumerate(zip(starts, positions))
    ]
    widths[0] -= 1  # every row starts with one space
    remaining = [str(f) for f in fields]
    lines = []
    while any(remaining) or not lines:
        line = " "
        for i, end in enumerate(positions):
            piece, remaining[i] = remaining[i][: widths[i]], remaining[i][widths[i] :]
            line += piece
            line += " " * (end - len(line))
        lines.append(line)
    return lines


def summary_lines(
    model: Sequential,
    line_length: int | None = None,
    positions: Sequence[float] | None = None,
    show_trainable: bool = False,
) -> list[str]:
    """The lines ``summary`` prints, as a list of strings."""
    line_length = line_length or 65
    fractions = positions or [0.45, 0.85, 1.0]
    header = ["Layer (type)", "Output Shape", "Param #"]
    if show_trainable:
        fractions = positions or [0.4, 0.7, 0.85, 1.0]
        line_length = max(line_length, 75)
        header.append("Trainable")
    if fractions[-1] <= 1:
        fractions = [int(line_length * p) for p in fractions]
    columns = list(fractions)

    lines = [f'Model: "{model.name}"', "_" * line_length]
    lines += _wrap_row(header, columns)
    lines.append("=" * line_length)
    for layer in model.layers:
        row = [
            f"{layer.name} ({type(layer).__name__})",
            format_shape(layer.output_shape or ()),  # set: the model is built
            layer.count_params(),
        ]
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        lines += _wrap_row(row, columns)
        lines.append(" " * line_length)
    lines.append("=" * line_length)

    trainable = sum(w.size for w in model.trainable_weights)
    non_trainable = sum(w.size for w in model.non_trainable_weights)
    trainable_bytes = sum(w.size * np.dtype(w.dtype).itemsize for w in model.trainable_weights)
    frozen_bytes = sum(w.size * np.dtype(w.dtype).itemsize for w in model.non_trainable_weights)
    lines.append(
        f"Total params: {trainable + non_trainable} "
        f"({readable_size(trainable_bytes + frozen_bytes)})"
    )
    lines.append(f"Trainable params: {trainable} ({readable_size(trainable_bytes)})")
    lines.append(f"Non-trainable params: {non_trainable} ({readable_size(frozen_bytes)})")
    lines.append("_" * line_length)
    return lines
