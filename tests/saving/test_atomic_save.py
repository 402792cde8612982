"""A save killed half-way (SIGKILL from outside) leaves the previous file whole.

Each case writes a small model A to a path, then starts a process that builds a big model
(three 2000x2000 Dense layers: 48 MB of weights) and saves it to the same path. As soon as the
temporary file that ``neuronet.saving.atomic`` writes beside the target (``.NAME.*.tmp``) has
grown past 1 MB, the process is killed with SIGKILL. The target must still hold A's exact bytes
and load into a model equal to A.

A kill cannot be aimed at a line of code from outside, so every attempt checks where it landed:
the temporary file is still there after the kill exactly when the process died before the
rename that would have committed the save (a killed process removes nothing). Only such an
attempt counts; one where the save finished first (the process exited before the kill) is
repeated with a fresh A, never passed. With 48 MB still to write and sync after the first
megabyte, the kill lands in time on the first attempt in practice.

A control case runs the same kill against a writer that writes straight into the target, to
show that this check does catch a save that is not atomic.
"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.errors import FileFormatError
from neuronet.models import load_model
from tests.conftest import ROOT
from tests.models.test_sequential import textbook_model

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
Y = np.array([[0], [1], [1], [0]], dtype="float32")
MID_WRITE_BYTES = 1 << 20  # the temporary file has grown this far: the save is under way
ATTEMPTS = 3
TIMEOUT_S = 30  # for one attempt; a healthy one takes about half a second

BIG_SAVE = """
import sys
from neuronet.layers import Dense
from neuronet.models import Sequential

target, method = sys.argv[1], sys.argv[2]
model = Sequential([Dense(2000, input_dim=2000), Dense(2000), Dense(2000, use_bias=False)])
model.compile(loss="mse", optimizer="sgd")
getattr(model, method)(target)
"""

# The control: what a save that is not atomic does (h5py writing into the target itself).
DIRECT_WRITE = """
import sys
import h5py
import numpy as np

with h5py.File(sys.argv[1], "w") as file:
    for index in range(3):
        file.create_dataset(str(index), data=np.ones((2000, 2000), dtype="float32"))
"""


def temporaries(target):
    """The temporary files ``atomic_path`` creates for ``target``."""
    return sorted(target.parent.glob(f".{target.name}.*.tmp"))


def kill_mid_write(code, args, under_way):
    """Run ``python -c code args``; SIGKILL it once ``under_way()``; True if it was killed.

    False means the process finished before ``under_way()`` was seen (nothing was killed).
    """
    child = subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not under_way():
            if child.poll() is not None:
                error = child.stderr.read().decode(errors="replace")
                assert child.returncode == 0, f"the writing process failed:\n{error}"
                return False
            if time.monotonic() > deadline:
                pytest.fail(f"the save did not start within {TIMEOUT_S} s")
            time.sleep(0.0005)  # polling, not waiting for a guess: the condition decides
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=TIMEOUT_S)
        assert child.returncode == -signal.SIGKILL
        return True
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()


def growing_temporary(target):
    def under_way():
        for temporary in temporaries(target):
            try:
                if temporary.stat().st_size >= MID_WRITE_BYTES:
                    return True
            except FileNotFoundError:  # renamed or removed between the listing and the stat
                pass
        return False

    return under_way


def model_a():
    model = textbook_model()
    model.compile(loss="binary_crossentropy", optimizer=optimizers.Adam(0.01), metrics=["accuracy"])
    model.fit(X, Y, epochs=2, verbose=0)
    return model


@pytest.fixture
def no_leftovers(tmp_path):
    """Remove the temporary files the killed processes leave behind."""
    yield
    for leftover in tmp_path.glob(".*.tmp"):
        leftover.unlink()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("save_weights", "weights.h5"),
        ("save_weights", "model.weights.h5"),
        ("save", "model.keras"),
        ("save", "model.h5"),
    ],
)
def test_a_save_killed_midway_leaves_the_old_file_whole(tmp_path, no_leftovers, method, name):
    target = tmp_path / name
    for _ in range(ATTEMPTS):
        model = model_a()
        getattr(model, method)(target)
        old_bytes = target.read_bytes()
        assert not temporaries(target)
        if not kill_mid_write(BIG_SAVE, [target, method], growing_temporary(target)):
            continue  # the big save finished before the kill: not a test of anything
        left = temporaries(target)
        if not left:
            continue  # killed after the rename: also not what this test is about
        break
    else:
        pytest.fail(f"no kill landed mid-save in {ATTEMPTS} attempts")

    # The kill landed mid-save: the temporary file is left behind, the target is untouched.
    assert len(left) == 1 and left[0].stat().st_size >= MID_WRITE_BYTES
    assert target.read_bytes() == old_bytes
    if method == "save":
        loaded = load_model(target)
        assert loaded.loss == "binary_crossentropy"
        assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations)
    else:
        loaded = textbook_model()
        loaded.load_weights(target)
    for ours, theirs in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_control_a_direct_write_killed_midway_destroys_the_old_file(tmp_path):
    target = tmp_path / "weights.h5"
    model_a().save_weights(target)
    old_bytes = target.read_bytes()

    def under_way():
        try:
            return target.stat().st_size >= MID_WRITE_BYTES
        except FileNotFoundError:
            return False

    kill_mid_write(DIRECT_WRITE, [target], under_way)
    assert target.read_bytes() != old_bytes
    with pytest.raises(FileFormatError):
        textbook_model().load_weights(target)
