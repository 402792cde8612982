"""Regularizers: penalties worked out by hand, gradients by central differences, configs, names."""

import json
import math

import numpy as np
import pytest

from neuronet import backend, regularizers
from neuronet.errors import UnknownArgumentError, UnknownIdentifierError
from neuronet.testing import check_config_roundtrip, check_function_gradient, numerical_gradient

X = np.array([[1.0, -2.0], [3.0, -4.0]])


def host(array):
    return np.asarray(backend.to_numpy(array))


# --- values by hand ---------------------------------------------------------------------------
def test_l1_by_hand():
    # 0.1 * (|1| + |-2| + |3| + |-4|) = 0.1 * 10 = 1.0; gradient 0.1 * sign(x).
    reg = regularizers.L1(0.1)
    assert float(reg(X)) == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_array_equal(host(reg.grad(X)), [[0.1, -0.1], [0.1, -0.1]])
    # |x| has no slope at 0; like TensorFlow's abs gradient, sign(0) = 0 is used there.
    assert host(reg.grad(np.array([0.0, 2.0]))).tolist() == [0.0, 0.1]


def test_l2_by_hand_has_no_half():
    # 0.1 * (1 + 4 + 9 + 16) = 3.0; gradient 2 * 0.1 * x.
    reg = regularizers.L2(0.1)
    assert float(reg(X)) == pytest.approx(3.0, rel=1e-15)
    np.testing.assert_allclose(host(reg.grad(X)), [[0.2, -0.4], [0.6, -0.8]], rtol=1e-15)


def test_l1l2_by_hand():
    # 0.1 * 10 + 0.2 * 30 = 1.0 + 6.0 = 7.0; gradient 0.1 * sign(x) + 0.4 * x.
    reg = regularizers.L1L2(l1=0.1, l2=0.2)
    assert float(reg(X)) == pytest.approx(7.0, rel=1e-15)
    expected = [[0.1 + 0.4, -0.1 - 0.8], [0.1 + 1.2, -0.1 - 1.6]]
    np.testing.assert_allclose(host(reg.grad(X)), expected, rtol=1e-15)
    # The class defaults are zero: no penalty at all.
    assert float(regularizers.L1L2()(X)) == 0.0
    assert not host(regularizers.L1L2().grad(X)).any()


def test_keras_documentation_examples():
    # From Keras's Regularizer docstring: L2(2.)(ones((5, 5))) is 50.0, and an L1(0.01)
    # kernel penalty on a (5, 5) kernel of ones is 0.25.
    ones = backend.xp.ones((5, 5))
    assert float(regularizers.L2(2.0)(ones)) == 50.0
    assert float(regularizers.L1(0.01)(ones)) == pytest.approx(0.25)


def test_orthogonal_regularizer_by_hand():
    # Rows (1, 0) and (1, 1) normalize to (1, 0) and (1/sqrt2, 1/sqrt2); their cosine is
    # 1/sqrt2. One pair: penalty = factor * 0.5 * (2 * 1/sqrt2) / 1 = factor / sqrt2.
    x = np.array([[1.0, 0.0], [1.0, 1.0]])
    rows = regularizers.OrthogonalRegularizer(factor=0.01, mode="rows")
    assert float(rows(x)) == pytest.approx(0.01 / math.sqrt(2), rel=1e-12)
    # Columns (1, 1) and (0, 1) have the same cosine, 1/sqrt2.
    columns = regularizers.OrthogonalRegularizer(factor=0.01, mode="columns")
    assert float(columns(x)) == pytest.approx(0.01 / math.sqrt(2), rel=1e-12)
    # Three rows: pairs (1, 2), (1, 3), (2, 3) with cosines 1/sqrt2, 0, 1/sqrt2; the mean
    # |cosine| over the 3 pairs is (2/sqrt2)/3, times factor 0.3.
    x3 = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
    three = regularizers.OrthogonalRegularizer(factor=0.3)
    assert float(three(x3)) == pytest.approx(0.3 * (2 / math.sqrt(2)) / 3, rel=1e-12)


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows():
    q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((6, 4)))
    reg = regularizers.OrthogonalRegularizer(factor=1.0, mode="columns")
    assert abs(float(reg(3.0 * q))) < 1e-14  # scale does not matter: rows are normalized


