"""The Optimizer base: clipping, weight decay, learning rate, state, API, as Keras 3 does them.

Trajectories are compared with a plain-NumPy driver (``reference``) that applies, per step and
in Keras 3's order: loss-scale division, clipping, weight decay ``w -= w * wd * lr``, then the
update rule (SGD or Adam, written out below).
"""

import tracemalloc

import numpy as np
import pytest

from neuronet.errors import ShapeError, UnknownArgumentError
from neuronet.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Nadam,
    RMSprop,
    schedules,
)
from neuronet.testing import check_config_roundtrip, float64
from neuronet.variables import Variable

ALL = [SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam]


def sgd(w, g, state, t, lr, momentum=0.9):
    state["v"] = momentum * state.get("v", 0.0) - lr * g
    return w + state["v"]


def adam(w, g, state, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    state["m"] = state.get("m", 0.0) + (g - state.get("m", 0.0)) * (1 - beta_1)
    state["v"] = state.get("v", 0.0) + (g**2 - state.get("v", 0.0)) * (1 - beta_2)
    alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * state["m"] / (np.sqrt(state["v"]) + epsilon)


RULES = {"sgd": (sgd, lambda **kw: SGD(momentum=0.9, **kw)), "adam": (adam, Adam)}


def reference(
    rule,
    initial,
    grads,
    lr,
    clipnorm=None,
    clipvalue=None,
    global_clipnorm=None,
    weight_decay=None,
    loss_scale_factor=None,
):
    """Plain NumPy: ``lr`` is a number or a function of the step index (0 first)."""
    weights = [np.array(w, dtype=np.float64) for w in initial]
    states = [{} for _ in weights]
    history = []
    for t, step_grads in enumerate(grads, start=1):
        rate = lr(t - 1) if callable(lr) else lr
        gs = [np.asarray(g, np.float64) for g in step_grads]
        if loss_scale_factor:
            gs = [g / loss_scale_factor for g in gs]
        if clipnorm:
            gs = [g * clipnorm / max(np.sqrt(np.sum(g**2)), clipnorm) for g in gs]
        elif global_clipnorm:
            norm = np.sqrt(sum(np.sum(g**2) for g in gs))
            gs = [g * min(1.0, global_clipnorm / norm) for g in gs]
        elif clipvalue:
            gs = [np.clip(g, -clipvalue, clipvalue) for g in gs]
        if weight_decay:
            weights = [w - w * weight_decay * rate for w in weights]
        weights = [rule(w, g, s, t, rate) for w, g, s in zip(weights, gs, states)]
        history.append([w.copy() for w in weights])
    return history


# --- clipping, weight decay, loss scaling -------------------------------------------------------
@pytest.mark.parametrize("rule_name", ["sgd", "adam"])
@pytest.mark.parametrize(
    "options",
    [
        {"clipnorm": 0.5},
        {"clipvalue": 0.3},
        {"global_clipnorm": 0.7},
        {"global_clipnorm": 100.0},  # larger than the norm: no clipping
        {"weight_decay": 0.2},
        {"clipnorm": 0.5, "weight_decay": 0.2},  # decay is not part of the clipped gradient
        {"global_clipnorm": 0.7, "weight_decay": 0.2},
        {"loss_scale_factor": 8.0},
        {"loss_scale_factor": 8.0, "clipnorm": 0.5},
    ],
)
def test_options_match_numpy(rule_name, options, problem, run_optimizer, assert_history):
    initial, grads = problem
    rule, make = RULES[rule_name]
    with float64():
        optimizer = make(learning_rate=0.1, **options)
    scale = options.get("loss_scale_factor", 1.0)
    scaled_grads = [[g * scale for g in step] for step in grads]
    _, history = run_optimizer(optimizer, initial, scaled_grads)
    assert_history(history, reference(rule, initial, scaled_grads, 0.1, **options))


def test_clipping_by_hand(make_variables):
    with float64():
        # clipnorm 1: g = [3, 4] has norm 5 -> [0.6, 0.8]; SGD lr 1 from 0 -> [-0.6, -0.8]
        (w,) = make_variables([[0.0, 0.0]])
        w.grad[...] = [3.0, 4.0]
        SGD(learning_rate=1.0, clipnorm=1.0).step([w])
        np.testing.assert_allclose(w.numpy(), [-0.6, -0.8], rtol=1e-12)
        # global_clipnorm 2.5: g1 = [3], g2 = [4], global norm 5 -> [1.5], [2.0]
        a, b = make_variables([[0.0], [0.0]])
        a.grad[...], b.grad[...] = 3.0, 4.0
        SGD(learning_rate=1.0, global_clipnorm=2.5).step([a, b])
        np.testing.assert_allclose([a.numpy(), b.numpy()], [[-1.5], [-2.0]], rtol=1e-12)
        # clipvalue 1: [3, -4] -> [1, -1]
        (w,) = make_variables([[0.0, 0.0]])
        w.grad[...] = [3.0, -4.0]
        SGD(learning_rate=1.0, clipvalue=1.0).step([w])
        np.testing.assert_allclose(w.numpy(), [-1.0, 1.0], rtol=1e-12)
        # weight decay: w = 2 - 2 * 0.5 * 0.1 - 0.1 * 1 = 2 - 0.1 - 0.1 = 1.8
        (w,) = make_variables([2.0])
        w.grad[...] = 1.0
        SGD(learning_rate=0.1, weight_decay=0.5).step([w])
        np.testing.assert_allclose(w.numpy(), 1.8, rtol=1e-12)


def test_zero_gradient_with_global_clipnorm_is_left_alone(make_variables):
    (w,) = make_variables([[1.0, 2.0]])
    w.grad[...] = 0.0
    SGD(learning_rate=1.0, global_clipnorm=1.0).step([w])
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])


