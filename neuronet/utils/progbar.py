"""Progbar: the one-line progress display of ``fit``, in the classic Keras 2 style.

A finished epoch reads, counting samples as Keras 2.2's ``fit`` did::

    4/4 [==============================] - 0s 25us/step - loss: 0.6917 - accuracy: 0.7500

How it is drawn depends on where the text goes (``display_mode``):

- ``"jupyter"``, the output stream of a Jupyter (IPython) kernel, and ``"terminal"``, a stream
  whose ``isatty()`` is true: the line is redrawn in place with ``'\\r'``, at most once per
  ``interval`` seconds, and ends with a newline when finished;
- ``"plain"``, anything else (a pipe, a file, a CI log), ``verbose=1``: nothing while running,
  then the finished line once, with no control characters (no ``'\\r'``, ``'\\b'`` or ANSI
  escapes): a log gets one line per run, so one bar line per epoch of ``fit``;
- ``verbose=2``, in every mode: one short line per run, `` - 0s - loss: 0.6917 - accuracy: 0.7500``.

In Jupyter the redraw is the same ``'\\r'`` a terminal gets, not an ``IPython.display`` handle:
Jupyter's output area treats a ``'\\r'`` in a stream output as a return to the start of the
line, so the bar updates in place; the text stays in the one stdout stream that ``print`` uses,
so ``Epoch k/n`` and the user's own output keep their order and a saved notebook holds plain
text; and nothing from IPython is imported. The kernel's stream answers ``isatty()`` with
False, which is why Jupyter is detected on its own (``in_jupyter_kernel``).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Literal, TextIO

import numpy as np

from neuronet import backend

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of units expected (samples or steps), or None if unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (the bar), 2 (one summary line at the end).
        interval: minimum number of seconds between two redraws on a terminal.
        stateful_metrics: accepted for Keras compatibility. Every value is shown as given,
            as if all metrics were stateful: the training loop passes running means already.
        unit_name: the unit of the time per unit (``"25us/step"``).
        stream: where to write; None means ``sys.stdout`` as it is at each write.
        clock: a function returning seconds (``time.monotonic`` when None); tests inject
            a fake one to get exact timings.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progbar(4, stream=out, clock=iter([0.0, 0.0001]).__next__)
    >>> bar.update(4, [("loss", 0.6917)])
    >>> out.getvalue()
    '4/4 [==============================] - 0s 25us/step - loss: 0.6917\\n'
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.1,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
        stream: TextIO | None = None,
        clock: Callable[[], float] | None = None,
    ):
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar verbose must be 0, 1 or 2, got {verbose!r}.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self.unit_name = unit_name
        self.stream = stream
        self._clock = clock if clock is not None else time.monotonic
        self._start = self._clock()
        self._last_update: float | None = None  # None: the first update is always drawn
        self._drawn_width = 0  # length of the line now on a terminal, to blank leftovers
        # The display mode of the last stream written to: found once per stream, not per batch
        # (isatty is a system call on a real file).
        self._mode_stream = None
        self._mode = "plain"
        self._seen_so_far = 0
        self._values: dict[str, Any] = {}  # name -> latest value, in order of first appearance

    def update(
        self,
        current: int,
        values: Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Record progress up to ``current`` units and redraw as the display mode allows.

        Args:
            current: units done so far (not an increment).
            values: list of ``(name, value)`` pairs to show; each value is shown as given.
            finalize: whether this is the last update; None means ``current >= target``
                (never, when the target is unknown).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self._values[name] = value
        self._seen_so_far = current
        if self.verbose == 0:
            return

        now = self._clock()
        stream = self.stream if self.stream is not None else sys.stdout
        if self.verbose == 1:
            if self._display_mode(stream) != "plain":
                if (
                    not finalize
                    and self._last_update is not None
                    and now - self._last_update < self.interval
                ):
                    return
                line = self._line(current, now, finalize)
                # A shorter line must blank what the previous, longer one left on screen.
                padding = " " * max(0, self._drawn_width - len(line))
                self._drawn_width = len(line)
                stream.write("\r" + line + padding + ("\n" if finalize else ""))
            elif finalize:
                stream.write(self._line(current, now, finalize) + "\n")
            else:
                return
        elif finalize:
            stream.write(f" - {now - self._start:.0f}s{self._format_values()}\n")
        else:
            return
        stream.flush()
        self._last_update = now

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advance by ``n`` units: ``update(seen_so_far + n, values)``."""
        self.update(self._seen_so_far + n, values)

    def _display_mode(self, stream):
        if stream is not self._mode_stream:
            self._mode_stream = stream
            self._mode = display_mode(stream)
        return self._mode

    def _line(self, current, now, finalize):
        """The bar, then the ETA (running) or the elapsed and per-unit time, then values."""
        elapsed = now - self._start
        if self.target is not None:
            digits = len(str(int(self.target)))
            bar = f"{int(current):{digits}d}/{self.target} ["
            fraction = min(current / self.target, 1.0) if self.target > 0 else 1.0
            filled = int(self.width * fraction)
            if filled > 0:
                bar += "=" * (filled - 1) + (">" if current < self.target else "=")
            bar += "." * (self.width - filled) + "]"
        else:
            bar = f"{int(current):7d}/Unknown"

        time_per_unit = elapsed / current if current else 0.0
        if self.target is not None and current < self.target and not finalize:
            info = f" - ETA: {_format_eta(time_per_unit * (self.target - current))}"
        else:
            info = f" - {elapsed:.0f}s {_format_time_per_unit(time_per_unit, self.unit_name)}"
        return bar + info + self._format_values()

    def _format_values(self):
        return "".join(f" - {name}: {_format_value(v)}" for name, v in self._values.items())


