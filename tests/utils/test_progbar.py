"""Progbar: exact text in the display modes, with a fake clock and fake terminals.

How the mode is chosen (Jupyter, terminal, plain) is tested in test_progbar_display.py.
"""

import io
import sys

import numpy as np
import pytest

from neuronet.utils.progbar import Progbar

FULL_BAR = "[" + "=" * 30 + "]"
CONTROL = ("\r", "\b", "\x1b")


class Clock:
    """A settable clock: Progbar reads ``clock()``; the test sets ``clock.now``."""

    def __init__(self, now=0.0):
        self.now = now

    def __call__(self):
        return self.now


class Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


@pytest.fixture(autouse=True)
def _no_jupyter(monkeypatch):
    # These tests decide the display mode through isatty alone.
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)


def make(target, tty=False, **kwargs):
    clock = Clock()
    stream = Stream(tty)
    return Progbar(target, stream=stream, clock=clock, **kwargs), clock, stream


# --- (b) not a terminal, verbose=1: one plain line at the end -----------------------------


def test_pipe_prints_nothing_while_running_then_one_plain_line():
    bar, clock, out = make(4)
    for step in (1, 2, 3):
        clock.now = step * 0.00002
        bar.update(step, [("loss", 0.7), ("accuracy", 0.5)])
    assert out.getvalue() == ""
    # 4 samples in 0.0001 s: 25 microseconds each.
    clock.now = 0.0001
    bar.update(4, [("loss", 0.6917), ("accuracy", 0.75)])
    assert out.getvalue() == (
        "4/4 [==============================] - 0s 25us/step - loss: 0.6917 - accuracy: 0.7500\n"
    )
    assert not any(c in out.getvalue() for c in CONTROL)


def test_pipe_line_equals_the_final_terminal_line():
    outputs = []
    for tty in (False, True):
        bar, clock, out = make(10, tty=tty)
        for step in range(1, 11):
            clock.now = step * 0.5
            bar.update(step, [("loss", 1.0 / step)])
        outputs.append(out.getvalue())
    pipe, terminal = outputs
    final_terminal_line = terminal.rsplit("\r", 1)[1]
    assert pipe == final_terminal_line
    # 10 steps in 5 s: 500 ms each, 5 s elapsed.
    assert pipe == f"10/10 {FULL_BAR} - 5s 500ms/step - loss: 0.1000\n"


def test_values_are_shown_as_given_not_averaged():
    # The training loop passes running means already: 0.7 is shown, not mean(0.5, 0.7).
    bar, clock, out = make(4)
    bar.update(2, [("loss", 0.5)])
    bar.update(4, [("loss", 0.7)])
    assert out.getvalue().endswith(" - loss: 0.7000\n")


def test_names_keep_the_order_of_first_appearance():
    bar, clock, out = make(4)
    bar.update(2, [("loss", 0.9), ("acc", 0.5)])
    bar.update(4, [("acc", 0.75), ("loss", 0.25), ("val_loss", 0.5)])
    assert out.getvalue().endswith(" - loss: 0.2500 - acc: 0.7500 - val_loss: 0.5000\n")


def test_add_advances_by_n_and_finishes_at_target():
    bar, clock, out = make(4)
    bar.add(2, [("loss", 0.5)])
    assert out.getvalue() == ""
    clock.now = 2.0
    bar.add(2, [("loss", 0.25)])
    assert out.getvalue() == f"4/4 {FULL_BAR} - 2s 500ms/step - loss: 0.2500\n"


def test_finalize_false_at_target_prints_nothing_and_finalize_true_early_prints():
    bar, clock, out = make(4)
    bar.update(4, [("loss", 0.5)], finalize=False)
    assert out.getvalue() == ""
    bar, clock, out = make(4)
    clock.now = 3.0
    bar.update(3, [("loss", 0.5)], finalize=True)
    # A finished line shows the elapsed time and time per step, never an ETA;
    # int(30 * 3 / 4) = 22 cells: 21 '=' and the head '>'.
    assert out.getvalue() == "3/4 [=====================>........] - 3s 1s/step - loss: 0.5000\n"


def test_unknown_target():
    bar, clock, out = make(None)
    bar.update(5, [("loss", 0.5)])
    assert out.getvalue() == ""
    clock.now = 0.01
    bar.update(5, [("loss", 0.5)], finalize=True)
    assert out.getvalue() == "      5/Unknown - 0s 2ms/step - loss: 0.5000\n"


# --- (a) terminal: redraw in place, rate limited ------------------------------------------


def test_terminal_redraws_in_place_at_most_once_per_interval():
    bar, clock, out = make(100, tty=True)
    clock.now = 1.0
    bar.update(10, [("loss", 0.5)])  # drawn: the first update always is
    clock.now = 1.05
    bar.update(20, [("loss", 0.4)])  # skipped: 0.05 s after the last draw < interval 0.1
    clock.now = 1.2
    bar.update(30, [("loss", 0.3)])  # drawn: 0.2 s after the last draw
    clock.now = 1.3
    bar.update(100, [("loss", 0.25)])  # drawn: 0.1 s, but the final update always is
    # 10/100: int(30 * 0.1) = 3 cells '==>'; 0.1 s per step, 90 to go: ETA 9 s.
    first = " 10/100 [==>...........................] - ETA: 9s - loss: 0.5000"
    # 30/100: 9 cells; 0.04 s per step, 70 to go: ETA 2.8 s, shown truncated as 2s.
    third = " 30/100 [========>.....................] - ETA: 2s - loss: 0.3000"
    # 100/100 in 1.3 s: 13 ms per step.
    final = f"100/100 {FULL_BAR} - 1s 13ms/step - loss: 0.2500"
    assert out.getvalue() == "\r" + first + "\r" + third + "\r" + final + "\n"


