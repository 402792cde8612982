"""Initializers: distributions, fans, seeds, dtypes, Orthogonal/Identity, configs and names."""

import json
import math

import numpy as np
import pytest

from neuronet import backend, initializers
from neuronet.errors import UnknownArgumentError, UnknownIdentifierError
from neuronet.testing import check_config_roundtrip, float64

# 200,000 draws: a mean is known to within stddev / 447 (one standard error), a standard
# deviation to within about stddev / 632. Bounds below allow six standard errors.
SHAPE = (400, 500)
N = 400 * 500
TRUNCATED_STD = 0.87962566103423978  # std of N(0, 1) cut to [-2, 2]

RANDOM_NAMES = [
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "orthogonal",
]
ALL_NAMES = ["zeros", "ones", "constant", "identity", *RANDOM_NAMES]


def host(array):
    return np.asarray(backend.to_numpy(array))


def assert_mean_std(values, mean, std):
    assert abs(values.mean() - mean) < 6 * std / math.sqrt(values.size)
    assert abs(values.std() - std) < 6 * std / math.sqrt(2 * values.size)


# --- distributions ----------------------------------------------------------------------------
def test_random_normal_statistics():
    values = host(initializers.RandomNormal(mean=0.3, stddev=2.0, seed=1)(SHAPE))
    assert values.shape == SHAPE
    assert_mean_std(values, 0.3, 2.0)


def test_random_uniform_statistics_and_limits():
    values = host(initializers.RandomUniform(minval=-0.2, maxval=0.6, seed=2)(SHAPE))
    assert values.min() >= -0.2 and values.max() <= 0.6
    # 200,000 draws come within 1e-4 of both ends (a miss has probability e^-25).
    assert values.min() < -0.2 + 1e-4 and values.max() > 0.6 - 1e-4
    assert_mean_std(values, 0.2, 0.8 / math.sqrt(12))


def test_truncated_normal_statistics_and_bounds():
    values = host(initializers.TruncatedNormal(mean=1.0, stddev=0.5, seed=3)(SHAPE))
    # Everything within two stddev of the mean: [1 - 2 * 0.5, 1 + 2 * 0.5] = [0, 2].
    assert values.min() >= 0.0 and values.max() <= 2.0
    # ...and the cut is at two stddev, not tighter: about 230 draws land within 0.01 of it.
    assert values.min() < 0.01 and values.max() > 1.99
    # Truncation shrinks the spread to 0.8796 * stddev.
    assert_mean_std(values, 1.0, 0.5 * TRUNCATED_STD)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["uniform", "truncated_normal", "untruncated_normal"])
def test_variance_scaling(mode, distribution):
    shape = (250, 800)  # fan_in 250, fan_out 800, fan_avg 525
    n = {"fan_in": 250, "fan_out": 800, "fan_avg": 525}[mode]
    std = math.sqrt(2.0 / n)  # scale = 2: every distribution has variance scale / n
    init = initializers.VarianceScaling(2.0, mode, distribution, seed=4)
    values = host(init(shape))
    assert_mean_std(values, 0.0, std)
    largest = np.abs(values).max()
    if distribution == "uniform":
        limit = math.sqrt(3.0 * 2.0 / n)
        assert limit * (1 - 1e-4) < largest <= limit
    elif distribution == "truncated_normal":
        # Drawn with stddev sqrt(scale/n) / 0.8796 and cut at two of those.
        bound = 2 * std / TRUNCATED_STD
        assert bound * 0.99 < largest <= bound * (1 + 1e-6)
    else:
        assert largest > 4 * std  # no truncation: 200,000 normals reach past 4 sigma


@pytest.mark.parametrize(
    "cls, kind, spread",
    [
        # shape (300, 500): fan_in 300, fan_out 500; spread is the limit or the stddev.
        (initializers.GlorotUniform, "uniform", math.sqrt(6 / (300 + 500))),
        (initializers.GlorotNormal, "normal", math.sqrt(2 / (300 + 500))),
        (initializers.HeUniform, "uniform", math.sqrt(6 / 300)),
        (initializers.HeNormal, "normal", math.sqrt(2 / 300)),
        (initializers.LecunUniform, "uniform", math.sqrt(3 / 300)),
        (initializers.LecunNormal, "normal", math.sqrt(1 / 300)),
    ],
)
def test_named_variance_scaling(cls, kind, spread):
    values = host(cls(seed=5)((300, 500)))
    if kind == "uniform":
        assert spread * (1 - 1e-3) < np.abs(values).max() <= spread
        assert_mean_std(values, 0.0, spread / math.sqrt(3))
    else:
        assert np.abs(values).max() <= 2 * spread / TRUNCATED_STD * (1 + 1e-6)
        assert_mean_std(values, 0.0, spread)