@pytest.mark.parametrize(
    "options",
    [
        {"clipnorm": 1.0, "clipvalue": 1.0},
        {"clipnorm": 1.0, "global_clipnorm": 1.0},
        {"clipvalue": 1.0, "global_clipnorm": 1.0},
    ],
)
def test_clipping_options_are_exclusive(options):
    with pytest.raises(ValueError, match="Only one of"):
        Adam(**options)


def test_loss_scale_factor_scales_the_loss():
    assert SGD(loss_scale_factor=16.0).scale_loss(2.0) == 32.0
    assert SGD().scale_loss(2.0) == 2.0


def test_exclude_from_weight_decay():
    with float64():
        kernel = Variable([1.0], "kernel", path="d/kernel")
        bias = Variable([1.0], "bias", path="d/bias")
        optimizer = SGD(learning_rate=0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.step([kernel, bias])  # zero gradients: only the decay moves the weights
    np.testing.assert_allclose(kernel.numpy(), [0.95], rtol=1e-12)
    np.testing.assert_array_equal(bias.numpy(), [1.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_list=[kernel])


# --- learning rate ------------------------------------------------------------------------------
def test_schedule_is_evaluated_at_iterations(problem, run_optimizer, assert_history):
    initial, grads = problem
    with float64():
        schedule = schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
        optimizer = SGD(learning_rate=schedule, momentum=0.9)
        _, history = run_optimizer(optimizer, initial, grads)
        assert optimizer.learning_rate == pytest.approx(0.1 * 0.5 ** (5 / 2), rel=1e-12)
    expected = reference(sgd, initial, grads, lambda step: 0.1 * 0.5 ** (step / 2))
    assert_history(history, expected)
    assert [v.name for v in optimizer.variables[:2]] == ["iteration", "layer_w0_momentum"]


def test_schedule_with_adam_and_weight_decay(problem, run_optimizer, assert_history):
    initial, grads = problem
    with float64():
        schedule = schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01])
        optimizer = Adam(learning_rate=schedule, weight_decay=0.3)
        _, history = run_optimizer(optimizer, initial, grads)
    rates = [0.1, 0.1, 0.05, 0.05, 0.01]
    assert_history(history, reference(adam, initial, grads, rates.__getitem__, weight_decay=0.3))


