"""LearningRateScheduler: the optimizer's learning rate set from the schedule each epoch."""

import math

import numpy as np
import pytest

from neuronet.callbacks import CallbackList, History, LearningRateScheduler


def drive(callback, model, epochs):
    """Returns the learning rate seen at each epoch start and the epoch logs."""
    callback.set_model(model)
    rates, logs_seen = [], []
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        rates.append(model.optimizer.learning_rate)
        logs = {"loss": 1.0}
        callback.on_epoch_end(epoch, logs)
        logs_seen.append(logs)
    return rates, logs_seen


def test_schedule_of_epoch_and_current_rate(make_model):
    model = make_model(learning_rate=1.0)
    calls = []

    def halve_after_first(epoch, lr):
        calls.append((epoch, lr, type(lr)))
        return lr if epoch < 1 else lr * 0.5

    rates, logs = drive(LearningRateScheduler(halve_after_first), model, 3)
    assert rates == [1.0, 0.5, 0.25]
    assert calls == [(0, 1.0, float), (1, 1.0, float), (2, 0.5, float)]
    assert [entry["learning_rate"] for entry in logs] == [1.0, 0.5, 0.25]


def test_keras_documentation_example(make_model):
    # keras.callbacks.LearningRateScheduler's docstring: SGD's default 0.01, unchanged for
    # ten epochs, then times exp(-0.1) for epochs 10..14: 0.01 * exp(-0.5) = 0.0060653.
    model = make_model(learning_rate=0.01)

    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    drive(LearningRateScheduler(scheduler), model, 15)
    assert round(model.optimizer.learning_rate, 5) == 0.00607


def test_schedule_of_epoch_only(make_model):
    model = make_model(learning_rate=1.0)
    rates, _ = drive(LearningRateScheduler(lambda epoch: 0.5 / (epoch + 1)), model, 3)
    assert rates == pytest.approx([0.5, 0.25, 0.5 / 3], rel=1e-7)


def test_numpy_float_results_are_accepted(make_model):
    model = make_model()
    rates, _ = drive(LearningRateScheduler(lambda epoch, lr: np.float32(0.125)), model, 1)
    assert rates == [0.125]


@pytest.mark.parametrize("result", [1, "0.1", None, np.array([0.1])])
def test_non_float_result_is_an_error(model, result):
    callback = LearningRateScheduler(lambda epoch, lr: result)
    callback.set_model(model)
    with pytest.raises(ValueError, match="should be a float"):
        callback.on_epoch_begin(0)


def test_optimizer_without_learning_rate_is_an_error(model):
    model.optimizer = object()
    callback = LearningRateScheduler(lambda epoch, lr: lr)
    callback.set_model(model)
    with pytest.raises(ValueError, match='must have a "learning_rate" attribute'):
        callback.on_epoch_begin(0)


def test_schedule_must_be_callable():
    with pytest.raises(TypeError, match="must be a function"):
        LearningRateScheduler(0.1)


def test_verbose_message(make_model, capsys):
    model = make_model(learning_rate=1.0)
    drive(LearningRateScheduler(lambda epoch, lr: lr / 4, verbose=1), model, 2)
    assert capsys.readouterr().out == (
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.25.\n"
        "\nEpoch 2: LearningRateScheduler setting learning rate to 0.0625.\n"
    )


def test_history_records_the_rate(make_model):
    model = make_model(learning_rate=1.0)
    callback_list = CallbackList(
        [LearningRateScheduler(lambda e, lr: lr / 2)], add_history=True, model=model
    )
    callback_list.on_train_begin()
    for epoch in range(2):
        callback_list.on_epoch_begin(epoch)
        callback_list.on_epoch_end(epoch, {"loss": 1.0})
    assert isinstance(model.history, History)
    assert model.history.history == {"loss": [1.0, 1.0], "learning_rate": [0.5, 0.25]}
