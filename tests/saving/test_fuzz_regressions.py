"""The bugs the loader fuzzers found, each as a plain test of the file that showed it.

Each test builds the smallest file the fuzzer's example reduces to and runs it through the same
``check_load`` property as the fuzzers (``test_fuzz_loaders.py``): a model that loads and
predicts, or a clean ``FileFormatError`` naming the file. Where the file is honest (a model
saved before it was built), it must load.
"""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from neuronet.errors import FileFormatError
from neuronet.layers import Dense
from neuronet.models import Sequential, load_model, model_from_json
from tests.models.test_sequential import textbook_model
from tests.saving.test_fuzz_loaders import FUZZ_MAX_PARAMS, check_load
from tests.saving.test_fuzz_mutators import rezip
from tests.saving.test_hostile_zips import patch

JSON_SOURCE = "<json string>"


def refused(load, source, match):
    """``load()`` is a clean refusal (the fuzzers' property) whose message holds ``match``."""
    assert check_load(load, source) == "refused"
    with pytest.raises(FileFormatError, match=match):
        load()


def textbook_tree():
    return json.loads(textbook_model().to_json())


# --- model configs --------------------------------------------------------------------------
def test_a_dtype_policy_whose_config_is_not_an_object_is_refused():
    # was: AttributeError: 'str' object has no attribute 'get' (in layers.layer.dtype_name)
    tree = textbook_tree()
    tree["config"]["layers"][1]["config"]["dtype"] = {"class_name": "DTypePolicy", "config": "x"}
    text = json.dumps(tree)
    refused(
        lambda: model_from_json(text),
        JSON_SOURCE,
        "config.layers\\[1\\].config.dtype: must be a dtype name or a DTypePolicy config",
    )


@pytest.mark.parametrize("key", ["kernel_initializer", "bias_initializer"])
def test_a_null_initializer_is_refused(key):
    # was: TypeError: 'NoneType' object is not callable (in Layer.add_weight)
    tree = textbook_tree()
    tree["config"]["layers"][1]["config"][key] = None
    text = json.dumps(tree)
    refused(lambda: model_from_json(text), JSON_SOURCE, f"{key}: must be a name or a config")


@pytest.mark.parametrize("shape_key", ["batch_shape", "batch_input_shape"])
def test_a_batch_shape_without_the_batch_axis_is_refused(shape_key):
    # was: IndexError: tuple index out of range (in Flatten.compute_output_shape)
    text = json.dumps(
        {
            "class_name": "Sequential",
            "config": {
                "layers": [
                    {"class_name": "InputLayer", "config": {shape_key: []}},
                    {"class_name": "Flatten", "config": {}},
                ]
            },
        }
    )
    refused(lambda: model_from_json(text), JSON_SOURCE, f"{shape_key}: must hold the batch axis")


@pytest.mark.parametrize(
    "key, axes",
    [("kernel_initializer", [[]]), ("kernel_initializer", [2]), ("bias_initializer", [1])],
)
def test_initializer_axes_that_the_weight_lacks_are_refused(key, axes):
    # was: TypeError: tuple indices must be integers or slices, not list (in compute_fans)
    tree = textbook_tree()
    initializer = {
        "class_name": "GlorotUniform",
        "config": {"input_axes": axes, "output_axes": [0]},
    }
    tree["config"]["layers"][1]["config"][key] = initializer
    text = json.dumps(tree)
    refused(lambda: model_from_json(text), JSON_SOURCE, f"{key}.config.input_axes: must be a list")


@pytest.mark.parametrize("field, value", [("ema_momentum", None), ("use_ema", "yes")])
def test_optimizer_arguments_of_the_wrong_type_are_refused(tmp_path, field, value):
    # was: TypeError: '<=' not supported between instances of 'int' and 'NoneType'
    path = tmp_path / "model.keras"
    model = textbook_model()
    model.compile(optimizer="adam", loss="mse")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    config["compile_config"]["optimizer"]["config"].update({"use_ema": True, field: value})
    edited = rezip(
        path.read_bytes(), tmp_path / "edited.keras", {"config.json": json.dumps(config)}
    )
    refused(lambda: load_model(edited), str(edited), f"optimizer.config.{field}: must be")


# --- .keras archives and Keras 2 .h5 models -------------------------------------------------
@pytest.mark.parametrize("extension", ["keras", "h5"])
@pytest.mark.parametrize("compiled", [False, True])
def test_a_model_saved_before_it_was_built_loads_back_unbuilt(tmp_path, extension, compiled):
    # was: "Model 'sequential' must be built before loading weights from ...", a message that
    # did not start with the file's name, for files that neuronet itself (and Keras) writes
    model = Sequential([Dense(2)])
    if compiled:
        model.compile(optimizer="adam", loss="mse")
    path = tmp_path / f"unbuilt.{extension}"
    model.save(path)
    assert check_load(lambda: load_model(path), str(path)) == "loaded"
    loaded = load_model(path)
    assert not loaded.built and [type(layer) for layer in loaded.layers] == [Dense]
    assert loaded.predict(np.ones((3, 4), "float32")).shape == (3, 2)


