"""``neuronet predict``: every model file kind, CSV and .npy in and out, classes, refusals."""

import json

import numpy as np
import pytest

from neuronet.cli import columns
from neuronet.layers import Dense, Flatten, Input
from neuronet.models import Sequential, load_model
from tests.test_cli import run_main, the_one_line, trained_model

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.25, -3.5]], dtype="float32")


@pytest.fixture
def model_folder(tmp_path):
    """A trained 2-10-1 model in every form, and the inputs as CSV (with and without header)
    and .npy files."""
    model = trained_model()
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    (tmp_path / "arch.json").write_text(model.to_json())
    rows = "\n".join(",".join(str(v) for v in row) for row in X.tolist())
    (tmp_path / "x.csv").write_text(rows + "\n")
    (tmp_path / "named.csv").write_text("first,second\n" + rows + "\n\n")
    np.save(tmp_path / "x.npy", X)
    return tmp_path


def read_csv_output(text):
    lines = text.splitlines()
    return lines[0].split(","), np.array(
        [[float(v) for v in line.split(",")] for line in lines[1:]]
    )


@pytest.mark.parametrize(
    "model_argv",
    [
        ["m.keras"],
        ["m.h5"],
        ["arch.json", "--weights", "w.weights.h5"],
        ["w.weights.h5", "--config", "arch.json"],
    ],
)
@pytest.mark.parametrize("data", ["x.csv", "named.csv", "x.npy"])
def test_predictions_equal_model_predict(capsys, monkeypatch, model_folder, model_argv, data):
    monkeypatch.chdir(model_folder)
    expected = trained_model_predictions(model_folder)
    status, out, err = run_main(capsys, "predict", *model_argv, "--input", data)
    assert (status, err) == (0, "")
    names, values = read_csv_output(out)
    assert names == ["output_0"]
    # The CSV text reads back to the very float32 values predict gave.
    np.testing.assert_array_equal(values.astype("float32"), expected)


def trained_model_predictions(folder):
    return load_model(folder / "m.keras").predict(X)


def test_npy_and_csv_files_batch_size_and_overwrite(capsys, model_folder):
    expected = trained_model_predictions(model_folder)
    out_npy, out_csv = model_folder / "p.npy", model_folder / "p.csv"
    argv = ["predict", model_folder / "m.keras", "--input", model_folder / "x.csv"]
    status, out, _ = run_main(capsys, *argv, "--output", out_npy, "--batch-size", "2")
    assert (status, out) == (0, f"wrote {out_npy} (5 samples, 1 output each)\n")
    saved = np.load(out_npy, allow_pickle=False)
    assert saved.dtype == np.float32 and saved.shape == (5, 1)
    # Another batch size may round differently in the matrix products, by an ulp or so.
    np.testing.assert_allclose(saved, expected, rtol=1e-6, atol=1e-7)
    assert run_main(capsys, *argv, "-o", out_csv)[0] == 0
    names, values = read_csv_output(out_csv.read_text())
    assert names == ["output_0"] and np.array_equal(values.astype("float32"), expected)
    status, _, err = run_main(capsys, *argv, "-o", out_csv)
    assert status == 2
    assert (
        the_one_line(err) == f"neuronet: error: {out_csv}: exists; pass --overwrite to replace it."
    )
    assert run_main(capsys, *argv, "-o", out_csv, "--overwrite")[0] == 0


def test_classes_without_a_columns_file_are_numbers(capsys, tmp_path):
    model = Sequential([Input((2,)), Dense(3, activation="softmax")])
    model.save(tmp_path / "three.keras")
    np.save(tmp_path / "x.npy", X)
    argv = ["predict", tmp_path / "three.keras", "--input", tmp_path / "x.npy"]
    status, out, _ = run_main(capsys, *argv, "--classes")
    assert status == 0
    assert out.splitlines() == ["class", *map(str, model.predict(X).argmax(axis=1))]
    status, out, _ = run_main(capsys, *argv)
    assert out.splitlines()[0] == "output_0,output_1,output_2"
    assert run_main(capsys, *argv, "--classes", "-o", tmp_path / "c.npy")[0] == 0
    classes = np.load(tmp_path / "c.npy", allow_pickle=False)
    assert classes.dtype == np.int32
    np.testing.assert_array_equal(classes, model.predict(X).argmax(axis=1))


def test_one_output_classes_are_p_over_one_half(capsys, model_folder):
    argv = ["predict", model_folder / "m.keras", "--input", model_folder / "x.npy", "--classes"]
    status, out, _ = run_main(capsys, *argv)
    expected = (trained_model_predictions(model_folder)[:, 0] > 0.5).astype(int)
    assert status == 0 and out.splitlines() == ["class", *map(str, expected)]


