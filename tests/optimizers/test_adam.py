"""Adam and AdamW: hand-worked steps and trajectories against the rule written in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import Adam, AdamW
from neuronet.testing import float64
from neuronet.variables import Variable


def adam_rule(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None):
    def rule(w, g, state, t):
        if weight_decay is not None:
            w = w - w * weight_decay * lr
        m = state.get("m", np.zeros_like(w))
        v = state.get("v", np.zeros_like(w))
        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        state["m"], state["v"] = m, v
        if amsgrad:
            v = np.maximum(state.get("v_hat", np.zeros_like(w)), v)
            state["v_hat"] = v
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return w - alpha * m / (np.sqrt(v) + epsilon)

    return rule


def test_first_step_by_hand():
    # lr 0.1, w 1, g 0.5:  m = 0.1 * 0.5 = 0.05,  v = 0.001 * 0.25 = 0.00025
    # alpha = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001) = 0.0316227766
    # w = 1 - alpha * m / (sqrt(v) + 1e-7) = 1 - 0.0316227766 * 0.05 / 0.0158114883
    #   = 1 - 0.1 * 0.0158113883 / 0.0158114883 = 1 - 0.0999993675 = 0.9000006325
    with float64():
        w = Variable(1.0, "w")
        optimizer = Adam(learning_rate=0.1)
    w.grad[...] = 0.5
    optimizer.step([w])
    np.testing.assert_allclose(w.numpy(), 0.9000006325, rtol=1e-9)
    assert int(optimizer.iterations) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 0.1},
        {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3},
        {"learning_rate": 0.05, "amsgrad": True},
        {"learning_rate": 0.05, "beta_2": 0.5, "amsgrad": True},  # v falls: v_hat matters
        {"learning_rate": 0.05, "weight_decay": 0.1},
    ],
)
def test_trajectory_matches_numpy(kwargs, problem, run_optimizer, simulate, assert_history):
    initial, grads = problem
    with float64():
        optimizer = Adam(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    expected = simulate(adam_rule(kwargs.pop("learning_rate", 0.001), **kwargs), initial, grads)
    assert_history(history, expected)


def test_amsgrad_differs_from_adam_on_this_problem(problem, run_optimizer):
    # Guards the parametrized AMSGrad case above against being vacuous.
    initial, grads = problem
    _, plain = run_optimizer(Adam(0.05, beta_2=0.5), initial, grads)
    _, ams = run_optimizer(Adam(0.05, beta_2=0.5, amsgrad=True), initial, grads)
    assert not np.allclose(plain[-1][0], ams[-1][0])


def test_adamw_decays_by_default(problem, run_optimizer, simulate, assert_history):
    # AdamW = Adam with weight_decay=0.004: w = w - w * 0.004 * lr, then the Adam update.
    initial, grads = problem
    with float64():
        optimizer = AdamW(learning_rate=0.1)
    _, history = run_optimizer(optimizer, initial, grads)
    assert_history(history, simulate(adam_rule(0.1, weight_decay=0.004), initial, grads))


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(weight_decay=None)


def test_float32_trajectory_stays_close_to_float64(
    problem, run_optimizer, simulate, assert_history
):
    initial, grads = problem
    _, history = run_optimizer(Adam(0.01), initial, grads, "float32")
    assert_history(history, simulate(adam_rule(0.01), initial, grads), rtol=1e-5, atol=1e-6)


def test_slot_order_is_keras_interleaved():
    kernel = Variable(np.zeros((2, 3)), "kernel", path="dense/kernel")
    bias = Variable(np.zeros(3), "bias", path="dense/bias")
    optimizer = Adam(amsgrad=True)
    optimizer.build([kernel, bias])
    assert [v.name for v in optimizer.variables] == [
        "iteration",
        "learning_rate",
        "dense_kernel_momentum",
        "dense_kernel_velocity",
        "dense_bias_momentum",
        "dense_bias_velocity",
        "dense_kernel_velocity_hat",
        "dense_bias_velocity_hat",
    ]
    assert [v.shape for v in optimizer.variables[2:]] == [(2, 3), (2, 3), (3,), (3,), (2, 3), (3,)]
    assert all(not v.trainable for v in optimizer.variables)


def test_config_keys_and_defaults():
    config = AdamW().get_config()
    assert list(config) == [
        "name",
        "learning_rate",
        "weight_decay",
        "clipnorm",
        "global_clipnorm",
        "clipvalue",
        "use_ema",
        "ema_momentum",
        "ema_overwrite_frequency",
        "loss_scale_factor",
        "gradient_accumulation_steps",
        "beta_1",
        "beta_2",
        "epsilon",
        "amsgrad",
    ]
    assert config["name"] == "adamw"
    assert config["weight_decay"] == 0.004
    assert (config["beta_1"], config["beta_2"], config["epsilon"]) == (0.9, 0.999, 1e-7)
    assert Adam().name == "adam"
    assert Adam().learning_rate == pytest.approx(0.001)
