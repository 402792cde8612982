"""save_weights / load_weights: Keras 2 and Keras 3 layouts, checked against Keras's files."""

import h5py
import numpy as np
import pytest

from neuronet.errors import FileFormatError
from neuronet.layers import Dense
from neuronet.models import Sequential
from tests.models.test_sequential import textbook_model


def _describe(group):
    """Every group/dataset with its attributes' values and HDF5 types, for comparison."""
    found = {}

    def visit(name, item):
        attrs = {}
        for key, value in item.attrs.items():
            attr_type = item.attrs.get_id(key).dtype
            attrs[key] = (
                np.asarray(value).tolist(),
                str(attr_type),
                h5py.check_string_dtype(attr_type),
            )
        shape = getattr(item, "shape", None)
        found[name] = (type(item).__name__, shape, str(getattr(item, "dtype", "")), attrs)

    visit("/", group)
    group.visititems(visit)
    return found


def test_keras2_layout_matches_tf_keras_file(tmp_path, keras_fixtures):
    path = tmp_path / "basic_weights.h5"
    textbook_model().save_weights(path)
    with (
        h5py.File(path) as ours,
        h5py.File(keras_fixtures / "inference/xor_textbook.tf_keras_weights.h5") as keras,
    ):
        assert _describe(ours) == _describe(keras)


def test_keras3_layout_matches_keras_3_file(tmp_path, keras_fixtures):
    # Keras saved the compiled textbook model: its optimizer's state comes along.
    from neuronet import optimizers

    path = tmp_path / "model.weights.h5"
    model = textbook_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy")
    model.save_weights(path)
    with (
        h5py.File(path) as ours,
        h5py.File(keras_fixtures / "inference/xor_textbook.keras3.weights.h5") as keras,
    ):
        assert _describe(ours) == _describe(keras)


def test_keras3_weights_carry_the_optimizer_state_like_keras(tmp_path):
    from neuronet import optimizers

    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    y = np.array([[0], [1], [1], [0]], dtype="float32")
    model = textbook_model()
    model.compile(optimizer=optimizers.Adam(0.01), loss="binary_crossentropy")
    model.fit(x, y, epochs=3, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    other = textbook_model()
    other.compile(optimizer=optimizers.Adam(0.01), loss="binary_crossentropy")
    other.load_weights(tmp_path / "w.weights.h5")
    assert int(other.optimizer.iterations) == 3
    for a, b in zip(model.optimizer.variables, other.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    model.fit(x, y, epochs=2, shuffle=False, verbose=0)
    other.fit(x, y, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["w.h5", "w.weights.h5"])
def test_round_trip_is_exact(tmp_path, name):
    model = textbook_model()
    model.save_weights(tmp_path / name)
    other = textbook_model()
    other.load_weights(tmp_path / name)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_mismatched_file_is_refused_and_changes_nothing(tmp_path):
    big = Sequential([Dense(5, input_dim=2), Dense(1)])
    big.save_weights(tmp_path / "big.h5")
    model = textbook_model()
    before = model.get_weights()
    with pytest.raises(FileFormatError, match=r"big.h5.*'dense_2'.*\(2, 10\).*\(2, 5\)"):
        model.load_weights(tmp_path / "big.h5")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    three = Sequential([Dense(2, input_dim=2), Dense(2), Dense(1)])
    three.save_weights(tmp_path / "three.h5")
    with pytest.raises(FileFormatError, match="3 layers"):
        model.load_weights(tmp_path / "three.h5")


def test_skip_mismatch_and_by_name(tmp_path):
    source = Sequential([Dense(10, input_dim=2, name="dense"), Dense(3, name="dense_1")])
    source.save_weights(tmp_path / "w.h5")
    model = textbook_model()
    with pytest.warns(UserWarning, match="Skipping layer 'dense_1'"):
        model.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), source.layers[0].kernel.numpy())


def test_not_an_hdf5_file(tmp_path):
    path = tmp_path / "junk.h5"
    path.write_bytes(b"not hdf5 at all")
    with pytest.raises(FileFormatError, match="junk.h5"):
        textbook_model().load_weights(path)


def test_a_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    from neuronet.saving import hdf5

    path = tmp_path / "w.h5"
    model = textbook_model()
    model.save_weights(path)
    original = path.read_bytes()

    def explode(group, model):
        group.create_group("half-written")
        raise RuntimeError("crash in the middle of a save")

    monkeypatch.setattr(hdf5, "write_keras2_weights", explode)
    with pytest.raises(RuntimeError, match="crash"):
        textbook_model().save_weights(path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["w.h5"]  # no temporary file left over


def test_saved_files_get_the_usual_permissions(tmp_path):
    import os
    import stat

    path = tmp_path / "w.h5"
    textbook_model().save_weights(path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    os.chmod(path, 0o640)
    textbook_model().save_weights(path)  # replacing a file keeps its permissions
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
