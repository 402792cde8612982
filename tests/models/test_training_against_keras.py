"""fit() reproduces what real Keras's fit did: history, final weights, evaluate, predict."""

import numpy as np
import pytest

from neuronet import optimizers
from tests.conftest import KERAS_FIXTURES
from tests.keras_specs import build_model, load_cases

CASES = load_cases(KERAS_FIXTURES, "training.json") if KERAS_FIXTURES else []
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}  # the fixture README's tolerance for training


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fit_matches_keras(case):
    arrays = case["arrays"]
    model = build_model(case["model"])
    n_weights = case["n_weights"]
    model.set_weights([arrays[f"w0_{i}"] for i in range(n_weights)])
    spec = case["optimizer"]
    optimizer = spec.get("string") or getattr(optimizers, spec["class"])(**spec["kwargs"])
    model.compile(loss=case["loss"], optimizer=optimizer, metrics=case["metrics"])

    history = model.fit(
        arrays["x"],
        arrays["y"],
        batch_size=case["batch_size"],
        epochs=case["epochs"],
        shuffle=False,
        verbose=0,
        validation_split=case.get("validation_split", 0.0),
    )

    assert set(history.history) == set(case["history"])
    for key, values in case["history"].items():
        np.testing.assert_allclose(history.history[key], values, err_msg=key, **TOLERANCE)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, arrays[f"w_final_{i}"], err_msg=f"w{i}", **TOLERANCE)
    evaluated = model.evaluate(arrays["x"], arrays["y"], verbose=0)
    np.testing.assert_allclose(np.atleast_1d(evaluated), arrays["evaluate"], **TOLERANCE)
    np.testing.assert_allclose(model.predict(arrays["x"]), arrays["predict"], **TOLERANCE)
