"""Confusion-matrix metrics: counts per threshold, Precision and Recall (Keras 3 semantics).

At threshold ``t`` a prediction is positive when ``y_pred > t`` (strictly) and a label is
positive when it is non-zero. Each batch adds, per threshold, the summed weights of its true
positives, false positives, true negatives and false negatives.

Two paths compute those sums, as in Keras: thresholds evenly spread over [0, 1] (AUC's grid,
or a list like ``[0, 0.25, 0.5, 0.75, 1]``) drop each prediction into one bucket and take a
reversed cumulative sum, O(thresholds + samples); any other list compares every prediction
with every threshold at once. Both are vectorised; neither loops over samples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.metrics.metric import (
    Metric,
    divide_no_nan,
    host_result,
    reject_unknown,
    squeeze_or_expand_to_same_rank,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from neuronet.backend import Array

NEG_INF = -1e10  # the threshold used with top_k: every kept prediction is above it
CONDITIONS = ("tp", "fp", "tn", "fn")


def parse_thresholds(
    thresholds: float | list[float] | tuple[float, ...] | np.ndarray | None, default: float
) -> list[float]:
    """A list of thresholds, each checked to lie in [0, 1]; ``[default]`` for None."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return [float(t) for t in values]


def is_evenly_distributed(thresholds: Sequence[float] | np.ndarray) -> bool:
    """Whether ``thresholds`` is ``[0, 1/(n-1), ..., 1]`` up to epsilon (n >= 3), as Keras."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def filter_top_k(x: Array, k: int) -> Array:
    """Keep the ``k`` largest values of the last axis and set the rest to ``NEG_INF``.

    Ties go to the lower index, as ``top_k`` does in Keras.
    """
    order = xp.argsort(-x, axis=-1, kind="stable")
    rank = xp.argsort(order, axis=-1, kind="stable")  # the inverse permutation: each rank
    return xp.where(rank < k, x, NEG_INF)


def update_confusion_matrix(
    variables: Mapping[str, Any],
    y_true: Array,
    y_pred: Array,
    thresholds: Sequence[float],
    *,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: npt.ArrayLike | None = None,
    multi_label: bool = False,
    label_weights: npt.ArrayLike | None = None,
    evenly_distributed: bool = False,
) -> None:
    """Add one batch's weighted confusion counts to ``variables``.

    Args:
        variables: dict from ``'tp'``, ``'fp'``, ``'tn'``, ``'fn'`` to the Variables to grow,
            each of shape ``(thresholds,)``, or ``(thresholds, labels)`` with ``multi_label``.
        y_true: labels, cast to bool (non-zero is positive); same shape as ``y_pred`` up to a
            trailing axis of size 1.
        y_pred: predictions, normally in [0, 1].
        thresholds: sorted list of thresholds.
        top_k: keep only the ``k`` highest predictions of each row positive.
        class_id: look only at this column of the labels and predictions.
        sample_weight: None, a scalar, or weights broadcastable to the labels (``(n,)`` is one
            weight per row).
        multi_label: keep the last axis as separate labels instead of flattening it.
        label_weights: per-column weights multiplied into the sample weights (flattened case).
        evenly_distributed: take the bucket path; ``thresholds`` must then be evenly spread
            over [0, 1], possibly with -epsilon and 1 + epsilon at the ends.
    """
    unknown = set(variables) - set(CONDITIONS)
    if unknown or not variables:
        raise ValueError(
            f"Confusion variables must be keyed by {CONDITIONS}; got {sorted(variables)}."
        )
    dtype = next(iter(variables.values())).value.dtype
    y_true = xp.asarray(y_true, dtype=dtype)
    y_pred = xp.asarray(y_pred, dtype=dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = xp.expand_dims(xp.asarray(sample_weight, dtype=dtype), axis=-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]

    weights = None
    if sample_weight is not None:
        weights = xp.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None and not multi_label:
        label_weights = xp.broadcast_to(xp.asarray(label_weights, dtype=dtype), y_pred.shape)
        weights = label_weights if weights is None else weights * label_weights

    if evenly_distributed:
        counts = _bucket_counts(y_true, y_pred, weights, thresholds, multi_label, variables)
    else:
        counts = _threshold_counts(y_true, y_pred, weights, thresholds, multi_label, variables)
    for key, count in counts.items():
        variables[key].assign(variables[key].value + count)


def _threshold_counts(y_true, y_pred, weights, thresholds, multi_label, wanted):
    """Counts by comparing every prediction with every threshold: (T, N) or (T, N, L)."""
    dtype = y_pred.dtype
    thresholds = xp.asarray(thresholds, dtype=dtype)
    if multi_label:
        predictions, labels = y_pred[None], (y_true != 0)[None]
        thresholds = thresholds[:, None, None]
    else:
        predictions, labels = y_pred.reshape(1, -1), (y_true != 0).reshape(1, -1)
        thresholds = thresholds[:, None]
        if weights is not None:
            weights = weights.reshape(-1)
    pred_is_pos = predictions > thresholds
    cells = {
        "tp": lambda: labels & pred_is_pos,
        "fp": lambda: ~labels & pred_is_pos,
        "tn": lambda: ~labels & ~pred_is_pos,
        "fn": lambda: labels & ~pred_is_pos,
    }
    counts = {}
    for key in wanted:
        hits = cells[key]().astype(dtype)
        if weights is not None:
            hits = hits * weights
        counts[key] = xp.sum(hits, axis=1)
    return counts


def _bucket_counts(y_true, y_pred, weights, thresholds, multi_label, wanted):
    """Counts for evenly spread thresholds, from one bucket per prediction.

    Threshold ``i`` of ``T`` is ``i / (T - 1)``; a prediction ``p`` is above thresholds
    ``0 .. ceil(p (T - 1)) - 1``, so it goes to that last bucket and the count at threshold
    ``i`` is the sum of buckets ``i .. T-1`` (a reversed cumulative sum). With the epsilon end
    points of AUC's grid, ``p = 0`` is above the first threshold too, so bucket -1 becomes 0;
    without them it is dropped (above no threshold).
    """
    dtype = y_pred.dtype
    count = len(thresholds)
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    if weights is None:
        weights = xp.ones(y_pred.shape, dtype=dtype)
    y_pred = xp.clip(y_pred, 0.0, 1.0)  # out-of-range predictions join the end buckets
    positive = (y_true != 0).astype(dtype)
    true_labels = positive * weights
    false_labels = (1 - positive) * weights
    # In the metric's float type, as Keras computes it, so bucket edges round the same way.
    buckets = xp.ceil(y_pred * xp.asarray(count - 1, dtype=dtype)) - 1
    if with_epsilon:
        buckets = xp.maximum(buckets, 0)
    buckets = buckets.astype("int64")

    if multi_label:
        num_labels = y_pred.shape[-1]
        # Bucket b of label l goes to slot l * T + b, so one bincount serves every label.
        slots = buckets + count * xp.arange(num_labels)
        valid = (buckets >= 0).reshape(-1)
        slots = slots.reshape(-1)[valid]
    else:
        num_labels = None
        valid = (buckets >= 0).reshape(-1)
        slots = buckets.reshape(-1)[valid]
    size = count * (num_labels or 1)

    def per_threshold(values):
        summed = xp.bincount(slots, weights=values.reshape(-1)[valid], minlength=size)
        if multi_label:
            summed = summed.reshape(num_labels, count).T
        at_or_above = xp.flip(xp.cumsum(xp.flip(summed, axis=0), axis=0), axis=0)
        return at_or_above.astype(dtype)

    counts = {}
    if "tp" in wanted or "fn" in wanted:
        tp = per_threshold(true_labels)
        total_true = xp.sum(true_labels, axis=0 if multi_label else None)
        if "tp" in wanted:
            counts["tp"] = tp
        if "fn" in wanted:
            counts["fn"] = total_true - tp
    if "fp" in wanted or "tn" in wanted:
        fp = per_threshold(false_labels)
        total_false = xp.sum(false_labels, axis=0 if multi_label else None)
        if "fp" in wanted:
            counts["fp"] = fp
        if "tn" in wanted:
            counts["tn"] = total_false - fp
    return counts


class _ConfusionCount(Metric):
    """The weighted count of one confusion-matrix cell, per threshold."""

    _condition: str = ""  # "tp", "fp", "tn" or "fn", set by each subclass

    def __init__(
        self,
        thresholds: Any = None,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        reject_unknown(self, kwargs)
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = is_evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(
        self, y_true: Array, y_pred: Array, sample_weight: Array | None = None
    ) -> None:
        """Add the batch's weighted count of the cell at each threshold."""
        update_confusion_matrix(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
        )

    def result(self) -> Any:
        value = self.accumulator.value
        return host_result(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Weighted count of positives predicted above the threshold(s) (0.5).

    Args:
        thresholds: a float or a list of floats in [0, 1]; one count per threshold.
        name: the metric's name.
        dtype: float type of the state and result.
    """

    _condition = "tp"


class FalsePositives(_ConfusionCount):
    """Weighted count of negatives predicted above the threshold(s) (0.5).

    Args:
        thresholds: a float or a list of floats in [0, 1]; one count per threshold.
        name: the metric's name.
        dtype: float type of the state and result.
    """

    _condition = "fp"


class TrueNegatives(_ConfusionCount):
    """Weighted count of negatives predicted at or below the threshold(s) (0.5).

    Args:
        thresholds: a float or a list of floats in [0, 1]; one count per threshold.
        name: the metric's name.
        dtype: float type of the state and result.
    """

    _condition = "tn"


class FalseNegatives(_ConfusionCount):
    """Weighted count of positives predicted at or below the threshold(s) (0.5).

    Args:
        thresholds: a float or a list of floats in [0, 1]; one count per threshold.
        name: the metric's name.
        dtype: float type of the state and result.
    """

    _condition = "fn"


class _PrecisionRecall(Metric):
    """Shared state and update of Precision and Recall: ``tp`` and one other cell."""

    _other: str = ""  # "fp" for precision, "fn" for recall
    _other_name: str = ""

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        reject_unknown(self, kwargs)
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # With top_k alone every kept prediction counts as positive, whatever its value.
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(thresholds, default)
        self._evenly = is_evenly_distributed(self.thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, name="true_positives")
        setattr(self, self._other_name, self.add_variable(size, name=self._other_name))

    def update_state(
        self, y_true: Array, y_pred: Array, sample_weight: Array | None = None
    ) -> None:
        """Add the batch's true positives and false positives (or negatives)."""
        update_confusion_matrix(
            {"tp": self.true_positives, self._other: getattr(self, self._other_name)},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
        )

    def result(self) -> Any:
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + getattr(self, self._other_name).value)
        return host_result(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """The fraction of predicted positives that are positive, like ``keras.metrics.Precision``.

    Formula:
        precision = tp / (tp + fp)      (0 when there are no predicted positives)

    Args:
        thresholds: a float or a list of floats in [0, 1]; predictions strictly above a
            threshold are positive. One result per threshold (a float for one, an array for
            a list). Default 0.5, or no threshold at all when ``top_k`` is set.
        top_k: only the ``k`` highest predictions of each row can be positive.
        class_id: compute the metric for this class (column) only.
        name: the metric's name.
        dtype: float type of the state and result.

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(m.result(), 6)
    0.666667
    """

    _other = "fp"
    _other_name = "false_positives"


class Recall(_PrecisionRecall):
    """The fraction of positives predicted positive, like ``keras.metrics.Recall``.

    Formula:
        recall = tp / (tp + fn)      (0 when there are no positives)

    Args:
        thresholds: a float or a list of floats in [0, 1]; predictions strictly above a
            threshold are positive. One result per threshold (a float for one, an array for
            a list). Default 0.5, or no threshold at all when ``top_k`` is set.
        top_k: only the ``k`` highest predictions of each row can be positive.
        class_id: compute the metric for this class (column) only.
        name: the metric's name.
        dtype: float type of the state and result.
    """

    _other = "fn"
    _other_name = "false_negatives"
