"""The textbook XOR session end to end, output included (examples/xor.py)."""

import re
import subprocess
import sys

import numpy as np
import pytest

from neuronet.layers.core import Activation, Dense
from neuronet.models import Sequential, model_from_json
from neuronet.optimizers import SGD
from tests.conftest import ROOT

X_TRAIN = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
Y_TRAIN = np.array([[0], [1], [1], [0]])
PROGRESS = re.compile(
    r"^4/4 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - (acc|accuracy): \d\.\d{4}$"
)


def build():
    model = Sequential()
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    return model


@pytest.mark.parametrize("metric", ["accuracy", "acc"])
def test_the_session(metric, capsys, tmp_path):
    model = build()
    model.summary()
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        sgd = SGD(lr=0.1)
    model.compile(loss="binary_crossentropy", optimizer=sgd, metrics=[metric])
    before = model.predict(X_TRAIN)
    assert before.shape == (4, 1) and before.dtype == np.float32
    capsys.readouterr()

    history = model.fit(X_TRAIN, Y_TRAIN, epochs=100)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 200  # captured output is not a terminal: one plain line per epoch
    for k in range(100):
        assert lines[2 * k] == f"Epoch {k + 1}/100"
        assert PROGRESS.match(lines[2 * k + 1]), lines[2 * k + 1]
    assert not any(c in "".join(lines) for c in "\r\b\x1b")
    assert set(history.history) == {"loss", metric} and len(history.history["loss"]) == 100

    # fit continues from the current weights: the loss goes on from where it stopped.
    again = model.fit(X_TRAIN, Y_TRAIN, epochs=1900, verbose=0)
    assert again.history["loss"][0] < history.history["loss"][0]
    classes = model.predict_classes(X_TRAIN)
    assert classes.tolist() == [[0], [1], [1], [0]]
    assert classes.dtype.kind == "i"

    weights = tmp_path / "basic_weights.h5"
    json_string = model.to_json()
    model.save_weights(weights)
    loaded = model_from_json(json_string)
    loaded.load_weights(weights)
    np.testing.assert_array_equal(loaded.predict(X_TRAIN), model.predict(X_TRAIN))


def test_demo_command_prints_what_the_book_shows(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "neuronet", "demo", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    out = result.stdout
    assert 'Model: "sequential"' in out and "Total params: 41" in out
    assert "Epoch 1/100" in out and "Epoch 100/100" in out
    # The book's output ends with the loaded model's classes; the demo then names its pictures.
    assert "[[0]\n [1]\n [1]\n [0]]\nSaved the pictures " in out
    assert (tmp_path / "xor_history.png").is_file()
    assert (tmp_path / "xor_decision_boundary.png").is_file()
    assert (tmp_path / "basic_weights.h5").is_file()
