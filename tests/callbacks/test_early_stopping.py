"""EarlyStopping, driven epoch by epoch; each case's counting is worked out in comments.

``run_epochs`` sets the fake model's weights to the epoch index before each epoch ends, so
restored weights name the epoch they came from.
"""

import numpy as np
import pytest

from neuronet.callbacks import EarlyStopping


def weights_epoch(model):
    values = {float(v) for w in model.weights for v in np.ravel(w)}
    assert len(values) == 1
    return values.pop()


def test_patience_0_stops_at_the_first_non_improving_epoch(model, run_epochs):
    # e0 best=1.0; e1 0.9 improves; e2 0.95 does not: wait=1 >= 0 -> stop after epoch 2.
    callback = EarlyStopping(patience=0)
    assert run_epochs(callback, model, [1.0, 0.9, 0.95, 0.8]) == 3
    assert model.stop_training and callback.stopped_epoch == 2
    assert callback.best == 0.9 and callback.best_epoch == 1


@pytest.mark.parametrize(
    "values, epochs_run, stopped_epoch",
    [
        # e0 best; e1 wait=1; e2 wait=2 >= 2 -> stop.
        ([1.0, 1.1, 1.2, 1.3, 0.5], 3, 2),
        # e0 best; e1 wait=1; e2 improves, wait=0; e3 wait=1; e4 wait=2 -> stop.
        ([1.0, 1.1, 0.9, 1.0, 1.0, 1.0], 5, 4),
        # Always improving: never stops.
        ([1.0, 0.9, 0.8, 0.7], 4, 0),
    ],
)
def test_patience_counts_epochs_since_the_last_improvement(
    model, run_epochs, values, epochs_run, stopped_epoch
):
    callback = EarlyStopping(patience=2)
    assert run_epochs(callback, model, values) == epochs_run
    assert callback.stopped_epoch == stopped_epoch
    assert model.stop_training == (stopped_epoch > 0)


@pytest.mark.parametrize("min_delta", [0.1, -0.1])  # the sign is ignored
def test_min_delta_in_min_mode(model, run_epochs, min_delta):
    # Improvement needs current + 0.1 < best.
    # e0 best=1.0; e1 0.95+0.1=1.05 !< 1.0: wait=1; e2 0.85+0.1=0.95 < 1.0: best=0.85, wait=0;
    # e3 0.94 !< 0.85: wait=1; e4 0.93 !< 0.85: wait=2 -> stop.
    callback = EarlyStopping(patience=2, min_delta=min_delta)
    assert run_epochs(callback, model, [1.0, 0.95, 0.85, 0.84, 0.83]) == 5
    assert callback.best == 0.85 and callback.stopped_epoch == 4
    # Without min_delta every epoch improves.
    model.stop_training = False
    assert run_epochs(EarlyStopping(patience=2), model, [1.0, 0.95, 0.85, 0.84, 0.83]) == 5
    assert not model.stop_training


def test_min_delta_in_max_mode(model, run_epochs):
    # Improvement needs current - 0.1 > best.
    # e0 best=0.5; e1 0.45 !> 0.5: wait=1; e2 0.6 > 0.5: best=0.7, wait=0; e3 0.61: wait=1;
    # e4 0.62: wait=2 -> stop.
    callback = EarlyStopping(monitor="val_accuracy", patience=2, min_delta=0.1)
    values = [0.5, 0.55, 0.7, 0.71, 0.72]
    assert run_epochs(callback, model, values, monitor="val_accuracy") == 5
    assert callback.best == 0.7 and callback.stopped_epoch == 4


@pytest.mark.parametrize(
    "monitor, mode, values, stops",
    [
        ("val_loss", "auto", [0.5, 0.6], True),
        ("val_loss", "auto", [0.5, 0.4], False),
        ("val_accuracy", "auto", [0.5, 0.4], True),
        ("val_accuracy", "auto", [0.5, 0.6], False),
        ("val_loss", "max", [0.5, 0.6], False),
        ("val_accuracy", "min", [0.5, 0.6], True),
    ],
)
def test_direction(model, run_epochs, monitor, mode, values, stops):
    callback = EarlyStopping(monitor=monitor, mode=mode)
    run_epochs(callback, model, values, monitor=monitor)
    assert model.stop_training == stops


def test_unknown_mode_warns_and_uses_auto(model, run_epochs):
    with pytest.warns(UserWarning, match="EarlyStopping mode 'lowest' is unknown"):
        callback = EarlyStopping(mode="lowest")
    assert callback.mode == "auto"
    run_epochs(callback, model, [0.5, 0.6])
    assert model.stop_training


def test_baseline_not_beaten_keeps_wait_counting(model, run_epochs):
    # baseline 0.5: e0 0.9 improves on nothing-yet but not on 0.5, so wait stays 1;
    # e1 0.95 does not improve: wait=2 >= 2 -> stop.
    callback = EarlyStopping(patience=2, baseline=0.5)
    assert run_epochs(callback, model, [0.9, 0.95, 0.4]) == 2
    assert callback.stopped_epoch == 1
    # Without the baseline the same values continue (wait=1 < 2 at epoch 1).
    model.stop_training = False
    assert run_epochs(EarlyStopping(patience=2), model, [0.9, 0.95, 0.4]) == 3
    assert not model.stop_training


