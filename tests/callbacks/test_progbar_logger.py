"""ProgbarLogger: what fit prints, exactly, in the three display modes."""

import io
import re
import sys

import pytest

from neuronet.callbacks import CallbackList, ProgbarLogger

FULL_BAR = "[" + "=" * 30 + "]"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def _no_jupyter(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)


def params(verbose=1, epochs=1, steps=2, samples=4, batch_size=2):
    return {
        "verbose": verbose,
        "epochs": epochs,
        "steps": steps,
        "samples": samples,
        "batch_size": batch_size,
    }


def make_logger(model, clock, stream=None, count_mode="samples", **fit_params):
    logger = ProgbarLogger(count_mode, stream=stream, clock=clock)
    CallbackList([logger], model=model, **params(**fit_params))
    return logger


def test_pipe_prints_epoch_lines_and_one_bar_line_per_epoch(model, capsys):
    clock = Clock()
    logger = make_logger(model, clock, epochs=2)
    logger.on_train_begin()
    for epoch, (start, end) in enumerate([(0.0, 0.0001), (1.0, 3.0)]):
        clock.now = start
        logger.on_epoch_begin(epoch)
        for batch in range(2):
            logger.on_train_batch_begin(batch)
            logger.on_train_batch_end(batch, {"size": 2, "loss": 0.7, "accuracy": 0.5})
        # Validation inside fit draws nothing of its own.
        logger.on_test_begin()
        logger.on_test_batch_end(0, {"size": 4, "loss": 0.7})
        logger.on_test_end({"loss": 0.7})
        clock.now = end
        logger.on_epoch_end(
            epoch, {"loss": 0.6917, "accuracy": 0.75, "val_loss": 0.7, "val_accuracy": 0.5}
        )
    logger.on_train_end()
    out = capsys.readouterr().out
    # Epoch 1: 4 samples in 0.0001 s = 25 us each; epoch 2: 4 samples in 2 s = 500 ms each.
    assert out == (
        "Epoch 1/2\n"
        f"4/4 {FULL_BAR} - 0s 25us/step - loss: 0.6917 - accuracy: 0.7500"
        " - val_loss: 0.7000 - val_accuracy: 0.5000\n"
        "Epoch 2/2\n"
        f"4/4 {FULL_BAR} - 2s 500ms/step - loss: 0.6917 - accuracy: 0.7500"
        " - val_loss: 0.7000 - val_accuracy: 0.5000\n"
    )
    assert "\r" not in out and "\b" not in out and "\x1b" not in out


def test_terminal_counts_samples_including_a_partial_last_batch(model):
    clock, terminal = Clock(), Terminal()
    logger = make_logger(model, clock, stream=terminal, steps=3, samples=5)
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    clock.now = 0.01
    logger.on_train_batch_end(0, {"size": 2, "loss": 0.9, "accuracy": 0.5})
    clock.now = 0.05  # 0.04 s after the last draw: skipped
    logger.on_train_batch_end(1, {"size": 2, "loss": 0.8, "accuracy": 0.5})
    clock.now = 0.2
    logger.on_train_batch_end(2, {"size": 1, "loss": 0.7, "accuracy": 0.6})
    clock.now = 0.25
    logger.on_epoch_end(0, {"loss": 0.7, "accuracy": 0.6, "val_loss": 0.8, "val_accuracy": 0.4})
    # 2/5: int(30 * 0.4) = 12 cells; 0.005 s per sample, 3 to go: ETA 0s.
    first = "2/5 [===========>..................] - ETA: 0s - loss: 0.9000 - accuracy: 0.5000"
    # 5/5 after the last batch, not yet final: 0.2 s / 5 = 40 ms per sample.
    last_batch = f"5/5 {FULL_BAR} - 0s 40ms/step - loss: 0.7000 - accuracy: 0.6000"
    # The epoch end: 0.25 s / 5 = 50 ms, with the validation values.
    final = (
        f"5/5 {FULL_BAR} - 0s 50ms/step - loss: 0.7000 - accuracy: 0.6000"
        " - val_loss: 0.8000 - val_accuracy: 0.4000"
    )
    assert terminal.getvalue() == (
        "Epoch 1/1\n" + "\r" + first + "\r" + last_batch + "\r" + final + "\n"
    )


def test_verbose_2_prints_one_short_line_per_epoch(model, capsys):
    clock = Clock()
    logger = make_logger(model, clock, verbose=2, epochs=2)
    logger.on_train_begin()
    for epoch in range(2):
        clock.now = 10.0 * epoch
        logger.on_epoch_begin(epoch)
        logger.on_train_batch_end(0, {"size": 2, "loss": 0.9})
        logger.on_train_batch_end(1, {"size": 2, "loss": 0.8})
        clock.now = 10.0 * epoch + 2.4
        logger.on_epoch_end(epoch, {"loss": 0.5, "accuracy": 0.75})
    assert capsys.readouterr().out == (
        "Epoch 1/2\n - 2s - loss: 0.5000 - accuracy: 0.7500\n"
        "Epoch 2/2\n - 2s - loss: 0.5000 - accuracy: 0.7500\n"
    )


