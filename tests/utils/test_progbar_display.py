"""Where the progress output goes decides how it is drawn: Jupyter, terminal or plain.

The kernel is faked in process with stand-in modules (``ipykernel``, ``ipykernel.iostream``,
``IPython``) so each case is exact; the real kernel is exercised by tests/test_notebook.py.
Real pipes, files and pseudo-terminals are exercised through a child Python running ``fit``.
"""

import io
import os
import re
import subprocess
import sys
import textwrap
import types

import pytest

from neuronet.utils.progbar import Progbar, display_mode, in_jupyter_kernel

CONTROL = ("\r", "\b", "\x1b")
BAR = re.compile(r"4/4 \[={30}\] - \d+s \d+[mu]?s/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Stream(io.StringIO):
    def __init__(self, tty=False):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


# Stand-ins named like the real classes: detection looks at class names and types only.
class OutStream(Stream):
    """Like ipykernel.iostream.OutStream: the kernel's stdout, which is not a tty."""


class ZMQInteractiveShell:
    pass


class ColabShell(ZMQInteractiveShell):
    pass


class TerminalInteractiveShell:
    pass


def fake_kernel(monkeypatch, shell, ipython_loaded=True):
    """Make ``sys.modules`` look like a process with ipykernel loaded and ``shell`` running."""
    iostream = types.ModuleType("ipykernel.iostream")
    iostream.OutStream = OutStream
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setitem(sys.modules, "ipykernel.iostream", iostream)
    if ipython_loaded:
        ipython = types.ModuleType("IPython")
        ipython.get_ipython = lambda: shell
        monkeypatch.setitem(sys.modules, "IPython", ipython)
    else:
        monkeypatch.delitem(sys.modules, "IPython", raising=False)


@pytest.fixture(autouse=True)
def _no_kernel(monkeypatch):
    for name in ("ipykernel", "ipykernel.iostream", "IPython"):
        monkeypatch.delitem(sys.modules, name, raising=False)


# --- in_jupyter_kernel --------------------------------------------------------------------


def test_no_ipykernel_is_no_kernel():
    assert in_jupyter_kernel() is False


@pytest.mark.parametrize("shell_class", [ZMQInteractiveShell, ColabShell])
def test_a_zmq_shell_is_a_kernel(monkeypatch, shell_class):
    fake_kernel(monkeypatch, shell_class())
    assert in_jupyter_kernel() is True


@pytest.mark.parametrize(
    "shell, ipython_loaded",
    [
        (TerminalInteractiveShell(), True),  # IPython in a terminal: isatty decides
        (None, True),  # ipykernel and IPython imported, but no shell running
        (ZMQInteractiveShell(), False),  # ipykernel without IPython loaded
    ],
)
def test_ipykernel_loaded_without_a_kernel_shell_is_no_kernel(monkeypatch, shell, ipython_loaded):
    fake_kernel(monkeypatch, shell, ipython_loaded)
    assert in_jupyter_kernel() is False


def test_detection_imports_nothing_and_real_ipykernel_alone_is_no_kernel():
    # In a child, so that the real ipykernel and IPython stay out of this process.
    script = textwrap.dedent(
        """
        import sys, types
        from neuronet.utils.progbar import display_mode, in_jupyter_kernel
        sys.modules["ipykernel"] = types.ModuleType("ipykernel")
        print(in_jupyter_kernel(), "IPython" in sys.modules)
        del sys.modules["ipykernel"]
        import ipykernel.iostream, ipykernel.zmqshell  # imported, but no kernel runs
        print(in_jupyter_kernel(), "IPython" in sys.modules, display_mode(sys.stdout))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout == "False False\nFalse True plain\n"


# --- display_mode -------------------------------------------------------------------------


def test_modes_without_a_kernel():
    assert display_mode(Stream(tty=False)) == "plain"
    assert display_mode(Stream(tty=True)) == "terminal"
    assert display_mode(object()) == "plain"  # no isatty at all
    closed = io.StringIO()
    closed.close()
    assert display_mode(closed) == "plain"  # isatty raises ValueError on a closed file


def test_modes_in_a_kernel(monkeypatch):
    fake_kernel(monkeypatch, ZMQInteractiveShell())
    assert display_mode(OutStream()) == "jupyter"
    # A file or buffer written from inside a notebook is still plain, a terminal still one.
    assert display_mode(Stream(tty=False)) == "plain"
    assert display_mode(Stream(tty=True)) == "terminal"


def test_the_kernel_stream_without_a_running_kernel_is_plain(monkeypatch):
    fake_kernel(monkeypatch, None)
    assert display_mode(OutStream()) == "plain"


# --- what Progbar writes in each mode ------------------------------------------------------


def run_bar(stream):
    clock = Clock()
    bar = Progbar(4, stream=stream, clock=clock)
    clock.now = 0.001
    bar.update(2, [("loss", 0.5)])
    clock.now = 0.004
    bar.update(4, [("loss", 0.25)])
    return stream.getvalue()


FINAL = "4/4 [==============================] - 0s 1ms/step - loss: 0.2500"
RUNNING = "2/4 [==============>...............] - ETA: 0s - loss: 0.5000"


def test_jupyter_redraws_in_place_like_a_terminal(monkeypatch):
    fake_kernel(monkeypatch, ZMQInteractiveShell())
    assert run_bar(OutStream()) == "\r" + RUNNING + "\r" + FINAL + "\n"
    assert run_bar(Stream(tty=True)) == "\r" + RUNNING + "\r" + FINAL + "\n"


def test_plain_writes_the_finished_line_once(monkeypatch):
    fake_kernel(monkeypatch, ZMQInteractiveShell())
    assert run_bar(Stream(tty=False)) == FINAL + "\n"


def test_the_mode_follows_sys_stdout_when_no_stream_is_given(monkeypatch):
    clock = Clock()
    bar = Progbar(4, clock=clock)
    terminal, pipe = Stream(tty=True), Stream(tty=False)
    monkeypatch.setattr(sys, "stdout", terminal)
    bar.update(2, [("loss", 0.5)])
    monkeypatch.setattr(sys, "stdout", pipe)
    clock.now = 0.004
    bar.update(4, [("loss", 0.25)])
    assert terminal.getvalue() == "\r" + RUNNING
    assert pipe.getvalue() == FINAL + "\n"


# --- a real fit writing to a pipe, a file and a pseudo-terminal ------------------------------

FIT = textwrap.dedent(
    """
    import numpy as np
    import neuronet
    from neuronet.layers import Dense
    from neuronet.models import Sequential

    neuronet.set_random_seed(7)
    model = Sequential([Dense(3, activation="tanh", input_dim=2), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    model.fit(x, np.array([0, 1, 1, 0]), epochs=3, batch_size=2)
    """
)


def check_plain_log(text):
    assert not any(c in text for c in CONTROL)
    lines = text.splitlines()
    # Keras 2's format: the epoch's header, then exactly one finished bar line.
    assert len(lines) == 6
    for epoch in range(3):
        assert lines[2 * epoch] == f"Epoch {epoch + 1}/3"
        assert BAR.fullmatch(lines[2 * epoch + 1]), lines[2 * epoch + 1]


def test_fit_into_a_pipe_writes_one_plain_line_per_epoch():
    result = subprocess.run(
        [sys.executable, "-c", FIT], stdout=subprocess.PIPE, timeout=60, check=True
    )
    check_plain_log(result.stdout.decode())


def test_fit_into_a_log_file_writes_one_plain_line_per_epoch(tmp_path):
    log = tmp_path / "fit.log"
    with open(log, "w") as file:
        subprocess.run([sys.executable, "-c", FIT], stdout=file, timeout=60, check=True)
    check_plain_log(log.read_text())


def test_fit_on_a_terminal_redraws_the_bar_in_place():
    primary, secondary = os.openpty()
    try:
        child = subprocess.Popen([sys.executable, "-c", FIT], stdout=secondary)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the child closed its end of the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=60) == 0
    finally:
        os.close(primary)
    # The terminal turns each '\n' into '\r\n'; the bar's own '\r' comes before each draw.
    text = b"".join(chunks).decode().replace("\r\n", "\n")
    assert "\x1b" not in text and "\b" not in text
    for epoch in range(3):
        assert f"Epoch {epoch + 1}/3\n\r2/4 [" in text
    # What the terminal shows: each '\r' starts its line over.
    shown = [line.rsplit("\r", 1)[-1].rstrip() for line in text.split("\n") if line]
    assert [line for line in shown if line.startswith("Epoch")] == [
        "Epoch 1/3",
        "Epoch 2/3",
        "Epoch 3/3",
    ]
    bars = [line for line in shown if not line.startswith("Epoch")]
    assert len(bars) == 3 and all(BAR.fullmatch(line) for line in bars), bars
