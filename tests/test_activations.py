"""Tests for neuronet.activations: values, derivatives, stability, lookup and Keras's numbers."""

import functools
import json
import math

import numpy as np
import pytest

from neuronet import activations
from neuronet.errors import UnknownIdentifierError
from neuronet.testing import check_function_gradient

# Keras 3's activation names (keras/src/activations/__init__.py) that neuronet implements.
KERAS_NAMES = {
    "linear", "sigmoid", "tanh", "relu", "softmax", "log_softmax", "elu", "selu", "softplus",
    "softsign", "silu", "swish", "gelu", "hard_sigmoid", "hard_silu", "hard_swish",
    "exponential", "leaky_relu", "relu6", "mish",
}  # fmt: skip

# (name, keyword arguments, kinks: points where the derivative jumps).
GRADIENT_CASES = [
    ("linear", {}, []),
    ("sigmoid", {}, []),
    ("tanh", {}, []),
    ("softsign", {}, [0.0]),  # continuous derivative, but |x| has a kink in its formula
    ("exponential", {}, []),
    ("relu", {}, [0.0]),
    ("relu", {"negative_slope": 0.3}, [0.0]),
    ("relu", {"max_value": 2.5}, [0.0, 2.5]),
    ("relu", {"max_value": 6.0}, [0.0, 6.0]),
    ("relu", {"threshold": 0.7}, [0.7]),
    ("relu", {"threshold": -0.7}, [-0.7, 0.0]),
    ("relu", {"max_value": 2.5, "threshold": -0.7}, [-0.7, 0.0, 2.5]),
    ("relu", {"negative_slope": 0.3, "max_value": 2.5, "threshold": 0.7}, [0.7, 2.5]),
    ("relu", {"negative_slope": 0.5, "threshold": -1.5}, [-1.5]),
    ("leaky_relu", {}, [0.0]),
    ("leaky_relu", {"negative_slope": 0.05}, [0.0]),
    ("relu6", {}, [0.0, 6.0]),
    ("elu", {}, [0.0]),
    ("elu", {"alpha": 0.5}, [0.0]),
    ("selu", {}, [0.0]),
    ("softplus", {}, []),
    ("silu", {}, []),
    ("swish", {}, []),
    ("mish", {}, []),
    ("gelu", {}, []),
    ("gelu", {"approximate": True}, []),
    ("hard_sigmoid", {}, [-3.0, 3.0]),
    ("hard_silu", {}, [-3.0, 3.0]),
    ("hard_swish", {}, [-3.0, 3.0]),
    ("softmax", {}, []),
    ("log_softmax", {}, []),
]
AXIS_CASES = [
    ("softmax", {"axis": 0}),
    ("softmax", {"axis": 1}),
    ("softmax", {"axis": (1, 2)}),
    ("softmax", {"axis": None}),
    ("log_softmax", {"axis": 0}),
    ("log_softmax", {"axis": 1}),
    ("log_softmax", {"axis": (0, 2)}),
]


def _case_id(case):
    name, kwargs = case[0], case[1]
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


def _away_from_kinks(x, kinks, margin=1e-3):
    """Move entries within ``margin`` of a kink 10 * margin to its right: the central
    differences (step 1e-6) must not straddle a kink."""
    for kink in kinks:
        near = np.abs(x - kink) < margin
        x[near] = kink + 10 * margin
    return x


def _check(name, kwargs, x):
    forward = functools.partial(activations.get(name), **kwargs)
    backward = functools.partial(activations.gradient(name), **kwargs)
    return check_function_gradient(forward, backward, x)


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=_case_id)
def test_gradient_matches_central_differences(case):
    name, kwargs, kinks = case
    rng = np.random.default_rng(7)
    # uniform on [-8, 8] visits every piece: relu6's ceiling, hard_sigmoid's flat ends, ...
    x = _away_from_kinks(rng.uniform(-8.0, 8.0, size=(6, 7)), kinks)
    assert _check(name, kwargs, x) < 1e-6


