"""Fuzzing the binary files: byte flips, overwrites, insertions, deletions and truncations.

Each example damages the bytes of a valid file (``apply_byte_mutations``) written by Keras 3,
tf_keras or neuronet: a whole ``.keras`` archive, only the ``model.weights.h5`` inside an
otherwise valid archive, a Keras 2 full-model ``.h5``, or a weights file in either layout
(Keras 2 ``.h5``, Keras 3 ``.weights.h5``) loaded with ``model.load_weights`` (also with
``by_name`` and ``skip_mismatch``). libhdf5 parses these bytes, so every example runs in the
``worker`` child process: a crash or a hang there fails the example instead of killing pytest
(see ``test_fuzz_loaders.py`` for the property and the budgets).
"""

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.saving.test_fuzz_loaders import fuzz_settings, running_worker
from tests.saving.test_fuzz_mutators import (
    BYTE_MUTATIONS,
    apply_byte_mutations,
    corpus_names,
    make_corpus,
    rezip,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The base files (``make_corpus``), made once for this module."""
    return make_corpus(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def worker():
    """The child process that runs the loads (``Worker``), shared by this module's tests."""
    with running_worker() as child:
        yield child


@fuzz_settings(200)
@given(name=st.sampled_from(corpus_names("archives")), mutations=BYTE_MUTATIONS)
def test_load_model_of_damaged_archives(corpus, worker, name, mutations):
    path = corpus["folder"] / "damaged.keras"
    path.write_bytes(apply_byte_mutations(corpus["archives"][name], mutations))
    worker.run({"op": "load_model", "path": str(path)})


@fuzz_settings(200)
@given(name=st.sampled_from(corpus_names("archives")), mutations=BYTE_MUTATIONS)
def test_load_model_of_archives_with_damaged_weights(corpus, worker, name, mutations):
    archive = corpus["archives"][name]
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        weights = apply_byte_mutations(source.read("model.weights.h5"), mutations)
    path = rezip(archive, corpus["folder"] / "damaged.keras", {"model.weights.h5": weights})
    worker.run({"op": "load_model", "path": str(path)})


@fuzz_settings(200)
@given(name=st.sampled_from(corpus_names("h5")), mutations=BYTE_MUTATIONS)
def test_load_model_of_damaged_keras2_files(corpus, worker, name, mutations):
    path = corpus["folder"] / "damaged.h5"
    path.write_bytes(apply_byte_mutations(corpus["h5"][name], mutations))
    worker.run({"op": "load_model", "path": str(path)})


@fuzz_settings(300)
@given(
    name=st.sampled_from(corpus_names("weights")),
    mutations=BYTE_MUTATIONS,
    by_name=st.booleans(),
    skip_mismatch=st.booleans(),
)
def test_load_weights_of_damaged_files(corpus, worker, name, mutations, by_name, skip_mismatch):
    data, model = corpus["weights"][name]
    path = corpus["folder"] / "damaged.weights.h5"
    path.write_bytes(apply_byte_mutations(data, mutations))
    request = {"op": "load_weights", "path": str(path), "model": model}
    worker.run({**request, "by_name": by_name, "skip_mismatch": skip_mismatch})
