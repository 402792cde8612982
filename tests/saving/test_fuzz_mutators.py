"""The fuzzers' inputs: the valid files examples start from, and the ways they are mutated.

- ``make_corpus``: every base file as bytes: the Keras 3 and tf_keras fixtures
  (``../shared/keras-fixtures/inference``: JSON configs in three dialects, ``.keras``
  archives, Keras 2 full models and weights files in both layouts) and neuronet's own saves
  of models with every layer kind, compiled and trained so that optimizer state is saved;
- ``apply_byte_mutations``: flips, overwrites with values that mean something in binary
  headers, insertions, deletions, copies and truncations, preferably on nonzero bytes;
- ``apply_json_mutations``: on a parsed config, delete keys and items, replace values by hostile
  ones (wrong types, huge numbers and strings, deep nesting, NaN), swap and copy values,
  duplicate list items (layers), wrap values, rename keys.

Mutations are plain tuples whose positions wrap around the input, so Hypothesis shrinks them and
a failing example can be replayed on the same base file.
"""

import functools
import io
import json
import zipfile

import numpy as np
from hypothesis import strategies as st

from tests.saving.test_fuzz_loaders import named_model


class Corpus(dict):
    """Base files by kind and name; its repr stays short in Hypothesis's reports."""

    def __repr__(self):
        return f"<corpus of {', '.join(self)}>"


# --- the valid files that examples start from -----------------------------------------------
FIXTURE_CASES = ["xor_textbook", "relu_softmax_classifier", "act_relu", "act_sigmoid", "act_tanh"]
OWN_MODELS = ["plain", "trained", "shapes"]
WEIGHT_MODELS = ["textbook", "shapes"]


def own_models():
    """neuronet models of each layer kind, compiled in different ways, with optimizer state."""
    plain = named_model("textbook")
    trained = named_model("textbook")
    trained.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    trained.fit(x, np.array([[0], [1], [1], [0]], "float32"), epochs=2, verbose=0)
    shapes = named_model("shapes")
    shapes.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    shapes.fit(np.ones((4, 2, 3), "float32"), np.eye(3, dtype="float32")[[0, 1, 2, 0]], verbose=0)
    return {"plain": plain, "trained": trained, "shapes": shapes}


def corpus_names(kind):
    """The names of one kind of base file, known before the files are made (for strategies)."""
    if kind == "texts":
        dialects = ("keras3", "tf_keras", "tf_keras_h5config")
        return [f"{c}.{d}" for c in FIXTURE_CASES for d in dialects] + [
            f"{n}.{d}" for n in OWN_MODELS for d in ("keras3", "keras2")
        ]
    if kind == "weights":
        return [f"{c}.{layout}" for c in FIXTURE_CASES + WEIGHT_MODELS for layout in ("h5", "k3")]
    return FIXTURE_CASES + OWN_MODELS


def make_corpus(folder):
    """Every base file as bytes: Keras's fixtures and neuronet's own saves.

    Returns a ``Corpus`` with ``texts`` (JSON configs), ``archives`` (``.keras``), ``h5``
    (Keras 2 full models), ``weights`` (name -> (bytes, model name for ``_model``); ``.h5`` the
    Keras 2 layout, ``.k3`` Keras 3's) and ``folder``, where examples write their files.
    """
    from tests.conftest import KERAS_FIXTURES

    inference = KERAS_FIXTURES / "inference"
    texts, archives, h5_models, weights = {}, {}, {}, {}
    for case in FIXTURE_CASES:
        for dialect in ("keras3", "tf_keras", "tf_keras_h5config"):
            texts[f"{case}.{dialect}"] = (inference / f"{case}.{dialect}.json").read_bytes()
        archives[case] = (inference / f"{case}.keras3.keras").read_bytes()
        h5_models[case] = (inference / f"{case}.tf_keras_model.h5").read_bytes()
        weights[f"{case}.h5"] = ((inference / f"{case}.tf_keras_weights.h5").read_bytes(), case)
        weights[f"{case}.k3"] = ((inference / f"{case}.keras3.weights.h5").read_bytes(), case)
    for name, model in own_models().items():
        texts[f"{name}.keras3"] = model.to_json().encode()
        texts[f"{name}.keras2"] = model.to_json(dialect="keras2").encode()
        model.save(folder / f"{name}.keras")
        model.save(folder / f"{name}.h5")
        archives[name] = (folder / f"{name}.keras").read_bytes()
        h5_models[name] = (folder / f"{name}.h5").read_bytes()
    for name in WEIGHT_MODELS:
        model = named_model(name)
        for layout, file_name in (("h5", f"{name}.h5"), ("k3", f"{name}.weights.h5")):
            model.save_weights(folder / file_name)
            weights[f"{name}.{layout}"] = ((folder / file_name).read_bytes(), name)
    return Corpus(texts=texts, archives=archives, h5=h5_models, weights=weights, folder=folder)


