"""model.save / load_model: .keras and Keras 2 .h5, ours and Keras's."""

import json
import zipfile

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.errors import FileFormatError
from neuronet.models import load_model
from tests.conftest import KERAS_FIXTURES
from tests.keras_specs import load_cases
from tests.models.test_sequential import textbook_model

CASES = load_cases(KERAS_FIXTURES, "inference.json") if KERAS_FIXTURES else []
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
Y = np.array([[0], [1], [1], [0]], dtype="float32")


@pytest.mark.parametrize("key", ["keras3_keras", "tf_keras_model"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_keras_model_files_load_and_predict(case, key, keras_fixtures):
    model = load_model(keras_fixtures / case["files"][key])
    np.testing.assert_allclose(
        model.predict(case["arrays"]["x"]), case["arrays"]["y"], rtol=1e-5, atol=1e-6
    )
    assert model.compiled == case["compiled_when_saved"]
    if model.compiled:
        assert model.loss in ("binary_crossentropy", "categorical_crossentropy")


@pytest.mark.parametrize("name", ["model.keras", "model.h5"])
def test_round_trip_keeps_weights_compile_settings_and_optimizer_state(tmp_path, name):
    model = textbook_model()
    model.compile(loss="binary_crossentropy", optimizer=optimizers.Adam(0.01), metrics=["accuracy"])
    model.fit(X, Y, epochs=3, verbose=0)
    model.save(tmp_path / name)
    loaded = load_model(tmp_path / name)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.loss == "binary_crossentropy"
    assert isinstance(loaded.optimizer, optimizers.Adam)
    assert int(loaded.optimizer.iterations) == 3
    for ours, theirs in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    # Training continues identically from the saved state.
    model.fit(X, Y, epochs=2, shuffle=False, verbose=0)
    loaded.fit(X, Y, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_keras_archive_layout(tmp_path):
    model = textbook_model()
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert config["class_name"] == "Sequential" and "compile_config" in config
    assert metadata["keras_version"].startswith("3.")


def test_compile_false_and_unknown_formats(tmp_path):
    model = textbook_model()
    model.compile(loss="mse", optimizer="sgd")
    model.save(tmp_path / "m.keras")
    assert not load_model(tmp_path / "m.keras", compile=False).compiled
    with pytest.raises(ValueError, match=".keras"):
        model.save(tmp_path / "m.bin")
    (tmp_path / "junk.keras").write_bytes(b"nonsense")
    with pytest.raises(FileFormatError, match="junk.keras"):
        load_model(tmp_path / "junk.keras")