@pytest.mark.parametrize(
    "shape, input_axes, output_axes, fans",
    [
        # Values as Keras 3.15.1's compute_fans returns them.
        ((), None, None, (1, 1)),
        ((7,), None, None, (7, 7)),
        ((3, 4), None, None, (3, 4)),
        ((3, 3, 16, 32), None, None, (3 * 3 * 16, 3 * 3 * 32)),
        ((5, 2, 8), None, None, (5 * 2, 5 * 8)),
        ((4, 5, 6), [0, 1], [2], (20, 6)),
        ((4, 5, 6), [0], None, (4 * 5, 4 * 6)),  # one of the two alone: the usual rule
    ],
)
def test_compute_fans(shape, input_axes, output_axes, fans):
    assert initializers.compute_fans(shape, input_axes, output_axes) == fans


def test_conv_kernel_uses_receptive_field():
    # (3, 3, 16, 32): fan_in = 9 * 16 = 144, fan_out = 9 * 32 = 288.
    values = host(initializers.GlorotUniform(seed=6)((3, 3, 16, 32)))
    limit = math.sqrt(6 / (144 + 288))
    assert limit * 0.99 < np.abs(values).max() <= limit


def test_variance_scaling_input_and_output_axes():
    # (20, 30, 40) with input_axes [0]: fan_in = 20 (the usual rule would say 20 * 30 = 600).
    init = initializers.HeUniform(seed=7, input_axes=[0], output_axes=[1, 2])
    values = host(init((20, 30, 40)))
    limit = math.sqrt(6 / 20)
    assert limit * 0.99 < np.abs(values).max() <= limit


def test_scalar_shape_uses_fan_one():
    value = host(initializers.VarianceScaling(distribution="uniform", seed=8)(()))
    assert value.shape == () and abs(float(value)) <= math.sqrt(3.0)


# --- seeds ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_seeded_initializer_gives_the_same_values_every_call(name):
    cls = initializers.INITIALIZERS.lookup(name)
    init = cls(seed=42)
    first, second = host(init((6, 5))), host(init((6, 5)))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, host(cls(seed=42)((6, 5))))
    assert not np.array_equal(first, host(cls(seed=43)((6, 5))))


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_unseeded_initializer_follows_set_random_seed(name):
    init = initializers.get(name)
    backend.set_random_seed(5)
    first, second = host(init((6, 5))), host(init((6, 5)))
    assert not np.array_equal(first, second)  # the shared generator moves on
    backend.set_random_seed(5)
    np.testing.assert_array_equal(host(initializers.get(name)((6, 5))), first)
    np.testing.assert_array_equal(host(init((6, 5))), second)


# --- dtypes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_NAMES)
def test_float32_by_default_and_float64_when_asked(name):
    init = initializers.get(name)
    assert init((4, 3)).dtype == np.float32
    assert init((4, 3), dtype="float64").dtype == np.float64
    with float64():
        assert initializers.get(name)((4, 3)).dtype == np.float64


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_float32_values_are_the_float64_values_rounded(name):
    cls = initializers.INITIALIZERS.lookup(name)
    single = host(cls(seed=9)((5, 7), dtype="float32"))
    double = host(cls(seed=9)((5, 7), dtype="float64"))
    np.testing.assert_array_equal(single, double.astype(np.float32))


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_random_initializers_need_a_float_dtype(name):
    with pytest.raises(ValueError, match="float dtype"):
        initializers.get(name)((3, 3), dtype="int32")


def test_constants_in_any_dtype():
    np.testing.assert_array_equal(host(initializers.Zeros()((2, 3), "int32")), np.zeros((2, 3)))
    np.testing.assert_array_equal(host(initializers.Ones()((2,))), [1.0, 1.0])
    values = initializers.Constant(3)((2, 2), dtype="int64")
    assert values.dtype == np.int64 and host(values).tolist() == [[3, 3], [3, 3]]
    assert host(initializers.Constant(-0.5)((3,))).tolist() == [-0.5, -0.5, -0.5]


