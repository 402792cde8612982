"""Confusion counts, Precision and Recall: thresholds, top_k, class_id, weights, by hand."""

import numpy as np
import pytest

from neuronet.metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from neuronet.testing import check_config_roundtrip, float64

# Three samples, three classes (multi-label style labels):
Y_TRUE = np.array([[0, 1, 1], [1, 0, 0], [0, 0, 1]])
Y_PRED = np.array([[0.2, 0.6, 0.7], [0.6, 0.3, 0.1], [0.4, 0.55, 0.1]])
# Flattened: preds  [.2, .6, .7, .6, .3, .1, .4, .55, .1]
#            labels [ 0,  1,  1,  1,  0,  0,  0,  0,   1]   (4 positives, 5 negatives)


@pytest.mark.parametrize(
    "cls, y_true, y_pred",
    [
        (TruePositives, [0, 1, 1, 1], [1, 0, 1, 1]),
        (FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1]),
        (TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0]),
        (FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0]),
    ],
)
def test_counts_by_hand(cls, y_true, y_pred):
    # Each case has two samples of its cell; weights [0, 0, 1, 0] keep one of them.
    metric = cls()
    metric.update_state(y_true, y_pred)
    assert metric.result() == 2.0
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert metric.result() == 1.0


def test_counts_per_threshold():
    # At t = 0.3 (strictly above): .6 .7 .6 .4 .55 -> tp 3 (.6 .7 .6), fp 2 (.4 .55)
    # At t = 0.5: .6 .7 .6 .55 -> tp 3, fp 1;  at t = 0.65: .7 -> tp 1, fp 0
    tp, fp = TruePositives(thresholds=[0.3, 0.5, 0.65]), FalsePositives([0.3, 0.5, 0.65])
    tn, fn = TrueNegatives([0.3, 0.5, 0.65]), FalseNegatives([0.3, 0.5, 0.65])
    for metric in (tp, fp, tn, fn):
        metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(tp.result(), [3, 3, 1])
    np.testing.assert_array_equal(fp.result(), [2, 1, 0])
    np.testing.assert_array_equal(tn.result(), [3, 4, 5])  # 5 negatives - fp
    np.testing.assert_array_equal(fn.result(), [1, 1, 3])  # 4 positives - tp
    assert isinstance(tp.result(), np.ndarray)


def test_precision_recall_default_threshold():
    # Keras's example: labels [0, 1, 1, 1], predictions [1, 0, 1, 1]: tp 2, fp 1, fn 1.
    precision, recall = Precision(), Recall()
    for metric in (precision, recall):
        metric.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert precision.result() == pytest.approx(2 / 3)
    assert recall.result() == pytest.approx(2 / 3)
    precision.reset_state()
    precision.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert precision.result() == 1.0
    assert Precision().result() == 0.0  # nothing predicted positive yet: 0, not NaN


def test_threshold_is_strict():
    # 0.5 is not above 0.5: the positive predicted 0.5 is a false negative.
    recall = Recall()
    recall.update_state([1, 1], [0.5, 0.51])
    assert recall.result() == 0.5


def test_thresholds_list():
    # Counts from test_counts_per_threshold: precision tp/(tp+fp), recall tp/4.
    precision, recall = Precision(thresholds=[0.3, 0.5, 0.65]), Recall([0.3, 0.5, 0.65])
    precision.update_state(Y_TRUE, Y_PRED)
    recall.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(precision.result(), [3 / 5, 3 / 4, 1.0], rtol=1e-6)
    np.testing.assert_allclose(recall.result(), [3 / 4, 3 / 4, 1 / 4], rtol=1e-6)


def test_evenly_spread_thresholds_take_the_bucket_path_with_the_same_counts():
    # [0, .25, .5, .75, 1] is evenly spread, so counts come from buckets; compare with the
    # definition, pred > t, computed here directly.
    thresholds = [0.0, 0.25, 0.5, 0.75, 1.0]
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, size=(40, 3))
    y_pred = rng.random((40, 3)).astype("float32")
    y_pred[0] = [0.0, 1.0, 0.5]  # edge values: 0 and 0.5 are above no / fewer thresholds
    weights = rng.random(40).astype("float32")
    precision = Precision(thresholds=thresholds)
    assert precision._evenly
    precision.update_state(y_true, y_pred, sample_weight=weights)
    positive = y_pred.reshape(1, -1) > np.array(thresholds)[:, None]
    label = y_true.reshape(1, -1) == 1
    w = np.repeat(weights, 3)[None]
    tp = np.sum((positive & label) * w, axis=1)
    fp = np.sum((positive & ~label) * w, axis=1)
    np.testing.assert_allclose(precision.true_positives.numpy(), tp, rtol=1e-5)
    np.testing.assert_allclose(precision.false_positives.numpy(), fp, rtol=1e-5)
    assert precision.true_positives.numpy()[-1] == 0  # nothing is above 1


