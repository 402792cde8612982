"""Hostile HDF5 files: each is refused with FileFormatError naming the file, before any data is
read and without changing the model; files h5py cannot parse end the same way.

The corpus follows the published h5py/Keras attack write-ups: links out of the file (soft,
external, user-defined), data stored outside the file (external raw storage, virtual datasets),
declared sizes far beyond the file (shape and decompression bombs), loops in the object graph,
odd dtypes and attributes, and damaged files (truncated, bit-flipped).
"""

import io
import zipfile
import zlib

import h5py
import numpy as np
import pytest

from neuronet.errors import FileFormatError
from neuronet.layers import Dense
from neuronet.models import Sequential
from neuronet.saving import h5_checks, hdf5
from tests.conftest import KERAS_FIXTURES
from tests.keras_specs import build_model, load_cases
from tests.models.test_sequential import textbook_model

CASES = load_cases(KERAS_FIXTURES, "inference.json") if KERAS_FIXTURES else []
KERNEL = "dense_1/dense_1/kernel:0"  # Keras 2 layout: the second Dense's (10, 1) kernel
KERAS3_KERNEL = "layers/dense_1/vars/0"


def _weights_file(tmp_path, name="w.h5"):
    """A valid weights file of the textbook model (Keras 2 layout unless ``.weights.h5``)."""
    path = tmp_path / name
    textbook_model().save_weights(path)
    return path


def _replace(file, path, make):
    """Delete ``path`` from an open file and let ``make(parent, name)`` put something there."""
    parent, _, name = path.rpartition("/")
    del file[path]
    make(file[parent or "/"], name)


def _assert_refused(path, match, model=None):
    """Loading ``path`` raises FileFormatError starting with the path; the model is unchanged."""
    model = model or textbook_model()
    before = model.get_weights()
    with pytest.raises(FileFormatError, match=match) as error:
        model.load_weights(path)
    assert str(error.value).startswith(f"{path}: ")
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    return str(error.value)


def _secret_h5(tmp_path):
    """A file beside the weights holding an array that would load if it were ever read."""
    secret = tmp_path / "secret.h5"
    with h5py.File(secret, "w") as file:
        file.create_dataset("kernel", data=np.full((10, 1), 7.0, dtype="float32"))
    return secret


# --- links -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", [KERNEL, "unused"])
def test_soft_link_anywhere_is_refused(tmp_path, where):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        if where in file:
            del file[where]
        file[where] = h5py.SoftLink("/dense_1/dense_1/bias:0")
    message = _assert_refused(path, "soft link")
    assert f"/{where}" in message


@pytest.mark.parametrize("secret_exists", [True, False])
def test_external_link_is_refused_and_the_other_file_never_read(tmp_path, secret_exists):
    path = _weights_file(tmp_path)
    secret = _secret_h5(tmp_path)
    with h5py.File(path, "r+") as file:
        _replace(file, KERNEL, lambda g, n: g.__setitem__(n, h5py.ExternalLink(secret, "kernel")))
    if not secret_exists:
        # Had the loader followed the link, HDF5's own "unable to open" would surface instead.
        secret.unlink()
    _assert_refused(path, r"/dense_1/dense_1/kernel:0: is an external link to the file .*secret")


def test_user_defined_link_type_is_refused(tmp_path, monkeypatch):
    # h5py cannot write a user-defined link: show the walk's answer to any type it does not know.
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["unused"] = h5py.SoftLink("/dense")
    monkeypatch.setattr(h5py.h5l, "TYPE_SOFT", -1)
    _assert_refused(path, r"/unused: is a user-defined link \(type 1\)")


def test_hard_link_cycle_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["dense/loop"] = file["dense"]  # the group now contains itself
    _assert_refused(path, "already reached|hard links")


def test_shared_dataset_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["copy_of_kernel"] = file[KERNEL]
    _assert_refused(path, "already reached|hard links")


# --- data outside the file -----------------------------------------------------------------


def test_external_raw_storage_pointing_at_etc_passwd_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        _replace(
            file,
            KERNEL,
            lambda g, n: g.create_dataset(
                n, shape=(10, 1), dtype="uint8", external=[("/etc/passwd", 0, 10)]
            ),
        )
    _assert_refused(path, r"kernel:0: stores its data in the external file '/etc/passwd'")