def test_columns_file_gives_labels_and_picks_columns_by_name(capsys, model_folder):
    description = columns.describe(["second", "first"], "y", "classification", ["cold", "hot"])
    columns.write(str(model_folder / "m.columns.json"), description)
    # Extra and reordered columns: the model's two are picked by name, in its order.
    rows = [f"{b},skip,{a}" for a, b in X.tolist()]
    (model_folder / "wide.csv").write_text("first,note,second\n" + "\n".join(rows) + "\n")
    argv = ["predict", model_folder / "m.keras", "--input", model_folder / "wide.csv"]
    status, out, _ = run_main(capsys, *argv, "--classes")
    assert status == 0
    probabilities = trained_model_predictions(model_folder)[:, 0]
    assert out.splitlines() == ["class", *np.where(probabilities > 0.5, "hot", "cold")]
    # --columns names the file explicitly; a file without a header is taken column by column.
    (model_folder / "m.columns.json").rename(model_folder / "other.json")
    argv = ["predict", model_folder / "m.keras", "--input", model_folder / "x.csv", "--classes"]
    status, out, _ = run_main(capsys, *argv, "--columns", model_folder / "other.json")
    assert out.splitlines()[1:] == list(np.where(probabilities > 0.5, "hot", "cold"))
    assert (
        run_main(
            capsys, *argv, "-o", model_folder / "c.npy", "--columns", model_folder / "other.json"
        )[0]
        == 0
    )
    saved = np.load(model_folder / "c.npy", allow_pickle=False)
    assert saved.dtype.kind == "U" and saved.tolist() == out.splitlines()[1:]


def test_nan_passes_through_and_header_option(capsys, model_folder):
    (model_folder / "nan.csv").write_text("1,2\nnan,0\n")
    argv = ["predict", model_folder / "m.keras", "--input", model_folder / "nan.csv"]
    status, out, _ = run_main(capsys, *argv)
    assert status == 0
    assert out.splitlines()[0] == "output_0" and out.splitlines()[2] == "nan"
    assert len(out.splitlines()) == 3  # '1,2' has numbers in it: data, not a header
    status, out, _ = run_main(capsys, *argv, "--header", "yes")
    assert len(out.splitlines()) == 2  # one sample: 'nan,0'


def test_samples_of_more_than_one_axis(capsys, tmp_path):
    model = Sequential([Input((2, 2)), Flatten(), Dense(1)])
    model.save(tmp_path / "grid.keras")
    x = np.arange(12, dtype="float32").reshape(3, 4)
    (tmp_path / "x.csv").write_text("\n".join(",".join(map(str, r)) for r in x.tolist()))
    np.save(tmp_path / "x.npy", x.reshape(3, 2, 2))
    expected = model.predict(x.reshape(3, 2, 2))
    for data in ("x.csv", "x.npy"):
        status, out, _ = run_main(capsys, "predict", tmp_path / "grid.keras", "-i", tmp_path / data)
        assert status == 0
        np.testing.assert_array_equal(read_csv_output(out)[1].astype("float32"), expected)
    (tmp_path / "x3.csv").write_text("1,2,3\n")
    status, _, err = run_main(capsys, "predict", tmp_path / "grid.keras", "-i", tmp_path / "x3.csv")
    assert status == 2 and the_one_line(err).endswith(
        "x3.csv: 3 columns, but the model takes 4 inputs per sample (samples of shape (2, 2)); "
        "give a file with 4 columns."
    )