def test_top_k():
    # top 1 per row: row 0 -> .7 (label 1, tp), row 1 -> .6 (label 1, tp),
    # row 2 -> .55 (label 0, fp). With top_k alone every kept prediction is positive.
    precision, recall = Precision(top_k=1), Recall(top_k=1)
    precision.update_state(Y_TRUE, Y_PRED)
    recall.update_state(Y_TRUE, Y_PRED)
    assert precision.result() == pytest.approx(2 / 3)
    assert recall.result() == pytest.approx(2 / 4)  # 4 positives, 2 found
    # top 2 and threshold 0.5: row 0 keeps .7, .6 (both tp); row 1 keeps .6 (tp) and .3
    # (not above 0.5); row 2 keeps .55 (fp) and .4 (not above) -> 3 / 4
    precision = Precision(top_k=2, thresholds=0.5)
    precision.update_state(Y_TRUE, Y_PRED)
    assert precision.result() == pytest.approx(3 / 4)


def test_top_k_ties_go_to_the_lower_index():
    # Keras's example: all predictions 1; the top 2 are the first two (labels 0, 0).
    precision = Precision(top_k=2)
    precision.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert precision.result() == 0.0
    precision = Precision(top_k=4)
    precision.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert precision.result() == 0.5


def test_class_id():
    # Column 1: labels [1, 0, 0], predictions [.6, .3, .55] -> tp 1 (.6), fp 1 (.55), fn 0.
    precision, recall = Precision(class_id=1), Recall(class_id=1)
    precision.update_state(Y_TRUE, Y_PRED)
    recall.update_state(Y_TRUE, Y_PRED)
    assert (precision.result(), recall.result()) == (0.5, 1.0)
    # With top_k=1 first: column 2 survives only in row 0 (.7, label 1: tp); row 2's label 1
    # is filtered out, so it is a false negative.
    precision, recall = Precision(top_k=1, class_id=2), Recall(top_k=1, class_id=2)
    precision.update_state(Y_TRUE, Y_PRED)
    recall.update_state(Y_TRUE, Y_PRED)
    assert (precision.result(), recall.result()) == (1.0, 0.5)
    with pytest.raises(ValueError, match="class_id"):
        Precision(class_id=0).update_state([1, 0], [0.9, 0.1])


def test_row_weights_against_several_columns():
    # Weights [1, 2, 0.5] per row. Above 0.5: row 0 .6, .7 (labels 1, 1) -> tp 2 * 1;
    # row 1 .6 (label 1) -> tp 1 * 2; row 2 .55 (label 0) -> fp 0.5. Precision 4 / 4.5.
    precision = Precision()
    precision.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 2, 0.5])
    assert precision.result() == pytest.approx(4 / 4.5)


def test_running_counts_over_batches_and_reset():
    whole, batched = Recall(thresholds=[0.3, 0.5]), Recall(thresholds=[0.3, 0.5])
    whole.update_state(Y_TRUE, Y_PRED)
    batched.update_state(Y_TRUE[:1], Y_PRED[:1])
    batched.update_state(Y_TRUE[1:], Y_PRED[1:])
    np.testing.assert_array_equal(whole.result(), batched.result())
    batched.reset_state()
    np.testing.assert_array_equal(batched.result(), [0, 0])
    assert [v.name for v in batched.variables] == ["true_positives", "false_negatives"]


def test_label_shapes_are_matched():
    # (n,) labels against (n, 1) predictions.
    precision = Precision()
    precision.update_state(np.array([1, 0, 1]), np.array([[0.9], [0.8], [0.2]]))
    assert precision.result() == 0.5


def test_float64():
    with float64():
        precision = Precision()
        precision.update_state([1, 0, 1], [0.9, 0.8, 0.7])
        assert precision.result() == 2 / 3
        assert precision.true_positives.value.dtype == np.float64


def test_thresholds_out_of_range_and_configs():
    assert Precision().name == "precision" and Precision().name == "precision_1"
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Precision(thresholds=[0.5, 1.5])
    assert Precision(name="p", thresholds=[0.3, 0.6], top_k=2, class_id=1).get_config() == {
        "name": "p",
        "dtype": "float32",
        "thresholds": [0.3, 0.6],
        "top_k": 2,
        "class_id": 1,
    }
    assert TruePositives(thresholds=0.4).get_config() == {
        "name": "true_positives",
        "dtype": "float32",
        "thresholds": 0.4,
    }
    for metric in (Recall(thresholds=[0.2, 0.4]), Precision(top_k=3), FalseNegatives()):
        check_config_roundtrip(metric)