def test_orthogonal_regularizer_edge_cases():
    # A zero row stays finite: its normalized form is 0, so are its cosines and gradient.
    x = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, -1.0]])
    reg = regularizers.OrthogonalRegularizer(factor=1.0)
    assert abs(float(reg(x))) < 1e-15  # rows 1 and 3 are orthogonal, row 2 is zero
    assert np.isfinite(host(reg.grad(x))).all()
    # A single row has no pairs (Keras divides 0 by 0 there): penalty and gradient 0.
    assert float(reg(np.array([[1.0, 2.0]]))) == 0.0
    assert not host(reg.grad(np.array([[1.0, 2.0]]))).any()
    with pytest.raises(ValueError, match="rank 2"):
        reg(np.ones((2, 2, 2)))


# --- gradients --------------------------------------------------------------------------------
def _away_from_zero(shape, seed):
    z = np.random.default_rng(seed).standard_normal(shape)
    return np.sign(z) * (0.1 + np.abs(z))  # |x| >= 0.1: L1's kink is far from x +- h


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(0.3),
        regularizers.L2(0.7),
        regularizers.L1L2(l1=0.2, l2=0.5),
        regularizers.L1L2(l1=0.2),
        regularizers.OrthogonalRegularizer(0.4, "rows"),
        regularizers.OrthogonalRegularizer(0.4, "columns"),
    ],
)
@pytest.mark.parametrize("shape", [(5, 3), (3, 6)])
def test_gradient_matches_central_differences(reg, shape):
    x = _away_from_zero(shape, seed=sum(shape))

    def backward(x, y, grad_output):
        return grad_output * host(reg.grad(x))

    assert check_function_gradient(reg, backward, x, tolerance=1e-6) < 1e-6


def test_orthogonal_gradient_where_a_norm_is_clipped():
    # A row of norm 2e-9 < epsilon is divided by epsilon instead of its norm; the penalty is
    # then linear in that row, so tiny steps (h = 1e-13) measure its slope there.
    x = np.vstack([_away_from_zero((3, 4), seed=1), np.full((1, 4), 1e-9)])
    reg = regularizers.OrthogonalRegularizer(factor=0.3)
    numeric = numerical_gradient(reg, x.copy(), np.float64(1.0), h=1e-13)
    analytic = host(reg.grad(x))
    np.testing.assert_allclose(analytic[3], numeric[3], rtol=1e-6)
    assert np.abs(analytic[3]).max() > 1e3  # the 1/epsilon scale, not the 1/norm one


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(),
        regularizers.L2(),
        regularizers.L1L2(0.1, 0.1),
        regularizers.OrthogonalRegularizer(),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_penalty_and_gradient_keep_the_weight_dtype(reg, dtype):
    x = backend.xp.asarray(_away_from_zero((4, 3), seed=2), dtype=dtype)
    penalty, grad = reg(x), reg.grad(x)
    assert penalty.shape == () and penalty.dtype == np.dtype(dtype)
    assert grad.shape == (4, 3) and grad.dtype == np.dtype(dtype)


# --- configs and names ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reg, config",
    [
        # As Keras 3.15.1 writes them for the defaults.
        (regularizers.L1(), {"l1": 0.01}),
        (regularizers.L2(), {"l2": 0.01}),
        (regularizers.L1L2(), {"l1": 0.0, "l2": 0.0}),
        (regularizers.OrthogonalRegularizer(), {"factor": 0.01, "mode": "rows"}),
    ],
)
def test_config_as_keras_writes_it(reg, config):
    assert reg.get_config() == config
    assert regularizers.serialize(reg) == {
        "module": "keras.regularizers",
        "class_name": type(reg).__name__,
        "config": config,
        "registered_name": None,
    }


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(0.3),
        regularizers.L2(0.25),
        regularizers.L1L2(l1=0.5, l2=0.125),
        regularizers.OrthogonalRegularizer(factor=0.2, mode="columns"),
    ],
)
def test_config_roundtrip(reg):
    check_config_roundtrip(reg)
    rebuilt = regularizers.deserialize(json.loads(json.dumps(regularizers.serialize(reg))))
    assert type(rebuilt) is type(reg) and rebuilt.get_config() == reg.get_config()
    assert float(rebuilt(X)) == float(reg(X))


