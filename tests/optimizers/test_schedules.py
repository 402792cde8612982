"""Learning-rate schedules against their formulas written in NumPy, and their configs."""

import math

import numpy as np
import pytest

from neuronet.errors import UnknownArgumentError, UnknownIdentifierError
from neuronet.optimizers import schedules
from neuronet.optimizers.optimizer import ScalarVariable
from neuronet.testing import float64

STEPS = np.arange(0, 40)


def values(schedule):
    with float64():
        return np.array([float(schedule(int(step))) for step in STEPS])


def test_exponential_decay():
    # By hand: 0.1 * 0.5 ** (10 / 4) = 0.1 * 0.1767767 = 0.01767767; staircase: 0.1 * 0.5**2
    smooth = schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)
    stairs = schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(values(smooth)[10], 0.01767767, rtol=1e-7)
    np.testing.assert_allclose(values(stairs)[10], 0.025, rtol=1e-12)
    np.testing.assert_allclose(values(smooth), 0.1 * 0.5 ** (STEPS / 4), rtol=1e-12)
    np.testing.assert_allclose(values(stairs), 0.1 * 0.5 ** np.floor(STEPS / 4), rtol=1e-12)


def test_inverse_time_decay():
    # By hand: 0.1 / (1 + 0.5 * 10 / 4) = 0.1 / 2.25 = 0.0444444; staircase: 0.1 / (1 + 0.5 * 2)
    smooth = schedules.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5)
    stairs = schedules.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(values(smooth)[10], 0.0444444444444, rtol=1e-12)
    np.testing.assert_allclose(values(stairs)[10], 0.05, rtol=1e-12)
    np.testing.assert_allclose(values(smooth), 0.1 / (1 + 0.5 * STEPS / 4), rtol=1e-12)
    np.testing.assert_allclose(values(stairs), 0.1 / (1 + 0.5 * np.floor(STEPS / 4)), rtol=1e-12)


def test_piecewise_constant_decay():
    schedule = schedules.PiecewiseConstantDecay([5, 10, 20], [1.0, 0.5, 0.1, 0.01])
    # A step equal to a boundary still takes the value before it.
    expected = np.select([STEPS <= 5, STEPS <= 10, STEPS <= 20], [1.0, 0.5, 0.1], 0.01)
    np.testing.assert_allclose(values(schedule), expected, rtol=1e-12)
    assert [float(schedule(s)) for s in (5, 6)] == [1.0, 0.5]


def test_polynomial_decay():
    plain = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0)
    cycle = schedules.PolynomialDecay(
        0.1, decay_steps=10, end_learning_rate=0.01, power=2.0, cycle=True
    )
    # By hand: step 5: 0.09 * (1 - 0.5)**2 + 0.01 = 0.0325; after 10 steps it stays at 0.01
    np.testing.assert_allclose(values(plain)[[5, 10, 30]], [0.0325, 0.01, 0.01], rtol=1e-12)
    clipped = np.minimum(STEPS, 10)
    np.testing.assert_allclose(values(plain), 0.09 * (1 - clipped / 10) ** 2 + 0.01, rtol=1e-12)
    periods = np.where(STEPS == 0, 1, np.ceil(STEPS / 10)) * 10
    np.testing.assert_allclose(values(cycle), 0.09 * (1 - STEPS / periods) ** 2 + 0.01, rtol=1e-12)


def test_cosine_decay():
    # By hand: step 5 of 10 with alpha 0.2: 0.1 * (0.8 * 0.5 * (1 + cos(pi / 2)) + 0.2) = 0.06
    schedule = schedules.CosineDecay(0.1, decay_steps=10, alpha=0.2)
    np.testing.assert_allclose(values(schedule)[5], 0.06, rtol=1e-12)
    clipped = np.minimum(STEPS, 10)
    expected = 0.1 * (0.8 * 0.5 * (1 + np.cos(np.pi * clipped / 10)) + 0.2)
    np.testing.assert_allclose(values(schedule), expected, rtol=1e-12)


