"""AUC: the area under the ROC or precision-recall curve, by Riemann sum (Keras 3's numbers).

The curve is sampled at a fixed grid of thresholds: ``num_thresholds`` of them, ``i / (n-1)``
for ``i = 1 .. n-2`` plus ``-epsilon`` and ``1 + epsilon`` at the ends (so that predictions of
exactly 0 and 1 fall inside), or the given ``thresholds`` with the same two ends added. Running
confusion counts per threshold are the state; ``result`` integrates them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuronet import backend
from neuronet.backend import xp
from neuronet.metrics.confusion import is_evenly_distributed, update_confusion_matrix
from neuronet.metrics.metric import Metric, divide_no_nan, host_result, reject_unknown

if TYPE_CHECKING:
    from collections.abc import Sequence

    from neuronet.backend import Array

CURVES = {"roc": "ROC", "pr": "PR"}
SUMMATION_METHODS = ("interpolation", "majoring", "minoring")


def _curve(curve):
    if isinstance(curve, str) and curve in ("ROC", "roc", "PR", "pr"):
        return CURVES[curve.lower()]
    raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC"]')


def _summation(method):
    if isinstance(method, str) and method in SUMMATION_METHODS + tuple(
        m.capitalize() for m in SUMMATION_METHODS
    ):
        return method.lower()
    raise ValueError(
        f'Invalid AUC summation method value: "{method}". '
        'Expected values are ["interpolation", "majoring", "minoring"]'
    )


def _sigmoid(x):
    # The tanh form never overflows, unlike 1 / (1 + exp(-x)) for large negative x.
    return 0.5 * (xp.tanh(0.5 * x) + 1)


class AUC(Metric):
    """Area under the ROC curve (default) or the precision-recall curve, like Keras's AUC.

    Formula:
        ROC: sum over threshold intervals of (fpr[i] - fpr[i+1]) * h(recall[i], recall[i+1])
        PR:  sum of (recall[i] - recall[i+1]) * h(precision[i], precision[i+1]), where
             'interpolation' instead integrates precision with TP and P = TP + FP varying
             linearly between thresholds (Davis & Goadrich 2006), per interval:
                 slope = dTP / dP,  intercept = TP[i+1] - slope * P[i+1]
                 area  = slope * (dTP + intercept * log(P[i] / P[i+1])) / (TP + FN)[i+1]
        h is the mean of the two heights ('interpolation'), their minimum ('minoring') or
        their maximum ('majoring').

    Args:
        num_thresholds: how many thresholds sample the curve (200); must be > 1.
        curve: ``'ROC'`` or ``'PR'``.
        summation_method: ``'interpolation'``, ``'minoring'`` or ``'majoring'``.
        name: the metric's name.
        dtype: float type of the state and result.
        thresholds: explicit thresholds in [0, 1] instead of the grid (``num_thresholds`` is
            then ``len(thresholds) + 2``).
        multi_label: compute one AUC per label (column) and average them, instead of
            flattening the labels into one set of points.
        num_labels: number of labels with ``multi_label``; otherwise learnt at the first update.
        label_weights: weights of the labels: for the average with ``multi_label``, else per
            column in the flattened counts.
        from_logits: apply a sigmoid to the predictions first.

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()
    0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: npt.DTypeLike | dict[str, Any] | None = None,
        thresholds: Sequence[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: npt.ArrayLike | None = None,
        from_logits: bool = False,
        **kwargs: Any,
    ):
        reject_unknown(self, kwargs)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(float(t) for t in thresholds)
            self._evenly = is_evenly_distributed(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = int(num_thresholds)
            thresholds = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        epsilon = backend.epsilon()
        self._thresholds = [0.0 - epsilon] + thresholds + [1.0 + epsilon]
        self.curve = _curve(curve)
        self.summation_method = _summation(summation_method)
        super().__init__(name=name, dtype=dtype)

        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else xp.asarray(label_weights, dtype=self.dtype)
        )
        self.from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds of the curve, the epsilon end points included."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. "
                    f"Found rank {len(shape)}. Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            size = (self.num_thresholds, self._num_labels)
        else:
            size = (self.num_thresholds,)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.true_negatives = self.add_variable(size, name="true_negatives")
        self.false_negatives = self.add_variable(size, name="false_negatives")
        self._built = True

    def update_state(
        self, y_true: Array, y_pred: Array, sample_weight: npt.ArrayLike | None = None
    ) -> None:
        """Add the batch's confusion counts at every threshold."""
        y_pred = xp.asarray(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self.from_logits:
            y_pred = _sigmoid(y_pred.astype(self.dtype))
        update_confusion_matrix(
            {
                "tp": self.true_positives,
                "tn": self.true_negatives,
                "fp": self.false_positives,
                "fn": self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            # With multi_label the weights average the per-label AUCs in result() instead.
            label_weights=None if self.multi_label else self.label_weights,
            evenly_distributed=self._evenly,
        )

    def _average(self, terms):
        """Sum the interval terms into the AUC, or the label-averaged AUC with multi_label."""
        if not self.multi_label:
            return xp.sum(terms)
        by_label = xp.sum(terms, axis=0)
        if self.label_weights is None:
            return xp.mean(by_label)
        return divide_no_nan(xp.sum(by_label * self.label_weights), xp.sum(self.label_weights))

    def _interpolate_pr_auc(self, tp, fp, fn):
        """PR-AUC with TP and P = TP + FP linear between thresholds (Davis & Goadrich 2006).

        On an interval from threshold i to i+1, precision = TP / P with TP = intercept +
        slope * P, so the area under precision over recall (= TP / (TP + FN)) is
        slope * (dTP + intercept * log(P_i / P_{i+1})) / (TP + FN)_{i+1}. When P_{i+1} is 0
        the log term is dropped (constant precision over the first bucket with positives).
        """
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, xp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = xp.where(
            both_positive, divide_no_nan(p[:-1], xp.maximum(p[1:], 0)), xp.ones_like(p[1:])
        )
        increments = divide_no_nan(
            slope * (dtp + intercept * xp.log(ratio)), xp.maximum(tp[1:] + fn[1:], 0)
        )
        return self._average(increments)

    def result(self) -> float | np.ndarray:
        """The area under the curve so far (0 before any positive and negative is seen)."""
        if not self._built:
            return 0.0
        tp = self.true_positives.value
        fp = self.false_positives.value
        tn = self.true_negatives.value
        fn = self.false_negatives.value
        if self.curve == "PR" and self.summation_method == "interpolation":
            return host_result(self._interpolate_pr_auc(tp, fp, fn))
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = xp.minimum(y[:-1], y[1:])
        else:
            heights = xp.maximum(y[:-1], y[1:])
        return host_result(self._average((x[:-1] - x[1:]) * heights))

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": (
                None
                if self.label_weights is None
                else backend.to_numpy(self.label_weights).tolist()
            ),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            # Without the end points, so that from_config rebuilds the same grid.
            config["thresholds"] = self._thresholds[1:-1]
        return config