def test_external_raw_storage_that_would_load_is_refused(tmp_path):
    # The raw file holds ten valid float32s: only the structural check stands in the way.
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.full(10, 7.0, dtype="float32").tobytes())
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        _replace(
            file,
            KERNEL,
            lambda g, n: g.create_dataset(
                n, shape=(10, 1), dtype="float32", external=[(raw.name, 0, 40)]
            ),
        )
    _assert_refused(path, "external file 'raw.bin'")


@pytest.mark.parametrize("source_in", ["other file", "same file"])
def test_virtual_dataset_is_refused(tmp_path, source_in):
    path = _weights_file(tmp_path)
    secret = _secret_h5(tmp_path)
    layout = h5py.VirtualLayout(shape=(10, 1), dtype="float32")
    if source_in == "other file":
        layout[:] = h5py.VirtualSource(secret, "kernel", shape=(10, 1))
    else:
        layout[:] = h5py.VirtualSource(".", "/dense/dense/kernel:0", shape=(2, 10))[:1, :]
    with h5py.File(path, "r+") as file:
        _replace(file, KERNEL, lambda g, n: g.create_virtual_dataset(n, layout))
    _assert_refused(path, "kernel:0: is a virtual dataset")


# --- dtypes and shapes -----------------------------------------------------------------------

ODD_DTYPES = {
    "int32": "int32",
    "bool": bool,
    "complex": "complex64",
    "bytes": "S4",
    "compound": [("a", "f4"), ("b", "f4")],
    "object strings": h5py.string_dtype(),
    "array of floats": ("f4", (2,)),  # an HDF5 array type: each element holds two floats
    "float128": "float128",
}


@pytest.mark.parametrize("kind", list(ODD_DTYPES))
@pytest.mark.parametrize("name", ["w.h5", "w.weights.h5"])
def test_weights_that_are_not_floating_point_are_refused(tmp_path, kind, name):
    path = _weights_file(tmp_path, name)
    target = KERNEL if name == "w.h5" else KERAS3_KERNEL
    with h5py.File(path, "r+") as file:
        _replace(file, target, lambda g, n: g.create_dataset(n, (10, 1), ODD_DTYPES[kind]))
    _assert_refused(path, f"{target}: has dtype .*; it must be floating point")


@pytest.mark.parametrize("name", ["w.h5", "w.weights.h5"])
def test_shape_mismatch_is_refused(tmp_path, name):
    path = _weights_file(tmp_path, name)
    target = KERNEL if name == "w.h5" else KERAS3_KERNEL
    with h5py.File(path, "r+") as file:
        _replace(file, target, lambda g, n: g.create_dataset(n, data=np.zeros((3, 1), "f4")))
    _assert_refused(path, r"\(10, 1\).*\(3, 1\)")


def test_null_dataspace_weight_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        _replace(file, KERNEL, lambda g, n: g.create_dataset(n, data=h5py.Empty("f4")))
    _assert_refused(path, "kernel:0")


# --- declared sizes beyond the file ----------------------------------------------------------


@pytest.mark.parametrize("where", [KERNEL, "unused"])
def test_chunked_shape_bomb_with_no_data_is_refused(tmp_path, where):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        if where in file:
            del file[where]
        file.create_dataset(where, shape=(2**40,), dtype="float32", chunks=(1024,))
    _assert_refused(path, rf"/{where}: declares shape \(1099511627776,\)")


def test_contiguous_dataset_larger_than_the_file_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file.create_dataset("unused", shape=(10**8,), dtype="float32")  # never written
    _assert_refused(path, r"/unused: declares .*400000000 bytes\), more than the file's")


def test_gzip_bomb_is_refused(tmp_path):
    # 32 chunks of 4 MiB of zeros, each deflated to about 4 KiB: 128 MiB declared, ~150 KiB kept.
    path = _weights_file(tmp_path)
    chunk = zlib.compress(bytes(4 * 2**20), 9)
    with h5py.File(path, "r+") as file:
        bomb = file.create_dataset(
            "unused", shape=(2**25,), dtype="float32", chunks=(2**20,), compression="gzip"
        )
        for index in range(32):
            bomb.id.write_direct_chunk((index * 2**20,), chunk)
    assert path.stat().st_size < 2**20
    _assert_refused(path, r"/unused: declares .* more than 64 times the file's")


