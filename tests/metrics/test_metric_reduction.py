"""Mean, Sum and MeanMetricWrapper: Keras's sample-weight semantics, worked by hand."""

import numpy as np
import pytest

from neuronet.errors import UnknownArgumentError, UnknownIdentifierError
from neuronet.metrics import Mean, MeanMetricWrapper, Metric, Sum, binary_accuracy
from neuronet.testing import check_config_roundtrip, float64


def test_mean_and_sum_by_hand():
    mean, total = Mean(), Sum()
    mean.update_state([1, 3, 5, 7])
    total.update_state([1, 3, 5, 7])
    assert (mean.result(), total.result()) == (4.0, 16.0)
    mean.reset_state()
    total.reset_state()
    mean.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])  # (1 + 3) / 2
    total.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert (mean.result(), total.result()) == (2.0, 4.0)


def test_mean_of_nothing_is_zero_and_scalars_count_once():
    mean = Mean()
    assert mean.result() == 0.0
    mean.update_state(3.0)
    mean.update_state(5.0)
    assert mean.result() == 4.0
    assert float(mean.count.value) == 2.0


def test_weights_per_sample_against_several_columns():
    # per-sample means [1.5, 4]; weights [1, 3]: (1.5 + 12) / 4 = 3.375
    mean = Mean()
    mean.update_state([[1, 2], [3, 5]], sample_weight=[1, 3])
    assert mean.result() == 3.375
    # (n, 1) weights against (n,) values are the same weights.
    mean.reset_state()
    mean.update_state([1.5, 4], sample_weight=[[1], [3]])
    assert mean.result() == 3.375


def test_weights_per_element():
    # values * weights = [[1, 0], [3, 5]] -> row means [0.5, 4] -> total 4.5;
    # weights' row means [0.5, 1] -> count 1.5; mean 3.
    mean = Mean()
    mean.update_state([[1, 2], [3, 5]], sample_weight=[[1, 0], [1, 1]])
    assert mean.result() == 3.0
    total = Sum()  # Sum reduces with sums: 1 + 0 + 3 + 5
    total.update_state([[1, 2], [3, 5]], sample_weight=[[1, 0], [1, 1]])
    assert total.result() == 9.0


def test_scalar_weight_counts_once_per_batch_as_in_keras():
    # A scalar weight w reduces the batch to its mean m and adds w*m over w: the batch
    # counts once, whatever its size. Batches [1, 3, 5, 7] (mean 4) and [10]: (4 + 10) / 2.
    mean = Mean()
    mean.update_state([1, 3, 5, 7], sample_weight=2.0)
    mean.update_state([10], sample_weight=2.0)
    assert mean.result() == 7.0
    assert float(mean.count.value) == 4.0


def test_running_mean_over_uneven_batches():
    rng = np.random.default_rng(0)
    values = rng.random(23).astype("float32")
    weights = rng.random(23).astype("float32")
    mean = Mean()
    for start in range(0, 23, 5):  # batches of 5, 5, 5, 5, 3
        mean.update_state(values[start : start + 5], sample_weight=weights[start : start + 5])
    expected = np.sum(values * weights, dtype=np.float64) / np.sum(weights, dtype=np.float64)
    assert mean.result() == pytest.approx(expected, rel=1e-6)


def test_wrapper_passes_arguments_and_weights():
    metric = MeanMetricWrapper(binary_accuracy, threshold=0.7)
    assert metric.name == "mean_metric_wrapper"  # Keras's default name
    # 0.6 -> 0 (label 1: miss), 0.8 -> 1 (label 1: hit), 0.65 -> 0 (label 0: hit)
    metric.update_state([[1], [1], [0]], [[0.6], [0.8], [0.65]], sample_weight=[2, 1, 1])
    assert metric.result() == 0.5  # (0 + 1 + 1) / 4


def test_wrapper_of_any_function():
    def absolute_error(y_true, y_pred):
        return np.abs(np.asarray(y_true) - np.asarray(y_pred))

    metric = MeanMetricWrapper(absolute_error, name="ae")
    metric.update_state([[1, 2], [3, 4]], [[1, 1], [1, 1]])  # row means [0.5, 2.5]
    assert metric.result() == 1.5
    assert metric.get_config() == {"name": "ae", "dtype": "float32", "fn": "absolute_error"}
    with pytest.raises(UnknownIdentifierError, match="absolute_error"):
        MeanMetricWrapper.from_config(metric.get_config())
    clone = MeanMetricWrapper.from_config(
        metric.get_config(), custom_objects={"absolute_error": absolute_error}
    )
    assert clone.fn is absolute_error


def test_wrapper_config_round_trip():
    metric = MeanMetricWrapper(binary_accuracy, name="acc7", threshold=0.7)
    assert metric.get_config() == {
        "name": "acc7",
        "dtype": "float32",
        "fn": "binary_accuracy",
        "threshold": 0.7,
    }
    clone = check_config_roundtrip(metric)
    assert clone.fn is binary_accuracy
    # Keras 3 writes the function as a dict.
    keras3 = {
        "name": "m",
        "dtype": "float32",
        "threshold": 0.5,
        "fn": {
            "module": "keras.metrics",
            "class_name": "function",
            "config": "binary_accuracy",
            "registered_name": "binary_accuracy",
        },
    }
    assert MeanMetricWrapper.from_config(keras3).fn is binary_accuracy


def test_wrapper_rejects_misspelt_function_arguments():
    with pytest.raises(UnknownArgumentError, match="Did you mean 'threshold'"):
        MeanMetricWrapper(binary_accuracy, threshhold=0.7)
    with pytest.raises(TypeError, match="callable"):
        MeanMetricWrapper("binary_accuracy")
    with pytest.raises(UnknownArgumentError, match="Did you mean 'dtype'"):
        Mean(dtpe="float64")


def test_float64_state_and_dtype_policy_configs():
    with float64():
        total = Sum()
        total.update_state([0.1, 0.2])
        assert total.result() == 0.1 + 0.2  # float64 arithmetic, not float32
    assert Mean(dtype={"class_name": "DTypePolicy", "config": {"name": "float64"}}).dtype == (
        "float64"
    )


def test_base_class_contract():
    class Counter(Metric):
        def __init__(self, name=None, dtype=None):
            super().__init__(name=name, dtype=dtype)
            self.seen = self.add_variable((), name="seen")

        def update_state(self, values):
            self.seen.assign(self.seen.value + len(values))

        def result(self):
            return float(self.seen.value)

    counter = Counter()
    assert counter.name == "counter" and Counter().name == "counter_1"
    assert counter([1, 2, 3]) == 3.0  # __call__ updates, then reads
    assert counter.variables[0].path == "counter/seen"
    assert counter.variables[0].trainable is False
    counter.reset_state()
    assert counter.result() == 0.0
    assert counter.get_config() == {"name": "counter", "dtype": "float32"}
    with pytest.raises(NotImplementedError):
        Metric().result()
