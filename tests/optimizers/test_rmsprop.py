"""RMSprop: hand-worked steps and trajectories against the rule written in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import RMSprop
from neuronet.testing import float64
from neuronet.variables import Variable


def rmsprop_rule(lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    def rule(w, g, state, t):
        v = rho * state.get("v", np.zeros_like(w)) + (1 - rho) * g**2
        state["v"] = v
        if centered:
            a = rho * state.get("a", np.zeros_like(w)) + (1 - rho) * g
            state["a"] = a
            step = lr * g / np.sqrt(v - a**2 + epsilon)
        else:
            step = lr * g / np.sqrt(v + epsilon)
        if momentum > 0:
            step = momentum * state.get("s", np.zeros_like(w)) + step
            state["s"] = step
        return w - step

    return rule


def test_first_step_by_hand():
    # Keras's docstring example: lr 0.1, w 10, g = w = 10.
    # v = 0.1 * 10**2 = 10;  w = 10 - 0.1 * 10 / sqrt(10 + 1e-7) = 10 - 0.31622776 = 9.68377224
    with float64():
        w = Variable(10.0, "w")
        optimizer = RMSprop(learning_rate=0.1)
    w.grad[...] = 10.0
    optimizer.step([w])
    np.testing.assert_allclose(w.numpy(), 9.683772234, rtol=1e-9)


def test_centered_momentum_two_steps_by_hand():
    # lr 0.1, rho 0.5, momentum 0.5, centered, w 1, g 1 then g -1 (epsilon 1e-7 neglected
    # in the comments, kept in the check):
    # step 1: v = 0.5,  a = 0.5,  step = 0.1 / sqrt(0.5 - 0.25) = 0.2,  s = 0.2,  w = 0.8
    # step 2: v = 0.25 + 0.5 = 0.75,  a = 0.25 - 0.5 = -0.25,
    #         step = 0.1 * -1 / sqrt(0.75 - 0.0625) = -0.1 / 0.8291562 = -0.1206045,
    #         s = 0.5 * 0.2 - 0.1206045 = -0.0206045,  w = 0.8 + 0.0206045 = 0.8206045
    with float64():
        w = Variable(1.0, "w")
        optimizer = RMSprop(learning_rate=0.1, rho=0.5, momentum=0.5, centered=True)
    for g, expected in [(1.0, 0.8), (-1.0, 0.8206045)]:
        w.grad[...] = g
        optimizer.step([w])
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 0.05, "rho": 0.8},
        {"learning_rate": 0.05, "momentum": 0.9},
        {"learning_rate": 0.05, "centered": True},
        {"learning_rate": 0.05, "momentum": 0.5, "centered": True, "epsilon": 1e-3},
    ],
)
def test_trajectory_matches_numpy(kwargs, problem, run_optimizer, simulate, assert_history):
    initial, grads = problem
    with float64():
        optimizer = RMSprop(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    expected = simulate(rmsprop_rule(kwargs.pop("learning_rate", 0.001), **kwargs), initial, grads)
    assert_history(history, expected)


def test_slot_order_and_config():
    kernel = Variable(np.zeros((2, 2)), "kernel", path="d/kernel")
    bias = Variable(np.zeros(2), "bias", path="d/bias")
    optimizer = RMSprop(momentum=0.9, centered=True)
    optimizer.build([kernel, bias])
    # Keras 3: every velocity, then every momentum, then every average gradient.
    assert [v.name for v in optimizer.variables[2:]] == [
        "d_kernel_velocity",
        "d_bias_velocity",
        "d_kernel_momentum",
        "d_bias_momentum",
        "d_kernel_average_gradient",
        "d_bias_average_gradient",
    ]
    config = RMSprop().get_config()
    assert config["name"] == "rmsprop"
    assert [config[k] for k in ("rho", "momentum", "epsilon", "centered")] == [
        0.9,
        0.0,
        1e-7,
        False,
    ]
