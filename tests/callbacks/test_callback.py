"""Callback base class, CallbackList dispatch, 'auto' mode and argument checking."""

import numpy as np
import pytest

from neuronet import callbacks
from neuronet.callbacks import Callback, CallbackList, History, ProgbarLogger
from neuronet.callbacks.callback import resolve_mode
from neuronet.errors import UnknownArgumentError

HOOKS_WITH_INDEX = [
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_batch_begin",
    "on_batch_end",
]
HOOKS_WITHOUT_INDEX = [
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
]


class Recorder(Callback):
    """Records (name, hook, args) for every hook into a shared list."""

    def __init__(self, name, calls):
        super().__init__()
        self.name = name
        self.calls = calls

    def __getattribute__(self, attribute):
        if attribute in HOOKS_WITH_INDEX:
            return lambda index, logs=None: self.calls.append(
                (object.__getattribute__(self, "name"), attribute, index, logs)
            )
        if attribute in HOOKS_WITHOUT_INDEX:
            return lambda logs=None: self.calls.append(
                (object.__getattribute__(self, "name"), attribute, None, logs)
            )
        return object.__getattribute__(self, attribute)


def test_base_hooks_do_nothing_and_batch_hooks_call_keras2_names(model):
    seen = []

    class Keras2Style(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch, logs))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs))

    callback = Keras2Style()
    callback.on_train_batch_begin(3, {"a": 1})
    callback.on_train_batch_end(3, {"loss": 0.5})
    assert seen == [("begin", 3, {"a": 1}), ("end", 3, {"loss": 0.5})]

    base = Callback()
    assert base.model is None and base.params is None
    for hook in HOOKS_WITH_INDEX:
        assert getattr(base, hook)(0, {}) is None
    for hook in HOOKS_WITHOUT_INDEX:
        assert getattr(base, hook)({}) is None
    base.set_model(model)
    base.set_params({"epochs": 2})
    assert base.model is model and base.params == {"epochs": 2}


@pytest.mark.parametrize("hook", HOOKS_WITH_INDEX)
def test_list_dispatches_indexed_hooks_to_all_in_order(hook):
    calls = []
    callback_list = CallbackList([Recorder("a", calls), Recorder("b", calls)])
    getattr(callback_list, hook)(7, {"loss": 0.5})
    assert calls == [("a", hook, 7, {"loss": 0.5}), ("b", hook, 7, {"loss": 0.5})]


@pytest.mark.parametrize("hook", HOOKS_WITHOUT_INDEX)
def test_list_dispatches_other_hooks_to_all_in_order(hook):
    calls = []
    callback_list = CallbackList([Recorder("a", calls), Recorder("b", calls)])
    getattr(callback_list, hook)({"loss": 0.5})
    getattr(callback_list, hook)()  # no logs: callbacks receive an empty dict
    assert calls == [
        ("a", hook, None, {"loss": 0.5}),
        ("b", hook, None, {"loss": 0.5}),
        ("a", hook, None, {}),
        ("b", hook, None, {}),
    ]