def test_weights_for_a_model_whose_config_gives_no_input_shape_are_refused(tmp_path):
    Sequential([Dense(10), Dense(1)]).save(tmp_path / "unbuilt.keras")
    textbook_model().save(tmp_path / "built.keras")
    with zipfile.ZipFile(tmp_path / "built.keras") as archive:
        weights = archive.read("model.weights.h5")
    path = rezip(
        (tmp_path / "unbuilt.keras").read_bytes(),
        tmp_path / "mixed.keras",
        {"model.weights.h5": weights},
    )
    refused(lambda: load_model(path), str(path), "gives no input shape.*holds 4 weight arrays")


def _compiled_textbook():
    model = textbook_model()
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    model.fit(x, np.array([[0], [1], [1], [0]], "float32"), epochs=1, verbose=0)
    return model


def test_an_optimizer_entry_that_is_a_dataset_is_refused(tmp_path):
    # was: AttributeError: 'Dataset' object has no attribute 'get' (in _restore_optimizer)
    _compiled_textbook().save(tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as archive:
        weights = archive.read("model.weights.h5")
    buffer = io.BytesIO(weights)
    with h5py.File(buffer, "r+") as file:
        del file["optimizer"]
        file["optimizer"] = np.zeros(3, "float32")
    path = rezip(
        (tmp_path / "model.keras").read_bytes(),
        tmp_path / "edited.keras",
        {"model.weights.h5": buffer.getvalue()},
    )
    refused(
        lambda: load_model(path, max_params=FUZZ_MAX_PARAMS),
        str(path),
        "model.weights.h5: /optimizer is a Dataset, not a group",
    )


def test_keras2_optimizer_weights_that_are_a_dataset_are_refused(tmp_path):
    path = tmp_path / "model.h5"
    _compiled_textbook().save(path)
    with h5py.File(path, "r+") as file:
        del file["optimizer_weights"]
        file["optimizer_weights"] = np.zeros(3, "float32")
    refused(lambda: load_model(path), str(path), "/optimizer_weights is a Dataset, not a group")


def test_a_keras2_metric_wrapper_without_a_config_object_is_refused(tmp_path):
    # was: AttributeError: 'str' object has no attribute 'get' (in _keras2_metric_names)
    path = tmp_path / "model.h5"
    _compiled_textbook().save(path)
    with h5py.File(path, "r+") as file:
        training = json.loads(file.attrs["training_config"])
        training["metrics"] = [[{"class_name": "MeanMetricWrapper", "config": "accuracy"}]]
        file.attrs["training_config"] = json.dumps(training).encode()
    refused(lambda: load_model(path), str(path), "MeanMetricWrapper without a config object")


def test_a_member_flagged_as_patch_data_is_refused(tmp_path):
    # was: NotImplementedError: compressed patched data (flag bit 5), from zipfile
    path = tmp_path / "model.keras"
    textbook_model().save(path)
    patch(path, "config.json", flags=0x20)
    refused(lambda: load_model(path), str(path), "'config.json' is stored as patch data")


def test_an_archive_needing_a_later_zip_version_is_refused(tmp_path):
    # was: NotImplementedError: zip file version 8.0, from zipfile listing the archive
    path = tmp_path / "model.keras"
    textbook_model().save(path)
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (80).to_bytes(2, "little")  # version needed to extract
    path.write_bytes(bytes(data))
    refused(lambda: load_model(path), str(path), "not a readable .keras archive.*version 8.0")


def test_keras2_model_config_with_a_repeated_key_is_refused_like_config_json(tmp_path):
    # A JSON object that repeats a key means two different things to two parsers: the HDF5
    # attributes go through the same checked parser as a .keras archive's config.json.
    import h5py

    from neuronet.errors import FileFormatError
    from neuronet.models import load_model
    from tests.models.test_sequential import textbook_model

    path = tmp_path / "m.h5"
    model = textbook_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.save(path)
    with h5py.File(path, "r+") as file:
        text = file.attrs["model_config"]
        text = text.decode() if isinstance(text, bytes) else str(text)
        file.attrs["model_config"] = text.replace('"units": 10', '"units": 7, "units": 10')
    with pytest.raises(FileFormatError, match="repeats the key"):
        load_model(path)
