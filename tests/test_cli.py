"""``python -m neuronet summary`` and ``convert``: every supported file, round trips, refusals.

The CLI runs in-process through ``main(argv)`` for most checks and in a subprocess for the
ones that must hold for the real program (exit status, nothing but one line on stderr).
"""

import json
import re
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest

from neuronet import optimizers
from neuronet.__main__ import main
from neuronet.layers import Dense
from neuronet.layers.layer import format_shape
from neuronet.models import Sequential, load_model
from neuronet.saving import model_from_json
from tests.conftest import KERAS_FIXTURES, ROOT
from tests.keras_specs import load_cases
from tests.models.test_sequential import textbook_model

CASES = load_cases(KERAS_FIXTURES, "inference.json") if KERAS_FIXTURES else []
CASE_IDS = [c["name"] for c in CASES]
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
Y = np.array([[0], [1], [1], [0]], dtype="float32")

FORMAT_OF_FIXTURE = {
    "keras3_keras": "Keras 3 .keras archive",
    "tf_keras_model": "Keras 2 full-model HDF5",
    "keras3_json": "Keras 3 architecture JSON",
    "tf_keras_json": "Keras 2 architecture JSON",
    "tf_keras_h5config_json": "Keras 2 architecture JSON",
    "keras3_weights": "Keras 3 weights HDF5",
    "tf_keras_weights": "Keras 2 weights HDF5",
}


