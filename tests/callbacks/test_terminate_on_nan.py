"""TerminateOnNaN: stop at a NaN or infinite batch loss."""

import numpy as np
import pytest

from neuronet.callbacks import CallbackList, TerminateOnNaN


@pytest.mark.parametrize("loss", [float("nan"), np.float32("nan"), float("inf"), -np.inf])
def test_stops_on_nan_or_inf_loss(model, capsys, loss):
    callback_list = CallbackList([TerminateOnNaN()], model=model)
    callback_list.on_train_batch_end(0, {"size": 2, "loss": 0.5})
    assert not model.stop_training
    callback_list.on_train_batch_end(3, {"size": 2, "loss": loss})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 3: Invalid loss, terminating training\n"


@pytest.mark.parametrize("logs", [None, {}, {"size": 2}, {"loss": 1e30}, {"loss": -2.0}])
def test_finite_or_missing_loss_goes_on(model, capsys, logs):
    callback = TerminateOnNaN()
    callback.set_model(model)
    callback.on_train_batch_end(0, logs)
    assert not model.stop_training
    assert capsys.readouterr().out == ""


def test_raise_error(model):
    callback = TerminateOnNaN(raise_error=True)
    callback.set_model(model)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 5"):
        callback.on_train_batch_end(5, {"loss": float("nan")})
    assert not model.stop_training


def test_epoch_logs_are_not_checked(model):
    # Keras checks batch losses only; the epoch end adds nothing.
    callback = TerminateOnNaN()
    callback.set_model(model)
    callback.on_epoch_end(0, {"loss": float("nan")})
    assert not model.stop_training