def test_learning_rate_property():
    optimizer = SGD(learning_rate=0.1)
    assert isinstance(optimizer.learning_rate, float)
    assert optimizer.learning_rate == pytest.approx(0.1)  # stored in floatx, like Keras
    optimizer.learning_rate = 0.5
    assert optimizer.learning_rate == 0.5
    assert optimizer.get_config()["learning_rate"] == 0.5
    scheduled = SGD(learning_rate=schedules.InverseTimeDecay(1.0, 1, 1.0))
    with pytest.raises(TypeError, match="cannot be set to a number"):
        scheduled.learning_rate = 0.1
    # A schedule may replace a float rate; the rate variable then leaves `variables`.
    optimizer.learning_rate = schedules.InverseTimeDecay(1.0, 1, 1.0)
    assert [v.name for v in optimizer.variables] == ["iteration"]
    assert optimizer.learning_rate == 1.0


def test_callable_learning_rate(make_variables):
    rates = iter([0.5, 0.25])
    with float64():
        (w,) = make_variables([1.0])
        optimizer = SGD(learning_rate=lambda: next(rates))
    for expected in (0.5, 0.25):  # w = 1 - 0.5, then 0.5 - 0.25
        w.grad[...] = 1.0
        optimizer.step([w])
        np.testing.assert_allclose(w.numpy(), expected)
    with pytest.raises(ValueError, match="Cannot serialize"):
        optimizer.get_config()


@pytest.mark.parametrize("rate", ["fast", None, True, [0.1]])
def test_bad_learning_rate(rate):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate=rate)


# --- the lr alias and argument checks -----------------------------------------------------------
def test_lr_alias_warns_and_works():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        optimizer = Adam(lr=0.5)
    assert optimizer.learning_rate == 0.5
    assert optimizer.get_config()["learning_rate"] == 0.5


@pytest.mark.parametrize("learning_rate", [0.01, 0.5])
def test_lr_and_learning_rate_together_is_an_error(learning_rate):
    # Even a learning_rate equal to the default counts as given.
    with pytest.raises(ValueError, match="not both"):
        SGD(learning_rate=learning_rate, lr=0.5)


def test_unknown_argument_suggests_the_closest():
    with pytest.raises(UnknownArgumentError, match="Did you mean 'learning_rate'"):
        Adam(learnig_rate=0.1)
    with pytest.raises(TypeError, match="Did you mean 'momentum'"):
        SGD(momentun=0.9)


def test_decay_from_old_configs():
    SGD(decay=0.0)  # Keras 2 configs write decay=0.0: nothing to ignore, no warning
    with pytest.warns(UserWarning, match="decay"):
        SGD(decay=0.01)


@pytest.mark.parametrize(
    "options",
    [
        {"gradient_accumulation_steps": 1},
        {"gradient_accumulation_steps": 2.5},
        {"use_ema": True, "ema_momentum": 1.5},
        {"use_ema": True, "ema_overwrite_frequency": -1},
        {"clipnorm": "1"},
        {"weight_decay": [0.1]},
    ],
)
def test_invalid_base_arguments(options):
    with pytest.raises(ValueError):
        SGD(**options)


# --- state, dtypes, in-place updates ------------------------------------------------------------
def test_iterations_is_an_int64_variable(make_variables):
    optimizer = Adam()
    assert optimizer.variables[0] is optimizer.iterations
    assert optimizer.iterations.dtype == "int64"
    assert optimizer.iterations.path == "adam/iteration"
    (w,) = make_variables([1.0], "float32")
    for expected in (1, 2, 3):
        optimizer.step([w])
        assert int(optimizer.iterations) == expected
    assert list(range(optimizer.iterations)) == [0, 1, 2]  # __index__