def test_gzip_compressed_weights_within_bounds_still_load(tmp_path):
    model = textbook_model()
    path = tmp_path / "w.h5"
    model.save_weights(path)
    with h5py.File(path, "r+") as file:
        kernel = file[KERNEL][()]
        _replace(file, KERNEL, lambda g, n: g.create_dataset(n, data=kernel, compression="gzip"))
    other = textbook_model()
    other.load_weights(path)
    for saved, loaded in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(saved, loaded)


def test_plugin_filter_is_refused(tmp_path):
    # 32004 is LZ4's registered id: reading it would make HDF5 look for a plugin library.
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file.create_dataset(
            "unused", shape=(4,), dtype="f4", compression=32004, allow_unknown_filter=True
        )
    _assert_refused(path, "/unused: uses HDF5 filter 32004")


def test_attribute_with_too_many_elements_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+", libver="latest") as file:
        # HDF5 1.8+ headers (libver="latest") hold attributes over 64 KiB.
        junk = file.create_group("junk")
        junk.attrs["names"] = np.zeros(h5_checks.MAX_ATTRIBUTE_ELEMENTS + 1, "int8")
    _assert_refused(path, r"/junk attribute 'names': declares 1000001 elements")


def test_attribute_declaring_more_than_the_file_holds_is_refused(tmp_path):
    # Write 54321 one-byte elements, then set the dataspace's size and maximum size to 2**40.
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["dense"].attrs["junk"] = np.zeros(54321, "int8")
    data = path.read_bytes()
    dimensions = (54321).to_bytes(8, "little") * 2
    assert data.count(dimensions) == 1
    path.write_bytes(data.replace(dimensions, (2**40).to_bytes(8, "little") * 2))
    # HDF5 2.x notices the message is too short; older HDF5 leaves it to our size check.
    _assert_refused(path, r"declares 1099511627776 elements|ran off end of input buffer")


class _StubAttribute:
    """What check_attribute_size reads of an h5py AttrID: its shape and its type's size."""

    def __init__(self, shape, itemsize):
        self.shape = shape
        self.get_type = lambda: type("T", (), {"get_size": lambda _: itemsize})()


def test_attribute_size_check_compares_with_the_file():
    h5_checks.check_attribute_size(_StubAttribute((100,), 8), "f", "/a", file_size=800)
    with pytest.raises(FileFormatError, match=r"^f: /a: declares 2 elements \(16 bytes\)"):
        h5_checks.check_attribute_size(_StubAttribute((2,), 8), "f", "/a", file_size=15)
    with pytest.raises(FileFormatError, match=r"declares 1099511627776 elements"):
        h5_checks.check_attribute_size(_StubAttribute((2**40,), 1), "f", "/a", file_size=2**50)


def _patch_once(path, old, new):
    data = path.read_bytes()
    assert data.count(old) == 1
    path.write_bytes(data.replace(old, new))


def test_string_length_bomb_is_refused_without_allocating_it(tmp_path):
    # A variable-length string is (length, heap collection, index). HDF5 allocates and zeroes
    # the declared length before looking at the heap: 4 GiB here, for a 5-byte string.
    path = _weights_file(tmp_path)
    data = path.read_bytes()
    heap = data.find(b"GCOL").to_bytes(8, "little")
    _patch_once(path, (5).to_bytes(4, "little") + heap, (2**32 - 16).to_bytes(4, "little") + heap)
    _assert_refused(path, r"/ attribute 'layer_names': string 0 declares 4294967280 bytes")


def test_malformed_string_heap_is_refused(tmp_path):
    # Growing one heap object's size by 256 misaligns everything after it; HDF5's own heap
    # reader loops forever on such a collection.
    path = _weights_file(tmp_path)
    size = (len(b"activation_1")).to_bytes(8, "little")
    _patch_once(path, size + b"activation_1", (256 + 12).to_bytes(8, "little") + b"activation_1")
    _assert_refused(path, r"/ attribute 'layer_names': (string|has a string heap)")


# --- too many objects ----------------------------------------------------------------------


