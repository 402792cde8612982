"""Adagrad: a hand-worked step and trajectories against the rule written in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import Adagrad
from neuronet.testing import float64
from neuronet.variables import Variable


def adagrad_rule(lr, initial_accumulator_value=0.1, epsilon=1e-7):
    def rule(w, g, state, t):
        a = state.get("a", np.full_like(w, initial_accumulator_value)) + g**2
        state["a"] = a
        return w - lr * g / np.sqrt(a + epsilon)

    return rule


def test_first_step_by_hand():
    # lr 0.1, w 1, g 2, accumulator starts at 0.1:  a = 0.1 + 4 = 4.1
    # w = 1 - 0.1 * 2 / sqrt(4.1 + 1e-7) = 1 - 0.2 / 2.0248457 = 1 - 0.0987730 = 0.9012270
    with float64():
        w = Variable(1.0, "w")
        optimizer = Adagrad(learning_rate=0.1)
    w.grad[...] = 2.0
    optimizer.step([w])
    np.testing.assert_allclose(w.numpy(), 0.9012270, rtol=1e-7)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 0.5},
        {"learning_rate": 0.5, "initial_accumulator_value": 0.0},
        {"learning_rate": 0.5, "initial_accumulator_value": 2.0, "epsilon": 1e-2},
    ],
)
def test_trajectory_matches_numpy(kwargs, problem, run_optimizer, simulate, assert_history):
    initial, grads = problem
    with float64():
        optimizer = Adagrad(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    expected = simulate(adagrad_rule(kwargs.pop("learning_rate", 0.001), **kwargs), initial, grads)
    assert_history(history, expected)


def test_accumulator_slot_starts_at_initial_value():
    w = Variable(np.zeros(3), "kernel", path="d/kernel")
    optimizer = Adagrad(initial_accumulator_value=0.25)
    optimizer.build([w])
    (accumulator,) = optimizer.variables[2:]
    assert accumulator.name == "d_kernel_accumulator"
    np.testing.assert_array_equal(accumulator.numpy(), [0.25, 0.25, 0.25])
    assert Adagrad().get_config()["initial_accumulator_value"] == 0.1
    assert Adagrad().name == "adagrad"


def test_negative_initial_accumulator_is_refused():
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        Adagrad(initial_accumulator_value=-1.0)
