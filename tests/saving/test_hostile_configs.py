"""Hostile model configs (JSON text, parsed dicts, .keras and Keras 2 .h5 files) are refused
with a FileFormatError naming their source, before anything is built; honest ones still load.

The corpus follows the published Keras attacks: Lambda bytecode (CVE-2024-3660), modules and
functions named in config.json (CVE-2025-1550), files that try to switch safe mode off
(CVE-2025-9906 and ``"safe_mode": false``), plus wrong types, deep nesting, huge strings,
NaN/inf and models too large to allocate.
"""

import base64
import copy
import json
import marshal
import time
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest

from neuronet.errors import FileFormatError, ShapeError, UnknownIdentifierError
from neuronet.layers import Dense
from neuronet.models import load_model, model_from_config, model_from_json
from neuronet.saving import config_checks
from tests.models.test_sequential import textbook_model

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
CODE = base64.b64encode(marshal.dumps((lambda x: x).__code__)).decode()  # a harmless payload
KERAS2_LAMBDA = {  # what tf_keras writes for Lambda(lambda x: x): marshalled bytecode
    "class_name": "Lambda",
    "config": {
        "name": "lambda",
        "trainable": True,
        "dtype": "float32",
        "function": [CODE, None, None],
        "function_type": "lambda",
        "module": "__main__",
        "output_shape": None,
        "output_shape_type": "raw",
        "output_shape_module": None,
        "arguments": {},
    },
}
KERAS3_LAMBDA = {  # Keras 3's form: the code object travels as "__lambda__"
    "module": "keras.layers",
    "class_name": "Lambda",
    "config": {
        "name": "lambda",
        "function": {
            "class_name": "__lambda__",
            "config": {"code": CODE, "defaults": None, "closure": None},
        },
        "arguments": {},
    },
    "registered_name": None,
}


def keras3_description(keras_fixtures):
    """The textbook model as Keras 3 wrote it (parsed)."""
    return json.loads((keras_fixtures / "inference/xor_textbook.keras3.json").read_text())


def refused(load, *patterns, source="<json string>"):
    """Run ``load``; it must raise FileFormatError starting with ``source`` and matching."""
    with pytest.raises(FileFormatError) as caught:
        load()
    message = str(caught.value)
    assert message.startswith(f"{source}: "), message
    for pattern in patterns:
        assert pattern in message, message
    return caught.value


def mutated(description, change):
    description = copy.deepcopy(description)
    change(description)
    return description


def dense_config(description):
    return description["config"]["layers"][1]["config"]


# --- code in configs ----------------------------------------------------------------------------
@pytest.mark.parametrize("entry", [KERAS2_LAMBDA, KERAS3_LAMBDA], ids=["keras2", "keras3"])
def test_lambda_layers_are_refused_because_loading_never_runs_code(entry, keras_fixtures):
    description = keras3_description(keras_fixtures)
    description["config"]["layers"].insert(2, entry)
    error = refused(lambda: model_from_json(json.dumps(description)), "Lambda", "never runs code")
    assert isinstance(error, UnknownIdentifierError)  # what the registries raised before


def test_bytecode_is_refused_even_when_custom_objects_names_lambda(keras_fixtures):
    description = keras3_description(keras_fixtures)
    for entry in (KERAS2_LAMBDA, KERAS3_LAMBDA):
        bad = mutated(description, lambda d, e=entry: d["config"]["layers"].insert(2, e))
        refused(
            lambda b=bad: model_from_json(json.dumps(b), custom_objects={"Lambda": Dense}),
            "Python code",
        )


@pytest.mark.parametrize(
    "identifier, expected",
    [
        ({"module": "os", "class_name": "function", "config": "system"}, "module 'os'"),
        ({"module": "builtins", "class_name": "function", "config": "exec"}, "'builtins'"),
        ({"module": "subprocess", "class_name": "Popen", "config": {}}, "'subprocess'"),
        (  # CVE-2025-9906: a Keras module's function that switches safe mode off
            {
                "module": "keras.config",
                "class_name": "function",
                "config": "enable_unsafe_deserialization",
                "registered_name": "function",
            },
            "never runs code",
        ),
        ({"module": "keras.src.ops", "class_name": "function", "config": "eval"}, "'eval'"),
        ({"class_name": "function", "config": "getattr"}, "unknown function 'getattr'"),
        ({"module": None, "class_name": "Popen", "config": {}}, "unknown class 'Popen'"),
        ({"class_name": 7, "config": {}}, "class_name must be a string"),
    ],
)
def test_modules_and_functions_named_in_a_config_are_never_imported(
    identifier, expected, keras_fixtures
):
    description = keras3_description(keras_fixtures)
    dense_config(description)["activation"] = identifier
    refused(lambda: model_from_json(json.dumps(description)), expected)
    # The same object anywhere else (compile settings here) is refused the same way.
    description = keras3_description(keras_fixtures)
    description["compile_config"] = {"optimizer": "sgd", "loss": identifier}
    refused(lambda: model_from_json(json.dumps(description)), expected)


