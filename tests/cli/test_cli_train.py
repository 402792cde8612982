"""``neuronet train``: CSV in, a saved model and its columns file out; refusals as one line.

Every run is in-process through ``main(argv)`` on small generated CSV files (a few hundred
rows, tens of epochs), so the whole file takes a few seconds.
"""

import csv
import json

import numpy as np
import pytest

from neuronet.cli import train
from neuronet.layers import Dense, Input
from neuronet.models import Sequential, load_model
from tests.test_cli import run_main, the_one_line


def write_csv(path, header, rows, encoding="utf-8"):
    """A CSV file as the csv module writes it (CRLF line ends)."""
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def quadrants(n=200, seed=0):
    """XOR-like: 'yes' when a and b have different signs; plus an id column of text."""
    x = np.random.default_rng(seed).uniform(-1, 1, (n, 2)).round(4)
    labels = np.where((x[:, 0] > 0) ^ (x[:, 1] > 0), "yes", "no")
    return x, labels


@pytest.fixture
def xor_csv(tmp_path):
    x, labels = quadrants()
    rows = [[f"p{i}", a, b, label] for i, ((a, b), label) in enumerate(zip(x, labels))]
    return write_csv(tmp_path / "xor.csv", ["id", "a", "b", "label"], rows)


def three_bands(n=240, seed=1):
    """A linear rule with three string classes, the columns in another order than the model's."""
    x = np.random.default_rng(seed).uniform(0, 10, (n, 2)).round(3)
    total = x.sum(axis=1)
    labels = np.where(total < 7, "low", np.where(total < 13, "mid", "high"))
    return x, labels


XOR_ARGV = ["--target", "label", "--ignore", "id", "--hidden", "16,16", "--epochs", "60"]
XOR_ARGV += ["--learning-rate", "0.02", "--seed", "1"]


def test_train_then_predict_gives_back_the_string_labels(capsys, tmp_path, xor_csv):
    model_path = tmp_path / "xor.keras"
    status, out, err = run_main(capsys, "train", xor_csv, *XOR_ARGV, "--save", model_path)
    assert (status, err) == (0, ""), err
    lines = out.splitlines()
    assert lines[:3] == [
        "data: 200 rows, 2 features (a, b), target 'label'",
        "task: classification, 2 classes (no, yes)",
        "model: 2 inputs -> Dense(16, relu) -> Dense(16, relu) -> Dense(1, sigmoid); "
        "loss binary_crossentropy; optimizer adam, learning rate 0.02",
    ]
    assert lines[3].startswith("training (160 rows): loss ")
    assert lines[4].startswith("validation (40 rows): loss ")
    assert lines[5] == f"wrote {model_path} and {tmp_path / 'xor.columns.json'}"
    assert float(lines[4].split("accuracy ")[1]) >= 0.9

    assert json.loads((tmp_path / "xor.columns.json").read_text()) == {
        "format": "neuronet.columns",
        "version": 1,
        "features": ["a", "b"],
        "target": "label",
        "task": "classification",
        "classes": ["no", "yes"],
    }
    # The training file itself (id and label columns included) picks a and b by name.
    preds = tmp_path / "preds.csv"
    argv = ["predict", model_path, "--input", xor_csv, "--output", preds, "--classes"]
    assert run_main(capsys, *argv)[:2] == (0, f"wrote {preds} (200 samples, classes)\n")
    rows = list(csv.reader(preds.read_text().splitlines()))
    assert rows[0] == ["class"]
    _, labels = quadrants()
    assert np.mean(np.array([r[0] for r in rows[1:]]) == labels) >= 0.9


def test_three_classes_softmax_and_the_saved_model_takes_raw_columns(capsys, tmp_path):
    x, labels = three_bands()
    # With the byte-order mark that spreadsheet programs write before the first name.
    data = write_csv(tmp_path / "bands.csv", ["band", "u", "v"], zip(labels, *x.T), "utf-8-sig")
    model_path = tmp_path / "bands.h5"
    argv = ["train", data, "--target", "band", "--save", model_path, "--epochs", "40"]
    status, out, _ = run_main(capsys, *argv, "--learning-rate", "0.02", "--seed", "3")
    assert status == 0
    assert "task: classification, 3 classes (high, low, mid)" in out
    assert "-> Dense(3, softmax); loss sparse_categorical_crossentropy;" in out
    model = load_model(model_path)
    # Standardisation is folded into the weights: the raw columns give the classes.
    predicted = np.array(["high", "low", "mid"])[model.predict(x).argmax(axis=1)]
    assert np.mean(predicted == labels) >= 0.9
    assert int(model.optimizer.iterations) == 0  # state of the scaled weights is not saved
    status, out, _ = run_main(capsys, "predict", model_path, "-i", data, "--classes")
    assert status == 0 and out.splitlines() == ["class", *predicted]


