"""Keras 2's dialect: what neuronet writes for tf_keras equals what tf_keras wrote."""

import json

import pytest

from neuronet.saving import keras2_config
from tests.conftest import KERAS_FIXTURES
from tests.keras_specs import build_model, load_cases

CASES = load_cases(KERAS_FIXTURES, "inference.json") if KERAS_FIXTURES else []


def _read(keras_fixtures, case, key):
    return json.loads((keras_fixtures / case["files"][key]).read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_to_json_form_equals_tf_keras(case, keras_fixtures):
    ours = keras2_config.model_description(build_model(case["spec"]))
    theirs = _read(keras_fixtures, case, "tf_keras_json")
    theirs.pop("keras_version")
    theirs.pop("backend")
    if case["spec"]["input"]["kind"] == "Input":  # Keras 2 names an explicit Input 'input_1'
        theirs["config"]["layers"][0]["config"]["name"] = "input_layer"
    assert ours == theirs


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_h5_form_equals_tf_keras(case, keras_fixtures):
    ours = keras2_config.model_description(build_model(case["spec"]), for_h5=True)
    theirs = _read(keras_fixtures, case, "tf_keras_h5config_json")
    if case["spec"]["input"]["kind"] == "Input":
        theirs["config"]["layers"][0]["config"]["name"] = "input_layer"
    assert ours == theirs
