"""Nadam: a hand-worked step and trajectories against the rule written in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import Nadam
from neuronet.testing import float64
from neuronet.variables import Variable


def nadam_rule(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def rule(w, g, state, t):
        mu_t = beta_1 * (1 - 0.5 * 0.96**t)
        mu_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        product = state.get("product", 1.0) * mu_t
        m = state.get("m", np.zeros_like(w))
        v = state.get("v", np.zeros_like(w))
        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        state.update(product=product, m=m, v=v)
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu_t) * g / (1 - product)
        v_hat = v / (1 - beta_2**t)
        return w - lr * m_hat / (np.sqrt(v_hat) + epsilon)

    return rule


def test_first_step_by_hand():
    # lr 0.1, w 1, g 0.5, t 1:
    # mu_1 = 0.9 * (1 - 0.5 * 0.96) = 0.468;  mu_2 = 0.9 * (1 - 0.5 * 0.9216) = 0.48528
    # P = 0.468;  m = 0.05;  v = 0.00025
    # m_hat = 0.48528 * 0.05 / (1 - 0.468 * 0.48528) + (1 - 0.468) * 0.5 / (1 - 0.468)
    #       = 0.024264 / 0.77288896 + 0.5 = 0.0313939 + 0.5 = 0.5313939
    # v_hat = 0.00025 / (1 - 0.999) = 0.25
    # w = 1 - 0.1 * 0.5313939 / (0.5 + 1e-7) = 1 - 0.1062788 = 0.8937212
    with float64():
        w = Variable(1.0, "w")
        optimizer = Nadam(learning_rate=0.1)
    w.grad[...] = 0.5
    optimizer.step([w])
    np.testing.assert_allclose(w.numpy(), 0.8937212, rtol=1e-7)
    np.testing.assert_allclose(float(optimizer.variables[-1]), 0.468, rtol=1e-12)


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
        optimizer = Nadam(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    expected = simulate(nadam_rule(kwargs.pop("learning_rate", 0.001), **kwargs), initial, grads)
    assert_history(history, expected)


def test_slots_and_config():
    w = Variable(np.zeros(2), "kernel", path="d/kernel")
    b = Variable(np.zeros(1), "bias", path="d/bias")
    optimizer = Nadam()
    optimizer.build([w, b])
    # Momentums and velocities interleaved, then the momentum-schedule product (float32, 1.0).
    assert [v.name for v in optimizer.variables[2:]] == [
        "d_kernel_momentum",
        "d_kernel_velocity",
        "d_bias_momentum",
        "d_bias_velocity",
        "u_product",
    ]
    assert float(optimizer.variables[-1]) == 1.0
    config = optimizer.get_config()
    assert (config["name"], config["beta_1"], config["epsilon"]) == ("nadam", 0.9, 1e-7)
