"""Fuzzing the HDF5 files' structure: valid files edited with h5py, then loaded.

Where byte flips mostly test libhdf5's own parser, these edits keep a well-formed HDF5 file and
change what Keras's layouts promise: datasets and groups deleted, renamed, swapped, copied,
turned into each other or linked twice (hard, soft and external links); datasets given other
dtypes (integers, complex, strings, compound, enum), other shapes (scalar, empty, null, huge
and never written), other values (NaN, inf) or other storage (compression, checksums, the
scale-offset filter); attributes deleted or given other types, shapes and contents (names that
are missing, repeated or not UTF-8, huge strings). The files are weights files in both layouts
(``load_weights``), Keras 2 full models and the weights inside ``.keras`` archives
(``load_model``). An edit that h5py itself refuses to make is left out of that example. Every
load runs in the ``worker`` child process; the property and the budgets are described in
``test_fuzz_loaders.py``.
"""

import contextlib
import io
import zipfile

import h5py
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.saving.test_fuzz_loaders import fuzz_settings, running_worker
from tests.saving.test_fuzz_mutators import corpus_names, make_corpus, rezip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The base files (``make_corpus``), made once for this module."""
    return make_corpus(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def worker():
    """The child process that runs the loads (``Worker``), shared by this module's tests."""
    with running_worker() as child:
        yield child


# fmt: off
_NAMES = ["0", "1", "2", "vars", "layers", "dense", "dense_1", "activation", "kernel:0",
          "dense/kernel:0", "model_weights", "optimizer", "top_level_model_weights", "x"]
DTYPES = ["float16", "float64", "int32", "int64", "uint8", "bool", "complex64", "S8", "vlen",
          "compound", "enum", "float128"]
SHAPES = ["scalar", "empty", "null", "transpose", "add_axis", "drop_axis", "grow", "shrink",
          "huge", "resizable"]
# fmt: on
NEW_NAME = st.sampled_from(_NAMES) | st.text(st.characters(exclude_characters="/."), min_size=1)
STORAGE = ["gzip", "lzf", "shuffle", "fletcher32", "scaleoffset", "chunked", "tiny_chunks"]
VALUES = [np.nan, np.inf, -np.inf, 3.4e38, -0.0, 1e-45]
ATTRIBUTES = [
    np.int64(3),
    1.5,
    np.array([1.0, 2.0]),
    "text",
    b"bytes",
    "é",
    b"\xff\xfe",
    np.array([b"dense", b"dense"]),
    np.array([b"\xff\xfe"]),
    np.array([[b"dense"]]),
    np.zeros((0,)),
    np.zeros((0,), dtype="S1"),
    np.array(["dense", "dense_1"], dtype=h5py.string_dtype()),
    h5py.Empty("f"),
    b"x" * 60_000,
    np.arange(100_000),
    '{"class_name": "Sequential", "config": {"layers": []}}',
]
ATTRIBUTE_VALUE = st.sampled_from(range(len(ATTRIBUTES))) | st.text(max_size=10)
NAME_EDITS = ["reverse", "repeat", "drop", "append", "empty"]
_INDEX = st.integers(0, 2**16)
EDIT = st.one_of(
    st.tuples(st.just("delete"), _INDEX, st.none()),
    st.tuples(st.just("rename"), _INDEX, NEW_NAME),
    st.tuples(st.just("swap"), _INDEX, _INDEX),
    st.tuples(st.just("copy"), _INDEX, NEW_NAME),
    st.tuples(st.just("hard_link"), _INDEX, NEW_NAME),
    st.tuples(st.just("soft_link"), _INDEX, _INDEX),
    st.tuples(st.just("external_link"), _INDEX, st.none()),
    st.tuples(st.just("to_group"), _INDEX, st.none()),
    st.tuples(st.just("to_dataset"), _INDEX, st.none()),
    st.tuples(st.just("add_dataset"), _INDEX, NEW_NAME),
    st.tuples(st.just("add_group"), _INDEX, NEW_NAME),
    st.tuples(st.just("dtype"), _INDEX, st.sampled_from(DTYPES)),
    st.tuples(st.just("shape"), _INDEX, st.sampled_from(SHAPES)),
    st.tuples(st.just("values"), _INDEX, st.sampled_from(VALUES)),
    st.tuples(st.just("storage"), _INDEX, st.sampled_from(STORAGE)),
    st.tuples(st.just("attr_delete"), _INDEX, st.none()),
    st.tuples(st.just("attr_set"), _INDEX, ATTRIBUTE_VALUE),
    st.tuples(st.just("attr_names"), _INDEX, st.sampled_from(NAME_EDITS)),
)
EDITS = st.lists(EDIT, min_size=1, max_size=4)


