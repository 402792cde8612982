"""LambdaCallback: functions called as the hooks, with the hooks' arguments."""

import pytest

from neuronet.callbacks import CallbackList, LambdaCallback


def test_named_hooks_are_called_with_their_arguments(model):
    calls = []
    callback = LambdaCallback(
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch, logs)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs)),
        on_train_begin=lambda logs: calls.append(("train_begin", logs)),
        on_train_end=lambda logs: calls.append(("train_end", logs)),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch, logs)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs)),
    )
    callback_list = CallbackList([callback], model=model)
    callback_list.on_train_begin()
    callback_list.on_epoch_begin(0)
    callback_list.on_train_batch_begin(0)
    callback_list.on_train_batch_end(0, {"size": 2, "loss": 0.5})
    callback_list.on_epoch_end(0, {"loss": 0.5})
    callback_list.on_train_end({"loss": 0.5})
    assert calls == [
        ("train_begin", {}),
        ("epoch_begin", 0, {}),
        ("batch_begin", 0, {}),
        ("batch_end", 0, {"size": 2, "loss": 0.5}),
        ("epoch_end", 0, {"loss": 0.5}),
        ("train_end", {"loss": 0.5}),
    ]


def test_other_hooks_by_keyword():
    calls = []
    callback = LambdaCallback(
        on_test_end=lambda logs: calls.append(("test_end", logs)),
        on_predict_batch_end=lambda batch, logs: calls.append(("predict_batch_end", batch)),
        on_batch_end=lambda batch, logs: calls.append(("batch_end", batch)),
    )
    callback.on_test_end({"loss": 1.0})
    callback.on_predict_batch_end(2, {})
    # The Keras 2 name is reached through on_train_batch_end, as for any callback.
    callback.on_train_batch_end(4, {})
    assert calls == [("test_end", {"loss": 1.0}), ("predict_batch_end", 2), ("batch_end", 4)]


def test_hooks_not_given_do_nothing():
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    assert callback.on_train_begin({}) is None
    assert callback.on_epoch_begin(0, {}) is None


def test_hooks_must_be_callable():
    with pytest.raises(TypeError, match="on_epoch_end must be callable"):
        LambdaCallback(on_epoch_end="print")