def test_cosine_decay_with_warmup():
    # Warmup from 0 to 0.2 over 8 steps (step 4: 0.1), then cosine from 0.2 over 20 steps.
    schedule = schedules.CosineDecay(0.0, decay_steps=20, warmup_target=0.2, warmup_steps=8)
    np.testing.assert_allclose(values(schedule)[4], 0.1, rtol=1e-12)
    decay = np.clip(STEPS - 8, 0, 20)
    expected = np.where(STEPS < 8, 0.2 * STEPS / 8, 0.2 * 0.5 * (1 + np.cos(np.pi * decay / 20)))
    np.testing.assert_allclose(values(schedule), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("t_mul, m_mul", [(1.0, 1.0), (2.0, 0.5), (1.5, 0.9)])
def test_cosine_decay_restarts(t_mul, m_mul):
    schedule = schedules.CosineDecayRestarts(
        0.1, first_decay_steps=5, t_mul=t_mul, m_mul=m_mul, alpha=0.1
    )
    expected = []
    for step in STEPS:  # walk the periods one by one
        start, length, scale = 0.0, 5.0, 1.0
        while step >= start + length:
            start, length, scale = start + length, length * t_mul, scale * m_mul
        fraction = (step - start) / length
        expected.append(0.1 * (0.9 * 0.5 * scale * (1 + math.cos(math.pi * fraction)) + 0.1))
    np.testing.assert_allclose(values(schedule), expected, rtol=1e-9, atol=1e-15)


def test_float32_by_default_and_arrays_of_steps():
    schedule = schedules.ExponentialDecay(0.1, 4, 0.5)
    assert schedule(3).dtype == np.float32
    np.testing.assert_allclose(schedule(np.arange(4)), 0.1 * 0.5 ** (np.arange(4) / 4), rtol=1e-6)
    counter = ScalarVariable(8, "iteration", dtype="int64")
    np.testing.assert_allclose(schedule(counter), 0.025, rtol=1e-6)


ALL_SCHEDULES = [
    schedules.ExponentialDecay(0.1, 4, 0.5, staircase=True, name="decay"),
    schedules.InverseTimeDecay(0.1, 4, 0.5),
    schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1]),
    schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0, cycle=True),
    schedules.CosineDecay(0.1, 10, alpha=0.2, warmup_target=0.3, warmup_steps=3),
    schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.9, alpha=0.1),
]


@pytest.mark.parametrize("schedule", ALL_SCHEDULES, ids=lambda s: type(s).__name__)
def test_config_round_trip_and_serialization(schedule):
    config = schedule.get_config()
    assert type(schedule).from_config(config).get_config() == config
    serialized = schedules.serialize(schedule)
    assert serialized == {
        "module": "keras.optimizers.schedules",
        "class_name": type(schedule).__name__,
        "config": config,
        "registered_name": None,
    }
    clone = schedules.deserialize(serialized)
    assert type(clone) is type(schedule)
    assert [float(clone(s)) for s in range(12)] == [float(schedule(s)) for s in range(12)]


def test_keras_config_keys_and_default_names():
    assert schedules.CosineDecay(0.1, 10).get_config() == {
        "initial_learning_rate": 0.1,
        "decay_steps": 10,
        "alpha": 0.0,
        "name": "CosineDecay",
        "warmup_target": None,
        "warmup_steps": 0,
    }
    assert schedules.PiecewiseConstantDecay([1], [1.0, 0.5]).name == "PiecewiseConstant"
    assert schedules.CosineDecayRestarts(0.1, 5).get_config()["name"] == "SGDRDecay"


def test_errors():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, -1)
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])
    with pytest.raises(ValueError, match="strictly increasing"):
        schedules.PiecewiseConstantDecay([2, 1], [1.0, 0.5, 0.1])
    with pytest.raises(UnknownArgumentError, match="Did you mean 'staircase'"):
        schedules.ExponentialDecay(0.1, 10, 0.5, staircse=True)
    with pytest.raises(UnknownIdentifierError, match="Did you mean 'CosineDecay'"):
        schedules.deserialize({"class_name": "CosineDecy", "config": {}})
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)