@pytest.mark.parametrize("cls", ALL)
def test_float64_weights_keep_float64_state(cls, problem, run_optimizer):
    initial, grads = problem
    extra = {"momentum": 0.9} if cls is SGD else {}
    optimizer = cls(learning_rate=0.01, **extra)
    variables, history = run_optimizer(optimizer, initial, grads, "float64")
    slots = optimizer.variables[2:]
    assert slots and all(s.dtype == "float64" for s in slots)
    assert all(v.dtype == "float64" for v in variables)
    # The float32 run moves the same way, to float32 precision.
    variables32, history32 = run_optimizer(
        cls(learning_rate=0.01, **extra), initial, grads, "float32"
    )
    assert all(v.dtype == "float32" for v in variables32)
    for got, want in zip(history32[-1], history[-1]):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)


def test_mixed_dtypes_in_one_optimizer(problem, assert_history):
    initial, grads = problem
    with float64():
        optimizer = Adam(learning_rate=0.1)
    w32 = Variable(initial[0], "a", dtype="float32")
    w64 = Variable(initial[1], "b", dtype="float64")
    history = []
    for step in grads:
        w32.grad[...], w64.grad[...] = step[0], step[1]
        optimizer.step([w32, w64])
        history.append([w64.numpy()])
    assert [s.dtype for s in optimizer.variables[2:]] == ["float32"] * 2 + ["float64"] * 2
    expected = reference(adam, [initial[1]], [[s[1]] for s in grads], 0.1)
    assert_history(history, expected)


def test_state_persists_across_calls(problem, assert_history, make_variables):
    # Two "fits" of 2 and 3 steps continue Adam's moments and iterations: same as 5 steps.
    initial, grads = problem
    with float64():
        optimizer = Adam(learning_rate=0.1)
    variables = make_variables(initial)
    values = [v.value for v in variables]
    views = [v.value.reshape(-1)[:1] for v in variables]  # a layer's view into the weights
    history = []
    for fit in (grads[:2], grads[2:]):
        for step in fit:
            for variable, grad in zip(variables, step):
                variable.grad[...] = grad
            optimizer.step(variables)
            history.append([v.numpy() for v in variables])
        slots = [s.value for s in optimizer.variables]
    assert int(optimizer.iterations) == 5
    assert [s.value for s in optimizer.variables] == slots  # the same arrays, updated in place
    assert all(v.value is array for v, array in zip(variables, values))
    assert all(view[0] == v.value.reshape(-1)[0] for view, v in zip(views, variables))
    assert_history(history, reference(adam, initial, grads, 0.1))


@pytest.mark.parametrize("cls", ALL)
def test_a_step_allocates_no_weight_sized_arrays(cls, make_variables):
    # 8 MB of weights; a step with clipping, decay and EMA must not allocate temporaries.
    with float64():
        variables = make_variables([np.ones((512, 1024)), np.ones(1024)])
    for variable in variables:
        variable.grad[...] = 0.5
    optimizer = cls(learning_rate=0.01, clipnorm=1.0, weight_decay=0.1, use_ema=True)
    optimizer.step(variables)  # builds the state
    tracemalloc.start()
    try:
        optimizer.step(variables)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024, f"a step allocated {peak} bytes"


# --- API ----------------------------------------------------------------------------------------
def test_apply_gradients_and_apply_match_step(problem, make_variables):
    initial, grads = problem
    by_step = make_variables(initial)
    by_pairs = make_variables(initial)
    by_apply = make_variables(initial)
    optimizers = [Adam(0.1), Adam(0.1), Adam(0.1)]
    for step in grads:
        for variable, grad in zip(by_step, step):
            variable.grad[...] = grad
        optimizers[0].step(by_step)
        returned = optimizers[1].apply_gradients(zip(step, by_pairs))
        optimizers[2].apply([np.array(g) for g in step], by_apply)
    assert returned is optimizers[1].iterations
    for a, b, c in zip(by_step, by_pairs, by_apply):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(a.numpy(), c.numpy())
        assert not np.any(b.grad) and not np.any(c.grad)  # .grad neither read nor changed
    optimizers[2].apply([np.zeros(s.shape) for s in by_apply])  # built: variables optional
    assert int(optimizers[2].iterations) == 6


