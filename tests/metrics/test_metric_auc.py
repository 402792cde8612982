"""AUC: ROC and PR curves, the three summation methods, multi-label, worked by hand."""

import math

import numpy as np
import pytest

from neuronet import backend
from neuronet.metrics import AUC
from neuronet.testing import check_config_roundtrip, float64

# Keras's example: 4 points, num_thresholds=3 -> thresholds [-eps, 0.5, 1 + eps].
Y_TRUE = [0, 0, 1, 1]
Y_PRED = [0, 0.5, 0.3, 0.9]
# Above -eps: everything -> tp 2, fp 2.  Above 0.5: only 0.9 -> tp 1, fp 0.  Above 1+eps: none.
# tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2]
# recall = tp / 2 = [1, .5, 0]; fp rate = fp / 2 = [1, 0, 0]; precision = [.5, 1, 0 (0/0)]


def _auc(**kwargs):
    metric = AUC(num_thresholds=3, **kwargs)
    metric.update_state(Y_TRUE, Y_PRED)
    return metric


def test_grid_and_confusion_counts():
    metric = _auc()
    eps = backend.epsilon()
    assert metric.thresholds == [-eps, 0.5, 1 + eps]
    np.testing.assert_array_equal(metric.true_positives.numpy(), [2, 1, 0])
    np.testing.assert_array_equal(metric.false_positives.numpy(), [2, 0, 0])
    np.testing.assert_array_equal(metric.true_negatives.numpy(), [0, 2, 2])
    np.testing.assert_array_equal(metric.false_negatives.numpy(), [0, 1, 2])
    assert len(AUC().thresholds) == 200
    assert AUC().thresholds[1] == pytest.approx(1 / 199)


@pytest.mark.parametrize(
    "curve, method, expected",
    [
        # ROC: x = fp rate [1, 0, 0], y = recall [1, .5, 0]
        ("ROC", "interpolation", (1 - 0) * (1 + 0.5) / 2 + 0),  # 0.75
        ("ROC", "minoring", (1 - 0) * min(1, 0.5) + 0),  # 0.5
        ("ROC", "majoring", (1 - 0) * max(1, 0.5) + 0),  # 1.0
        # PR: x = recall [1, .5, 0], y = precision [.5, 1, 0]
        ("PR", "minoring", (1 - 0.5) * 0.5 + (0.5 - 0) * 0),  # 0.25
        ("PR", "majoring", (1 - 0.5) * 1 + (0.5 - 0) * 1),  # 1.0
    ],
)
def test_riemann_sums_by_hand(curve, method, expected):
    assert _auc(curve=curve, summation_method=method).result() == pytest.approx(expected)


def test_pr_interpolation_by_hand():
    # Davis & Goadrich: P = tp + fp = [4, 1, 0]; on each interval i -> i+1
    #   dtp = [1, 1], dp = [3, 1], slope = dtp / dp = [1/3, 1]
    #   intercept = tp[i+1] - slope * P[i+1] = [1 - 1/3, 0 - 0] = [2/3, 0]
    #   P ratio = [4/1, (P[2] = 0, so 1)]
    #   area = slope * (dtp + intercept * log(ratio)) / (tp + fn)[i+1]
    #        = [1/3 * (1 + 2/3 * ln 4) / 2, 1 * (1 + 0) / 2]
    expected = (1 + 2 / 3 * math.log(4)) / 6 + 0.5  # 0.82070
    assert _auc(curve="PR").result() == pytest.approx(expected, rel=1e-6)
    assert _auc(curve="pr", summation_method="Interpolation").result() == pytest.approx(
        expected, rel=1e-6
    )


def test_sample_weights():
    # Keras's example: weights [1, 0, 0, 1] keep 0 (negative) and 0.9 (positive): AUC 1.
    metric = AUC(num_thresholds=3)
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0, 0, 1])
    assert metric.result() == 1.0


def test_explicit_thresholds_not_evenly_spread():
    # thresholds [-eps, .3, .5, 1+eps]; 0.3 is not above 0.3.
    # tp = [2, 1, 1, 0], fp = [2, 1, 0, 0] -> recall [1, .5, .5, 0], fp rate [1, .5, 0, 0]
    # ROC = (1 - .5)(1 + .5)/2 + (.5 - 0)(.5 + .5)/2 + 0 = .375 + .25
    metric = AUC(thresholds=[0.5, 0.3])
    assert metric.num_thresholds == 4 and not metric._evenly
    metric.update_state(Y_TRUE, Y_PRED)
    assert metric.result() == pytest.approx(0.625)
    # Evenly spread explicit thresholds give the same result as the same grid.
    assert AUC(thresholds=[0.5])._evenly
    metric = AUC(thresholds=[0.5])
    metric.update_state(Y_TRUE, Y_PRED)
    assert metric.result() == pytest.approx(0.75)


def _pairwise_auc(y_true, y_pred):
    """The exact ROC AUC: the fraction of (positive, negative) pairs ranked right."""
    positives = y_pred[y_true == 1]
    negatives = y_pred[y_true == 0]
    return np.mean(positives[:, None] > negatives[None, :])


