"""Models given Keras's weights predict what Keras predicted; files written by Keras load."""

import numpy as np
import pytest

from neuronet.models import model_from_json
from tests.conftest import KERAS_FIXTURES
from tests.keras_specs import build_model, load_cases

CASES = load_cases(KERAS_FIXTURES, "inference.json") if KERAS_FIXTURES else []
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}
IDS = [c["name"] for c in CASES]


def _weights(case):
    return [case["arrays"][f"w{i}"] for i in range(case["n_weights"])]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_set_weights_then_predict(case):
    model = build_model(case["spec"])
    model.set_weights(_weights(case))
    assert model.count_params() == case["total_params"]
    np.testing.assert_allclose(model.predict(case["arrays"]["x"]), case["arrays"]["y"], **TOLERANCE)
    if case.get("predict_classes"):
        mask = case["arrays"]["classes_mask"]
        classes = model.predict_classes(case["arrays"]["x"])
        np.testing.assert_array_equal(classes[mask], case["arrays"]["classes"][mask])


@pytest.mark.parametrize(
    "json_key, weights_key",
    [
        ("keras3_json", "keras3_weights"),
        ("keras3_json", "tf_keras_weights"),
        ("tf_keras_json", "tf_keras_weights"),
        ("tf_keras_h5config_json", "tf_keras_weights"),
        ("tf_keras_json", "keras3_weights"),
    ],
)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_keras_json_and_weights_files_load(case, json_key, weights_key, keras_fixtures):
    files = case["files"]
    model = model_from_json((keras_fixtures / files[json_key]).read_text())
    model.load_weights(keras_fixtures / files[weights_key])
    for ours, keras in zip(model.get_weights(), _weights(case)):
        np.testing.assert_array_equal(ours, keras)  # weights read from a file are exact
    np.testing.assert_allclose(model.predict(case["arrays"]["x"]), case["arrays"]["y"], **TOLERANCE)
    assert [layer.name for layer in model.layers] == [
        layer["config"]["name"]
        for layer in __import__("json").loads((keras_fixtures / files[json_key]).read_text())[
            "config"
        ]["layers"]
        if layer["class_name"] != "InputLayer"
    ]
