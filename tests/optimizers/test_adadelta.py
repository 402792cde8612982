"""Adadelta: a hand-worked step and trajectories against the rule written in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import Adadelta
from neuronet.testing import float64
from neuronet.variables import Variable


def adadelta_rule(lr, rho=0.95, epsilon=1e-7):
    def rule(w, g, state, t):
        a = rho * state.get("a", np.zeros_like(w)) + (1 - rho) * g**2
        d = state.get("d", np.zeros_like(w))
        delta = -np.sqrt(d + epsilon) * g / np.sqrt(a + epsilon)
        state["a"], state["d"] = a, rho * d + (1 - rho) * delta**2
        return w + lr * delta

    return rule


def test_first_step_by_hand():
    # lr 1 (the paper's form), rho 0.95, w 1, g 1:
    # a = 0.05 * 1 = 0.05;  delta = -sqrt(0 + 1e-7) * 1 / sqrt(0.05 + 1e-7)
    #   = -3.1622777e-4 / 0.2236070 = -1.4142121e-3;  w = 1 - 0.0014142121 = 0.9985857879
    with float64():
        w = Variable(1.0, "w")
        optimizer = Adadelta(learning_rate=1.0)
    w.grad[...] = 1.0
    optimizer.step([w])
    np.testing.assert_allclose(w.numpy(), 0.9985857879, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 1.0},
        {"learning_rate": 0.5, "rho": 0.5, "epsilon": 1e-3},
    ],
)
def test_trajectory_matches_numpy(kwargs, problem, run_optimizer, simulate, assert_history):
    initial, grads = problem
    with float64():
        optimizer = Adadelta(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    expected = simulate(adadelta_rule(kwargs.pop("learning_rate", 0.001), **kwargs), initial, grads)
    assert_history(history, expected)


def test_slots_and_config():
    w = Variable(np.zeros(2), "kernel", path="d/kernel")
    b = Variable(np.zeros(1), "bias", path="d/bias")
    optimizer = Adadelta()
    optimizer.build([w, b])
    assert [v.name for v in optimizer.variables[2:]] == [
        "d_kernel_accumulated_grad",
        "d_kernel_accumulated_delta_var",
        "d_bias_accumulated_grad",
        "d_bias_accumulated_delta_var",
    ]
    config = optimizer.get_config()
    assert (config["name"], config["rho"], config["epsilon"]) == ("adadelta", 0.95, 1e-7)
