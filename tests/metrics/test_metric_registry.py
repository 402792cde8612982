"""The metric registry: get/serialize/deserialize, suggestions, and resolve() for compile."""

import json

import numpy as np
import pytest

from neuronet import metrics
from neuronet.errors import UnknownIdentifierError
from neuronet.metrics import (
    AUC,
    BinaryAccuracy,
    BinaryCrossentropy,
    CategoricalAccuracy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanMetricWrapper,
    MeanSquaredError,
    Precision,
    SparseCategoricalAccuracy,
    SparseCategoricalCrossentropy,
    binary_accuracy,
)

# --- resolve: 'accuracy' by the shapes of labels and output (Keras 3's rules) ----------------
SHAPE_CASES = [
    # (labels, output, expected class)
    ((8, 1), (8, 1), BinaryAccuracy),  # one output column: binary
    ((8,), (8, 1), BinaryAccuracy),  # flat labels, one output column: binary
    ((8,), (8, 3), SparseCategoricalAccuracy),  # one dimension fewer: sparse
    ((8, 1), (8, 3), SparseCategoricalAccuracy),  # one label column, several outputs: sparse
    ((8, 3), (8, 3), CategoricalAccuracy),  # one-hot
    ((8, 2), (8, 2), CategoricalAccuracy),  # two one-hot columns are categorical, not binary
    ((8, 5), (8, 5, 4), SparseCategoricalAccuracy),  # sequences of class indices
    ((8, 5, 1), (8, 5, 4), SparseCategoricalAccuracy),
    ((8, 5, 4), (8, 5, 4), CategoricalAccuracy),
    ((8, 5, 1), (8, 5, 1), BinaryAccuracy),
]


@pytest.mark.parametrize("labels, output, expected", SHAPE_CASES)
def test_accuracy_follows_the_shapes(labels, output, expected):
    for name in ("accuracy", "acc", "Accuracy", "ACC"):
        metric = metrics.resolve(name, labels, output)
        assert type(metric) is expected
        assert metric.name == name  # the history key is what the user wrote
    # Arrays work as well as shape tuples.
    metric = metrics.resolve("acc", np.zeros(labels), np.zeros(output, dtype="float32"))
    assert type(metric) is expected


@pytest.mark.parametrize("labels, output, expected", SHAPE_CASES)
def test_crossentropy_follows_the_same_rules(labels, output, expected):
    crossentropy = {
        BinaryAccuracy: BinaryCrossentropy,
        SparseCategoricalAccuracy: SparseCategoricalCrossentropy,
        CategoricalAccuracy: CategoricalCrossentropy,
    }[expected]
    for name in ("crossentropy", "ce", "CE"):
        metric = metrics.resolve(name, labels, output)
        assert type(metric) is crossentropy and metric.name == name


def test_resolved_accuracy_computes_the_right_thing():
    # Binary: threshold 0.5, where 0.5 counts as class 0.
    metric = metrics.resolve("accuracy", (3, 1), (3, 1))
    assert metric.threshold == 0.5
    metric.update_state(np.array([[0], [1], [1]]), np.array([[0.5], [0.5], [0.7]]))
    assert metric.result() == pytest.approx(2 / 3)
    # Sparse with (n, 1) float labels.
    metric = metrics.resolve("acc", (2, 1), (2, 3))
    metric.update_state(np.array([[2.0], [0.0]]), np.array([[0.1, 0.2, 0.7], [0.1, 0.8, 0.1]]))
    assert metric.result() == 0.5


def test_target_kind_names_the_case():
    assert metrics.target_kind((8,), (8, 1)) == "binary"
    assert metrics.target_kind((8,), (8, 3)) == "sparse"
    assert metrics.target_kind((8, 3), (8, 3)) == "categorical"
    assert metrics.target_kind([0, 1, 1], np.zeros((3, 2))) == "sparse"  # a list of labels


def test_string_names_stay_as_written():
    for name, cls in [
        ("mse", MeanSquaredError),
        ("MSE", MeanSquaredError),
        ("mean_squared_error", MeanSquaredError),
        ("mae", MeanAbsoluteError),
        ("binary_accuracy", BinaryAccuracy),
        ("auc", AUC),
        ("AUC", AUC),
        ("precision", Precision),
        ("bce", BinaryCrossentropy),
    ]:
        metric = metrics.resolve(name, (4, 1), (4, 1))
        assert type(metric) is cls and metric.name == name


def test_instances_classes_dicts_and_callables():
    auc = AUC(name="my_auc")
    assert metrics.resolve(auc, (4, 1), (4, 1)) is auc  # kept, with its own name
    metric = metrics.resolve(Precision, (4, 1), (4, 1))
    assert type(metric) is Precision and metric.name.startswith("precision")
    metric = metrics.resolve(
        metrics.serialize(BinaryAccuracy(name="b7", threshold=0.7)), (4, 1), (4, 1)
    )
    assert type(metric) is BinaryAccuracy and metric.name == "b7" and metric.threshold == 0.7

    def my_error(y_true, y_pred):
        return np.abs(np.asarray(y_true) - np.asarray(y_pred))

    metric = metrics.resolve(my_error, (2, 1), (2, 1))
    assert type(metric) is MeanMetricWrapper and metric.name == "my_error"
    metric.update_state([[1], [2]], [[1.5], [2.0]])
    assert metric.result() == 0.25
    metric = metrics.resolve(binary_accuracy, (2, 1), (2, 1))  # a built-in function object
    assert type(metric) is MeanMetricWrapper and metric.name == "binary_accuracy"
    assert metrics.resolve(None, (2, 1), (2, 1)) is None


