"""to_json / model_from_json: Keras 3's form written, Keras 2 and 3 forms read."""

import json

import numpy as np
import pytest

from neuronet.errors import UnknownIdentifierError
from neuronet.layers import Dense, Dropout, Flatten, Input, Reshape
from neuronet.models import Sequential, model_from_json
from tests.models.test_sequential import textbook_model


def _strip(config):
    """The parts of a Keras config that must agree: classes, names, arguments, shapes."""
    if isinstance(config, dict):
        return {
            k: _strip(v)
            for k, v in config.items()
            if k not in ("quantization_config", "compile_config", "keras_version", "backend")
        }
    if isinstance(config, list):
        return [_strip(v) for v in config]
    return config


def test_textbook_json_is_what_keras_3_writes(keras_fixtures):
    ours = json.loads(textbook_model().to_json())
    keras = json.loads((keras_fixtures / "inference/xor_textbook.keras3.json").read_text())
    assert _strip(ours) == _strip(keras)
    assert ours["keras_version"].startswith("3.") and ours["backend"] == "numpy"


def test_round_trip_rebuilds_the_same_model():
    model = Sequential(
        [
            Input(shape=(2, 3)),
            Flatten(),
            Dense(4, activation="relu", kernel_regularizer="l2"),
            Dropout(0.25, seed=3),
            Reshape((2, 2)),
            Flatten(),
            Dense(1, activation="sigmoid", use_bias=False),
        ]
    )
    clone = model_from_json(model.to_json())
    assert [type(a) for a in clone.layers] == [type(b) for b in model.layers]
    assert [a.get_config() for a in clone.layers] == [b.get_config() for b in model.layers]
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 2, 3))
    np.testing.assert_array_equal(clone.predict(x), model.predict(x))


def test_compiled_model_records_its_compile_config():
    model = textbook_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    config = json.loads(model.to_json())["compile_config"]
    assert config["loss"] == "binary_crossentropy" and config["metrics"] == ["accuracy"]
    assert config["optimizer"]["class_name"] == "SGD"


def test_legacy_list_of_layers_config():
    layers = json.loads(textbook_model().to_json())["config"]["layers"]
    model = model_from_json(json.dumps({"class_name": "Sequential", "config": layers}))
    assert model.count_params() == 41


def test_unknown_layer_class_is_refused():
    description = json.loads(textbook_model().to_json())
    description["config"]["layers"][1]["class_name"] = "Lambda"
    with pytest.raises(UnknownIdentifierError, match="Lambda"):
        model_from_json(json.dumps(description))
    with pytest.raises(ValueError, match="parsed"):
        model_from_json("{not json")


def test_mixed_precision_policies_load_with_float32_weights():
    description = json.loads(textbook_model().to_json())
    for layer in description["config"]["layers"][1:]:
        layer["config"]["dtype"]["config"]["name"] = "mixed_float16"
    model = model_from_json(json.dumps(description))
    assert {layer.dtype for layer in model.layers} == {"float32"}