def test_too_many_groups_are_refused(tmp_path, monkeypatch):
    # The cap is lowered so the file stays small; the walk stops counting once past it.
    monkeypatch.setattr(h5_checks, "MAX_OBJECTS", 300)
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        junk = file.create_group("junk")
        for index in range(400):
            h5py.h5g.create(junk.id, str(index).encode())
    _assert_refused(path, "/junk: more than 300 links and attributes")


def test_too_many_attributes_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(h5_checks, "MAX_OBJECTS", 300)
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        for index in range(400):
            file["dense"].attrs[f"a{index}"] = index
    _assert_refused(path, "/dense: more than 300 links and attributes")


def test_the_default_cap_lets_a_large_model_through():
    assert h5_checks.MAX_OBJECTS >= 100_000


# --- names and attributes ------------------------------------------------------------------


def test_link_name_that_is_not_utf8_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        h5py.h5g.create(file["dense"].id, b"bad\xff")
    _assert_refused(path, r"/dense: the name .*bad.* is not valid UTF-8")


def test_attribute_name_that_is_not_utf8_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        space = h5py.h5s.create(h5py.h5s.SCALAR)
        h5py.h5a.create(file["dense"].id, b"bad\xff", h5py.h5t.NATIVE_INT32, space)
    _assert_refused(path, "not valid UTF-8")


BAD_LAYER_NAMES = {
    "integers": (np.arange(4), r"has dtype int64; Keras writes strings"),
    "2-D strings": (np.array([[b"dense", b"activation"]] * 2), r"shape \(2, 2\)"),
    "one string": (np.bytes_(b"dense"), r"shape \(\); Keras writes a 1-D list"),
    "floats": (np.ones(4), r"has dtype float64"),
    "not UTF-8": (np.array([b"dense\xff"]), "not valid UTF-8"),
}


@pytest.mark.parametrize("case", list(BAD_LAYER_NAMES))
def test_layer_names_of_the_wrong_type_are_refused(tmp_path, case):
    value, match = BAD_LAYER_NAMES[case]
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file.attrs["layer_names"] = value
    _assert_refused(path, r"/ attribute 'layer_names': .*" + match)


def test_weight_names_with_non_string_entries_are_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["dense"].attrs["weight_names"] = np.array([1.0, 2.0])
    _assert_refused(path, r"/dense attribute 'weight_names': has dtype float64")


def test_layer_name_that_is_a_dataset_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file.attrs["layer_names"] = np.array([b"dense", b"activation", KERNEL.encode(), b"x"])
    _assert_refused(path, "is a Dataset, not a group")


def test_weight_name_that_is_a_group_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["dense"].attrs["weight_names"] = np.array([b"dense", b"dense/bias:0"])
    _assert_refused(path, "is a Group, not a dataset")


def test_keras3_vars_that_is_a_dataset_is_refused(tmp_path):
    path = _weights_file(tmp_path, "w.weights.h5")
    with h5py.File(path, "r+") as file:
        del file["layers/dense/vars"]
        file["layers/dense/vars"] = np.zeros(3, "f4")
    _assert_refused(path, "layers/dense/vars: is a Dataset, not a group")


# --- damaged files ----------------------------------------------------------------------------

CUTS = [0, 4, 8, 40, 96, 200, 800, 1500, 2048, 4000, 6000, 8000, 12000, -200, -1]
# The superblock, then a spread over headers, heaps, B-trees, attributes and data; each offset
# is flipped with all bits (0xFF) or with its lowest bit (0x01), in turn.
FLIPS = list(range(0, 96, 4)) + list(range(96, 18_000, 89))


@pytest.mark.parametrize("name", ["w.h5", "w.weights.h5"])
def test_truncated_files_are_refused(tmp_path, name):
    data = _weights_file(tmp_path, name).read_bytes()
    cut_path = tmp_path / f"cut_{name}"
    for cut in CUTS:
        cut_path.write_bytes(data[:cut])
        _assert_refused(cut_path, None)


