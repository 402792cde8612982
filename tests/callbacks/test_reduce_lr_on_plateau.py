"""ReduceLROnPlateau: patience, min_delta, cooldown, min_lr, worked out epoch by epoch."""

import pytest

from neuronet.callbacks import ReduceLROnPlateau


def drive(callback, model, values, monitor="val_loss"):
    """Returns the learning rate after each epoch and the logs of each epoch."""
    callback.set_model(model)
    callback.on_train_begin()
    rates, logs_seen = [], []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        logs = {"loss": 1.0, monitor: value}
        callback.on_epoch_end(epoch, logs)
        rates.append(model.optimizer.learning_rate)
        logs_seen.append(logs)
    return rates, logs_seen


def test_reduces_after_patience_epochs_without_improvement(make_model):
    # e0 best=1.0; e1 wait=1; e2 wait=2 -> lr 0.5, wait=0; e3 wait=1; e4 wait=2 -> 0.25.
    model = make_model(learning_rate=1.0)
    callback = ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0)
    rates, logs = drive(callback, model, [1.0] * 5)
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.25]
    # The logs hold the rate the epoch trained with, before any reduction.
    assert [entry["learning_rate"] for entry in logs] == [1.0, 1.0, 1.0, 0.5, 0.5]


def test_improvement_resets_wait(make_model):
    # e0 best=1.0; e1 wait=1; e2 0.8 improves, wait=0; e3 wait=1; nothing reduced.
    model = make_model(learning_rate=1.0)
    rates, _ = drive(ReduceLROnPlateau(factor=0.5, patience=2), model, [1.0, 1.0, 0.8, 0.9])
    assert rates == [1.0] * 4


def test_default_min_delta(make_model):
    # Improvement needs current < best - 1e-4: 0.99995 is not one, 0.9998 is.
    model = make_model(learning_rate=1.0)
    rates, _ = drive(ReduceLROnPlateau(factor=0.5, patience=1), model, [1.0, 0.99995])
    assert rates == [1.0, 0.5]
    model = make_model(learning_rate=1.0)
    rates, _ = drive(ReduceLROnPlateau(factor=0.5, patience=1), model, [1.0, 0.9998])
    assert rates == [1.0, 1.0]


def test_cooldown(make_model):
    # patience 1, cooldown 2: e1 reduce (counter=2); e2 counter 1, not counted; e3 counter 0,
    # then counted: wait=1 -> reduce (counter=2); e4 counter 1; e5 counter 0 -> reduce.
    model = make_model(learning_rate=1.0)
    callback = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)
    rates, _ = drive(callback, model, [1.0] * 6)
    assert rates == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_min_lr_is_a_floor_compared_in_float32(make_model, capsys):
    # 1.0 -> 0.1 -> max(0.01, 0.05) = 0.05; then the float32 rate 0.05 is not above
    # float32(0.05), so nothing more happens (and nothing is printed).
    model = make_model(learning_rate=1.0)
    callback = ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.05, verbose=1)
    rates, _ = drive(callback, model, [1.0] * 5)
    assert rates == pytest.approx([1.0, 0.1, 0.05, 0.05, 0.05], rel=1e-7)
    assert capsys.readouterr().out.count("reducing learning rate") == 2


@pytest.mark.parametrize(
    "monitor, mode, values, reduced",
    [
        ("val_accuracy", "auto", [0.5, 0.5], True),
        ("val_accuracy", "auto", [0.5, 0.6], False),
        ("val_loss", "auto", [0.5, 0.4], False),
        ("val_loss", "max", [0.5, 0.4], True),
    ],
)
def test_direction(make_model, monitor, mode, values, reduced):
    model = make_model(learning_rate=1.0)
    rates, _ = drive(
        ReduceLROnPlateau(monitor=monitor, mode=mode, patience=1, factor=0.5),
        model,
        values,
        monitor=monitor,
    )
    assert (rates[-1] == 0.5) == reduced


def test_missing_monitor_warns_and_keeps_the_rate(make_model):
    model = make_model(learning_rate=1.0)
    callback = ReduceLROnPlateau(monitor="val_acc", patience=0)
    with pytest.warns(UserWarning) as records:
        rates, logs = drive(callback, model, [1.0, 1.0], monitor="val_loss")
    assert str(records[0].message) == (
        "Learning rate reduction is conditioned on metric `val_acc` which is not available. "
        "Available metrics are: loss,val_loss,learning_rate."
    )
    assert rates == [1.0, 1.0] and logs[0]["learning_rate"] == 1.0


def test_verbose_message(make_model, capsys):
    model = make_model(learning_rate=1.0)
    drive(ReduceLROnPlateau(factor=0.5, patience=1, verbose=1), model, [1.0, 1.0])
    expected = "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.5.\n"
    assert capsys.readouterr().out == expected


def test_train_begin_resets(make_model):
    model = make_model(learning_rate=1.0)
    callback = ReduceLROnPlateau(factor=0.5, patience=2)
    drive(callback, model, [0.1, 0.2])
    assert callback.wait == 1 and callback.best == 0.1
    # A new run: 0.5 is a fresh best, not worse than the old 0.1.
    rates, _ = drive(callback, model, [0.5, 0.6])
    assert callback.best == 0.5 and callback.wait == 1 and rates == [1.0, 1.0]


@pytest.mark.parametrize("factor", [1.0, 2.0])
def test_factor_below_one(factor):
    with pytest.raises(ValueError, match="does not support a factor >= 1.0"):
        ReduceLROnPlateau(factor=factor)


def test_defaults():
    callback = ReduceLROnPlateau()
    assert (callback.monitor, callback.factor, callback.patience, callback.verbose) == (
        "val_loss",
        0.1,
        10,
        0,
    )
    assert (callback.mode, callback.min_delta, callback.cooldown, callback.min_lr) == (
        "auto",
        1e-4,
        0,
        0.0,
    )
