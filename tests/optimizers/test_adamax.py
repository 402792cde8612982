"""Adamax: a hand-worked step and trajectories against the rule written in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import Adamax
from neuronet.testing import float64
from neuronet.variables import Variable


def adamax_rule(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def rule(w, g, state, t):
        m = state.get("m", np.zeros_like(w))
        m = m + (g - m) * (1 - beta_1)
        u = np.maximum(beta_2 * state.get("u", np.zeros_like(w)), np.abs(g))
        state["m"], state["u"] = m, u
        return w - lr * m / ((1 - beta_1**t) * (u + epsilon))

    return rule


def test_first_step_by_hand():
    # lr 0.1, w 1, g -0.5:  m = 0.1 * -0.5 = -0.05,  u = max(0, 0.5) = 0.5
    # w = 1 - 0.1 * -0.05 / ((1 - 0.9) * (0.5 + 1e-7)) = 1 + 0.005 / 0.05000001 = 1.09999998
    with float64():
        w = Variable(1.0, "w")
        optimizer = Adamax(learning_rate=0.1)
    w.grad[...] = -0.5
    optimizer.step([w])
    np.testing.assert_allclose(w.numpy(), 1.09999998, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 0.1},
        {"learning_rate": 0.1, "beta_1": 0.5, "beta_2": 0.6, "epsilon": 1e-3},
    ],
)
def test_trajectory_matches_numpy(kwargs, problem, run_optimizer, simulate, assert_history):
    initial, grads = problem
    with float64():
        optimizer = Adamax(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    expected = simulate(adamax_rule(kwargs.pop("learning_rate", 0.001), **kwargs), initial, grads)
    assert_history(history, expected)


def test_slots_and_config():
    w = Variable(np.zeros(2), "kernel", path="d/kernel")
    b = Variable(np.zeros(1), "bias", path="d/bias")
    optimizer = Adamax()
    optimizer.build([w, b])
    assert [v.name for v in optimizer.variables[2:]] == [
        "d_kernel_momentum",
        "d_kernel_norm",
        "d_bias_momentum",
        "d_bias_norm",
    ]
    config = optimizer.get_config()
    assert (config["name"], config["beta_1"], config["beta_2"]) == ("adamax", 0.9, 0.999)