@pytest.mark.parametrize("name", ["w.h5", "w.weights.h5"])
def test_bit_flipped_files_load_or_are_refused(tmp_path, name):
    data = _weights_file(tmp_path, name).read_bytes()
    loaded = refused = 0
    for number, offset in enumerate(f for f in FLIPS if f < len(data)):
        flipped = bytearray(data)
        flipped[offset] ^= 0xFF if number % 2 else 0x01
        model = textbook_model()
        before = model.get_weights()
        try:
            with hdf5.open_hdf5(bytes(flipped), name="flipped.h5") as file:
                hdf5.load_weights_from(model, file, "flipped.h5")
        except FileFormatError as error:
            assert str(error).startswith("flipped.h5: "), offset
            for old, new in zip(before, model.get_weights()):
                np.testing.assert_array_equal(old, new)
            refused += 1
        else:
            for weight, old in zip(model.get_weights(), before):
                assert weight.shape == old.shape and weight.dtype == old.dtype, offset
            loaded += 1
    assert loaded and refused  # damage in data bytes loads; damage in metadata is refused


# --- the API the other loaders use -------------------------------------------------------------


def test_open_hdf5_accepts_paths_file_objects_and_bytes(tmp_path):
    path = _weights_file(tmp_path)
    data = path.read_bytes()
    for source in (path, str(path), io.BytesIO(data), data):
        with hdf5.open_hdf5(source) as file:
            assert sorted(file) == [
                "activation",
                "activation_1",
                "dense",
                "dense_1",
                "top_level_model_weights",
            ]
            assert hdf5.read_string_list_attribute(file, "layer_names", "x")[0] == "dense"


@pytest.mark.parametrize(
    "content", [b"", b"not hdf5 at all", b"\x89HDF\r\n\x1a\n" + bytes(100)], ids=repr
)
def test_open_hdf5_refuses_what_h5py_cannot_open(tmp_path, content):
    path = tmp_path / "w.h5"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=rf"^{path}: /: opening the file as HDF5 failed"):
        with hdf5.open_hdf5(path):
            pass
    with pytest.raises(FileFormatError, match=r"^archive.keras/model.weights.h5: "):
        with hdf5.open_hdf5(io.BytesIO(content), name="archive.keras/model.weights.h5"):
            pass


def test_open_hdf5_refuses_missing_files_and_folders(tmp_path):
    for path in (tmp_path / "missing.h5", tmp_path):
        with pytest.raises(FileFormatError, match=f"^{path}: "):
            with hdf5.open_hdf5(path):
                pass


def test_load_weights_from_checks_a_file_it_did_not_open(tmp_path):
    path = _weights_file(tmp_path)
    with h5py.File(path, "r+") as file:
        file["unused"] = h5py.SoftLink("/dense")
    with h5py.File(path, "r") as file:
        with pytest.raises(FileFormatError, match=r"^given: /unused: is a soft link"):
            hdf5.load_weights_from(textbook_model(), file, "given")