def test_verbose_0_prints_nothing(model, capsys):
    logger = make_logger(model, Clock(), verbose=0)
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(0, {"size": 4, "loss": 0.5})
    logger.on_epoch_end(0, {"loss": 0.5})
    logger.on_train_end()
    assert capsys.readouterr().out == ""


def test_loss_first_then_the_given_order_without_size_and_batch(model):
    clock, terminal = Clock(), Terminal()
    logger = make_logger(model, clock, stream=terminal)
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(0, {"batch": 0, "size": 2, "mae": 0.25, "loss": 0.5})
    logger.on_epoch_end(0, {"mae": 0.25, "val_mae": 0.5, "loss": 0.5, "val_loss": 1.0})
    lines = terminal.getvalue().split("\r")[1:]
    assert lines[0].endswith(" - ETA: 0s - loss: 0.5000 - mae: 0.2500")
    assert lines[1].endswith(" - loss: 0.5000 - mae: 0.2500 - val_mae: 0.5000 - val_loss: 1.0000\n")


def test_count_mode_steps(model, capsys):
    clock = Clock()
    logger = make_logger(model, clock, count_mode="steps")
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(0, {"size": 2, "loss": 0.5})
    logger.on_train_batch_end(1, {"size": 2, "loss": 0.5})
    clock.now = 0.0001
    logger.on_epoch_end(0, {"loss": 0.5})
    # 2 steps in 0.0001 s: 50 us each.
    assert capsys.readouterr().out == f"Epoch 1/1\n2/2 {FULL_BAR} - 0s 50us/step - loss: 0.5000\n"


def test_steps_when_samples_are_unknown(model, capsys):
    logger = make_logger(model, Clock(), samples=None, steps=3)
    assert logger.target == 3
    logger.on_epoch_begin(0)
    for batch in range(3):
        logger.on_train_batch_end(batch, {"loss": 0.5})
    logger.on_epoch_end(0, {"loss": 0.5})
    assert capsys.readouterr().out.startswith(f"Epoch 1/1\n3/3 {FULL_BAR} - 0s")


def test_missing_size_falls_back_on_batch_size(model):
    terminal = Terminal()
    logger = make_logger(model, Clock(), stream=terminal, samples=6, steps=3, batch_size=2)
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(0, {"loss": 0.5})
    assert terminal.getvalue().startswith("Epoch 1/1\n\r2/6 [")


def test_auto_verbose_means_1(model):
    logger = ProgbarLogger()
    logger.set_params(params(verbose="auto"))
    assert logger.verbose == 1


def test_evaluate_on_its_own_draws_a_bar(model, capsys):
    clock = Clock()
    logger = make_logger(model, clock, epochs=1)
    logger.on_test_begin()
    logger.on_test_batch_end(0, {"size": 2, "loss": 0.75})
    logger.on_test_batch_end(1, {"size": 2, "loss": 0.5})
    clock.now = 0.004
    logger.on_test_end({"loss": 0.5, "accuracy": 1.0})
    assert capsys.readouterr().out == (
        f"4/4 {FULL_BAR} - 0s 1ms/step - loss: 0.5000 - accuracy: 1.0000\n"
    )


def test_predict_draws_a_bar_without_values(model, capsys):
    clock = Clock()
    logger = make_logger(model, clock)
    logger.on_predict_begin()
    logger.on_predict_batch_end(0, {"size": 2, "outputs": [[0.1], [0.9]]})
    logger.on_predict_batch_end(1, {"size": 2, "outputs": [[0.2], [0.8]]})
    clock.now = 0.0001
    logger.on_predict_end()
    assert capsys.readouterr().out == f"4/4 {FULL_BAR} - 0s 25us/step\n"


def test_unknown_target_becomes_the_count_at_the_end(model, capsys):
    logger = make_logger(model, Clock(), samples=None, steps=None)
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(0, {"loss": 0.5})
    logger.on_train_batch_end(1, {"loss": 0.5})
    logger.on_epoch_end(0, {"loss": 0.5})
    assert capsys.readouterr().out.startswith(f"Epoch 1/1\n2/2 {FULL_BAR} - 0s")
    assert logger.target == 2


def test_bad_count_mode():
    with pytest.raises(ValueError, match="count_mode"):
        ProgbarLogger("batches")


def test_added_by_callback_list_for_fit(model, capsys):
    # The default ProgbarLogger: real clock, sys.stdout at print time.
    callback_list = CallbackList(
        None, add_history=True, add_progbar=True, model=model, **params(epochs=1)
    )
    callback_list.on_train_begin()
    callback_list.on_epoch_begin(0)
    callback_list.on_train_batch_end(0, {"size": 2, "loss": 0.75})
    callback_list.on_train_batch_end(1, {"size": 2, "loss": 0.5})
    callback_list.on_epoch_end(0, {"loss": 0.5})
    callback_list.on_train_end({"loss": 0.5})
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"Epoch 1/1\n4/4 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: 0\.5000\n", out
    ), out
    assert model.history.history == {"loss": [0.5]}