def test_epoch_logs_are_one_dict_shared_along_the_list():
    class AddsKey(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["learning_rate"] = 0.1

    history = History()
    logs = {"loss": 0.5}
    CallbackList([AddsKey(), history]).on_epoch_end(0, logs)
    assert history.history == {"loss": [0.5], "learning_rate": [0.1]}
    assert logs == {"loss": 0.5, "learning_rate": 0.1}


def test_batch_end_logs_become_python_numbers():
    calls = []
    callback_list = CallbackList([Recorder("a", calls)])
    logs = {"size": np.int64(4), "loss": np.float32(0.5), "acc": np.array(0.25), "name": "x"}
    callback_list.on_train_batch_end(0, logs)
    callback_list.on_test_batch_end(0, logs)
    for _, _, _, received in calls:
        assert received == {"size": 4, "loss": 0.5, "acc": 0.25, "name": "x"}
        assert [type(v) for v in received.values()] == [int, float, float, str]
        assert list(received) == ["size", "loss", "acc", "name"]  # order kept


def test_history_and_progbar_are_appended_last_and_model_history_is_set(model):
    calls = []
    user = Recorder("user", calls)
    params = {"verbose": 1, "epochs": 3, "steps": 2, "samples": 4, "batch_size": 2}
    callback_list = CallbackList([user], add_history=True, add_progbar=True, model=model, **params)
    first, history, progbar = callback_list.callbacks
    assert first is user
    assert isinstance(history, History) and isinstance(progbar, ProgbarLogger)
    assert model.history is history
    assert history.model is model and progbar.model is model and user.model is model
    assert history.params == params and callback_list.params == params
    assert progbar.epochs == 3 and progbar.target == 4


def test_existing_history_and_progbar_are_not_duplicated(model):
    history, progbar = History(), ProgbarLogger()
    callback_list = CallbackList(
        [progbar, history], add_history=True, add_progbar=True, model=model
    )
    assert callback_list.callbacks == [progbar, history]
    assert model.history is history


def test_nothing_added_unless_asked():
    assert CallbackList().callbacks == []
    assert CallbackList(None, add_history=False, add_progbar=False).callbacks == []


def test_no_params_leave_callbacks_params_alone():
    callback = Callback()
    callback.set_params({"epochs": 5})
    CallbackList([callback])
    assert callback.params == {"epochs": 5}


def test_set_model_none_is_ignored(model):
    callback = Callback()
    callback_list = CallbackList([callback], model=model)
    callback_list.set_model(None)
    assert callback.model is model


def test_a_single_callback_is_accepted():
    callback = Callback()
    assert CallbackList(callback).callbacks == [callback]


def test_non_callbacks_are_refused():
    with pytest.raises(TypeError, match="instance of neuronet.callbacks.Callback"):
        CallbackList([lambda epoch, logs: None])


def test_append_gives_model_and_params(model):
    callback_list = CallbackList([], model=model, epochs=2)
    callback = Callback()
    callback_list.append(callback)
    assert callback_list.callbacks == [callback]
    assert callback.model is model and callback.params == {"epochs": 2}


@pytest.mark.parametrize(
    "monitor, mode",
    [
        ("loss", "min"),
        ("val_loss", "min"),
        ("mse", "min"),
        ("val_mean_absolute_error", "min"),
        ("accuracy", "max"),
        ("val_acc", "max"),
        ("val_binary_accuracy", "max"),
        ("sparse_categorical_accuracy", "max"),
        ("auc", "max"),
        ("val_precision", "max"),
        ("recall", "max"),
        ("f1_score", "max"),
        ("mean_io_u", "max"),
        ("r2_score", "max"),
        ("previous_error", "min"),  # contains 'iou' inside a word: not IoU
        ("val_cosine_similarity", "max"),
    ],
)
def test_auto_mode_direction_from_the_name(monitor, mode):
    assert resolve_mode(Callback(), monitor, "auto") == mode


def test_explicit_mode_wins_and_unknown_mode_warns():
    assert resolve_mode(Callback(), "accuracy", "min") == "min"
    assert resolve_mode(Callback(), "loss", "max") == "max"
    with pytest.warns(UserWarning, match="Callback mode 'best' is unknown, fallback to auto"):
        assert resolve_mode(Callback(), "val_accuracy", "best") == "max"


@pytest.mark.parametrize(
    "factory, wrong, suggestion",
    [
        (lambda **kw: callbacks.EarlyStopping(**kw), "patince", "patience"),
        (lambda **kw: callbacks.ModelCheckpoint("m.keras", **kw), "save_best", "save_best_only"),
        (lambda **kw: callbacks.ReduceLROnPlateau(**kw), "min_lr_", "min_lr"),
        (lambda **kw: callbacks.CSVLogger("log.csv", **kw), "seperator", "separator"),
        (lambda **kw: callbacks.LearningRateScheduler(float, **kw), "verbos", "verbose"),
        (lambda **kw: callbacks.TerminateOnNaN(**kw), "raise_errors", "raise_error"),
        (lambda **kw: callbacks.ProgbarLogger(**kw), "count", "count_mode"),
        (lambda **kw: callbacks.LambdaCallback(**kw), "on_epoch_ends", "on_epoch_end"),
    ],
)
def test_unknown_keyword_arguments_suggest_the_right_one(factory, wrong, suggestion):
    with pytest.raises(UnknownArgumentError, match=f"Did you mean '{suggestion}'"):
        factory(**{wrong: 1})


def test_package_exports():
    assert set(callbacks.__all__) == {
        "Callback",
        "CallbackList",
        "History",
        "ProgbarLogger",
        "EarlyStopping",
        "ModelCheckpoint",
        "LearningRateScheduler",
        "ReduceLROnPlateau",
        "CSVLogger",
        "TerminateOnNaN",
        "LambdaCallback",
    }
    for name in callbacks.__all__:
        assert issubclass(getattr(callbacks, name), Callback)