def test_cve_2025_9906_lambda_calling_load_model_without_safe_mode(keras_fixtures):
    description = keras3_description(keras_fixtures)
    description["config"]["layers"].insert(
        2,
        {
            "module": "keras.layers",
            "class_name": "Lambda",
            "config": {
                "name": "unsafe_deserialization",
                "function": {
                    "module": "keras.models",
                    "class_name": "function",
                    "config": "load_model",
                    "registered_name": "function",
                },
                "arguments": {"safe_mode": False},
            },
        },
    )
    refused(lambda: model_from_json(json.dumps(description)), "never runs code")


@pytest.mark.parametrize(
    "where",
    ["top", "model config", "layer config", "compile config", "nested"],
)
@pytest.mark.parametrize("flag", ["safe_mode", "enable_unsafe_deserialization"])
def test_no_flag_inside_a_file_switches_safety_off(where, flag, keras_fixtures):
    description = keras3_description(keras_fixtures)
    target = {
        "top": description,
        "model config": description["config"],
        "layer config": dense_config(description),
        "compile config": description["compile_config"],
        "nested": dense_config(description)["kernel_initializer"]["config"],
    }[where]
    target[flag] = False
    refused(lambda: model_from_json(json.dumps(description)), flag, "never runs code")


def test_module_keys_are_ignored_for_the_callers_own_classes(keras_fixtures):
    class Scaled(Dense):
        """A user's layer, saved by Keras 3 with its own module and registered name."""

    description = keras3_description(keras_fixtures)
    entry = description["config"]["layers"][1]
    entry.update(class_name="Scaled", module="my_package.layers", registered_name="my>Scaled")
    refused(lambda: model_from_json(json.dumps(description)), "'Scaled'", "my_package")
    model = model_from_json(json.dumps(description), custom_objects={"Scaled": Scaled})
    assert type(model.layers[0]) is Scaled and model.count_params() == 41
    not_a_layer = {"Scaled": print}
    refused(lambda: model_from_json(json.dumps(description), not_a_layer), "not a layer")


# --- sizes and nesting --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        '{"class_name": "Sequential", "config": ' + "[{" * 50_000 + "}]" * 50_000 + "}",
        "[" * 100_000,  # not even valid JSON: still no RecursionError
        '["' + "\\[" * 1000 + '"' + "[" * 100 + "]" * 100 + "]",  # brackets in strings don't count
    ],
    ids=["arrays", "objects", "layers", "unclosed", "escaped"],
)
def test_deep_nesting_is_refused_without_recursion(text):
    refused(lambda: model_from_json(text), "nested deeper than 64")


def test_deeply_nested_python_configs_and_cycles_are_refused():
    deep = {"class_name": "Sequential", "config": {"layers": []}}
    inner = deep["config"]["layers"]
    for _ in range(100_000):  # built without recursion, checked without recursion
        inner.append([])
        inner = inner[0]
    refused(lambda: model_from_config(deep), "nested deeper than 64", source="<config>")
    cyclic = json.loads(textbook_model().to_json())
    cyclic["config"]["layers"].append(cyclic)
    refused(lambda: model_from_config(cyclic), "nested deeper", source="<config>")


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: dense_config(d).update(name="x" * 1_000_000), "string of 1000000 characters"),
        (lambda d: dense_config(d).update({"k" * 70_000: 1}), "not a short string"),
        (lambda d: dense_config(d).update(extra=list(range(200_000))), "list of 200000 items"),
        (lambda d: dense_config(d).update({f"k{i}": i for i in range(2000)}), "2013 keys"),
        (lambda d: d["config"].update(layers=[{}] * 10_001), "more than 10000 are refused"),
        (lambda d: dense_config(d).update(units=10**30), "beyond 64 bits"),
    ],
    ids=["string", "key", "list", "keys", "layers", "int"],
)
def test_oversized_parts_are_refused(change, expected, keras_fixtures):
    description = mutated(keras3_description(keras_fixtures), change)
    refused(lambda: model_from_json(json.dumps(description)), expected)