# --- refusals -----------------------------------------------------------------------------------
@pytest.fixture
def bad_folder(model_folder):
    folder = model_folder
    (folder / "three.csv").write_text("a,b,c\n1,2,3\n")
    (folder / "word.csv").write_text("first,second\n1,2\n3,abc\n")
    (folder / "word_nohead.csv").write_text("1,2\n3,abc\n")
    (folder / "gap.csv").write_text("1,2\n3,\n")
    (folder / "ragged.csv").write_text("1,2\n3\n")
    (folder / "empty.csv").write_text("\n\n")
    (folder / "broken.csv").write_text('1,"2\n')
    np.save(folder / "three.npy", np.zeros((2, 3)))
    np.save(folder / "flat.npy", np.zeros(4))
    np.save(folder / "words.npy", np.array(["a", "b"]))
    np.save(folder / "objects.npy", np.array([{}, None], dtype=object), allow_pickle=True)
    (folder / "truncated.npy").write_bytes((folder / "x.npy").read_bytes()[:90])
    (folder / "regression.columns.json").write_text(
        json.dumps(columns.describe(["first", "second"], "y", "regression", None))
    )
    (folder / "four.columns.json").write_text(
        json.dumps(columns.describe(["first", "second"], "y", "classification", list("abcd")))
    )
    (folder / "notjson.columns.json").write_text("{")
    (folder / "other.columns.json").write_text(json.dumps({"format": "other"}))
    (folder / "folder.csv").mkdir()
    return folder


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["-i", "three.csv"],
            "three.csv: 3 columns, but the model takes 2 inputs per sample; "
            "give a file with 2 columns.",
        ),
        (
            ["-i", "three.npy"],
            "three.npy: 3 columns, but the model takes 2 inputs per sample; "
            "give a file with 2 columns.",
        ),
        (["-i", "word.csv"], "word.csv: line 3, column 2 ('second'): 'abc' is not a number."),
        (["-i", "word_nohead.csv"], "word_nohead.csv: line 2, column 2: 'abc' is not a number."),
        (["-i", "gap.csv"], "gap.csv: line 2, column 2: empty; a number was expected."),
        (["-i", "ragged.csv"], "ragged.csv: line 2 has 1 cell, but line 1 has 2 cells."),
        (["-i", "empty.csv"], "empty.csv: empty; one row per sample was expected."),
        (["-i", "broken.csv"], "broken.csv: line 1: not valid CSV (unexpected end of data)."),
        (["-i", "missing.csv"], "missing.csv: cannot be read (No such file or directory)."),
        (["-i", "folder.csv"], "folder.csv: cannot be read (Is a directory)."),
        (
            ["-i", "flat.npy"],
            "flat.npy: an array of shape (4,); one row per sample was expected "
            "(shape (samples, inputs)).",
        ),
        (["-i", "words.npy"], "words.npy: holds <U1 values; numbers were expected."),
        (
            ["-i", "objects.npy"],
            "objects.npy: not a readable .npy file (Object arrays cannot be "
            "loaded when allow_pickle=False).",
        ),
        (["-i", "truncated.npy"], "truncated.npy: not a readable .npy file ("),
        (
            ["-i", "x.csv", "-o", "p.txt"],
            "p.txt: cannot tell the output format from the name; end it in .csv or .npy.",
        ),
        (["-i", "x.csv", "-o", "nowhere/p.csv"], "nowhere/p.csv: the folder "),
        (["-i", "x.csv", "--batch-size", "0"], "--batch-size must be 1 or more, got 0."),
        (
            ["-i", "x.csv", "--classes", "--columns", "regression.columns.json"],
            "--classes: m.keras "
            "was trained for regression (see regression.columns.json); leave out --classes.",
        ),
        (
            ["-i", "x.csv", "--classes", "--columns", "four.columns.json"],
            "four.columns.json: lists "
            "4 classes, but m.keras gives 2; is it the columns file of another model?",
        ),
        (
            ["-i", "x.csv", "--columns", "notjson.columns.json"],
            "notjson.columns.json: not JSON, so not a columns file.",
        ),
        (
            ["-i", "x.csv", "--columns", "other.columns.json"],
            "other.columns.json: not a columns "
            'file written by \'neuronet train\': no "format": "neuronet.columns".',
        ),
        (
            ["-i", "x.csv", "--columns", "none.json"],
            "none.json: cannot be read (No such file or directory).",
        ),
        (
            ["-i", "three.csv", "--columns", "four.columns.json"],
            "three.csv: no columns 'first', "
            "'second'; the model was trained on the columns 'first', 'second'.",
        ),
        ([], "the following arguments are required: --input"),
    ],
)
def test_bad_inputs_are_one_line_and_status_2(capsys, monkeypatch, bad_folder, argv, message):
    monkeypatch.chdir(bad_folder)
    before = sorted(p.name for p in bad_folder.iterdir())
    status, out, err = run_main(capsys, "predict", "m.keras", *argv)
    assert status == 2 and out == ""
    assert the_one_line(err).startswith(f"neuronet: error: {message}")
    assert sorted(p.name for p in bad_folder.iterdir()) == before


@pytest.mark.parametrize(
    ("model_argv", "message"),
    [
        (["missing.keras"], "missing.keras: cannot be read (No such file or directory)."),
        (["x.csv"], "x.csv: not a .keras archive, an HDF5 file or a JSON architecture"),
        (
            ["arch.json"],
            "arch.json: an architecture JSON holds no weights; give them with --weights FILE.",
        ),
        (
            ["w.weights.h5"],
            "w.weights.h5: a weights file holds no architecture; give it with --config ARCH.json.",
        ),
    ],
)
def test_bad_model_files_are_one_line_and_status_2(
    capsys, monkeypatch, model_folder, model_argv, message
):
    monkeypatch.chdir(model_folder)
    status, out, err = run_main(capsys, "predict", *model_argv, "--input", "x.csv")
    assert status == 2 and out == ""
    assert the_one_line(err).startswith(f"neuronet: error: {message}")


def test_an_output_that_cannot_be_written_is_status_1(capsys, model_folder, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", full_disk)
    out_path = model_folder / "p.npy"
    argv = ["predict", model_folder / "m.keras", "-i", model_folder / "x.csv", "-o", out_path]
    status, _, err = run_main(capsys, *argv)
    assert status == 1
    assert the_one_line(err) == (
        f"neuronet: error: {out_path}: cannot be written (No space left on device)."
    )
    assert not out_path.exists()