@pytest.mark.parametrize("case", AXIS_CASES, ids=_case_id)
def test_normalising_gradient_along_axis(case):
    name, kwargs = case
    x = np.random.default_rng(3).normal(scale=3.0, size=(3, 4, 5))
    assert _check(name, kwargs, x) < 1e-6


def test_gradient_check_notices_a_wrong_derivative():
    # The check above must be able to fail: sigmoid's output passed off as its derivative.
    x = np.linspace(-3, 3, 7)
    with pytest.raises(AssertionError, match="relative error"):
        check_function_gradient(activations.sigmoid, lambda x, y, g: g * y, x)


# --- golden values, worked out by hand ----------------------------------------------------------


def test_relu_keras_doc_examples_and_combinations():
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])
    relu = activations.relu
    np.testing.assert_array_equal(relu(x), [0, 0, 0, 5, 10])
    # slope 0.5 below 0: -10 -> -5, -5 -> -2.5
    np.testing.assert_array_equal(relu(x, negative_slope=0.5), [-5, -2.5, 0, 5, 10])
    np.testing.assert_array_equal(relu(x, max_value=5.0), [0, 0, 0, 5, 5])
    np.testing.assert_array_equal(relu(x, threshold=5.0), [0, 0, 0, 0, 10])
    # u = x * (x > 2) = [0, 0, 0, 5, 10] -> clip to [0, 5] = [0, 0, 0, 5, 5];
    # minus 0.5 * max(2 - x, 0) = 0.5 * [12, 7, 2, 0, 0] -> [-6, -3.5, -1, 5, 5]
    np.testing.assert_array_equal(
        relu(x, negative_slope=0.5, max_value=5.0, threshold=2.0), [-6, -3.5, -1, 5, 5]
    )
    # Keras's x * (x > threshold) lets -0.5 through a threshold of -1; max_value clips it to 0.
    np.testing.assert_array_equal(relu(np.array([-2.0, -0.5, 3.0]), threshold=-1.0), [0, -0.5, 3])
    np.testing.assert_array_equal(
        relu(np.array([-2.0, -0.5, 3.0]), threshold=-1.0, max_value=2.0), [0, 0, 2]
    )


def test_piecewise_linear_golden_values():
    np.testing.assert_array_equal(activations.leaky_relu(np.array([-10.0, 0.0, 5.0])), [-2, 0, 5])
    np.testing.assert_array_equal(activations.relu6(np.array([-1.0, 3.0, 7.0])), [0, 3, 6])
    # Keras 3: relu6(x + 3) / 6 -> -4: 0, -3: 0, 0: 0.5, 1.5: 4.5/6 = 0.75, 3: 1, 4: 1
    np.testing.assert_allclose(
        activations.hard_sigmoid(np.array([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0])),
        [0, 0, 0.5, 0.75, 1, 1],
        rtol=0,
        atol=1e-15,
    )
    # x * hard_sigmoid(x) -> -3: 0, 0: 0, 1.5: 1.5 * 0.75 = 1.125, 3: 3, 5: 5
    np.testing.assert_allclose(
        activations.hard_silu(np.array([-3.0, 0.0, 1.5, 3.0, 5.0])),
        [0, 0, 1.125, 3, 5],
        rtol=0,
        atol=1e-15,
    )