def test_terminal_redraw_rate_follows_interval():
    bar, clock, out = make(1000, tty=True, interval=0.5)
    for step in range(1, 1001):
        clock.now = step * 0.01  # 10 s in all, one update each 0.01 s
        bar.update(step, [("loss", 0.5)])
    # Draws at t = 0.01, 0.51, 1.01, ..., 9.51 (20 of them), then the final one at 10.0.
    assert out.getvalue().count("\r") == 21
    assert out.getvalue().endswith(f"1000/1000 {FULL_BAR} - 10s 10ms/step - loss: 0.5000\n")


def test_terminal_blanks_the_rest_of_a_longer_previous_line():
    bar, clock, out = make(4, tty=True)
    clock.now = 0.001
    bar.update(1, [("loss", 1.23e-5), ("acc", 2e-4)])
    clock.now = 0.004
    bar.update(4, [("loss", 0.5), ("acc", 0.75)])
    first = "1/4 [======>.......................] - ETA: 0s - loss: 1.2300e-05 - acc: 2.0000e-04"
    final = f"4/4 {FULL_BAR} - 0s 1ms/step - loss: 0.5000 - acc: 0.7500"
    assert len(first) - len(final) == 4
    assert out.getvalue() == "\r" + first + "\r" + final + "    \n"


# --- (c) verbose=2: one short line at the end ---------------------------------------------


@pytest.mark.parametrize("tty", [False, True])
def test_verbose_2_prints_one_keras2_line_at_the_end(tty):
    bar, clock, out = make(4, tty=tty, verbose=2)
    for step in (1, 2, 3):
        clock.now = step
        bar.update(step, [("loss", 0.9)])
    assert out.getvalue() == ""
    clock.now = 2.4
    bar.update(4, [("loss", 0.6917), ("accuracy", 0.75)])
    assert out.getvalue() == " - 2s - loss: 0.6917 - accuracy: 0.7500\n"


@pytest.mark.parametrize("tty", [False, True])
def test_verbose_0_prints_nothing(tty):
    bar, clock, out = make(4, tty=tty, verbose=0)
    bar.update(2, [("loss", 0.5)])
    bar.update(4, [("loss", 0.5)], finalize=True)
    assert out.getvalue() == ""


def test_bad_verbose_is_an_error():
    with pytest.raises(ValueError, match="verbose"):
        Progbar(4, verbose=3)


# --- text details ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (0.6917, "0.6917"),
        (0.0, "0.0000"),  # zero stays fixed-point
        (1e-3, "0.0010"),
        (9.99e-4, "9.9900e-04"),
        (-5e-4, "-5.0000e-04"),
        (-2.5, "-2.5000"),
        (123456.789, "123456.7890"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (np.float32(0.25), "0.2500"),
        (np.array(0.125), "0.1250"),
        ("text", "text"),
    ],
)
def test_value_formats(value, text):
    bar, clock, out = make(1, verbose=2)
    bar.update(1, [("v", value)])
    assert out.getvalue() == f" - 0s - v: {text}\n"


@pytest.mark.parametrize(
    "elapsed, target, current, info",
    [
        # ETA = elapsed / current * (target - current)
        (10.0, 10, 1, "ETA: 1:30"),  # 90 s
        (500.0, 10, 1, "ETA: 1:15:00"),  # 4500 s
        (59.0, 2, 1, "ETA: 59s"),
        (6.0, 2, 1, "ETA: 6s"),
    ],
)
def test_eta_formats(elapsed, target, current, info):
    bar, clock, out = make(target, tty=True)
    clock.now = elapsed
    bar.update(current)
    assert out.getvalue().endswith(" - " + info)


@pytest.mark.parametrize(
    "elapsed, info",
    [(8.0, "8s 2s/sample"), (0.02, "0s 5ms/sample"), (0.00002, "0s 5us/sample")],
)
def test_time_per_unit_formats(elapsed, info):
    bar, clock, out = make(4, unit_name="sample")
    clock.now = elapsed
    bar.update(4)
    assert out.getvalue() == f"4/4 {FULL_BAR} - {info}\n"


@pytest.mark.parametrize(
    "current, target, bar_text",
    [
        (0, 3, "0/3 [..............................]"),
        (1, 3, "1/3 [=========>....................]"),
        (3, 3, "3/3 [==============================]"),
        (7, 120, "  7/120 [>.............................]"),  # int(30 * 7 / 120) = 1 cell
        (8, 120, "  8/120 [=>............................]"),  # int(30 * 8 / 120) = 2 cells
        (5, 4, "5/4 [==============================]"),  # past the target: a full bar
    ],
)
def test_bar_text(current, target, bar_text):
    bar, clock, out = make(target, tty=True)
    bar.update(current, finalize=False)
    assert out.getvalue().startswith("\r" + bar_text + " - ")


def test_default_stream_is_sys_stdout_at_write_time(monkeypatch):
    bar = Progbar(1, clock=Clock())
    later = io.StringIO()
    monkeypatch.setattr(sys, "stdout", later)
    bar.update(1, [("loss", 0.5)])
    assert later.getvalue() == f"1/1 {FULL_BAR} - 0s 0us/step - loss: 0.5000\n"


def test_capsys_captures_the_default_stream(capsys):
    Progbar(2, verbose=2, clock=Clock()).update(2, [("loss", 0.5)])
    assert capsys.readouterr().out == " - 0s - loss: 0.5000\n"


def test_default_clock_measures_real_time():
    out = Stream(False)
    bar = Progbar(1, stream=out, verbose=2)
    bar.update(1)
    assert out.getvalue() == " - 0s\n"