def test_each_resolve_gives_a_fresh_metric():
    first = metrics.resolve("mse", (2, 1), (2, 1))
    second = metrics.resolve("mse", (2, 1), (2, 1))
    assert first is not second and first.variables[0] is not second.variables[0]


def test_unknown_names_are_suggested():
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'accuracy'"):
        metrics.resolve("acuracy", (2, 1), (2, 1))
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'precision'"):
        metrics.get("precison")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'mean_squared_error'"):
        metrics.resolve("mean_square_error", (2, 1), (2, 1))
    with pytest.raises(ValueError):
        metrics.get(42)


def test_validate_checks_without_creating():
    for identifier in (
        "acc",
        "Accuracy",
        "crossentropy",
        "ce",
        "mse",
        "AUC",
        Precision,
        binary_accuracy,
        {"class_name": "AUC", "config": {}},
        None,
    ):
        metrics.validate(identifier)
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'mae'"):
        metrics.validate("maee")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'Precision'"):
        metrics.validate({"class_name": "Precison", "config": {}})
    with pytest.raises(ValueError, match="interpret"):
        metrics.validate(3)
    assert AUC().name == "auc"  # validate("AUC") created no metric (no name was taken)


# --- get / serialize / deserialize --------------------------------------------------------------
def test_get_follows_keras():
    assert type(metrics.get("mse")) is MeanSquaredError
    assert metrics.get("mse").name == "mean_squared_error"  # get keeps the class's name
    assert type(metrics.get("binary_accuracy")) is BinaryAccuracy
    assert type(metrics.get("BinaryAccuracy")) is BinaryAccuracy
    assert type(metrics.get("accuracy")) is metrics.Accuracy  # exact equality, as in Keras
    assert type(metrics.get("auc")) is AUC
    assert metrics.get(binary_accuracy) is binary_accuracy
    assert type(metrics.get(Precision)) is Precision
    precision = Precision()
    assert metrics.get(precision) is precision
    assert metrics.get(None) is None
    config = {"class_name": "BinaryAccuracy", "config": {"threshold": 0.3}}
    assert metrics.get(config).threshold == 0.3


@pytest.mark.parametrize(
    "make",
    [
        lambda: BinaryAccuracy(threshold=0.3),
        lambda: AUC(curve="PR", num_thresholds=20),
        lambda: Precision(top_k=2),
        lambda: MeanMetricWrapper(binary_accuracy, threshold=0.2),
        lambda: MeanSquaredError(name="m"),
    ],
    ids=["BinaryAccuracy", "AUC", "Precision", "MeanMetricWrapper", "MeanSquaredError"],
)
def test_serialize_round_trips_through_json(make):
    metric = make()
    config = metrics.serialize(metric)
    assert config["module"] == "keras.metrics"
    assert config["class_name"] == type(metric).__name__
    clone = metrics.deserialize(json.loads(json.dumps(config)))
    assert type(clone) is type(metric)
    assert clone.get_config() == metric.get_config()


def test_functions_serialize_to_their_names():
    assert metrics.serialize(binary_accuracy) == "binary_accuracy"
    assert metrics.serialize(metrics.mean_squared_error) == "mean_squared_error"
    assert metrics.deserialize("binary_accuracy") is binary_accuracy
    assert metrics.deserialize("mse") is metrics.mean_squared_error
    keras3 = {
        "module": "keras.metrics",
        "class_name": "function",
        "config": "sparse_categorical_accuracy",
        "registered_name": "sparse_categorical_accuracy",
    }
    assert metrics.deserialize(keras3) is metrics.sparse_categorical_accuracy
    # Keras 2 configs have no module.
    assert type(metrics.deserialize({"class_name": "AUC", "config": {"name": "auc"}})) is AUC


def test_registry_holds_keras_names_and_aliases():
    for name in (
        "acc",
        "accuracy",
        "mse",
        "MSE",
        "mae",
        "mape",
        "msle",
        "bce",
        "BCE",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy",
        "Precision",
        "Recall",
        "AUC",
        "auc",
        "precision",
        "recall",
        "Mean",
        "Sum",
        "MeanMetricWrapper",
        "TruePositives",
        "true_positives",
        "logcosh",
    ):
        assert name in metrics.METRICS, name
    assert metrics.METRICS.lookup("mae") is metrics.mean_absolute_error
    assert metrics.METRICS.name_of(metrics.mean_absolute_error) == "mean_absolute_error"