def run_main(capsys, *argv):
    """``(status, stdout, stderr)`` of the CLI run in this process."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run_program(*argv):
    """``python -m neuronet ARGV`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "neuronet", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def trained_model():
    model = textbook_model()
    model.compile(loss="binary_crossentropy", optimizer=optimizers.Adam(0.01), metrics=["accuracy"])
    model.fit(X, Y, epochs=3, verbose=0)
    return model


def the_one_line(err):
    """The single stderr line of a refusal (and check that there is only one)."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("neuronet: error: "), err
    assert "Traceback" not in err
    return lines[0]


# --- summary ------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(FORMAT_OF_FIXTURE))
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_summary_of_every_keras_fixture(capsys, keras_fixtures, case, key):
    path = keras_fixtures / case["files"][key]
    status, out, err = run_main(capsys, "summary", path)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"File: {path}"
    assert lines[1].startswith(f"Format: {FORMAT_OF_FIXTURE[key]}")
    total = [line for line in lines if line.startswith("Total params: ")]
    assert len(total) == 1
    assert re.fullmatch(rf"Total params: {case['total_params']} \([\d.]+ (Byte|KB)\)", total[0])


@pytest.mark.parametrize("key", ["keras3_weights", "tf_keras_weights"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_weights_summary_lists_each_weight_with_shape_and_dtype(capsys, keras_fixtures, case, key):
    status, out, _ = run_main(capsys, "summary", keras_fixtures / case["files"][key])
    assert status == 0
    rows = [line.split() for line in out.splitlines() if "float32" in line]
    weights = [case["arrays"][f"w{i}"] for i in range(case["n_weights"])]
    # The fixtures' only layers with weights are Dense, numbered in model order, so the file's
    # order (Keras 2) and the order by key (Keras 3) are both get_weights() order.
    assert len(rows) == len(weights)
    for row, weight in zip(rows, weights):
        shape = format_shape(weight.shape)
        assert f"{shape} float32 {weight.size}" in " ".join(row), row
    if key == "tf_keras_weights":
        assert [r for r in rows if r[0].startswith("dense")][0][1].endswith("/kernel:0")
        assert "Optimizer state" not in out
    else:
        assert "vars/0" in out and "listed by key" in out
    assert out.rstrip().endswith("--config ARCH.json.")


def test_summary_of_files_written_here(capsys, tmp_path):
    model = trained_model()
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.h5")
    model.save_weights(tmp_path / "w.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    (tmp_path / "m.json").write_text(model.to_json())
    expected = []
    model.summary(print_fn=expected.append)
    for name in ("m.keras", "m.h5", "m.json"):
        status, out, _ = run_main(capsys, "summary", tmp_path / name)
        assert status == 0
        assert out.splitlines()[3:] == expected  # File, Format, Compiled, then the table
        assert out.splitlines()[2] == "Compiled: optimizer adam, loss binary_crossentropy, " + (
            "metrics accuracy"
        )
    for name in ("w.h5", "w.weights.h5"):
        status, out, _ = run_main(capsys, "summary", tmp_path / name)
        assert status == 0 and "Total params: 41 (164.00 Byte)" in out.splitlines()
        assert "Layers: 4 (2 with weights)" in out


def test_summary_of_an_architecture_without_input_shape(capsys, tmp_path):
    (tmp_path / "a.json").write_text(Sequential([Dense(3)]).to_json())
    status, out, _ = run_main(capsys, "summary", tmp_path / "a.json")
    assert status == 0
    assert "Compiled: no" in out and "1 layers" in out and "unknown" in out
    assert "Total params" not in out


def test_summary_as_a_program(keras_fixtures):
    result = run_program("summary", keras_fixtures / "inference/xor_textbook.tf_keras_model.h5")
    assert result.returncode == 0 and result.stderr == ""
    assert "Total params: 41 (164.00 Byte)" in result.stdout.splitlines()
    assert 'Model: "sequential"' in result.stdout


# --- convert ------------------------------------------------------------------------------------
def test_convert_chain_keeps_predictions_and_training_state(capsys, tmp_path):
    model = trained_model()
    model.save(tmp_path / "start.keras")
    expected = model.predict(X)
    steps = [
        (["start.keras", "a.h5"], ["a.h5"]),
        (["a.h5", "b.weights.h5"], ["b.weights.h5", "b.json"]),
        (["b.weights.h5", "c.keras", "--config", "b.json"], ["c.keras"]),
        (["c.keras", "d.h5", "--weights-only"], ["d.h5", "d.json"]),
        (["d.json", "e.keras", "--weights", "d.h5"], ["e.keras"]),
        (["e.keras", "f.json"], ["f.json"]),
    ]
    for argv, written in steps:
        paths = [a if a.startswith("--") else tmp_path / a for a in argv]
        status, out, err = run_main(capsys, "convert", *paths)
        assert (status, err) == (0, ""), err
        assert [line.split()[1] for line in out.splitlines()] == [
            str(tmp_path / w) for w in written
        ]
    for name in ("a.h5", "c.keras", "e.keras"):
        loaded = load_model(tmp_path / name)
        np.testing.assert_array_equal(loaded.predict(X), expected)
        assert loaded.loss == "binary_crossentropy"
        assert isinstance(loaded.optimizer, optimizers.Adam)
    # The full-model steps carry the optimizer's state; the JSON + weights steps cannot.
    assert int(load_model(tmp_path / "a.h5").optimizer.iterations) == 3
    rebuilt = model_from_json((tmp_path / "b.json").read_text())
    rebuilt.load_weights(tmp_path / "b.weights.h5")
    np.testing.assert_array_equal(rebuilt.predict(X), expected)
    with h5py.File(tmp_path / "b.weights.h5") as file:
        assert "layers/dense/vars/0" in file  # Keras 3 layout
    with h5py.File(tmp_path / "d.h5") as file:
        assert "layer_names" in file.attrs and "model_config" not in file.attrs  # Keras 2
    assert json.loads((tmp_path / "f.json").read_text())["class_name"] == "Sequential"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("tf_keras_model", "m.keras"),
        ("keras3_keras", "m.h5"),
        ("keras3_keras", "m.weights.h5"),
        ("tf_keras_model", "m.hdf5"),
    ],
)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_convert_keras_files_both_ways(capsys, tmp_path, keras_fixtures, case, source, target):
    path = keras_fixtures / case["files"][source]
    status, _, err = run_main(capsys, "convert", path, tmp_path / target)
    assert (status, err) == (0, "")
    if target.endswith(".weights.h5"):
        converted = model_from_json((tmp_path / "m.json").read_text())
        converted.load_weights(tmp_path / target)
    else:
        converted = load_model(tmp_path / target)
        assert converted.compiled == case["compiled_when_saved"]
    x = case["arrays"]["x"]
    np.testing.assert_array_equal(converted.predict(x), load_model(path).predict(x))
    np.testing.assert_allclose(converted.predict(x), case["arrays"]["y"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("architecture", "weights"),
    [("tf_keras_json", "tf_keras_weights"), ("keras3_json", "keras3_weights")],
)
def test_convert_architecture_and_weights_files(
    capsys, tmp_path, keras_fixtures, architecture, weights
):
    case = CASES[0]
    files = {key: keras_fixtures / case["files"][key] for key in (architecture, weights)}
    argv = ["convert", files[architecture], tmp_path / "a.keras", "--weights", files[weights]]
    assert run_main(capsys, *argv)[0] == 0
    argv = ["convert", files[weights], tmp_path / "b.h5", "--config", files[architecture]]
    assert run_main(capsys, *argv)[0] == 0
    for name in ("a.keras", "b.h5"):
        predictions = load_model(tmp_path / name).predict(case["arrays"]["x"])
        np.testing.assert_allclose(predictions, case["arrays"]["y"], rtol=1e-5, atol=1e-6)


def test_convert_options_config_out_no_compile_overwrite(capsys, tmp_path):
    trained_model().save(tmp_path / "m.keras")
    argv = ["convert", tmp_path / "m.keras", tmp_path / "w.weights.h5"]
    assert run_main(capsys, *argv, "--config-out", tmp_path / "arch.json")[0] == 0
    assert (tmp_path / "arch.json").is_file() and not (tmp_path / "w.json").exists()
    assert (
        run_main(capsys, "convert", tmp_path / "m.keras", tmp_path / "n.h5", "--no-compile")[0] == 0
    )
    assert not load_model(tmp_path / "n.h5").compiled
    before = (tmp_path / "n.h5").read_bytes()
    status, _, err = run_main(capsys, "convert", tmp_path / "m.keras", tmp_path / "n.h5")
    assert status == 2 and "--overwrite" in the_one_line(err)
    assert (tmp_path / "n.h5").read_bytes() == before
    assert (
        run_main(capsys, "convert", tmp_path / "m.keras", tmp_path / "n.h5", "--overwrite")[0] == 0
    )
    assert load_model(tmp_path / "n.h5").compiled


def test_convert_between_json_dialects(capsys, tmp_path, keras_fixtures):
    source = keras_fixtures / CASES[0]["files"]["tf_keras_h5config_json"]
    assert run_main(capsys, "convert", source, tmp_path / "k3.json")[0] == 0
    description = json.loads((tmp_path / "k3.json").read_text())
    assert description["module"] == "keras" and description["keras_version"].startswith("3.")
    assert model_from_json(json.dumps(description)).count_params() == CASES[0]["total_params"]


def test_convert_as_a_program(tmp_path):
    trained_model().save(tmp_path / "m.h5")
    result = run_program("convert", tmp_path / "m.h5", tmp_path / "m.keras")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"wrote {tmp_path / 'm.keras'} (Keras 3 .keras archive)\n"
    assert zipfile.is_zipfile(tmp_path / "m.keras")


# --- refusals -----------------------------------------------------------------------------------
def write_bad_files(folder):
    """Files that no command may accept, each named for what is wrong with it."""
    good = trained_model()
    good.save(folder / "good.keras")
    (folder / "empty.keras").write_bytes(b"")
    (folder / "noise.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "truncated.keras").write_bytes((folder / "good.keras").read_bytes()[:3000])
    with zipfile.ZipFile(folder / "noconfig.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    (folder / "broken.json").write_text('{"class_name": "Sequential", "config": ')
    (folder / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (folder / "functional.json").write_text(json.dumps({"class_name": "Functional", "config": {}}))
    layer = {"class_name": "Lambda", "config": {"function": "os.system"}}
    (folder / "lambda.json").write_text(
        json.dumps({"class_name": "Sequential", "config": {"layers": [layer]}})
    )
    with h5py.File(folder / "other.h5", "w") as file:
        file.create_dataset("data", data=np.zeros(3))
    with h5py.File(folder / "extlink.h5", "w") as file:
        file["layers"] = h5py.ExternalLink("/etc/passwd", "/")
    with h5py.File(folder / "softlink.weights.h5", "w") as file:
        file.create_group("layers/dense/vars").create_dataset("0", data=np.zeros((2, 3)))
        file["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense/vars/0")
    with h5py.File(folder / "ints.h5", "w") as file:
        file.attrs["layer_names"] = [b"dense"]
        file.create_group("dense").attrs["weight_names"] = [b"dense/kernel:0"]
        file["dense"].create_dataset("dense/kernel:0", data=np.zeros((2, 3), dtype="int64"))
    Sequential([Dense(7, input_dim=2)]).save_weights(folder / "misfit.h5")
    (folder / "arch.json").write_text(good.to_json())
    (folder / "folder.keras").mkdir()


BAD_FILES = [
    "empty.keras",
    "noise.bin",
    "truncated.keras",
    "noconfig.keras",
    "broken.json",
    "deep.json",
    "functional.json",
    "lambda.json",
    "other.h5",
    "extlink.h5",
    "softlink.weights.h5",
    "ints.h5",
    "folder.keras",
    "missing.keras",
]


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    write_bad_files(folder)
    return folder


def _files_in(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_one_line_and_status_2(capsys, bad_folder, name):
    before = _files_in(bad_folder)
    for command in (["summary"], ["convert"]):
        argv = [*command, bad_folder / name] + (
            [bad_folder / "out.keras"] if command == ["convert"] else []
        )
        status, out, err = run_main(capsys, *argv)
        assert status == 2, err
        assert the_one_line(err).startswith(f"neuronet: error: {bad_folder / name}: ")
        assert out == ""
    assert _files_in(bad_folder) == before  # no output, no temporary file left behind


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["convert", "misfit.h5", "o.keras", "--config", "arch.json"], "misfit.h5: "),
        (["convert", "arch.json", "o.keras", "--weights", "misfit.h5"], "misfit.h5: "),
        (["convert", "arch.json", "o.keras", "--weights", "noise.bin"], "noise.bin: "),
        (["convert", "arch.json", "o.keras"], "--weights FILE"),
        (["convert", "misfit.h5", "o.keras"], "--config ARCH.json"),
        (["convert", "good.keras", "o.keras", "--config", "arch.json"], "weights file as INPUT"),
        (["convert", "good.keras", "o.bin"], "o.bin: cannot tell the output form"),
        (["convert", "good.keras", "o.keras", "--weights-only"], "--weights-only"),
        (["convert", "good.keras", "o.keras", "--config-out", "c.json"], "--config-out"),
        (["convert", "good.keras", "good.keras"], "exists; pass --overwrite"),
        (["convert", "good.keras", "folder.keras"], "is a folder"),
        (["convert", "good.keras", "nowhere/o.keras"], "does not exist"),
        (["convert", "good.keras", "w.weights.h5", "--config-out", "w.weights.h5"], "overwrite"),
        (["convert", "good.keras", "o.keras", "--weights", "a", "--config", "b"], "not allowed"),
        (["convert", "good.keras"], "required: OUTPUT"),
        (["summary"], "required: FILE"),
        (["summary", "good.keras", "--colour"], "unrecognized arguments"),
        (["frobnicate"], "invalid choice"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(capsys, bad_folder, monkeypatch, argv, says):
    monkeypatch.chdir(bad_folder)
    before = _files_in(bad_folder)
    status, out, err = run_main(capsys, *argv)
    assert status == 2 and out == ""
    assert says in the_one_line(err)
    assert _files_in(bad_folder) == before


def test_refusals_as_a_program(bad_folder):
    for argv in (["summary", bad_folder / "truncated.keras"], ["convert", "x.keras"]):
        result = run_program(*argv)
        assert result.returncode == 2 and result.stdout == ""
        the_one_line(result.stderr)


def test_write_failures_and_unexpected_errors_are_status_1(capsys, tmp_path, monkeypatch):
    trained_model().save(tmp_path / "m.keras")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Sequential, "save", full_disk)
    status, _, err = run_main(capsys, "convert", tmp_path / "m.keras", tmp_path / "o.h5")
    assert status == 1
    assert (
        the_one_line(err)
        == f"neuronet: error: {tmp_path / 'o.h5'}: cannot be written (No space left on device)."
    )

    def bug(*args, **kwargs):
        raise RuntimeError("something\nunforeseen")

    monkeypatch.setattr("neuronet.cli.summary.summary_lines", bug)
    status, _, err = run_main(capsys, "summary", tmp_path / "m.keras")
    assert status == 1
    assert the_one_line(err) == "neuronet: error: unexpected RuntimeError: something unforeseen"


# --- help ---------------------------------------------------------------------------------------
def test_help_everywhere(capsys):
    status, out, _ = run_main(capsys, "--help")
    assert status == 0 and "summary" in out and "convert" in out and "demo" in out
    status, out, _ = run_main(capsys, "summary", "--help")
    assert status == 0 and "weights file" in out and "exit status" in out
    status, out, _ = run_main(capsys, "convert", "--help")
    assert status == 0 and "model.weights.h5 -> model.json" in out and "--weights-only" in out
    status, out, _ = run_main(capsys, "--version")
    assert status == 0 and out.startswith("neuronet ")
