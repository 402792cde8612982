"""Weights packed into one buffer: the flat update equals the per-weight update exactly."""

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.variables import Pack, Variable, pack

SETTINGS = [
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("AdamW", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
    ("Adam", {"learning_rate": 0.01, "clipvalue": 0.1}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),  # per weight: falls back, same numbers
    ("Adam", {"learning_rate": 0.01, "weight_decay": 0.1}),
]


def _weights(seed):
    rng = np.random.default_rng(seed)
    return [
        Variable(rng.normal(size=shape), f"w{i}", dtype="float64")
        for i, shape in enumerate([(3, 4), (4,), (4, 2), (2,)])
    ]


@pytest.mark.parametrize("name, kwargs", SETTINGS, ids=[f"{n}-{k}" for n, k in SETTINGS])
def test_flat_and_per_weight_updates_agree(name, kwargs):
    plain, packed = _weights(0), _weights(0)
    buffer = pack(packed)
    assert isinstance(buffer, Pack)
    first = getattr(optimizers, name)(**kwargs)
    second = getattr(optimizers, name)(**kwargs)
    rng = np.random.default_rng(1)
    for _ in range(5):
        for a, b in zip(plain, packed):
            gradient = rng.normal(size=a.shape)
            a.grad[...] = gradient
            b.grad[...] = gradient
        first.step(plain)
        second.step(packed)
    for a, b in zip(plain, packed):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-12, atol=1e-15)
    for a, b in zip(first.variables, second.variables):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-12, atol=1e-15)
    assert second._flat == ("clipnorm" not in kwargs)
    # The slots are views of flat buffers too: saving reads them per weight as before.
    assert [v.shape for v in second.variables] == [v.shape for v in first.variables]


def test_pack_keeps_values_and_rehomes_them_in_one_buffer():
    variables = _weights(3)
    before = [v.numpy() for v in variables]
    buffer = pack(variables)
    assert buffer.values.size == 12 + 4 + 8 + 2
    for variable, value in zip(variables, before):
        np.testing.assert_array_equal(variable.numpy(), value)
        assert np.shares_memory(variable.value, buffer.values)
        assert np.shares_memory(variable.grad, buffer.grads)
    assert pack(variables) is buffer  # packing again is a no-op
    mixed = [Variable(np.ones(2), "a", dtype="float32"), Variable(np.ones(2), "b", dtype="float64")]
    assert pack(mixed) is None


def test_a_subset_of_a_pack_falls_back_to_per_weight_updates():
    variables = _weights(4)
    pack(variables)
    optimizer = optimizers.SGD(0.1)
    for v in variables:
        v.grad[...] = 1.0
    optimizer.step(variables)
    before = [v.numpy() for v in variables]
    optimizer.step(variables[:2])  # e.g. the later layers frozen
    np.testing.assert_allclose(variables[0].numpy(), before[0] - 0.1)
    np.testing.assert_array_equal(variables[2].numpy(), before[2])