def rezip(archive, path, replace):
    """Write a copy of the ``.keras`` bytes ``archive`` at ``path``, members in ``replace``
    (name -> bytes) replaced, as Keras writes it (stored)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        members = [(name, source.read(name)) for name in source.namelist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as target:
        for name, data in members:
            target.writestr(name, replace.get(name, data))
    return path


# --- byte-level mutations -------------------------------------------------------------------
# Values that mean something in binary headers: sizes and addresses at their limits, HDF5's
# "undefined address", zip signatures.
INTERESTING_BYTES = [
    b"\x00",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"\x00" * 4,
    b"\xff" * 4,
    b"\xff" * 8,
    b"\x00" * 8,
    b"\xff\xff\xff\x7f",
    (2**63 - 1).to_bytes(8, "little"),
    (2**31).to_bytes(8, "little"),
    (1).to_bytes(8, "little"),
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    b"\x89HDF\r\n\x1a\n",
]
_POSITION = st.integers(0, 2**32)
BYTE_MUTATION = st.one_of(
    st.tuples(st.just("flip"), _POSITION, st.booleans(), st.integers(1, 255)),
    st.tuples(
        st.just("overwrite"),
        _POSITION,
        st.booleans(),
        st.one_of(st.sampled_from(INTERESTING_BYTES), st.binary(min_size=1, max_size=16)),
    ),
    st.tuples(st.just("insert"), _POSITION, st.booleans(), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), _POSITION, st.booleans(), st.integers(1, 64)),
    st.tuples(st.just("truncate"), _POSITION, st.booleans(), st.just(None)),
    st.tuples(st.just("copy"), _POSITION, st.booleans(), st.tuples(_POSITION, st.integers(1, 64))),
)
BYTE_MUTATIONS = st.lists(BYTE_MUTATION, min_size=1, max_size=4)


def apply_byte_mutations(data, mutations):
    """``data`` (bytes) after each ``(op, position, anchored, argument)`` of ``mutations``.

    A position is taken modulo the length; ``anchored`` positions count only nonzero bytes, so
    that mutations land on structure rather than on the zero padding binary formats are full
    of.
    """
    data = bytearray(data)
    for op, position, anchored, argument in mutations:
        if not data:
            break
        places = [i for i, byte in enumerate(data) if byte] if anchored else None
        at = places[position % len(places)] if places else position % len(data)
        if op == "flip":
            data[at] ^= argument
        elif op == "overwrite":
            data[at : at + len(argument)] = argument
        elif op == "insert":
            data[at:at] = argument
        elif op == "delete":
            del data[at : at + argument]
        elif op == "truncate":
            del data[at:]
        elif op == "copy":
            start, length = argument
            start %= len(data)
            data[at:at] = data[start : start + length]
    return bytes(data)


# --- JSON-level mutations -------------------------------------------------------------------
# fmt: off
_KEYS = ["class_name", "config", "layers", "units", "name", "batch_shape", "batch_input_shape",
         "input_shape", "input_dim", "shape", "activation", "target_shape", "rate", "noise_shape",
         "build_config", "compile_config", "optimizer", "loss", "metrics", "dtype", "module",
         "registered_name", "learning_rate", "use_bias", "kernel_initializer", "seed"]
VALUES = [None, True, False, 0, -1, 1, 2, 3, 7, 10**9, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64,
          -(2**63) - 1, 10**30, 0.5, -0.0, 1e-300, 1e308, 5e-324, float("nan"), float("inf"),
          "", "relu", "softmax", "Dense", "Reshape", "Flatten", "Dropout", "InputLayer",
          "Activation", "Sequential", "float64", "float16", "int8", "bfloat16", "complex64",
          "mixed_float16", "\x00", "\ud800", "é" * 3, "x" * 70_000, [], [None], [0], [-1],
          [None, 2], [2, 3], [-1, -1], [10**6, 10**6], [None] * 40, {}, {"class_name": "Dense"},
          {"class_name": "Dense", "config": {"units": 2}}, {"class_name": "Lambda", "config": {}},
          {"class_name": "function", "config": "relu"}, {"module": "os", "class_name": "system"},
          {"class_name": "DTypePolicy", "config": {"name": "float64"}}]
# fmt: on
HOSTILE_VALUES = st.one_of(
    st.sampled_from(VALUES),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.recursive(
        st.none() | st.booleans() | st.integers(-5, 100) | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=8,
    ),
    st.integers(1, 100).map(lambda depth: functools.reduce(lambda v, _: [v], range(depth), 1)),
)
_INDEX = st.integers(0, 2**16)
JSON_MUTATION = st.one_of(
    st.tuples(st.just("delete"), _INDEX, st.none()),
    st.tuples(st.just("replace"), _INDEX, HOSTILE_VALUES),
    st.tuples(st.just("swap"), _INDEX, _INDEX),
    st.tuples(st.just("copy"), _INDEX, _INDEX),
    st.tuples(st.just("duplicate"), _INDEX, st.integers(1, 3)),
    st.tuples(st.just("wrap"), _INDEX, st.booleans()),
    st.tuples(st.just("rename"), _INDEX, st.sampled_from(_KEYS)),
)
JSON_MUTATIONS = st.lists(JSON_MUTATION, min_size=1, max_size=5)


def _paths(tree):
    """Every node's path (a tuple of keys and indices), root first, without recursion."""
    found = []
    stack = [((), tree)]
    while stack:
        path, value = stack.pop()
        found.append(path)
        if isinstance(value, dict):
            stack.extend((path + (key,), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((path + (i,), item) for i, item in reversed(list(enumerate(value))))
    return found


def _get(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def _set(tree, path, value):
    if not path:
        return value
    _get(tree, path[:-1])[path[-1]] = value
    return tree


def apply_json_mutations(tree, mutations):
    """A mutated deep copy of the parsed JSON ``tree``; node indices wrap around."""
    tree = json.loads(json.dumps(tree))
    for op, index, argument in mutations:
        paths = _paths(tree)
        path = paths[index % len(paths)]
        value = _get(tree, path)
        parent = _get(tree, path[:-1]) if path else None
        if op == "delete" and path:
            del parent[path[-1]]
        elif op == "replace":
            tree = _set(tree, path, json.loads(json.dumps(argument)))
        elif op in ("swap", "copy"):
            other = paths[argument % len(paths)]
            if other[: len(path)] == path or path[: len(other)] == other:
                continue  # one inside the other
            other_value = _get(tree, other)
            tree = _set(tree, path, json.loads(json.dumps(other_value)))
            if op == "swap":
                tree = _set(tree, other, value)
        elif op == "duplicate" and isinstance(parent, list):
            copies = [json.loads(json.dumps(value)) for _ in range(argument)]  # not aliases
            parent[path[-1] : path[-1]] = copies
        elif op == "wrap":
            wrapped = [value] if argument else {"class_name": "Dense", "config": value}
            tree = _set(tree, path, wrapped)
        elif op == "rename" and isinstance(parent, dict):
            parent[argument] = parent.pop(path[-1])
    return tree


def test_mutators_change_their_input_deterministically():
    data = bytes(range(1, 100))
    mutations = [("flip", 5, False, 1), ("truncate", 50, True, None)]
    assert apply_byte_mutations(data, mutations) == data[:5] + bytes([data[5] ^ 1]) + data[6:50]
    tree = {"a": [1, 2], "b": {"c": 3}}
    assert apply_json_mutations(tree, [("delete", 1, None)]) == {"b": {"c": 3}}
    assert apply_json_mutations(tree, [("swap", 2, 5)]) == {"a": [3, 2], "b": {"c": 1}}
    assert apply_json_mutations(tree, [("duplicate", 3, 2)]) == {"a": [1, 2, 2, 2], "b": {"c": 3}}
    assert tree == {"a": [1, 2], "b": {"c": 3}}