def test_smooth_golden_values():
    get = activations.get
    x = np.array([-1.0, 0.0, 1.0])
    # selu: scale = 1.0507009873554805, scale * alpha = 1.7580993408473768 (TensorFlow's
    # digits), selu(-1) = 1.7580993408473768 * (e^-1 - 1) = -1.1113307378125628
    np.testing.assert_allclose(
        get("selu")(x), [-1.1113307378125628, 0, 1.0507009873554805], rtol=1e-15
    )
    # elu(-1, alpha=0.5) = 0.5 * (e^-1 - 1) = -0.31606027941427883
    np.testing.assert_allclose(get("elu")(x, alpha=0.5), [-0.31606027941427883, 0, 1])
    np.testing.assert_allclose(get("elu")(x), [math.e**-1 - 1, 0, 1])
    # gelu(x) = x * Phi(x): Phi(1) = 0.8413447460685429, Phi(2) = 0.9772498680518208
    x3 = np.array([-1.0, 0.0, 1.0, 2.0])
    np.testing.assert_allclose(
        get("gelu")(x3), [-0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416]
    )
    # tanh form: 0.5 * 1 * (1 + tanh(0.7978845608028654 * 1.044715)) = 0.8411919906082768;
    # at -2: -(1 + tanh(0.7978845608028654 * (-2.35772))) = -0.04540230591222494
    np.testing.assert_allclose(
        get("gelu")(np.array([1.0, -2.0]), approximate=True),
        [0.8411919906082768, -0.04540230591222494],
    )
    np.testing.assert_allclose(get("sigmoid")(x), [0.2689414213699951, 0.5, 0.7310585786300049])
    np.testing.assert_allclose(get("softplus")(np.array([0.0])), [math.log(2.0)])
    np.testing.assert_allclose(get("softsign")(np.array([-3.0, 1.0])), [-0.75, 0.5])
    # silu(1) = sigmoid(1); mish(1) = tanh(log(1 + e)) = 0.8650983882673103
    np.testing.assert_allclose(get("silu")(np.array([1.0])), [0.7310585786300049])
    np.testing.assert_allclose(get("mish")(np.array([1.0])), [0.8650983882673103])
    np.testing.assert_allclose(get("exponential")(np.array([1.0])), [math.e])
    np.testing.assert_allclose(get("tanh")(np.array([1.0])), [math.tanh(1.0)])


def test_softmax_and_log_softmax_values():
    # exp(1, 2, 3) / (e + e^2 + e^3) = [0.0900..., 0.2447..., 0.6652...]
    expected = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]
    x = np.array([[1.0, 2.0, 3.0], [11.0, 12.0, 13.0]])  # shifting a row changes nothing
    np.testing.assert_allclose(activations.softmax(x), [expected, expected])
    np.testing.assert_allclose(activations.log_softmax(x), np.log([expected, expected]))
    rows = activations.softmax(np.random.default_rng(0).normal(scale=5.0, size=(8, 10)))
    np.testing.assert_allclose(rows.sum(axis=-1), np.ones(8))
    columns = activations.softmax(np.random.default_rng(1).normal(size=(4, 6)), axis=0)
    np.testing.assert_allclose(columns.sum(axis=0), np.ones(6))


def _grad_at(name, points, **kwargs):
    x = np.asarray(points, dtype=np.float64)
    y = activations.get(name)(x, **kwargs)
    return activations.gradient(name)(x, y, np.ones_like(x), **kwargs)


def test_derivatives_at_kinks_follow_tensorflow():
    np.testing.assert_array_equal(_grad_at("relu", [0.0]), [0])
    np.testing.assert_array_equal(_grad_at("relu", [0.0], negative_slope=0.1), [0.1])
    np.testing.assert_array_equal(_grad_at("leaky_relu", [0.0]), [0.2])
    np.testing.assert_array_equal(_grad_at("relu6", [0.0, 6.0]), [0, 0])
    # max_value=6 without threshold is TensorFlow's relu6 op; other ceilings are a clip, whose
    # gradient passes at the bound.
    np.testing.assert_array_equal(_grad_at("relu", [6.0], max_value=6.0), [0])
    np.testing.assert_array_equal(_grad_at("relu", [0.0, 5.0], max_value=5.0), [0, 1])
    np.testing.assert_array_equal(_grad_at("relu", [1.0], threshold=1.0), [0])
    np.testing.assert_array_equal(_grad_at("relu", [1.0], threshold=1.0, negative_slope=0.5), [0])
    np.testing.assert_array_equal(_grad_at("elu", [0.0]), [1])
    np.testing.assert_array_equal(_grad_at("elu", [0.0], alpha=0.5), [0.5])
    np.testing.assert_allclose(_grad_at("selu", [0.0]), [1.0507009873554805], rtol=1e-15)
    np.testing.assert_array_equal(_grad_at("hard_sigmoid", [-3.0, 3.0]), [0, 0])
    np.testing.assert_array_equal(_grad_at("hard_silu", [-3.0, 3.0]), [0, 1])
    # smooth at 0: softsign' = 1, silu' = 1/2, gelu' = 1/2, mish' = tanh(log 2) = 0.6
    np.testing.assert_allclose(_grad_at("softsign", [0.0]), [1.0])
    np.testing.assert_allclose(_grad_at("silu", [0.0]), [0.5])
    np.testing.assert_allclose(_grad_at("gelu", [0.0]), [0.5])
    np.testing.assert_allclose(_grad_at("gelu", [0.0], approximate=True), [0.5])
    np.testing.assert_allclose(_grad_at("mish", [0.0]), [0.6])