def _objects(file):
    names = []
    file.visit(names.append)
    return names


def _attributes(file):
    found = [("/", name) for name in file.attrs]
    for path in _objects(file):
        found += [(path, name) for name in file[path].attrs]
    return found


def _pick(items, index):
    return items[index % len(items)] if items else None


def _sibling(path, name):
    parent = path.rpartition("/")[0]
    return f"{parent}/{name}" if parent else name


def _recreate(file, path, data=None, **options):
    """Replace dataset ``path`` by one made from ``data`` (default: its values), keeping its
    attributes."""
    old = file[path]
    attributes = dict(old.attrs)
    data = old[()] if data is None else data
    del file[path]
    new = file.create_dataset(path, data=data, **options)
    for key, value in attributes.items():
        new.attrs[key] = value


def _retyped(data, dtype):
    data = np.asarray(data)
    if dtype == "vlen":
        return np.array([str(v) for v in data.flat], dtype=h5py.string_dtype()).reshape(data.shape)
    if dtype == "compound":
        out = np.zeros(data.shape, dtype=[("a", "f4"), ("b", "i4")])
        out["a"] = data
        return out
    if dtype == "enum":
        return np.zeros(data.shape, dtype=h5py.enum_dtype({"a": 0, "b": 1}, basetype="i1"))
    if dtype == "float128":
        return data.astype(np.longdouble)
    return data.astype(dtype)


def _reshaped(file, path, how):
    data = np.asarray(file[path][()])
    if how == "scalar":
        return {"data": np.float32(1.0)}
    if how == "empty":
        return {"data": np.zeros((0,) + data.shape[1:], data.dtype)}
    if how == "null":
        return {"data": h5py.Empty(data.dtype)}
    if how == "transpose":
        return {"data": data.T.copy()}
    if how == "add_axis":
        return {"data": data[..., None]}
    if how == "drop_axis":
        return {"data": data[0] if data.ndim else data}
    if how == "grow":
        return {"data": np.concatenate([data.reshape(-1), [0]]).astype(data.dtype)}
    if how == "shrink":
        return {"data": data.reshape(-1)[:-1]}
    if how == "huge":  # declared, never written: reading would allocate 4 TB
        return {"shape": (2**20, 2**20), "dtype": "float32", "chunks": (1, 1024)}
    return {"data": data, "maxshape": (None,) * data.ndim, "chunks": True}  # resizable


def _stored(how, ndim):
    return {
        "gzip": {"compression": "gzip"},
        "lzf": {"compression": "lzf"},
        "shuffle": {"shuffle": True, "compression": "gzip"},
        "fletcher32": {"fletcher32": True},
        "scaleoffset": {"scaleoffset": 2},
        "chunked": {"chunks": True},
        "tiny_chunks": {"chunks": (1,) * ndim},
    }[how]