# --- Orthogonal and Identity ------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(64, 32), (32, 64), (10, 10), (3, 3, 4, 8)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    values = host(initializers.Orthogonal(gain=gain, seed=10)(shape, dtype="float64"))
    assert values.shape == shape
    matrix = values.reshape(-1, shape[-1])  # (3, 3, 4, 8) is drawn as (36, 8)
    rows, cols = matrix.shape
    gram = matrix.T @ matrix if rows >= cols else matrix @ matrix.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_needs_two_dimensions():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((5,))


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
def test_identity(shape):
    np.testing.assert_array_equal(host(initializers.Identity()(shape)), np.eye(*shape))
    scaled = initializers.Identity(gain=3.0)(shape, dtype="float64")
    assert scaled.dtype == np.float64
    np.testing.assert_array_equal(host(scaled), 3.0 * np.eye(*shape))


def test_identity_needs_a_matrix():
    with pytest.raises(ValueError, match="2D matrices"):
        initializers.Identity()((2, 2, 2))


# --- configs ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "init, config",
    [
        # As Keras 3.15.1's get_config writes them for the defaults.
        (initializers.Zeros(), {}),
        (initializers.Ones(), {}),
        (initializers.Constant(), {"value": 0.0}),
        (initializers.RandomNormal(), {"seed": None, "mean": 0.0, "stddev": 0.05}),
        (initializers.RandomUniform(), {"seed": None, "minval": -0.05, "maxval": 0.05}),
        (initializers.TruncatedNormal(), {"seed": None, "mean": 0.0, "stddev": 0.05}),
        (
            initializers.VarianceScaling(),
            {
                "seed": None,
                "scale": 1.0,
                "mode": "fan_in",
                "distribution": "truncated_normal",
                "input_axes": None,
                "output_axes": None,
            },
        ),
        (initializers.GlorotUniform(), {"seed": None, "input_axes": None, "output_axes": None}),
        (initializers.HeNormal(), {"seed": None, "input_axes": None, "output_axes": None}),
        (initializers.Orthogonal(), {"seed": None, "gain": 1.0}),
        # Keras 3.15 writes {} for Identity and so loses gain; neuronet keeps it.
        (initializers.Identity(), {"gain": 1.0}),
    ],
)
def test_config_keys_as_keras_writes_them(init, config):
    assert init.get_config() == config
    assert list(init.get_config()) == list(config)  # same key order in the JSON


@pytest.mark.parametrize(
    "init",
    [
        initializers.Constant(2.5),
        initializers.Identity(gain=0.5),
        initializers.RandomNormal(mean=1.0, stddev=0.2, seed=3),
        initializers.RandomUniform(minval=0.0, maxval=2.0, seed=3),
        initializers.TruncatedNormal(mean=-1.0, stddev=0.1, seed=3),
        initializers.VarianceScaling(0.5, "fan_out", "uniform", seed=3),
        initializers.VarianceScaling(1.5, "fan_avg", "untruncated_normal", 3, [0], [1]),
        initializers.GlorotNormal(seed=3),
        initializers.LecunUniform(seed=3, input_axes=[0, 1], output_axes=[2]),
        initializers.Orthogonal(gain=2.0, seed=3),
    ],
)
def test_config_roundtrip(init):
    clone = check_config_roundtrip(init)
    rebuilt = initializers.deserialize(json.loads(json.dumps(initializers.serialize(init))))
    assert type(rebuilt) is type(init) and rebuilt.get_config() == init.get_config()
    shape = (2, 3, 4) if isinstance(init, initializers.LecunUniform) else (3, 4)
    np.testing.assert_array_equal(host(clone(shape)), host(init(shape)))


def test_keras3_fixture_initializers_round_trip(keras_fixtures):
    model = json.loads((keras_fixtures / "inference" / "xor_textbook.keras3.json").read_text())
    dense = [layer for layer in model["config"]["layers"] if layer["class_name"] == "Dense"]
    assert dense
    for layer in dense:
        for key in ("kernel_initializer", "bias_initializer"):
            written = layer["config"][key]
            assert initializers.serialize(initializers.deserialize(written)) == written


def test_keras2_fixture_initializers_are_read(keras_fixtures):
    model = json.loads((keras_fixtures / "inference" / "xor_textbook.tf_keras.json").read_text())
    kernels = [
        layer["config"]["kernel_initializer"]
        for layer in model["config"]["layers"]
        if layer["class_name"] == "Dense"
    ]
    assert kernels and all(k["config"] == {"seed": None} for k in kernels)
    for config in kernels:
        init = initializers.deserialize(config)
        assert isinstance(init, initializers.GlorotUniform) and init.seed is None


def test_keras2_normal_distribution_means_truncated_normal():
    config = {"scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": None}
    init = initializers.deserialize({"class_name": "VarianceScaling", "config": config})
    assert init.distribution == "truncated_normal"