# --- stability and dtypes -----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stable_at_plus_minus_1e4(dtype):
    big = np.array([-1e4, 0.0, 1e4], dtype=dtype)
    np.testing.assert_array_equal(activations.sigmoid(big), [0, 0.5, 1])
    np.testing.assert_allclose(activations.softplus(big), [0, math.log(2.0), 1e4])
    np.testing.assert_array_equal(activations.softmax(big), [0, 0, 1])
    np.testing.assert_array_equal(activations.log_softmax(big), [-2e4, -1e4, 0])
    # An entry of 1e4 and one of 1e4 - 1 in the same row: only the difference matters.
    near = np.array([1e4, 1e4 - 1.0], dtype=dtype)
    np.testing.assert_allclose(activations.softmax(near), [0.7310585786300049, 0.2689414213699951])
    # Every activation but exponential (whose exp(1e4) is inf by definition) and its derivative
    # stay finite; a NumPy overflow warning would fail the test as well (warnings are errors).
    for name in sorted(KERAS_NAMES - {"exponential"}):
        y = activations.get(name)(big)
        grad = activations.gradient(name)(big, y, np.ones_like(big))
        assert np.all(np.isfinite(y)) and np.all(np.isfinite(grad)), name


@pytest.mark.parametrize("name", sorted(KERAS_NAMES))
def test_float32_in_float32_out(name):
    x = np.linspace(-4.0, 4.0, 12, dtype=np.float32).reshape(3, 4)
    y = activations.get(name)(x)
    grad = activations.gradient(name)(x, y, np.ones_like(x))
    assert y.dtype == np.float32 and y.shape == x.shape
    assert grad.dtype == np.float32 and grad.shape == x.shape


def test_numpy_scalar_arguments_keep_float32():
    x = np.linspace(-4.0, 4.0, 9, dtype=np.float32)
    kwargs = {"negative_slope": np.float64(0.1), "max_value": np.float64(2.0)}
    kwargs["threshold"] = np.float64(0.5)
    y = activations.relu(x, **kwargs)
    assert y.dtype == np.float32
    assert activations.relu_grad(x, y, np.ones_like(x), **kwargs).dtype == np.float32
    assert activations.elu(x, alpha=np.float64(0.5)).dtype == np.float32
    assert activations.leaky_relu(x, negative_slope=np.float64(0.5)).dtype == np.float32


def test_lists_and_integers_become_floatx():
    assert activations.relu([-1, 2]).dtype == np.float32
    np.testing.assert_array_equal(activations.relu(np.array([-1, 2])), [0.0, 2.0])


# --- lookup, serialization, registration --------------------------------------------------------


def test_registry_holds_exactly_the_keras_names():
    assert set(activations.ACTIVATIONS.names()) == KERAS_NAMES
    for name in KERAS_NAMES:
        fn = activations.get(name)
        assert callable(activations.gradient(fn))
        assert activations.get(activations.serialize(fn)) is fn


def test_get_identifiers():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get(activations.tanh) is activations.tanh
    custom = np.negative
    assert activations.get(custom) is custom
    # Keras 3 writes functions as {"class_name": "function", "config": name, ...}
    keras3 = {
        "module": "keras.activations",
        "class_name": "function",
        "config": "softmax",
        "registered_name": "softmax",
    }
    assert activations.get(keras3) is activations.softmax
    with pytest.raises(ValueError, match="Could not interpret activation"):
        activations.get(42)


