"""Golden values written by real Keras 3 (../shared/keras-fixtures/losses.json + .npz)."""

import json

import numpy as np
import pytest

from neuronet import losses
from tests.conftest import KERAS_FIXTURES

CASES = json.loads((KERAS_FIXTURES / "losses.json").read_text()) if KERAS_FIXTURES else []


@pytest.fixture(scope="module")
def arrays():
    with np.load(KERAS_FIXTURES / "losses.npz") as data:
        return {key: data[key] for key in data.files}


def test_every_fixture_case_is_checked(keras_fixtures):
    listed = {case["key"] for case in json.loads((keras_fixtures / "losses.json").read_text())}
    with np.load(keras_fixtures / "losses.npz") as data:
        stored = {key.split("__")[0] + "__" + key.split("__")[1] for key in data.files}
    assert listed == stored == {case["key"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case["key"] for case in CASES])
def test_loss_function_and_class_match_keras(case, arrays, keras_fixtures):
    key = case["key"]
    y_true, y_pred = arrays[f"{key}__y_true"], arrays[f"{key}__y_pred"]
    per_sample = losses.get(case["loss"])(y_true, y_pred)
    assert per_sample.dtype == np.float32
    np.testing.assert_allclose(per_sample, arrays[f"{key}__per_sample"], rtol=1e-6, atol=1e-6)
    scalar = losses.get(case["class"])(y_true, y_pred)
    np.testing.assert_allclose(scalar, arrays[f"{key}__scalar"], rtol=1e-6, atol=1e-6)
    # what compile(loss=...) builds gives the same number, under each alias Keras accepts
    for name in [case["loss"], case["class"], *case["aliases"], *case["get_aliases"]]:
        loss = losses.as_loss(name)
        np.testing.assert_allclose(
            loss(y_true, y_pred), arrays[f"{key}__scalar"], rtol=1e-6, atol=1e-6
        )