def _edit(file, op, index, argument):
    objects = _objects(file)
    datasets = [p for p in objects if isinstance(file[p], h5py.Dataset)]
    groups = ["/"] + [p for p in objects if isinstance(file[p], h5py.Group)]
    path = _pick(objects, index)
    if op == "delete" and path:
        del file[path]
    elif op in ("rename", "copy", "hard_link") and path:
        target = _sibling(path, argument)
        if target in file:
            del file[target]
        if op == "rename":
            file.move(path, target)
        elif op == "copy":
            file.copy(path, target)
        else:
            file[target] = file[path]
    elif op == "swap" and path:
        other = _pick(objects, argument)
        if other != path and not other.startswith(path + "/") and not path.startswith(other + "/"):
            file.move(path, "__swap__")
            file.move(other, path)
            file.move("__swap__", other)
    elif op == "soft_link" and path:
        target = _pick(objects, argument)
        del file[path]
        file[path] = h5py.SoftLink("/" + target)
    elif op == "external_link" and path:
        del file[path]
        file[path] = h5py.ExternalLink("other.h5", "/" + path)
    elif op == "to_group" and datasets:
        path = _pick(datasets, index)
        del file[path]
        file.create_group(path)
    elif op == "to_dataset" and len(groups) > 1:
        path = _pick(groups[1:], index)
        del file[path]
        file.create_dataset(path, data=np.zeros(3, "float32"))
    elif op in ("add_dataset", "add_group"):
        target = f"{_pick(groups, index).rstrip('/')}/{argument}"
        if target not in file:
            if op == "add_group":
                file.create_group(target)
            else:
                file.create_dataset(target, data=np.ones((2, 2), "float32"))
    elif op == "dtype" and datasets:
        path = _pick(datasets, index)
        _recreate(file, path, _retyped(file[path][()], argument))
    elif op == "shape" and datasets:
        path = _pick(datasets, index)
        options = _reshaped(file, path, argument)
        _recreate(file, path, **options) if "data" in options else _huge(file, path, options)
    elif op == "values" and datasets:
        path = _pick(datasets, index)
        data = np.asarray(file[path][()])
        if data.dtype.kind == "f":
            _recreate(file, path, np.full_like(data, argument))
    elif op == "storage" and datasets:
        path = _pick(datasets, index)
        data = np.asarray(file[path][()])
        if data.ndim:
            _recreate(file, path, data, **_stored(argument, data.ndim))
    elif op.startswith("attr_"):
        _edit_attribute(file, op, index, argument)


def _huge(file, path, options):
    del file[path]
    file.create_dataset(path, **options)


def _edit_attribute(file, op, index, argument):
    found = _pick(_attributes(file), index)
    if found is None:
        return
    owner, name = file[found[0]], found[1]
    if op == "attr_delete":
        del owner.attrs[name]
    elif op == "attr_set":
        owner.attrs[name] = ATTRIBUTES[argument] if isinstance(argument, int) else argument
    else:
        names = list(np.atleast_1d(owner.attrs[name]))
        edited = {
            "reverse": names[::-1],
            "repeat": names + names[-1:],
            "drop": names[:-1],
            "append": names + [b"no_such_layer"],
            "empty": [],
        }[argument]
        owner.attrs[name] = np.array(edited, dtype="S") if edited else np.zeros((0,))


def edited_h5(data, edits, path):
    """Write ``data`` (HDF5 bytes) at ``path`` with ``edits`` applied; return the bytes."""
    path.write_bytes(data)
    with h5py.File(path, "r+") as file:
        for edit in edits:
            # an edit that h5py cannot make on this file is no test of the loader: left out
            with contextlib.suppress(Exception):
                _edit(file, *edit)
    return path.read_bytes()


@fuzz_settings(200)
@given(
    name=st.sampled_from(corpus_names("weights")),
    edits=EDITS,
    by_name=st.booleans(),
    skip_mismatch=st.booleans(),
)
def test_load_weights_of_edited_files(corpus, worker, name, edits, by_name, skip_mismatch):
    data, model = corpus["weights"][name]
    path = corpus["folder"] / "edited.weights.h5"
    edited_h5(data, edits, path)
    request = {"op": "load_weights", "path": str(path), "model": model}
    worker.run({**request, "by_name": by_name, "skip_mismatch": skip_mismatch})


@fuzz_settings(120)
@given(name=st.sampled_from(corpus_names("h5")), edits=EDITS)
def test_load_model_of_edited_keras2_files(corpus, worker, name, edits):
    path = corpus["folder"] / "edited.h5"
    edited_h5(corpus["h5"][name], edits, path)
    worker.run({"op": "load_model", "path": str(path)})


@fuzz_settings(120)
@given(name=st.sampled_from(corpus_names("archives")), edits=EDITS)
def test_load_model_of_archives_with_edited_weights(corpus, worker, name, edits):
    archive = corpus["archives"][name]
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        weights = source.read("model.weights.h5")
    weights = edited_h5(weights, edits, corpus["folder"] / "edited_member.h5")
    path = rezip(archive, corpus["folder"] / "edited.keras", {"model.weights.h5": weights})
    worker.run({"op": "load_model", "path": str(path)})