def test_oversized_text_and_giant_numbers_are_refused():
    refused(lambda: model_from_json(" " * (config_checks.MAX_JSON_CHARS + 1)), "larger than")
    many = '{"class_name": "Sequential", "config": [' + "0," * 1_100_000 + "0]}"
    refused(lambda: model_from_json(many), "list of 1100001 items")
    refused(lambda: model_from_json('{"a": ' + "9" * 5000 + "}"), "could not be parsed")
    refused(lambda: model_from_json(b"\xff\xfe{}"), "not UTF-8")


def test_duplicate_keys_are_refused():
    text = '{"class_name": "Sequential", "config": {"layers": [], "layers": []}}'
    refused(lambda: model_from_json(text), "repeats the key 'layers'")


# --- types of the known fields ------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, field, value, expected",
    [
        ("Dense", "units", "3", "units: must be a positive integer, got '3'"),
        ("Dense", "units", True, "units: must be a positive integer, got True"),
        ("Dense", "units", 3.5, "units: must be a positive integer"),
        ("Dense", "units", float("nan"), "units: nan where a number must be finite"),
        ("Dense", "units", 0, "units: must be a positive integer"),
        ("Dense", "units", None, "units: must be a positive integer"),
        ("Dense", "use_bias", "yes", "use_bias: must be true or false"),
        ("Dense", "use_bias", 1, "use_bias: must be true or false"),
        ("Dense", "activation", 3, "activation: must be a name"),
        ("Dense", "activation", "rm -rf", "Unknown activation"),
        ("Dense", "name", 7, "name: must be a non-empty string"),
        ("Dense", "name", "", "name: must be a non-empty string"),
        ("Dense", "trainable", "true", "trainable: must be true or false"),
        ("Dense", "batch_input_shape", [None, "2"], "must hold positive integers or null"),
        ("Dense", "batch_input_shape", [None, 0], "must hold positive integers or null"),
        ("Dense", "batch_input_shape", [None, 2.0], "must hold positive integers or null"),
        ("Dense", "batch_input_shape", [1] * 40, "at most 32 sizes"),
        ("Dense", "input_dim", -2, "input_dim: must be a positive integer"),
        ("Dropout", "rate", 1.0, "rate: must be a number in [0, 1)"),
        ("Dropout", "rate", -0.1, "rate: must be a number in [0, 1)"),
        ("Dropout", "rate", "0.5", "rate: must be a number in [0, 1)"),
        ("Dropout", "rate", True, "rate: must be a number in [0, 1)"),
        ("Dropout", "rate", float("inf"), "inf where a number must be finite"),
        ("Dropout", "seed", -1, "seed: must be a non-negative integer"),
        ("Dropout", "noise_shape", [None, 2**40], "does not broadcast"),
        ("Reshape", "target_shape", [0], "target_shape: must hold positive integers"),
        ("Reshape", "target_shape", "5", "target_shape: must be a list"),
        ("Reshape", "target_shape", [-1, -1], "at most one -1"),
        ("Reshape", "target_shape", [3], "cannot reshape"),
        ("Flatten", "data_format", 5, "data_format: must be a string"),
        ("Activation", "activation", None, "activation: must be a name or a config object"),
    ],
)
def test_wrong_types_in_known_fields_are_refused(layer, field, value, expected):
    config = {"name": "probe", field: value}
    config.setdefault(
        {"Dense": "units", "Dropout": "rate"}.get(layer, "_"), 2 if layer == "Dense" else 0.5
    )
    config.pop("_", None)
    if layer == "Reshape":
        config.setdefault("target_shape", [2])
    if layer == "Activation":
        config.setdefault("activation", "tanh")
    description = json.loads(textbook_model().to_json())
    description["config"]["layers"].insert(2, {"class_name": layer, "config": config})
    refused(lambda: model_from_json(json.dumps(description)), expected)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(class_name="Functional"), "neuronet loads Sequential models"),
        (lambda d: d.update(config={"layers": "dense"}), "list of 'layers'"),
        (lambda d: d["config"]["layers"].append("Dense"), "layers[5]: must be an object"),
        (lambda d: d["config"]["layers"].append({"config": {}}), "'class_name' is missing"),
        (lambda d: d["config"]["layers"].append({"class_name": "Dense"}), "'units' is missing"),
        (lambda d: d["config"].update(build_input_shape="2"), "build_input_shape"),
        (lambda d: d["compile_config"].update(loss_weights=["1"]), "must hold numbers"),
        (lambda d: d["compile_config"].update(steps_per_execution=0), "steps_per_execution"),
        (
            lambda d: d["compile_config"]["optimizer"]["config"].update(learning_rate=float("inf")),
            "learning_rate: inf",
        ),
        (lambda d: d["compile_config"].update(optimizer=["sgd"]), "optimizer: must be a name"),
    ],
)
def test_wrong_structure_is_refused(change, expected, keras_fixtures):
    description = mutated(keras3_description(keras_fixtures), change)
    refused(lambda: model_from_json(json.dumps(description)), expected)


