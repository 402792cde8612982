"""Keras 2's dialect: what neuronet writes for tf_keras equals what tf_keras wrote."""

import json

import numpy as np
import pytest

from neuronet.layers import Dense
from neuronet.models import Sequential, load_model, model_from_json
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


def test_to_json_dialects_round_trip_in_neuronet():
    from neuronet.models import model_from_json
    from tests.models.test_sequential import textbook_model

    model = textbook_model()
    keras2 = json.loads(model.to_json(dialect="keras2"))
    assert keras2["keras_version"].startswith("2.") and keras2["backend"] == "tensorflow"
    assert keras2["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 2]
    for dialect in ("keras2", "keras3"):
        clone = model_from_json(model.to_json(dialect=dialect))
        assert [layer.get_config() for layer in clone.layers] == [
            layer.get_config() for layer in model.layers
        ]
    with pytest.raises(ValueError, match="dialect"):
        model.to_json(dialect="keras1")


def test_keras2_training_config_names_losses_canonically(tmp_path):
    import h5py

    from tests.models.test_sequential import textbook_model

    model = textbook_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as file:
        training = json.loads(file.attrs["training_config"])
        names = [str(n) for n in file["optimizer_weights"].attrs["weight_names"]]
    assert training["loss"] == "mean_squared_error" and training["metrics"] == ["mae"]
    assert training["optimizer_config"]["class_name"] == "Custom>SGD"
    assert names == ["iteration:0"]


def test_keras2_forms_of_a_model_built_by_fit(tmp_path):
    # No declared input: the model takes its input shape from the data in fit. tf_keras then
    # builds an InputLayer named after the first layer, which does not repeat the shape.
    model = Sequential([Dense(2)])
    model.compile("sgd", "mse")
    x = np.ones((4, 3), dtype="float32")
    model.fit(x, np.zeros((4, 2)), verbose=0)
    layers = keras2_config.model_description(model)["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer"
    assert layers[0]["config"]["name"] == f"{model.layers[0].name}_input"
    assert layers[0]["config"]["batch_input_shape"] == [None, 3]
    assert "batch_input_shape" not in layers[1]["config"]
    assert model_from_json(model.to_json(dialect="keras2")).input_shape == (None, 3)
    model.save(tmp_path / "model.h5")
    np.testing.assert_array_equal(load_model(tmp_path / "model.h5").predict(x), model.predict(x))