def test_aliases():
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.serialize(activations.get("swish")) == "silu"
    assert activations.serialize(activations.get("hard_swish")) == "hard_silu"
    assert activations.name_of(activations.get("swish")) == "silu"


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'tanh'\\?"):
        activations.get("tahn")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'softmax'\\?"):
        activations.deserialize("Softmax")


def test_serialize_and_deserialize_round_trip():
    assert activations.serialize(activations.tanh) == "tanh"
    assert activations.deserialize("tanh") is activations.tanh
    assert activations.deserialize(json.loads(json.dumps("gelu"))) is activations.gelu

    def scaled(x):
        return 2.0 * x

    with pytest.raises(ValueError, match="Cannot serialize"):
        activations.serialize(scaled)
    assert activations.deserialize("scaled", custom_objects={"scaled": scaled}) is scaled


def test_name_of():
    assert activations.name_of(activations.sigmoid) == "sigmoid"
    assert activations.name_of(activations.softmax) == "softmax"
    assert activations.name_of(lambda x: x) is None


def test_gradient_of_unregistered_callable_says_how_to_register():
    with pytest.raises(ValueError, match=r"register\(fn, grad"):
        activations.gradient(lambda x: x)
    assert activations.gradient(activations.relu) is activations.relu_grad
    assert activations.gradient("log_softmax") is activations.log_softmax_grad


@pytest.fixture
def restore_registry():
    """Put the global registry back as it was: registered test functions must not leak."""
    registry = activations.ACTIVATIONS
    saved = (dict(registry._objects), dict(registry._canonical), dict(registry._gradients))
    yield
    registry._objects, registry._canonical = saved[0], saved[1]
    registry._gradients.clear()
    registry._gradients.update(saved[2])


def test_register_a_custom_activation(restore_registry):
    def cube(x):
        return x * x * x

    def cube_grad(x, y, grad_output):
        return grad_output * 3.0 * x * x

    assert activations.register(cube, cube_grad, "cube", "x3") is cube
    assert activations.get("cube") is cube and activations.get("x3") is cube
    assert activations.serialize(cube) == "cube"
    assert activations.gradient(cube) is cube_grad
    check_function_gradient(cube, cube_grad, np.linspace(-2, 2, 5))


def test_register_refuses_clashes_and_leaves_the_registry_unchanged(restore_registry):
    names = activations.ACTIVATIONS.names()

    def other(x):
        return x

    with pytest.raises(ValueError, match="'relu' is already registered"):
        activations.register(other, activations.linear_grad, "fresh_name", "relu")
    assert activations.ACTIVATIONS.names() == names
    with pytest.raises(TypeError):
        activations.register(other, None, "other")
    with pytest.raises(ValueError, match="another derivative"):
        activations.register(activations.tanh, activations.sigmoid_grad, "tanh")


# --- Keras's own predictions --------------------------------------------------------------------


def _keras_models(folder):
    models = json.loads((folder / "inference.json").read_text())
    wanted = ("xor_textbook", "relu_softmax_classifier")
    return [m for m in models if m["name"].startswith("act_") or m["name"] in wanted]


def test_forward_pass_matches_keras_predictions(keras_fixtures):
    models = _keras_models(keras_fixtures)
    assert {m["name"] for m in models} >= {"act_relu", "act_sigmoid", "act_tanh"}
    for model in models:
        arrays = np.load(keras_fixtures / model["arrays"])
        weights = [arrays[f"w{i}"] for i in range(model["n_weights"])]
        h = arrays["x"]
        for layer in model["spec"]["layers"]:
            # Dense(activation=...) then Activation(...); Dropout is the identity in predict.
            if layer["type"] == "Dense":
                kernel, bias = weights.pop(0), weights.pop(0)
                h = activations.get(layer.get("activation"))(h @ kernel + bias)
            elif layer["type"] == "Activation":
                h = activations.get(layer["activation"])(h)
        assert h.dtype == np.float32
        np.testing.assert_allclose(h, arrays["y"], rtol=1e-5, atol=1e-6, err_msg=model["name"])
