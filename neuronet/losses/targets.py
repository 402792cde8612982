"""Do the labels fit the model's output? Shape rules and label checks, with messages that fix.

``Loss.validate_targets(y_true, output_shape)`` runs these once before training: a mistake
then stops with a ``DataError`` that names the loss, what it expected, what it received and
the fix, instead of a broadcasting error (or silently broadcast numbers) inside a batch.
Every shape Keras accepts passes: ``(n,)`` labels for an ``(n, 1)`` output, and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import numpy as np

from neuronet import backend
from neuronet.errors import DataError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.backend import Array
    from neuronet.losses.loss import Loss


# A size in a shape: int for an array's shape, int | None for a model's (None: not known yet).
_Dim = TypeVar("_Dim", int, "int | None")


def aligned_shapes(
    shape1: Sequence[_Dim], shape2: Sequence[_Dim], expand_rank_1: bool = True
) -> tuple[tuple[_Dim, ...], tuple[_Dim, ...]]:
    """The shapes ``squeeze_or_expand_to_same_rank`` gives; ``None`` entries are allowed.

    When the ranks differ by one and the longer shape ends in 1, that axis is dropped, except
    that a rank-1 partner is given a trailing 1 instead (``(n,)`` labels for ``(n, 1)``
    outputs become ``(n, 1)``).
    """
    s1, s2 = tuple(shape1), tuple(shape2)
    if len(s1) == len(s2) + 1 and s1[-1] == 1:
        if len(s2) == 1 and expand_rank_1:
            s2 = s2 + (1,)
        else:
            s1 = s1[:-1]
    elif len(s2) == len(s1) + 1 and s2[-1] == 1:
        if len(s1) == 1 and expand_rank_1:
            s1 = s1 + (1,)
        else:
            s2 = s2[:-1]
    return s1, s2


def format_shape(shape: Sequence[int | None]) -> str:
    """``(n, 3)`` for ``(None, 3)``: shapes as the messages print them."""
    inner = ", ".join("n" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def host_labels(loss: Loss, y_true: Array) -> np.ndarray:
    """``y_true`` as a NumPy array, refused unless it is finite numbers, one per sample."""
    labels = np.asarray(backend.to_numpy(y_true))
    if labels.dtype.kind not in "biuf":
        raise DataError(
            f"Loss '{loss.name}' expected numeric labels (y_true), but received an array of "
            f"dtype {labels.dtype}. Fix: encode the labels as numbers (class indices or "
            "one-hot rows) before calling fit."
        )
    if labels.dtype.kind == "f" and not backend.all_finite(labels):
        raise DataError(
            f"Loss '{loss.name}' received labels (y_true) with NaN or infinite values "
            f"({int(np.sum(~np.isfinite(labels)))} of {labels.size}). Fix: remove or impute "
            "those samples."
        )
    if labels.ndim == 0:
        raise DataError(
            f"Loss '{loss.name}' expected one label per sample, but received a single scalar "
            "y_true. Fix: pass an array with the samples on its first axis."
        )
    return labels


def check_batch(
    loss: Loss, labels_shape: Sequence[int | None], output_shape: Sequence[int | None]
) -> None:
    """The number of labels must be the output's batch size, where that is known."""
    if output_shape and output_shape[0] is not None and labels_shape[0] != output_shape[0]:
        raise DataError(
            f"Loss '{loss.name}' received {labels_shape[0]} labels (y_true of shape "
            f"{format_shape(labels_shape)}) for {output_shape[0]} predictions (model output "
            f"of shape {format_shape(output_shape)}). Fix: pass one label per sample."
        )


def check_broadcast(
    loss: Loss,
    labels_shape: Sequence[int | None],
    output_shape: Sequence[int | None],
    *,
    exact: bool = False,
    fix: str | None = None,
) -> None:
    """After Keras's rank alignment, each axis must be equal (or 1 unless ``exact``)."""
    output_shape = tuple(output_shape)
    check_batch(loss, labels_shape, output_shape)
    labels, output = aligned_shapes(labels_shape, output_shape)
    fits = len(labels) == len(output) and all(
        a is None or b is None or a == b or (not exact and (a == 1 or b == 1))
        for a, b in zip(labels[1:], output[1:])
    )
    if not fits:
        wanted = format_shape((labels_shape[0],) + output_shape[1:])
        raise DataError(
            f"Loss '{loss.name}' expects y_true of shape {wanted} to match the model's output "
            f"{format_shape(output_shape)}, but received y_true of shape "
            f"{format_shape(labels_shape)}. Fix: "
            + (fix or "reshape the labels, or give the last layer as many units as labels.")
        )


def check_targets(loss: Loss, y_true: Array, output_shape: Sequence[int | None]) -> np.ndarray:
    """The general rule: numeric labels whose shape broadcasts against the output's."""
    labels = host_labels(loss, y_true)
    check_broadcast(loss, labels.shape, output_shape)
    return labels