def test_improvements_that_miss_the_baseline_do_not_stop(model, run_epochs):
    # Each epoch improves on the best, so the stop check is never reached (Keras 3), even
    # though wait grows past patience.
    callback = EarlyStopping(patience=1, baseline=0.5)
    assert run_epochs(callback, model, [0.9, 0.8, 0.7, 0.6]) == 4
    assert callback.wait == 4 and not model.stop_training


def test_beating_the_baseline_resets_wait(model, run_epochs):
    # e0 0.4 beats baseline 0.5: wait=0; e1 wait=1 < 2.
    callback = EarlyStopping(patience=2, baseline=0.5)
    assert run_epochs(callback, model, [0.4, 0.45]) == 2
    assert callback.wait == 1 and not model.stop_training


def test_restore_best_weights_when_stopping(model, run_epochs):
    # Best at epoch 1 (0.5); e2 wait=1; e3 wait=2 -> stop with weights of epoch 3.
    callback = EarlyStopping(patience=2, restore_best_weights=True)
    assert run_epochs(callback, model, [1.0, 0.5, 0.7, 0.8]) == 4
    # The fake model hands out its live arrays: the callback must have copied them.
    assert weights_epoch(model) == 1.0
    assert callback.best_epoch == 1


def test_restore_best_weights_when_training_ends_without_stopping(model, run_epochs):
    # Keras 3 restores at the end of training even when it ran all its epochs.
    callback = EarlyStopping(patience=5, restore_best_weights=True)
    assert run_epochs(callback, model, [1.0, 0.5, 0.7]) == 3
    assert not model.stop_training
    assert weights_epoch(model) == 1.0


def test_weights_stay_when_not_restoring(model, run_epochs):
    run_epochs(EarlyStopping(patience=2), model, [1.0, 0.5, 0.7, 0.8])
    assert weights_epoch(model) == 3.0


def test_restore_with_a_baseline_never_reached_takes_the_best_of_the_run(model, run_epochs):
    # e0 0.9 (wait 1); e1 0.8 improves (wait 2, best weights of epoch 1); e2 0.85: wait=3 ->
    # stop; the weights of epoch 1 come back.
    callback = EarlyStopping(patience=2, baseline=0.5, restore_best_weights=True)
    assert run_epochs(callback, model, [0.9, 0.8, 0.85, 0.86]) == 3
    assert weights_epoch(model) == 1.0


def test_start_from_epoch_skips_the_warm_up(model, run_epochs):
    # Epochs 0 and 1 are not monitored; e2 best=3.0; e3 4.0 does not improve -> stop.
    callback = EarlyStopping(patience=0, start_from_epoch=2, restore_best_weights=True)
    assert run_epochs(callback, model, [1.0, 2.0, 3.0, 4.0, 5.0]) == 4
    assert callback.stopped_epoch == 3 and callback.best == 3.0
    assert weights_epoch(model) == 2.0
    # Without the warm-up, 2.0 after 1.0 stops at epoch 1.
    model.stop_training = False
    assert run_epochs(EarlyStopping(patience=0), model, [1.0, 2.0, 3.0]) == 2


def test_missing_monitor_warns_and_never_stops(model, run_epochs):
    callback = EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(UserWarning) as records:
        run_epochs(callback, model, [1.0, 2.0], monitor="val_los")
    assert len(records) == 2
    assert str(records[0].message) == (
        "Early stopping conditioned on metric `val_loss` which is not available. "
        "Available metrics are: loss,val_los"
    )
    assert not model.stop_training


def test_verbose_messages(model, run_epochs, capsys):
    callback = EarlyStopping(patience=1, verbose=1, restore_best_weights=True)
    run_epochs(callback, model, [1.0, 0.5, 0.7])
    assert capsys.readouterr().out == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


def test_silent_by_default(model, run_epochs, capsys):
    run_epochs(EarlyStopping(patience=1, restore_best_weights=True), model, [1.0, 0.5, 0.7])
    assert capsys.readouterr().out == ""


def test_an_instance_can_serve_a_second_fit(make_model, run_epochs):
    callback = EarlyStopping(patience=1)
    first = make_model()
    run_epochs(callback, first, [1.0, 0.5, 0.7])
    assert first.stop_training and callback.best == 0.5
    # The second run starts afresh: 0.9 is a new best, not worse than 0.5.
    second = make_model()
    assert run_epochs(callback, second, [0.9, 0.8]) == 2
    assert not second.stop_training and callback.best == 0.8 and callback.stopped_epoch == 0


def test_defaults():
    callback = EarlyStopping()
    assert (callback.monitor, callback.min_delta, callback.patience, callback.verbose) == (
        "val_loss",
        0,
        0,
        0,
    )
    assert (callback.mode, callback.baseline, callback.restore_best_weights) == (
        "auto",
        None,
        False,
    )
    assert callback.start_from_epoch == 0