def test_python_configs_are_checked_like_files():
    description = json.loads(textbook_model().to_json())
    description["config"]["layers"][1]["config"]["activation"] = print  # not JSON data
    refused(lambda: model_from_config(description), "not JSON data", source="<config>")
    refused(lambda: model_from_config(["Sequential"]), "'class_name'", source="<config>")


# --- models too large to allocate ---------------------------------------------------------------
def _wide_model(inputs, units):
    description = json.loads(textbook_model().to_json())
    layers = description["config"]["layers"]
    layers[0]["config"]["batch_shape"] = [None, inputs]
    layers[1]["config"]["units"] = units
    for entry in layers:
        entry.pop("build_config", None)
    description["config"].pop("build_input_shape", None)
    description.pop("build_config", None)
    return json.dumps(description)


def test_absurd_models_are_refused_before_anything_is_allocated():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        refused(lambda: model_from_json(_wide_model(2**20, 2**20)), "max_params=1,073,741,824")
        flat = json.loads(textbook_model().to_json())
        flat["config"]["layers"][0]["config"]["batch_shape"] = [None, 2**31, 2**31]
        flat["config"]["layers"].insert(1, {"class_name": "Flatten", "config": {}})
        refused(lambda: model_from_json(json.dumps(flat)), "nothing was allocated")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20 and time.perf_counter() - started < 5


def test_max_params_is_the_callers_choice(tmp_path):
    text = _wide_model(2, 10)  # 41 parameters
    refused(lambda: model_from_json(text, max_params=40), "beyond max_params=40")
    assert model_from_json(text, max_params=41).count_params() == 41
    refused(lambda: model_from_config(json.loads(text), max_params=40), "40", source="<config>")
    textbook_model().save(tmp_path / "m.keras")
    path = tmp_path / "m.keras"
    refused(lambda: load_model(path, max_params=40), "max_params=40", source=f"{path}/config.json")
    assert load_model(path, max_params=41).count_params() == 41


def test_caller_mistakes_are_not_file_errors():
    text = textbook_model().to_json()
    with pytest.raises(TypeError, match="custom_objects"):
        model_from_json(text, custom_objects=["Dense"])
    with pytest.raises(ValueError, match="max_params"):
        model_from_json(text, max_params=0)
    with pytest.raises(TypeError, match="max_params"):
        load_model("nowhere.keras", max_params="many")


# --- the boundary converts whatever deeper code raises ------------------------------------------
class _Exploding(Dense):
    """A custom class whose from_config raises what deep code might."""

    error = None

    @classmethod
    def from_config(cls, config):
        raise cls.error


