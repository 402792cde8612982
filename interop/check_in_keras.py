"""Load the files write_files.py wrote with real Keras 3 and tf_keras; compare predictions.

Usage: python interop/check_in_keras.py DIR   (run where keras, tf_keras and TensorFlow are
installed; exits 1 listing every failure, 0 when every file loads and predicts as in neuronet)
"""

import json
import os
import sys
import traceback
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def check_prediction(model, arrays):
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y"], **TOLERANCE)


def check_compiled(model, case):
    optimizer = model.optimizer
    if type(optimizer).__name__ != case["optimizer"]:
        raise AssertionError(f"optimizer {type(optimizer).__name__} != {case['optimizer']}")
    rate = float(np.asarray(optimizer.learning_rate))
    np.testing.assert_allclose(rate, case["learning_rate"], rtol=1e-6)


def keras3_checks(directory, case, arrays):
    import keras

    name = case["name"]
    model = keras.saving.load_model(directory / f"{name}.keras")
    check_prediction(model, arrays)
    check_compiled(model, case)
    if int(model.optimizer.iterations) != case["iterations"]:
        raise AssertionError(f"iterations {int(model.optimizer.iterations)} != saved")
    yield "keras3 load_model(.keras)"

    model = keras.models.model_from_json((directory / f"{name}.keras3.json").read_text())
    model.load_weights(directory / f"{name}.weights.h5")
    check_prediction(model, arrays)
    yield "keras3 model_from_json + load_weights(.weights.h5)"

    model = keras.models.model_from_json((directory / f"{name}.keras3.json").read_text())
    model.load_weights(directory / f"{name}.k2weights.h5")
    check_prediction(model, arrays)
    yield "keras3 model_from_json + load_weights(Keras 2 .h5)"

    model = keras.saving.load_model(directory / f"{name}.full.h5")
    check_prediction(model, arrays)
    yield "keras3 load_model(Keras 2 full .h5)"


def tf_keras_checks(directory, case, arrays):
    import tf_keras

    name = case["name"]
    model = tf_keras.models.model_from_json((directory / f"{name}.keras2.json").read_text())
    model.load_weights(directory / f"{name}.k2weights.h5")
    check_prediction(model, arrays)
    yield "tf_keras model_from_json + load_weights(.h5)"

    model = tf_keras.models.load_model(directory / f"{name}.full.h5")
    check_prediction(model, arrays)
    check_compiled(model, case)
    if int(model.optimizer.iterations) != case["iterations"]:  # the optimizer state came too
        raise AssertionError(f"iterations {int(model.optimizer.iterations)} != saved")
    yield "tf_keras load_model(full .h5)"


def main(directory):
    directory = Path(directory)
    failures, passed = [], 0
    for case in json.loads((directory / "cases.json").read_text()):
        with np.load(directory / f"{case['name']}.npz") as data:
            arrays = dict(data)
        for checks in (keras3_checks, tf_keras_checks):
            steps = checks(directory, case, arrays)
            while True:
                try:
                    label = next(steps)
                except StopIteration:
                    break
                except Exception:  # report every failure, then exit non-zero
                    failures.append(f"{case['name']}: {checks.__name__}\n{traceback.format_exc()}")
                    break
                passed += 1
                print(f"ok  {case['name']}: {label}")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