@pytest.mark.parametrize("opened", ["path", "file object"])
def test_load_weights_from_a_valid_file_h5py_opened(tmp_path, opened):
    # Variable-length names are read from the file's bytes: through the path h5py opened, or
    # through the image of a file object it holds.
    path = _weights_file(tmp_path)
    model = textbook_model()
    source = path if opened == "path" else io.BytesIO(path.read_bytes())
    with h5py.File(source, "r") as file:
        hdf5.load_weights_from(model, file, "given")
    saved = textbook_model()
    saved.load_weights(path)
    for want, got in zip(saved.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


class _CountingReader(io.RawIOBase):
    """A read-only file that counts the bytes read through it."""

    def __init__(self, path):
        self.file = open(path, "rb")  # closed in close()
        self.count = 0

    def readinto(self, buffer):
        read = self.file.readinto(buffer)
        self.count += read
        return read

    def seek(self, offset, whence=io.SEEK_SET):
        return self.file.seek(offset, whence)

    def tell(self):
        return self.file.tell()

    def readable(self):
        return True

    def seekable(self):
        return True

    def close(self):
        self.file.close()
        super().close()


@pytest.mark.parametrize("name", ["w.h5", "w.weights.h5"])
def test_a_weights_file_is_read_once(tmp_path, name):
    model = Sequential([Dense(300, input_dim=300), Dense(300)])  # 1.4 MB of weights
    model.save_weights(tmp_path / name)
    size = (tmp_path / name).stat().st_size
    reader = _CountingReader(tmp_path / name)
    with hdf5.open_hdf5(reader, name=name) as file:
        hdf5.load_weights_from(Sequential([Dense(300, input_dim=300), Dense(300)]), file, name)
    reader.close()
    assert 0.9 * size < reader.count < 1.02 * size  # the data once, the metadata about once


def test_read_array_kinds_and_expected_shape(tmp_path):
    path = tmp_path / "x.h5"
    with h5py.File(path, "w") as file:
        file["iteration"] = np.int64(12)
        file["kernel"] = np.ones((2, 3), "f4")
    with hdf5.open_hdf5(path) as file:
        assert hdf5.read_array(file["iteration"], "x", (), kinds="i") == 12
        with pytest.raises(FileFormatError, match=r"^x: /iteration: has dtype int64"):
            hdf5.read_array(file["iteration"], "x")
        np.testing.assert_array_equal(hdf5.read_array(file["kernel"], "x", (2, 3)), np.ones((2, 3)))
        with pytest.raises(FileFormatError, match=r"^x: /kernel: has shape \(2, 3\) but \(3, 2\)"):
            hdf5.read_array(file["kernel"], "x", (3, 2))
        with pytest.raises(FileFormatError, match=r"^x: /: is a Group, not a dataset"):
            hdf5.read_array(file["/"], "x")


JSON_CASES = {
    "valid": ('{"class_name": "Sequential"}', None),
    "not JSON": ("{not json", "could not be parsed"),
    "a JSON list": ("[1, 2]", "holds a JSON list, not an object"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, "is nested deeper than"),
    "not UTF-8": (b'{"a": "\xff"}', "holds text that is not valid UTF-8"),
    "an array": (np.array([b"{}", b"{}"]), r"has shape \(2,\)"),
    "a number": (np.int64(3), "has dtype int64; Keras writes strings"),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_read_json_attribute(tmp_path, case):
    value, problem = JSON_CASES[case]
    path = tmp_path / "m.h5"
    with h5py.File(path, "w") as file:
        file.attrs["model_config"] = value
    with hdf5.open_hdf5(path) as file:
        if problem is None:
            assert hdf5.read_json_attribute(file, "model_config", "m") == {
                "class_name": "Sequential"
            }
            return
        with pytest.raises(FileFormatError, match=rf"^m: / attribute 'model_config': {problem}"):
            hdf5.read_json_attribute(file, "model_config", "m")
        with pytest.raises(FileFormatError, match="'training_config': is missing"):
            hdf5.read_json_attribute(file, "training_config", "m")


def test_read_string_list_attribute_joins_keras_chunked_lists(tmp_path):
    # Keras 2 splits long name lists into layer_names0, layer_names1, ...
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as file:
        file.attrs["layer_names0"] = np.array([b"a", b"b"])
        file.attrs["layer_names1"] = np.array([b"c"])
        file.attrs["weight_names"] = np.zeros((0,))
    with hdf5.open_hdf5(path) as file:
        assert hdf5.read_string_list_attribute(file, "layer_names", "w") == ["a", "b", "c"]
        assert hdf5.read_string_list_attribute(file, "weight_names", "w") == []
        assert hdf5.read_string_list_attribute(file, "other", "w", required=False) == []
        with pytest.raises(FileFormatError, match="^w: / attribute 'other': is missing"):
            hdf5.read_string_list_attribute(file, "other", "w")


# --- Keras's own files still load --------------------------------------------------------------


@pytest.mark.parametrize("key", ["tf_keras_weights", "keras3_weights"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_keras_weight_fixtures_still_load_exactly(case, key, keras_fixtures):
    model = build_model(case["spec"])
    model.load_weights(keras_fixtures / case["files"][key])
    expected = [case["arrays"][f"w{i}"] for i in range(len(model.get_weights()))]
    for want, got in zip(expected, model.get_weights()):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("key", ["tf_keras_model", "keras3_keras"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_keras_model_fixtures_pass_the_structure_checks(case, key, keras_fixtures):
    path = keras_fixtures / case["files"][key]
    if key == "keras3_keras":
        with zipfile.ZipFile(path) as archive:
            source = io.BytesIO(archive.read("model.weights.h5"))
    else:
        source = path
    with hdf5.open_hdf5(source, name=str(path)) as file:
        assert "layers" in file or "model_weights" in file