def test_regression_on_a_linear_rule_in_the_targets_own_units(capsys, tmp_path):
    x = np.random.default_rng(2).uniform(0, 100, (150, 2)).round(3)
    y = 3 * x[:, 0] - 2 * x[:, 1] + 1000
    data = write_csv(tmp_path / "lin.csv", ["u", "v", "w"], zip(*x.T, y.round(3)))
    model_path = tmp_path / "lin.keras"
    argv = ["train", data, "--target", "w", "--hidden", "", "--epochs", "60", "--seed", "0"]
    status, out, _ = run_main(capsys, *argv, "--learning-rate", "0.05", "--save", model_path)
    assert status == 0
    assert "task: regression" in out and "Dense(1, linear); loss mean_squared_error" in out
    validation_mae = float(out.split("validation (30 rows): loss ")[1].split("mae ")[1].split()[0])
    assert validation_mae < 1.0  # the target spans about 500: the rule is learned
    predictions = load_model(model_path).predict(x)[:, 0]
    np.testing.assert_allclose(predictions, y, atol=2.0)
    assert json.loads((tmp_path / "lin.columns.json").read_text())["task"] == "regression"


def test_folding_keeps_the_predictions():
    rng = np.random.default_rng(5)
    model = Sequential([Input((3,)), Dense(4, activation="tanh"), Dense(1)])
    x = rng.normal(10, 5, (20, 3))
    x_mean, x_scale = x.mean(axis=0), x.std(axis=0)
    scaled = model.predict((x - x_mean) / x_scale)[:, 0] * 250.0 + 40.0
    train.fold_scaling(model, x_mean, x_scale, 40.0, 250.0)
    np.testing.assert_allclose(model.predict(x)[:, 0], scaled, rtol=1e-5, atol=1e-3)


def test_no_standardize_saves_the_optimizer_state_and_seed_repeats(capsys, tmp_path, xor_csv):
    argv = ["train", xor_csv, *XOR_ARGV, "--no-standardize", "--validation-split", "0"]
    for name in ("a.keras", "b.keras"):
        status, out, _ = run_main(capsys, *argv, "--save", tmp_path / name)
        assert status == 0 and "validation (" not in out
        assert "training (200 rows)" in out
    a, b = load_model(tmp_path / "a.keras"), load_model(tmp_path / "b.keras")
    assert int(a.optimizer.iterations) == 60 * 7  # 200 rows in batches of 32: 7 per epoch
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize(
    ("values", "argv", "task"),
    [
        ([0, 1, 2] * 10, [], "classification, 3 classes (0, 1, 2)"),
        ([0.5, 1.5, 2.0] * 10, [], "regression"),
        (list(range(30)), [], "regression"),  # 30 different whole numbers: a quantity
        ([0, 1, 2] * 10, ["--task", "regression"], "regression"),
        ([1.0, 2.5] * 15, ["--task", "classification"], "classification, 2 classes (1, 2.5)"),
    ],
)
def test_auto_task(capsys, tmp_path, values, argv, task):
    rows = [[i, v] for i, v in enumerate(values)]
    data = write_csv(tmp_path / "d.csv", ["x", "y"], rows)
    argv = ["train", data, "--target", "y", "--epochs", "1", "--save", tmp_path / "m.keras", *argv]
    status, out, _ = run_main(capsys, *argv)
    assert status == 0 and f"task: {task}" in out.splitlines()


def test_verbose_shows_keras_progress(capsys, tmp_path, xor_csv):
    argv = ["train", xor_csv, *XOR_ARGV[:4], "--epochs", "2", "--verbose", "2"]
    status, out, _ = run_main(capsys, *argv, "--save", tmp_path / "m.keras")
    assert status == 0 and "Epoch 2/2" in out and "val_accuracy" in out


# --- refusals -----------------------------------------------------------------------------------
BAD_CSVS = {
    "empty.csv": "",
    "header_only.csv": "a,b,y\n",
    "text.csv": "id,colour,a,y\np1,red,1,0\np2,blue,2,1\n",
    "gap.csv": "a,y\n1,0\n,1\n",
    "empty_target.csv": "a,y\n1,0\n2,\n",
    "one_class.csv": "a,y\n1,k\n2,k\n",
    "twice.csv": "a,a,y\n1,2,0\n",
    "ragged.csv": "a,y\n1,0\n2\n",
    "nan.csv": "a,y\n1,0\nnan,1\n",
    "latin1.csv": "a,y\n1,\xe9\n",
}


