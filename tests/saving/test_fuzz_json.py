"""Fuzzing the model configs: JSON-level mutations of valid Keras 2 and Keras 3 configs.

Each example takes a valid config (written by Keras 3, tf_keras, or neuronet's ``to_json`` /
``save``), applies a few mutations (``apply_json_mutations``: delete keys and list items,
change types, swap and copy values, insert huge numbers, long strings and deep nesting,
duplicate layers, rename keys) and loads the result through ``model_from_json``, a ``.keras``
archive whose ``config.json`` (or ``metadata.json``) it becomes, or a Keras 2 ``.h5`` model
whose ``model_config`` / ``training_config`` attribute it becomes. The property and budgets are
described in ``test_fuzz_loaders.py``. The HDF5 parts here are valid files written by libhdf5,
so these examples run in the pytest process.
"""

import json
import zipfile

import h5py
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronet.models import load_model, model_from_json
from tests.saving.test_fuzz_loaders import FUZZ_MAX_PARAMS, check_load, fuzz_settings
from tests.saving.test_fuzz_mutators import (
    BYTE_MUTATIONS,
    JSON_MUTATIONS,
    apply_byte_mutations,
    apply_json_mutations,
    corpus_names,
    make_corpus,
    rezip,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The base files (``make_corpus``), made once for this module."""
    return make_corpus(tmp_path_factory.mktemp("fuzz"))


JSON_SOURCE = "<json string>"


def _dumps(tree):
    """JSON text as Python writes it: NaN and Infinity included (json.loads reads them)."""
    return json.dumps(tree)


@fuzz_settings(600)
@given(name=st.sampled_from(corpus_names("texts")), mutations=JSON_MUTATIONS)
def test_model_from_json_with_mutated_configs(corpus, name, mutations):
    tree = apply_json_mutations(json.loads(corpus["texts"][name]), mutations)
    text = _dumps(tree)
    check_load(lambda: model_from_json(text, max_params=FUZZ_MAX_PARAMS), JSON_SOURCE)


@fuzz_settings(300)
@given(name=st.sampled_from(corpus_names("texts")), mutations=BYTE_MUTATIONS)
def test_model_from_json_with_damaged_text(corpus, name, mutations):
    data = apply_byte_mutations(corpus["texts"][name], mutations)
    check_load(lambda: model_from_json(data, max_params=FUZZ_MAX_PARAMS), JSON_SOURCE)


@fuzz_settings(300)
@given(
    name=st.sampled_from(corpus_names("archives")),
    member=st.sampled_from(["config.json", "config.json", "metadata.json"]),
    mutations=JSON_MUTATIONS,
)
def test_load_model_of_archives_with_mutated_configs(corpus, name, member, mutations):
    import io

    with zipfile.ZipFile(io.BytesIO(corpus["archives"][name])) as source:
        tree = json.loads(source.read(member))
    text = _dumps(apply_json_mutations(tree, mutations)).encode()
    path = rezip(corpus["archives"][name], corpus["folder"] / "mutated.keras", {member: text})
    check_load(lambda: load_model(path, max_params=FUZZ_MAX_PARAMS), str(path))


@fuzz_settings(300)
@given(
    name=st.sampled_from(corpus_names("h5")),
    attribute=st.sampled_from(["model_config", "model_config", "training_config"]),
    mutations=JSON_MUTATIONS,
    as_bytes=st.booleans(),
)
def test_load_model_of_keras2_files_with_mutated_configs(
    corpus, name, attribute, mutations, as_bytes
):
    path = corpus["folder"] / "mutated.h5"
    path.write_bytes(corpus["h5"][name])
    with h5py.File(path, "r+") as file:
        attribute = attribute if attribute in file.attrs else "model_config"
        text = _dumps(apply_json_mutations(json.loads(file.attrs[attribute]), mutations))
        # tf_keras writes bytes; h5py writes a str as variable-length UTF-8: both are read
        file.attrs[attribute] = text.encode("utf-8", "surrogatepass") if as_bytes else text
    check_load(lambda: load_model(path, max_params=FUZZ_MAX_PARAMS), str(path))