def test_apply_errors(make_variables):
    a, b = make_variables([[1.0], [2.0]])
    with pytest.raises(ValueError, match="must already be built"):
        SGD().apply([np.ones(1)])
    optimizer = SGD()
    optimizer.build([a])
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply([np.ones(1)], [b])
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        optimizer.apply([np.ones(1), np.ones(1)], [a])
    with pytest.raises(ShapeError, match="layer/w0"):
        optimizer.apply([np.ones(2)], [a])


def test_missing_gradients_warn_and_are_skipped(make_variables):
    a, b = make_variables([[1.0], [2.0]])
    optimizer = SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizer.apply([np.ones(1), None], [a, b])
    np.testing.assert_array_equal([a.numpy(), b.numpy()], [[0.0], [2.0]])
    with pytest.raises(ValueError, match="No gradients"):
        optimizer.apply([None, None], [a, b])


def test_step_skips_non_trainable_variables():
    weight = Variable([1.0], "w")
    frozen = Variable([1.0], "moving_mean", trainable=False)
    weight.grad[...] = 1.0
    optimizer = SGD(learning_rate=0.5, momentum=0.5)
    optimizer.step([weight, frozen])
    assert weight.numpy()[0] == 0.5 and frozen.numpy()[0] == 1.0
    assert len(optimizer.variables) == 3  # iteration, learning_rate, one momentum


def test_constraint_is_applied_after_the_update(make_variables):
    (w,) = make_variables([[0.0, 0.0]])
    w.constraint = lambda value: np.clip(value, -0.5, 0.5)
    w.grad[...] = [1.0, -0.1]
    SGD(learning_rate=1.0).step([w])
    np.testing.assert_allclose(w.numpy(), [-0.5, 0.1])


# --- EMA, gradient accumulation -----------------------------------------------------------------
def test_ema_matches_numpy(problem, make_variables):
    initial, grads = problem
    with float64():
        optimizer = SGD(
            learning_rate=0.1,
            momentum=0.9,
            use_ema=True,
            ema_momentum=0.8,
            ema_overwrite_frequency=3,
        )
    variables = make_variables(initial)
    weights = [np.array(w, np.float64) for w in initial]
    states = [{} for _ in weights]
    averages = None
    for t, step in enumerate(grads, start=1):
        for variable, grad in zip(variables, step):
            variable.grad[...] = grad
        optimizer.step(variables)
        # Keras: update, then average (momentum 0 at the first step), then every 3rd step the
        # weights are overwritten by their averages.
        weights = [sgd(w, g, s, t, 0.1) for w, g, s in zip(weights, step, states)]
        momentum = 0.0 if t == 1 else 0.8
        averages = [
            momentum * (a if averages else 0) + (1 - momentum) * w
            for a, w in zip(averages or weights, weights)
        ]
        if t % 3 == 0:
            weights = [a.copy() for a in averages]
        for variable, w in zip(variables, weights):
            np.testing.assert_allclose(variable.numpy(), w, rtol=1e-12, err_msg=f"step {t}")
    assert [v.name for v in optimizer.variables[2:5]] == [
        "layer_w0_average",
        "layer_w1_average",
        "layer_w2_average",
    ]
    optimizer.finalize_variable_values(variables)
    for variable, a in zip(variables, averages):
        np.testing.assert_allclose(variable.numpy(), a, rtol=1e-12)


