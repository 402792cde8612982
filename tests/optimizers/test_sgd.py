"""SGD: hand-worked steps and trajectories against the rule written out in NumPy."""

import numpy as np
import pytest

from neuronet.optimizers import SGD
from neuronet.testing import float64
from neuronet.variables import Variable


def sgd_rule(lr, momentum=0.0, nesterov=False):
    def rule(w, g, state, t):
        if momentum == 0:
            return w - lr * g
        v = momentum * state.get("v", np.zeros_like(w)) - lr * g
        state["v"] = v
        return w + (momentum * v - lr * g if nesterov else v)

    return rule


def test_plain_step_by_hand():
    # w = w - lr * g = [1, 2] - 0.1 * [10, -10] = [0, 3]
    w = Variable([1.0, 2.0], "w")
    w.grad[...] = [10.0, -10.0]
    SGD(learning_rate=0.1).step([w])
    np.testing.assert_allclose(w.numpy(), [0.0, 3.0], atol=1e-6)


@pytest.mark.parametrize(
    "nesterov, expected",
    [
        # v1 = 0.9 * 0 - 0.1 * 1 = -0.1,  w1 = 1 - 0.1 = 0.9
        # v2 = 0.9 * -0.1 - 0.1 = -0.19,  w2 = 0.9 - 0.19 = 0.71
        (False, [0.9, 0.71]),
        # w1 = 1 + 0.9 * v1 - 0.1 = 1 - 0.09 - 0.1 = 0.81
        # w2 = 0.81 + 0.9 * v2 - 0.1 = 0.81 - 0.171 - 0.1 = 0.539
        (True, [0.81, 0.539]),
    ],
)
def test_momentum_steps_by_hand(nesterov, expected):
    with float64():
        w = Variable(1.0, "w")
        optimizer = SGD(learning_rate=0.1, momentum=0.9, nesterov=nesterov)
    for want in expected:
        w.grad[...] = 1.0
        optimizer.step([w])
        np.testing.assert_allclose(w.numpy(), want, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 0.3},
        {"learning_rate": 0.05, "momentum": 0.9},
        {"learning_rate": 0.05, "momentum": 0.5, "nesterov": True},
        {"learning_rate": 0.2, "momentum": 1.0},
        {"learning_rate": 0.2, "nesterov": True},  # nesterov without momentum is plain SGD
    ],
)
def test_trajectory_matches_numpy(kwargs, problem, run_optimizer, simulate, assert_history):
    initial, grads = problem
    with float64():
        optimizer = SGD(**kwargs)
    _, history = run_optimizer(optimizer, initial, grads)
    rule = sgd_rule(
        kwargs.get("learning_rate", 0.01),
        kwargs.get("momentum", 0.0),
        kwargs.get("nesterov", False),
    )
    assert_history(history, simulate(rule, initial, grads))


def test_float32_trajectory_stays_close_to_float64(
    problem, run_optimizer, simulate, assert_history
):
    initial, grads = problem
    variables, history = run_optimizer(SGD(0.05, momentum=0.9), initial, grads, "float32")
    assert all(variable.value.dtype == np.float32 for variable in variables)
    assert_history(history, simulate(sgd_rule(0.05, 0.9), initial, grads), rtol=1e-5, atol=1e-6)


def test_slots_and_config():
    w = Variable(np.zeros((2, 3)), "kernel", path="dense/kernel")
    optimizer = SGD(momentum=0.5)
    optimizer.build([w])
    names = [v.path for v in optimizer.variables]
    assert names == ["sgd/iteration", "sgd/learning_rate", "sgd/dense_kernel_momentum"]
    assert SGD().get_config() == {
        "name": "sgd",
        "learning_rate": pytest.approx(0.01),
        "weight_decay": None,
        "clipnorm": None,
        "global_clipnorm": None,
        "clipvalue": None,
        "use_ema": False,
        "ema_momentum": 0.99,
        "ema_overwrite_frequency": None,
        "loss_scale_factor": None,
        "gradient_accumulation_steps": None,
        "momentum": 0.0,
        "nesterov": False,
    }
    # Without momentum there is no slot, as in Keras.
    plain = SGD()
    plain.build([w])
    assert len(plain.variables) == 2


@pytest.mark.parametrize("momentum", [-0.1, 1.5, "0.9", True])
def test_momentum_must_be_in_unit_interval(momentum):
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=momentum)