def test_default_grid_equals_exact_auc_when_points_are_in_separate_buckets():
    # With at most one prediction per bucket of width 1/199, the trapezoids pass through every
    # ROC point, so the interpolated sum is the exact (pairwise) AUC.
    rng = np.random.default_rng(0)
    buckets = rng.choice(199, size=60, replace=False)
    y_pred = ((buckets + 0.5) / 199).astype("float32")
    y_true = rng.integers(0, 2, size=60)
    metric = AUC()
    metric.update_state(y_true[:25], y_pred[:25])  # two batches
    metric.update_state(y_true[25:], y_pred[25:])
    assert metric.result() == pytest.approx(_pairwise_auc(y_true, y_pred), abs=1e-6)


def test_from_logits():
    probabilities = np.array([0.1, 0.4, 0.35, 0.8])
    logits = np.log(probabilities / (1 - probabilities))
    plain, from_logits = AUC(), AUC(from_logits=True)
    plain.update_state(Y_TRUE, probabilities)
    from_logits.update_state(Y_TRUE, logits)
    # pairs: .35 > .1 yes, .35 > .4 no, .8 > both -> 3/4
    assert from_logits.result() == pytest.approx(plain.result()) == pytest.approx(0.75)


def test_multi_label_averages_label_aucs():
    # Column 0 is the 4-point example (ROC 0.75); column 1 is ranked perfectly (ROC 1).
    y_true = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y_pred = np.array([[0, 0.2], [0.5, 0.9], [0.3, 0.1], [0.9, 0.7]])
    metric = AUC(num_thresholds=3, multi_label=True)
    metric.update_state(y_true, y_pred)
    # Column 1 at threshold 0.5: 0.9, 0.7 (both positive) -> tp [2, 2, 0], fp [2, 0, 0]
    # -> recall [1, 1, 0], fp rate [1, 0, 0]: (1 - 0)(1 + 1)/2 = 1.
    assert metric.true_positives.shape == (3, 2)
    assert metric.result() == pytest.approx((0.75 + 1.0) / 2)
    weighted = AUC(num_thresholds=3, multi_label=True, label_weights=[1, 3])
    weighted.update_state(y_true, y_pred)
    assert weighted.result() == pytest.approx((0.75 * 1 + 1.0 * 3) / 4)
    # Not multi-label: the 8 points are pooled into one curve.
    pooled = AUC(num_thresholds=3)
    pooled.update_state(y_true, y_pred)
    # Above 0.5: .9 (pos), .9 (pos), .7 (pos) -> tp [4, 3, 0], fp [4, 0, 0]
    # recall [1, .75, 0], fp rate [1, 0, 0] -> (1 - 0)(1 + .75)/2 = .875
    assert pooled.result() == pytest.approx(0.875)


def test_multi_label_generic_path_and_lazy_build():
    y_true = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y_pred = np.array([[0, 0.2], [0.5, 0.9], [0.3, 0.1], [0.9, 0.7]])
    metric = AUC(thresholds=[0.5, 0.3], multi_label=True)
    assert metric.variables == []  # built at the first update, from the labels' count
    metric.update_state(y_true, y_pred)
    # column 0: 0.625 (test_explicit_thresholds_not_evenly_spread); column 1 at [.3, .5]:
    # above .3: .9, .7 (both pos) -> the same as above 0.5 -> recall [1, 1, 1, 0],
    # fp rate [1, 0, 0, 0] -> 1.
    assert metric.result() == pytest.approx((0.625 + 1.0) / 2)
    assert AUC(multi_label=True, num_labels=3).true_positives.shape == (200, 3)


def test_label_weights_in_pooled_counts():
    # label_weights [1, 0] with multi_label=False: column 1 counts for nothing, leaving the
    # column-0 example (0.75).
    y_true = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y_pred = np.array([[0, 0.2], [0.5, 0.9], [0.3, 0.1], [0.9, 0.7]])
    metric = AUC(num_thresholds=3, label_weights=[1, 0])
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(0.75)


def test_reset_and_float64():
    metric = _auc()
    metric.reset_state()
    assert metric.result() == 0.0
    with float64():
        metric = _auc()
        assert metric.true_positives.value.dtype == np.float64
        assert metric.result() == 0.75


def test_bad_arguments_and_config():
    assert AUC().name == "auc" and AUC().name == "auc_1"
    with pytest.raises(ValueError, match="curve"):
        AUC(curve="PRC")
    with pytest.raises(ValueError, match="summation"):
        AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match="num_thresholds"):
        AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="multi_label"):
        AUC(num_labels=3)
    config = AUC(curve="pr", thresholds=[0.75, 0.25], label_weights=[1, 2], name="a").get_config()
    assert config == {
        "name": "a",
        "dtype": "float32",
        "num_thresholds": 4,
        "curve": "PR",
        "summation_method": "interpolation",
        "multi_label": False,
        "num_labels": None,
        "label_weights": [1.0, 2.0],
        "from_logits": False,
        "thresholds": [0.25, 0.75],
    }
    clone = check_config_roundtrip(AUC(curve="pr", thresholds=[0.25, 0.75]))
    assert clone.thresholds == AUC(thresholds=[0.25, 0.75]).thresholds
    assert "thresholds" not in AUC(num_thresholds=50).get_config()