@pytest.mark.parametrize("rule_name", ["sgd", "adam"])
def test_gradient_accumulation_matches_numpy(rule_name, problem, run_optimizer, assert_history):
    # Every 2nd call updates with the mean of the 2 gradients (clipped after averaging); the
    # others only accumulate. Adam's bias correction counts updates, not calls.
    initial, grads = problem
    rule, make = RULES[rule_name]
    with float64():
        optimizer = make(
            learning_rate=0.1, gradient_accumulation_steps=2, clipnorm=0.5, loss_scale_factor=4.0
        )
    scaled = [[g * 4.0 for g in step] for step in grads]
    _, history = run_optimizer(optimizer, initial, scaled)
    mean_grads = [[(a + b) / 2 for a, b in zip(grads[i], grads[i + 1])] for i in (0, 2)]
    updates = reference(rule, initial, mean_grads, 0.1, clipnorm=0.5)
    expected = [[np.asarray(w) for w in initial], updates[0], updates[0], updates[1], updates[1]]
    assert_history(history, expected)
    assert int(optimizer.iterations) == 2  # 5 calls, 2 updates
    assert int(optimizer._iterations) == 5
    accumulators = optimizer.variables[2:5]
    assert [a.name for a in accumulators][0] == "layer_w0_gradient_accumulator"
    np.testing.assert_allclose(accumulators[0].numpy(), grads[4][0], rtol=1e-12)


# --- saving and configs -------------------------------------------------------------------------
def test_save_and_load_own_variables_continue_training(problem, make_variables):
    initial, grads = problem
    variables = make_variables(initial)
    first = Adam(0.1, amsgrad=True)
    for step in grads[:3]:
        first.apply(step, variables)
    store = {}
    first.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(len(first.variables))]
    copies = make_variables([v.numpy() for v in variables])
    second = Adam(0.1, amsgrad=True)
    second.build(copies)
    second.load_own_variables(store)
    assert int(second.iterations) == 3
    for step in grads[3:]:
        first.apply(step, variables)
        second.apply(step, copies)
    for a, b in zip(variables, copies):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    third = Adam(0.1)
    third.build(copies)
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        third.load_own_variables(store)  # amsgrad has more slots


def test_set_weights(make_variables):
    (w,) = make_variables([[1.0, 2.0]])
    optimizer = SGD(momentum=0.5)
    with pytest.raises(ValueError, match="Build"):
        optimizer.set_weights([])
    optimizer.build([w])
    optimizer.set_weights([np.array(7), np.array(0.25, np.float32), np.array([1.0, -1.0])])
    assert int(optimizer.iterations) == 7 and optimizer.learning_rate == 0.25
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), [1.0, -1.0])


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        (SGD, {"learning_rate": 0.5, "momentum": 0.9, "nesterov": True, "clipnorm": 1.0}),
        (Adam, {"beta_1": 0.8, "amsgrad": True, "weight_decay": 0.01, "name": "opt"}),
        (AdamW, {"weight_decay": 0.1, "global_clipnorm": 2.0}),
        (RMSprop, {"rho": 0.8, "momentum": 0.1, "centered": True, "clipvalue": 0.5}),
        (Adagrad, {"initial_accumulator_value": 0.5, "use_ema": True, "ema_momentum": 0.9}),
        (Adadelta, {"rho": 0.9, "loss_scale_factor": 128.0}),
        (Adamax, {"beta_2": 0.99, "gradient_accumulation_steps": 4}),
        (Nadam, {"epsilon": 1e-5, "ema_overwrite_frequency": 10, "use_ema": True}),
        (
            SGD,
            {"learning_rate": schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=10)},
        ),
    ],
)
def test_config_round_trip(cls, kwargs):
    optimizer = cls(**kwargs)
    clone = check_config_roundtrip(optimizer)
    config = clone.get_config()
    for key, value in kwargs.items():
        if key == "learning_rate" and not isinstance(value, float):
            assert config[key] == schedules.serialize(value)
            assert isinstance(clone._learning_rate, schedules.CosineDecay)
        else:
            assert config[key] == pytest.approx(value)


def test_from_config_reads_keras2_configs():
    keras2 = {
        "name": "Adam",
        "learning_rate": 0.001,
        "decay": 0.0,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-07,
        "amsgrad": False,
        "jit_compile": True,
        "is_legacy_optimizer": False,
    }
    assert Adam.from_config(keras2).get_config()["name"] == "Adam"
    old = {"name": "SGD", "lr": 0.05, "momentum": 0.9, "decay": 0.0, "nesterov": False}
    assert SGD.from_config(old).learning_rate == pytest.approx(0.05)
