"""Fixtures for the optimizer tests: a small problem, a runner, and a plain-NumPy simulator.

A test runs an optimizer for a few steps on variables with fixed gradients and compares each
step with the same rule written out in plain NumPy (``simulate``), in float64.
"""

import numpy as np
import pytest

from neuronet.variables import Variable

SHAPES = [(3, 2), (4,), ()]


@pytest.fixture
def problem():
    """Initial values of three weights (a matrix, a vector, a scalar) and 5 steps of gradients."""
    rng = np.random.default_rng(7)
    initial = [rng.standard_normal(shape) for shape in SHAPES]
    grads = [[rng.standard_normal(shape) for shape in SHAPES] for _ in range(5)]
    return initial, grads


def _make_variables(initial, dtype="float64"):
    return [
        Variable(value, f"w{i}", path=f"layer/w{i}", dtype=dtype) for i, value in enumerate(initial)
    ]


@pytest.fixture
def make_variables():
    """``make_variables(values, dtype)``: Variables ``layer/w0``, ``layer/w1``, ..."""
    return _make_variables


@pytest.fixture
def run_optimizer():
    """``run(optimizer, initial, grads, dtype)``: step through ``grads``; values after each step."""

    def run(optimizer, initial, grads, dtype="float64"):
        variables = _make_variables(initial, dtype)
        history = []
        for step_grads in grads:
            for variable, grad in zip(variables, step_grads):
                variable.grad[...] = grad
            optimizer.step(variables)
            history.append([variable.numpy() for variable in variables])
        return variables, history

    return run


@pytest.fixture
def simulate():
    """``simulate(rule, initial, grads)``: plain NumPy; ``rule(w, g, state, t) -> new w``.

    ``state`` is a dict per weight that the rule keeps its slots in; ``t`` counts from 1.
    """

    def run(rule, initial, grads):
        weights = [np.array(value, dtype=np.float64) for value in initial]
        states = [{} for _ in weights]
        history = []
        for t, step_grads in enumerate(grads, start=1):
            weights = [
                rule(w, np.asarray(g, np.float64), state, t)
                for w, g, state in zip(weights, step_grads, states)
            ]
            history.append([w.copy() for w in weights])
        return history

    return run


def assert_history_close(actual, expected, rtol=1e-12, atol=1e-14):
    """Each step's weights equal, step by step."""
    assert len(actual) == len(expected)
    for step, (got, want) in enumerate(zip(actual, expected), start=1):
        for i, (g, w) in enumerate(zip(got, want)):
            np.testing.assert_allclose(
                g, w, rtol=rtol, atol=atol, err_msg=f"step {step}, weight {i}"
            )


@pytest.fixture
def assert_history():
    return assert_history_close