def check_binary_labels(loss: Loss, y_true: Array, output_shape: Sequence[int | None]) -> None:
    """Binary crossentropy: one label in [0, 1] per output unit."""
    labels = host_labels(loss, y_true)
    check_broadcast(
        loss,
        labels.shape,
        output_shape,
        exact=True,
        fix="give one 0/1 label per output unit (for a single sigmoid unit, labels of shape "
        "(n,) or (n, 1)); for class indices 0..k-1 use sparse_categorical_crossentropy with "
        "a softmax layer of k units.",
    )
    if labels.size and (labels.min() < 0 or labels.max() > 1):
        raise DataError(
            f"Loss '{loss.name}' expects labels in [0, 1] (the probability of the positive "
            f"class), but y_true holds values from {labels.min()} to {labels.max()}. Fix: "
            "map -1/1 labels with (y + 1) / 2; for class indices 0..k-1 use "
            "sparse_categorical_crossentropy with a softmax layer of k units."
        )


def check_one_hot_labels(loss: Loss, y_true: Array, output_shape: Sequence[int | None]) -> None:
    """Categorical crossentropy: one column per output unit (one-hot or soft labels)."""
    labels = host_labels(loss, y_true)
    output_shape = tuple(output_shape)
    classes = output_shape[-1]
    looks_sparse = labels.ndim == len(output_shape) - 1 or (
        labels.ndim == len(output_shape) and labels.shape[-1] == 1
    )
    if classes not in (None, 1) and looks_sparse:
        raise DataError(
            f"Loss '{loss.name}' expects one-hot labels of shape "
            f"{format_shape((labels.shape[0],) + output_shape[1:])}, one column per output "
            f"unit, but received y_true of shape {format_shape(labels.shape)}, which looks "
            "like integer class indices. Fix: use loss='sparse_categorical_crossentropy', or "
            f"one-hot encode the labels with neuronet.utils.to_categorical(y, {classes})."
        )
    check_broadcast(
        loss,
        labels.shape,
        output_shape,
        exact=True,
        fix=f"one-hot encode the labels with {classes} classes "
        f"(neuronet.utils.to_categorical(y, {classes})), or give the last layer "
        f"{labels.shape[-1]} units, one per class.",
    )


def check_sparse_labels(
    loss: Loss, y_true: Array, output_shape: Sequence[int | None], ignore_class: int | None = None
) -> None:
    """Sparse categorical crossentropy: one integer class in [0, units) per sample."""
    labels = host_labels(loss, y_true)
    output_shape = tuple(output_shape)
    classes = output_shape[-1]
    check_batch(loss, labels.shape, output_shape)
    shape = labels.shape
    if len(shape) == len(output_shape) and shape[-1] == 1:
        shape = shape[:-1]
    if len(shape) != len(output_shape) - 1 or any(
        b is not None and a != b for a, b in zip(shape[1:], output_shape[1:-1])
    ):
        one_hot = len(shape) == len(output_shape) and classes not in (None, 1)
        raise DataError(
            f"Loss '{loss.name}' expects integer class labels of shape "
            f"{format_shape((labels.shape[0],) + output_shape[1:-1])} (or with a trailing "
            f"axis of 1) for a model output of shape {format_shape(output_shape)}, but "
            f"received y_true of shape {format_shape(labels.shape)}. Fix: "
            + (
                "these look one-hot: use loss='categorical_crossentropy', or pass "
                "y.argmax(axis=-1)."
                if one_hot
                else "pass one class index per sample."
            )
        )
    if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
        raise DataError(
            f"Loss '{loss.name}' expects integer class labels, but y_true holds fractional "
            f"values such as {labels[labels != np.round(labels)].flat[0]}. Fix: pass class "
            "indices 0..k-1 (for probabilities or soft labels use categorical_crossentropy "
            "or binary_crossentropy)."
        )
    counted = labels if ignore_class is None else labels[labels != ignore_class]
    if classes is None or not counted.size:
        return
    low, high = int(counted.min()), int(counted.max())
    if low < 0:
        raise DataError(
            f"Loss '{loss.name}' expects class labels in [0, {classes}), but y_true contains "
            f"class {low} with {classes} outputs. Fix: re-encode the labels as "
            f"0..{classes - 1}, or pass ignore_class={low} if it marks samples without a label."
        )
    if high >= classes:
        raise DataError(
            f"Loss '{loss.name}' expects class labels in [0, {classes}), one class per output "
            f"unit, but y_true contains class {high} with {classes} outputs. Fix: give the "
            f"last layer {high + 1} units (one per class), or re-encode the labels as "
            f"0..{classes - 1}."
        )