@pytest.mark.parametrize(
    "error",
    [
        RecursionError("maximum recursion depth exceeded"),
        KeyError("units"),
        ShapeError("bad shape"),
        TypeError("bad type"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        OSError("disk"),
        zipfile.BadZipFile("bad zip"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_from_deeper_code_reach_the_caller_as_file_format_errors(error, monkeypatch):
    monkeypatch.setattr(_Exploding, "error", error)
    description = json.loads(textbook_model().to_json())
    description["config"]["layers"][1]["class_name"] = "Exploding"
    caught = refused(
        lambda: model_from_json(json.dumps(description), custom_objects={"Exploding": _Exploding}),
        type(error).__name__,
    )
    assert caught.__cause__ is error


def test_unknown_names_deep_inside_are_converted_with_their_cause():
    description = json.loads(textbook_model().to_json())
    description["config"]["layers"][2]["config"]["activation"] = "no_such_activation"
    caught = refused(lambda: model_from_json(json.dumps(description)), "no_such_activation")
    assert isinstance(caught.__cause__, UnknownIdentifierError)


# --- hostile configs inside files ---------------------------------------------------------------
def _keras_with_config(path, description, source_model=None):
    """A .keras archive whose config.json is ``description`` (weights from a real save)."""
    good = path.parent / "good.keras"
    (source_model or textbook_model()).save(good)
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["config.json"] = (
        description if isinstance(description, bytes) else json.dumps(description).encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _h5_with_config(path, description=None, training=None):
    """A Keras 2 .h5 model whose model_config (and training_config) attributes are replaced."""
    model = textbook_model()
    model.compile(loss="mse", optimizer="sgd")
    model.save(path)
    with h5py.File(path, "r+") as file:
        if description is not None:
            file.attrs["model_config"] = description
        if training is not None:
            file.attrs["training_config"] = json.dumps(training)
    return path


@pytest.mark.parametrize("entry", [KERAS2_LAMBDA, KERAS3_LAMBDA], ids=["keras2", "keras3"])
def test_lambda_bytecode_in_keras_and_h5_files_is_refused(entry, tmp_path):
    description = json.loads(textbook_model().to_json())
    description["config"]["layers"].insert(2, entry)
    path = _keras_with_config(tmp_path / "lambda.keras", description)
    for safe_mode in (True, False):  # no argument unlocks code either
        refused(
            lambda s=safe_mode: load_model(path, safe_mode=s),
            "never runs code",
            source=f"{path}/config.json",
        )
    h5_path = _h5_with_config(tmp_path / "lambda.h5", json.dumps(description))
    refused(
        lambda: load_model(h5_path, safe_mode=False),
        "never runs code",
        source=f"{h5_path} (model_config)",
    )


def test_deep_and_malformed_configs_in_files_are_refused(tmp_path):
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    path = _keras_with_config(tmp_path / "deep.keras", deep)
    refused(lambda: load_model(path), "nested deeper", source=f"{path}/config.json")
    h5_path = _h5_with_config(tmp_path / "deep.h5", '{"a": ' * 100_000 + "1" + "}" * 100_000)
    refused(lambda: load_model(h5_path), source=str(h5_path))
    nan = json.loads(textbook_model().to_json())
    nan["config"]["layers"][1]["config"]["units"] = float("nan")
    path = _keras_with_config(tmp_path / "nan.keras", nan)
    refused(lambda: load_model(path), "nan where", source=f"{path}/config.json")
    h5_path = _h5_with_config(tmp_path / "nan.h5", json.dumps(nan))
    refused(lambda: load_model(h5_path), "nan where", source=f"{h5_path} (model_config)")


def test_hostile_training_config_in_h5_is_refused(tmp_path):
    training = {
        "loss": {"module": "os", "class_name": "function", "config": "system"},
        "optimizer_config": {"class_name": "SGD", "config": {}},
    }
    path = _h5_with_config(tmp_path / "t.h5", training=training)
    refused(lambda: load_model(path), "module 'os'", source=f"{path} (training_config)")
    assert load_model(path, compile=False).count_params() == 41  # the config is not read
    training = {
        "loss": "mse",
        "optimizer_config": {"class_name": "SGD", "config": {}},
        "safe_mode": False,
    }
    path = _h5_with_config(tmp_path / "s.h5", training=training)
    refused(lambda: load_model(path), "safe_mode", source=f"{path} (training_config)")


def test_metadata_flags_are_refused(tmp_path):
    good = tmp_path / "good.keras"
    textbook_model().save(good)
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["metadata.json"] = json.dumps({"keras_version": "3.9.0", "safe_mode": False}).encode()
    path = tmp_path / "meta.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    refused(lambda: load_model(path), "safe_mode", source=f"{path}/metadata.json")


# --- honest configs still load ------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["keras3", "tf_keras", "tf_keras_h5config"])
def test_keras_written_configs_pass_every_check(dialect, keras_fixtures):
    for path in sorted((keras_fixtures / "inference").glob(f"*.{dialect}.json")):
        model = model_from_json(path.read_text())
        assert model.built and model.count_params() > 0


def test_round_trips_and_a_large_honest_model_load(tmp_path):
    model = textbook_model()
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(X, verbose=0), model.predict(X, verbose=0))
    assert model_from_config(json.loads(model.to_json())).count_params() == 41
    description = json.loads(textbook_model().to_json())
    template = description["config"]["layers"][2]
    for i in range(1000):  # 1,000 activation layers: the checks stay fast
        entry = copy.deepcopy(template)
        entry["config"]["name"] = f"act_{i}"
        description["config"]["layers"].insert(3, entry)
    started = time.perf_counter()
    assert len(model_from_json(json.dumps(description)).layers) == 1004
    assert time.perf_counter() - started < 5