def in_jupyter_kernel() -> bool:
    """True when this code runs inside a Jupyter (IPython) kernel.

    The kernel is ``ipykernel`` and its shell a ``ZMQInteractiveShell`` (or a subclass, such as
    Colab's). Importing ``ipykernel`` elsewhere (a test, a tool) is not enough, and a terminal
    IPython is not a kernel: its output is a terminal already. IPython is looked up among the
    loaded modules, never imported: when it is not loaded this is no kernel.

    Returns:
        Whether the running shell is a Jupyter kernel's.
    """
    if "ipykernel" not in sys.modules:
        return False
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    if not callable(get_ipython):
        return False
    shell = get_ipython()
    return shell is not None and any(
        cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__
    )


def display_mode(stream: TextIO) -> Literal["jupyter", "terminal", "plain"]:
    """How a progress bar can draw on ``stream``.

    Args:
        stream: the text stream the bar writes to.

    Returns:
        ``"jupyter"`` for the output stream of a Jupyter kernel (``sys.stdout`` or
        ``sys.stderr`` there, which forward text to the notebook), ``"terminal"`` when
        ``stream.isatty()`` is true, ``"plain"`` otherwise (a pipe, a file, a ``StringIO``,
        a closed file). The first two redraw one line in place; plain writes finished lines.

    >>> import io
    >>> display_mode(io.StringIO())
    'plain'
    """
    iostream = sys.modules.get("ipykernel.iostream")
    out_stream = getattr(iostream, "OutStream", None)
    # A file opened inside a notebook is still plain: only the kernel's own streams qualify.
    if isinstance(out_stream, type) and isinstance(stream, out_stream) and in_jupyter_kernel():
        return "jupyter"
    isatty = getattr(stream, "isatty", None)
    try:
        tty = bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed file
        tty = False
    return "terminal" if tty else "plain"


def _format_eta(seconds):
    """``'7s'``, ``'1:05'`` or ``'1:00:05'``, as Keras 2 wrote the time left."""
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _format_time_per_unit(seconds, unit_name):
    """Seconds per unit in the largest of s, ms, us that keeps the number at least 1."""
    if seconds >= 1:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_value(value):
    """``'0.6917'``; ``'1.2300e-05'`` for small non-zero magnitudes; text as it is."""
    if isinstance(value, str):
        return value
    try:
        number = float(np.mean(backend.to_numpy(value)))
    except (TypeError, ValueError):
        return str(value)
    if number != 0 and abs(number) < 1e-3:
        return f"{number:.4e}"
    return f"{number:.4f}"