def test_none_arguments_mean_the_keras_defaults():
    assert regularizers.L1(None).l1 == 0.01 and regularizers.L2(None).l2 == 0.01
    assert regularizers.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_keras2_config_is_read():
    # Keras 2 files write float32 factors as doubles and leave out "module".
    reg = regularizers.deserialize({"class_name": "L2", "config": {"l2": 0.009999999776482582}})
    assert isinstance(reg, regularizers.L2) and reg.l2 == pytest.approx(0.01)


@pytest.mark.parametrize(
    "name, cls, config",
    [
        ("l1", regularizers.L1, {"l1": 0.01}),
        ("L1", regularizers.L1, {"l1": 0.01}),
        ("l2", regularizers.L2, {"l2": 0.01}),
        ("L2", regularizers.L2, {"l2": 0.01}),
        # "l1_l2" means 0.01 and 0.01 (Keras 3's documentation, Keras 2's behaviour); Keras 3's
        # own snake-case name "l1l2" and the class name give the class defaults.
        ("l1_l2", regularizers.L1L2, {"l1": 0.01, "l2": 0.01}),
        ("l1l2", regularizers.L1L2, {"l1": 0.0, "l2": 0.0}),
        ("L1L2", regularizers.L1L2, {"l1": 0.0, "l2": 0.0}),
        (
            "orthogonal_regularizer",
            regularizers.OrthogonalRegularizer,
            {"factor": 0.01, "mode": "rows"},
        ),
        (
            "OrthogonalRegularizer",
            regularizers.OrthogonalRegularizer,
            {"factor": 0.01, "mode": "rows"},
        ),
    ],
)
def test_get_by_name(name, cls, config):
    reg = regularizers.get(name)
    assert type(reg) is cls and reg.get_config() == config
    assert regularizers.get(name) is not reg


def test_lowercase_names_are_the_classes():
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.l1_l2(l2=0.1).get_config() == {"l1": 0.0, "l2": 0.1}


def test_get_other_identifiers():
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    assert regularizers.get({"class_name": "L1", "config": {"l1": 0.2}}).l1 == 0.2

    def custom(x):
        return 0.5 * backend.xp.sum(x)

    assert regularizers.get(custom) is custom
    assert regularizers.get(None) is None
    assert regularizers.serialize(None) is None and regularizers.deserialize(None) is None
    with pytest.raises(ValueError, match="Could not interpret regularizer"):
        regularizers.get(0.01)


def test_unknown_names_and_arguments():
    with pytest.raises(UnknownIdentifierError, match="Known regularizer names: L1, "):
        regularizers.get("l3")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'orthogonal_regularizer'"):
        regularizers.get("orthogonal_regulariser")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'L1L2'"):
        regularizers.deserialize({"class_name": "L1L3", "config": {}})
    with pytest.raises(UnknownArgumentError, match="Did you mean 'l2'"):
        regularizers.L2.from_config({"l_2": 0.1})


@pytest.mark.parametrize(
    "make",
    [
        lambda: regularizers.L1(-0.1),
        lambda: regularizers.L2(float("nan")),
        lambda: regularizers.L1L2(l2=float("inf")),
        lambda: regularizers.L1("0.1"),
        lambda: regularizers.OrthogonalRegularizer(factor=-1.0),
        lambda: regularizers.OrthogonalRegularizer(mode="diagonal"),
    ],
)
def test_invalid_arguments(make):
    with pytest.raises(ValueError):
        make()


def test_base_regularizer():
    base = regularizers.Regularizer()
    assert base(X) == 0.0
    assert host(base.grad(X)).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(NotImplementedError):
        base.get_config()
