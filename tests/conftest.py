"""Shared pytest fixtures: a clean naming/float state per test and the Keras fixture folder."""

import os
from pathlib import Path

import pytest

from neuronet import backend

ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = [
    os.environ.get("NEURONET_KERAS_FIXTURES"),
    ROOT.parent / "shared" / "keras-fixtures",
    "/work/shared/keras-fixtures",
]


def _find_fixtures():
    for candidate in _CANDIDATES:
        if candidate and (Path(candidate) / "manifest.json").is_file():
            return Path(candidate)
    return None


KERAS_FIXTURES = _find_fixtures()


@pytest.fixture
def keras_fixtures():
    """The folder of files written by real Keras (../shared/keras-fixtures)."""
    if KERAS_FIXTURES is None:
        pytest.fail(
            "The Keras fixtures were not found; set NEURONET_KERAS_FIXTURES to the folder "
            f"(looked in {[str(c) for c in _CANDIDATES if c]})."
        )
    return KERAS_FIXTURES


@pytest.fixture(autouse=True)
def _clean_state():
    """Each test starts with fresh automatic names, float32 and the default epsilon."""
    backend.clear_session()
    backend.set_floatx("float32")
    backend.set_epsilon(1e-7)
    backend.set_random_seed(1234)
    yield
    backend.set_floatx("float32")
    backend.set_epsilon(1e-7)