def test_constant_with_an_array_uses_kerass_numpy_form():
    init = initializers.Constant(np.array([1.0, 2.0]))
    written = {"class_name": "__numpy__", "config": {"value": [1.0, 2.0], "dtype": "float64"}}
    assert init.get_config() == {"value": written}
    rebuilt = initializers.Constant.from_config(init.get_config())
    np.testing.assert_array_equal(host(rebuilt((3, 2))), [[1.0, 2.0]] * 3)


def test_unknown_config_key_is_reported():
    with pytest.raises(UnknownArgumentError, match="Did you mean 'stddev'"):
        initializers.RandomNormal.from_config({"mean": 0.0, "stdev": 1.0})


# --- get / serialize / deserialize ------------------------------------------------------------
@pytest.mark.parametrize(
    "name, cls",
    [
        # Every name Keras 3.15.1 registers (bar its STFT initializer and the base class).
        *[(n, initializers.Zeros) for n in ("zeros", "Zeros", "zero")],
        *[(n, initializers.Ones) for n in ("ones", "Ones", "one")],
        ("constant", initializers.Constant),
        ("Constant", initializers.Constant),
        *[(n, initializers.Identity) for n in ("identity", "Identity", "IdentityInitializer")],
        *[(n, initializers.RandomNormal) for n in ("random_normal", "RandomNormal", "normal")],
        *[(n, initializers.RandomUniform) for n in ("random_uniform", "RandomUniform", "uniform")],
        ("truncated_normal", initializers.TruncatedNormal),
        ("TruncatedNormal", initializers.TruncatedNormal),
        ("variance_scaling", initializers.VarianceScaling),
        ("VarianceScaling", initializers.VarianceScaling),
        ("glorot_uniform", initializers.GlorotUniform),
        ("GlorotUniform", initializers.GlorotUniform),
        ("glorot_normal", initializers.GlorotNormal),
        ("GlorotNormal", initializers.GlorotNormal),
        ("he_uniform", initializers.HeUniform),
        ("HeUniform", initializers.HeUniform),
        ("he_normal", initializers.HeNormal),
        ("HeNormal", initializers.HeNormal),
        ("lecun_uniform", initializers.LecunUniform),
        ("LecunUniform", initializers.LecunUniform),
        ("lecun_normal", initializers.LecunNormal),
        ("LecunNormal", initializers.LecunNormal),
        *[(n, initializers.Orthogonal) for n in ("orthogonal", "Orthogonal")],
        ("OrthogonalInitializer", initializers.Orthogonal),
    ],
)
def test_get_by_name_gives_a_fresh_instance(name, cls):
    first, second = initializers.get(name), initializers.get(name)
    assert type(first) is cls and first is not second


def test_get_other_identifiers():
    instance = initializers.HeNormal(seed=1)
    assert initializers.get(instance) is instance
    assert isinstance(initializers.get(initializers.Orthogonal), initializers.Orthogonal)

    def custom(shape, dtype=None):
        return backend.xp.full(shape, 7.0, dtype=dtype)

    assert initializers.get(custom) is custom
    from_dict = initializers.get({"class_name": "RandomUniform", "config": {"maxval": 1.0}})
    assert from_dict.get_config()["maxval"] == 1.0
    assert initializers.get(None) is None
    assert initializers.serialize(None) is None and initializers.deserialize(None) is None
    with pytest.raises(ValueError, match="Could not interpret initializer"):
        initializers.get(42)


def test_serialize_is_kerass_form():
    assert initializers.serialize(initializers.GlorotUniform()) == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": None, "input_axes": None, "output_axes": None},
        "registered_name": None,
    }


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'glorot_uniform'"):
        initializers.get("glorot_unifrom")
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'HeNormal'"):
        initializers.deserialize({"class_name": "HeNormall", "config": {}})


def test_custom_objects_are_consulted():
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return backend.xp.full(shape, 0.5, dtype=dtype or backend.floatx())

    config = {"class_name": "Halves", "config": {}}
    init = initializers.deserialize(config, custom_objects={"Halves": Halves})
    assert host(init((2,))).tolist() == [0.5, 0.5]


@pytest.mark.parametrize(
    "make",
    [
        lambda: initializers.VarianceScaling(scale=0.0),
        lambda: initializers.VarianceScaling(mode="fan_sum"),
        lambda: initializers.VarianceScaling(distribution="gamma"),
        lambda: initializers.RandomNormal(seed=1.5),
        lambda: initializers.GlorotUniform(seed="1"),
        lambda: initializers.HeNormal(seed=-1),
    ],
)
def test_invalid_arguments(make):
    with pytest.raises(ValueError):
        make()