@pytest.fixture
def bad_csvs(tmp_path):
    for name, text in BAD_CSVS.items():
        encoding = "latin-1" if name == "latin1.csv" else "utf-8"
        (tmp_path / name).write_text(text, encoding=encoding)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "argv", "message"),
    [
        (
            "xor.csv",
            ["--target", "lbl"],
            "xor.csv: no column 'lbl'; the columns are 'id', 'a', 'b', 'label'.",
        ),
        (
            "xor.csv",
            ["--target", "label", "--ignore", "ID"],
            "xor.csv: no column 'ID'; the columns are 'id', 'a', 'b', 'label'.",
        ),
        (
            "xor.csv",
            ["--target", "label"],
            "xor.csv: feature columns must hold numbers, and 'id' "
            "(line 2: 'p0') does not; leave them out with --ignore id, or encode them as numbers.",
        ),
        (
            "text.csv",
            ["--target", "y"],
            "text.csv: feature columns must hold numbers, and 'id' "
            "(line 2: 'p1'), 'colour' (line 2: 'red') do not; leave them out with --ignore "
            "id,colour, or encode them as numbers.",
        ),
        (
            "text.csv",
            ["--target", "y", "--ignore", "id,colour,a"],
            "text.csv: no feature columns are left besides the target.",
        ),
        ("empty.csv", ["--target", "y"], "empty.csv: empty; one row per sample was expected."),
        (
            "header_only.csv",
            ["--target", "y"],
            "header_only.csv: a header row (line 1) but no data rows.",
        ),
        (
            "gap.csv",
            ["--target", "y"],
            "gap.csv: line 3, column 1 ('a'): empty; a number was expected.",
        ),
        (
            "nan.csv",
            ["--target", "y"],
            "nan.csv: line 3, column 1 ('a'): 'nan' is not a finite number.",
        ),
        ("empty_target.csv", ["--target", "y"], "empty_target.csv: line 3, column 2 ('y'): empty."),
        (
            "one_class.csv",
            ["--target", "y"],
            "one_class.csv: the target 'y' has one value only "
            "('k'); a classification needs two classes or more.",
        ),
        (
            "one_class.csv",
            ["--target", "y", "--task", "regression"],
            "one_class.csv: line 2, column 2 ('y'): 'k' is not a number.",
        ),
        ("twice.csv", ["--target", "y"], "twice.csv: the header names 'a' more than once."),
        (
            "ragged.csv",
            ["--target", "y"],
            "ragged.csv: line 3 has 1 cell, but the header has 2 cells.",
        ),
        ("latin1.csv", ["--target", "y"], "latin1.csv: not a UTF-8 text file, so not a CSV file."),
        (
            "missing.csv",
            ["--target", "y"],
            "missing.csv: cannot be read (No such file or directory).",
        ),
        (
            "xor.csv",
            ["--target", "label", "--ignore", "id", "--validation-split", "0.999"],
            "--validation-split 0.999 of 200 rows leaves no training rows; change it, or give "
            "0 for none.",
        ),
    ],
)
def test_bad_data_is_one_line_and_status_2(
    capsys, monkeypatch, bad_csvs, xor_csv, name, argv, message
):
    monkeypatch.chdir(bad_csvs)
    before = sorted(p.name for p in bad_csvs.iterdir())
    status, out, err = run_main(capsys, "train", name, *argv, "--save", "m.keras")
    assert status == 2 and out == ""
    assert the_one_line(err) == f"neuronet: error: {message}"
    assert sorted(p.name for p in bad_csvs.iterdir()) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--hidden", "10,x"],
            "--hidden takes whole numbers separated by commas (such as 10,10), got '10,x'.",
        ),
        (["--hidden", "10,0"], "--hidden: every layer needs 1 unit or more, got '10,0'."),
        (["--epochs", "0"], "--epochs must be 1 or more, got 0."),
        (["--batch-size", "-1"], "--batch-size must be 1 or more, got -1."),
        (["--learning-rate", "0"], "--learning-rate must be a positive number, got 0.0."),
        (
            ["--validation-split", "1"],
            "--validation-split must be at least 0 and less than 1, got 1.0.",
        ),
        (
            ["--activation", "rleu"],
            "--activation: Unknown activation: 'rleu'. Did you mean 'relu'?",
        ),
        (["--optimizer", "adma"], "--optimizer: Unknown optimizer: 'adma'. Did you mean 'adamax'?"),
        (["--save", "m.txt"], "m.txt: --save takes a .keras or .h5 file name."),
        (["--save", "old.keras"], "old.keras: exists; pass --overwrite to replace it."),
        (["--save", "old.h5"], "old.columns.json: exists; pass --overwrite to replace it."),
        (["--task", "guess"], "argument --task: invalid choice: 'guess'"),
        (["--epochs", "ten"], "argument --epochs: invalid int value: 'ten'"),
    ],
)
def test_bad_options_are_refused_before_reading(capsys, monkeypatch, tmp_path, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.keras").write_bytes(b"old")
    (tmp_path / "old.columns.json").write_text("{}")
    # The data file does not exist: an option's error comes first, before any reading.
    base = ["train", "missing.csv", "--target", "y"]
    if "--save" not in argv:
        base += ["--save", "m.keras"]
    status, out, err = run_main(capsys, *base, *argv)
    assert status == 2 and out == ""
    assert the_one_line(err).startswith(f"neuronet: error: {message}")
    assert (tmp_path / "old.keras").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.columns.json", "old.keras"]


def test_a_save_that_fails_is_status_1(capsys, tmp_path, xor_csv, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Sequential, "save", full_disk)
    argv = ["train", xor_csv, *XOR_ARGV[:4], "--epochs", "1", "--save", tmp_path / "m.keras"]
    status, _, err = run_main(capsys, *argv)
    assert status == 1
    assert the_one_line(err) == (
        f"neuronet: error: {tmp_path / 'm.keras'}: cannot be written (No space left on device)."
    )
    assert not (tmp_path / "m.columns.json").exists()
