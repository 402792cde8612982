"""Property-based fuzzing of every loader: the harness, its own tests, and the mutators.

The property (issue 3): a mutated valid file gives either a model that loads and predicts, or
neuronet's clean ``FileFormatError``; never another exception type, a hang or a crash of the
interpreter. The fuzz tests live in ``test_fuzz_json.py`` (JSON-level mutations of configs),
``test_fuzz_bytes.py`` (bytes of every file kind) and ``test_fuzz_h5_structure.py`` (HDF5 files
edited with h5py), on the inputs of ``test_fuzz_mutators.py`` (the valid files they start
from and the mutations), and each bug they found is a plain test in
``test_fuzz_regressions.py``. This module holds the harness they share, and tests that it
notices every kind of failure (a harness that cannot fail would prove nothing).

What counts as a pass, for one example (``check_load``):

- ``"loaded"``: the loader returned, and the model predicts (finite or not) without raising
  for an input of its own input shape (skipped when that shape is unknown or very large);
- ``"refused"``: a ``FileFormatError`` whose message starts with the file's name. The loaders
  end in catch-alls (``config_checks.loading_errors``, ``h5_checks.h5_errors``) that turn any
  exception into a ``FileFormatError``, so the type alone proves little; what the catch-all
  wrapped is checked too. It passes if it was raised by a ``raise`` statement of neuronet (a
  check with a message written for the problem, e.g. a layer refusing its arguments) or
  inside h5py (libhdf5 refusing bytes it cannot parse). A KeyError, TypeError,
  AttributeError... raised by an operation ("'str' object has no attribute 'get'") means a
  check is missing and fails the example, as does any MemoryError, RecursionError or
  SystemError on the way. For ``load_weights``, a refusal must also leave the weights as they
  were. Warnings other than UserWarning and RuntimeWarning fail too.

Hangs and crashes. Each example runs under a ``SIGALRM`` timer (``time_limit``) that raises
``Hang``, a ``BaseException``, so that no ``except Exception`` in the loaders can swallow it.
A timer cannot stop C code that never returns to Python, and a libhdf5 crash (these have
happened on damaged files, see the HDF5 CVE list) would take pytest down with it. So every
example whose bytes libhdf5 parses after a byte-level or h5py-level mutation runs in a
``Worker``: a long-lived child Python that loads the file and reports the outcome through a
pipe. If the child dies, the example fails with the signal that killed it; if it does not
answer within the time budget plus a margin, it is killed and the example fails as a hang.
Either way a fresh child serves the next example. JSON-level mutations of configs, whose
HDF5 part is a valid file written by libhdf5 itself, run in the pytest process.

Budgets. The default run is deterministic (``derandomize=True``) and small enough for CI (the
whole fuzz suite in about 20 s). Set ``NEURONET_FUZZ_EXAMPLES`` for a heavier, randomised run,
e.g. ``NEURONET_FUZZ_EXAMPLES=5000 python -m pytest tests/saving/test_fuzz_*.py -q -p
no:cacheprovider`` (add ``--hypothesis-seed=N`` to repeat one). ``NEURONET_FUZZ_SECONDS``
changes the per-example time budget (default 10 s). Loads use ``max_params=FUZZ_MAX_PARAMS``
so that a mutated size is refused before it can allocate gigabytes; the cap itself is
tested in ``test_hostile_configs.py``.
"""

import contextlib
import json
import linecache
import math
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import neuronet
from neuronet import backend
from neuronet.errors import FileFormatError, ShapeError

ROOT = Path(__file__).resolve().parents[2]
HEAVY_EXAMPLES = int(os.environ.get("NEURONET_FUZZ_EXAMPLES", "0"))
EXAMPLE_SECONDS = float(os.environ.get("NEURONET_FUZZ_SECONDS", "10"))
WORKER_MARGIN_SECONDS = 10  # the child's own timer fires first; this catches C-level hangs
FUZZ_MAX_PARAMS = 100_000
MAX_PREDICT_ELEMENTS = 1_000_000
# Errors that mean a limit was missing, whoever wrapped them.
_RESOURCE_ERRORS = (MemoryError, RecursionError, SystemError)
# Warnings a load may give: skipped optimizer state or layers (UserWarning), and overflow or
# invalid values while casting or predicting with mutated weights (RuntimeWarning).
_ALLOWED_WARNINGS = (UserWarning, RuntimeWarning)


def fuzz_settings(default_examples):
    """Hypothesis settings: ``default_examples`` deterministic examples, or the heavy run's."""
    heavy = HEAVY_EXAMPLES > 0
    return settings(
        max_examples=HEAVY_EXAMPLES if heavy else default_examples,
        derandomize=not heavy,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


class LoaderProblem(AssertionError):
    """An example broke the property; the message says how, with the traceback."""


class Hang(BaseException):
    """Raised by ``time_limit``; a BaseException so that loaders cannot catch it."""


@contextlib.contextmanager
def time_limit(seconds):
    """Raise ``Hang`` in the block after ``seconds`` (main thread only)."""

    def alarm(signum, frame):
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _chain(error):
    """The error and everything chained to it, each once."""
    seen = []
    while error is not None and all(error is not other for other in seen):
        seen.append(error)
        # as Python displays a chain: ``raise ... from None`` hides the context
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return seen


def _raising_frame(error):
    """(function name, file name, line) of the frame that raised ``error``."""
    tb = error.__traceback__
    if tb is None:
        return None, "", ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return code.co_name, code.co_filename, linecache.getline(code.co_filename, tb.tb_lineno)


def _formatted(error):
    return "".join(traceback.format_exception(error)).rstrip()


_PACKAGE = str(Path(neuronet.__file__).parent) + os.sep
_WRAPPERS = ("loading_errors", "h5_errors")  # the catch-alls of config_checks and h5_checks


def _accidental(error):
    """True unless ``error`` was raised by a ``raise`` statement of neuronet (an error with
    a message written for the problem) or inside h5py (its own refusal of damaged bytes)."""
    _, filename, line = _raising_frame(error)
    if filename.startswith(_PACKAGE):
        return not line.strip().startswith("raise")
    return "h5py" not in Path(filename).parts


def refusal_problem(error, source):
    """Why the FileFormatError ``error`` is not a clean refusal of ``source``, or None."""
    message = str(error)
    if not message.startswith(f"{source}"):
        return f"the message does not start with {source!r}: {message[:300]!r}"
    for link in _chain(error):
        if isinstance(link, _RESOURCE_ERRORS):
            return f"a {type(link).__name__} was raised on the way (a missing limit)"
    function, _, _ = _raising_frame(error)
    cause = error.__cause__
    if function in _WRAPPERS and cause is not None and _accidental(cause):
        return (
            f"{type(cause).__name__} raised by an operation, not by a check, became a "
            f"FileFormatError only in the catch-all {function} (a check is missing)"
        )
    return None


def _input_for(model):
    """A valid input batch for ``model``, or None when its shape is unknown or too large."""
    shape = model.input_shape_or_none()
    if shape is None or any(d is None for d in shape[1:]):
        return None
    batch = shape[0] or 2
    if math.prod(shape[1:]) * batch > MAX_PREDICT_ELEMENTS:
        return None
    values = np.linspace(-2.0, 2.0, math.prod(shape[1:]) * batch)
    return values.reshape((batch, *shape[1:])).astype(model.compute_dtype)


def check_load(load, source, model=None):
    """Run ``load()``; return ``"loaded"`` or ``"refused"``, or raise ``LoaderProblem``.

    Args:
        load: calls the loader; returns the model loaded (or None for ``load_weights``).
        source: the file's name, which a refusal's message must start with.
        model: for ``load_weights``: the model loaded into (checked unchanged on refusal, and
            asked to predict on success).
    """
    before = None if model is None else [w.copy() for w in model.get_weights()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with time_limit(EXAMPLE_SECONDS):
                loaded = load()
        except FileFormatError as error:
            problem = refusal_problem(error, source)
            if problem:
                raise LoaderProblem(f"{problem}\n{_formatted(error)}") from None
            if before is not None:
                for old, new in zip(before, model.get_weights()):
                    if not np.array_equal(old, new, equal_nan=True):
                        raise LoaderProblem(f"refused, but the weights changed: {error}") from None
            outcome = "refused"
        except Hang as error:
            raise LoaderProblem(f"the loader hung: {error}\n{_formatted(error)}") from None
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            raise LoaderProblem(
                f"the loader raised {type(error).__name__}, not FileFormatError\n"
                f"{_formatted(error)}"
            ) from None
        else:
            _check_predicts(model if model is not None else loaded)
            outcome = "loaded"
    odd = [w for w in caught if not issubclass(w.category, _ALLOWED_WARNINGS)]
    if odd:
        raise LoaderProblem(f"unexpected warning {odd[0].category.__name__}: {odd[0].message}")
    return outcome


def _check_predicts(model):
    x = _input_for(model)
    if x is None:
        return
    try:
        with time_limit(EXAMPLE_SECONDS), np.errstate(all="ignore"):
            model.predict(x, verbose=0)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        raise LoaderProblem(
            f"the model loaded but predict on {x.shape} raised {type(error).__name__}\n"
            f"{_formatted(error)}"
        ) from None


# --- the child process for examples that libhdf5 parses ------------------------------------
def named_model(name):
    """A fresh built model: ``textbook``, ``shapes`` or a Keras fixture's name."""
    from neuronet.layers import Activation, Dense, Dropout, Flatten, Input, Reshape
    from neuronet.models import Sequential
    from tests.models.test_sequential import textbook_model

    backend.clear_session()  # the same layer names for every example
    if name == "textbook":
        return textbook_model()
    if name == "shapes":
        model = Sequential()
        model.add(Input(shape=(2, 3)))
        for layer in (Flatten(), Dense(4, activation="relu"), Reshape((2, 2)), Dropout(0.25)):
            model.add(layer)
        model.add(Flatten())
        model.add(Dense(3, activation="softmax"))
        model.add(Activation("linear"))
        return model
    from tests.conftest import KERAS_FIXTURES
    from tests.keras_specs import build_model

    cases = json.loads((KERAS_FIXTURES / "inference.json").read_text())
    return build_model(next(case["spec"] for case in cases if case["name"] == name))


def execute(request):
    """Run one request (a dict) in this process; the outcome as a string (or LoaderProblem)."""
    from neuronet.models import load_model

    op, path = request["op"], request.get("path")
    if op == "load_model":
        return check_load(lambda: load_model(path, max_params=FUZZ_MAX_PARAMS), path)
    if op == "load_weights":
        model = named_model(request["model"])
        options = {key: request.get(key, False) for key in ("by_name", "skip_mismatch")}
        return check_load(lambda: model.load_weights(path, **options), path, model=model)
    if op == "selftest":  # the harness's own tests: misbehaviours of known kinds
        action = request["action"]
        if action == "abort":
            os.abort()
        if action == "block":  # a hang that no Python signal handler can interrupt
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        if action == "keyerror":
            return check_load(lambda: {}["units"], path)
        return check_load(lambda: named_model("textbook"), path)
    raise ValueError(f"unknown request {request!r}")


def serve():
    """The child's loop: one JSON request per line in, one JSON reply per line out."""
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything the loaders print goes to stderr, not into the replies
    for line in sys.stdin:
        try:
            reply = {"outcome": execute(json.loads(line))}
        except LoaderProblem as problem:
            reply = {"problem": str(problem)}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


class Worker:
    """A child Python running ``serve``; restarted after a crash or a hang."""

    def __init__(self):
        self.process = None
        self.stderr = None

    def _start(self):
        self.stderr = tempfile.TemporaryFile()
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "PYTHONFAULTHANDLER": "1"}
        code = "from tests.saving.test_fuzz_loaders import serve; serve()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=ROOT,
            env=env,
        )

    def _stderr_tail(self):
        self.stderr.seek(0)
        return self.stderr.read()[-3000:].decode("utf-8", "replace")

    def run(self, request, seconds=None):
        """The outcome of ``request`` in the child, or LoaderProblem (crash, hang, bug)."""
        if self.process is None or self.process.poll() is not None:
            self.close()
            self._start()
        seconds = EXAMPLE_SECONDS + WORKER_MARGIN_SECONDS if seconds is None else seconds
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            hung = not ready
            if hung:
                self.process.kill()
            code = self.process.wait()
            tail = self._stderr_tail()
            self.close()
            if hung:
                raise LoaderProblem(f"no answer within {seconds} s for {request}: a hang\n{tail}")
            name = signal.Signals(-code).name if code < 0 else f"exit status {code}"
            raise LoaderProblem(f"the interpreter crashed ({name}) on {request}\n{tail}")
        reply = json.loads(line)
        if "problem" in reply:
            raise LoaderProblem(f"{request}: {reply['problem']}")
        return reply["outcome"]

    def close(self):
        if self.process is None:
            return
        with contextlib.suppress(OSError):  # a dead child's pipe may refuse the flush
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.stderr.close()
        self.process = None


@contextlib.contextmanager
def running_worker():
    """A ``Worker`` for the block, closed after it (test modules make it a fixture)."""
    child = Worker()
    try:
        yield child
    finally:
        child.close()


@pytest.fixture(scope="module")
def worker():
    with running_worker() as child:
        yield child


# --- the harness's own tests ----------------------------------------------------------------
def _refusal(source="f.keras"):
    return FileFormatError(f"{source}: the config is wrong.")


def test_a_clean_refusal_and_a_working_model_pass():
    from tests.models.test_sequential import textbook_model

    def refuse():
        raise _refusal()

    assert check_load(refuse, "f.keras") == "refused"
    # a layer's own check, passed on by the catch-all with its message
    from neuronet.models import model_from_json

    text = '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer"}]}}'
    assert check_load(lambda: model_from_json(text), "<json string>") == "refused"
    assert check_load(textbook_model, "f.keras") == "loaded"


@pytest.mark.parametrize(
    "error",
    [KeyError("units"), TypeError("bad"), OSError("bad"), RecursionError(), MemoryError()],
)
def test_any_other_exception_fails(error):
    def load():
        raise error

    with pytest.raises(LoaderProblem, match=f"raised {type(error).__name__}, not FileFormat"):
        check_load(load, "f.keras")


def test_the_catch_all_and_resource_errors_fail_even_when_wrapped():
    from neuronet.saving import config_checks

    def wrapped(error):
        def load():
            with config_checks.loading_errors("f.keras"):
                raise error

        return load

    with pytest.raises(LoaderProblem, match="only in the catch-all loading_errors"):
        check_load(wrapped(KeyError("units")), "f.keras")
    with pytest.raises(LoaderProblem, match="MemoryError was raised"):
        check_load(wrapped(MemoryError()), "f.keras")
    with pytest.raises(LoaderProblem, match="does not start with"):
        check_load(lambda: (_ for _ in ()).throw(_refusal("other")), "f.keras")


def test_a_model_that_cannot_predict_fails():
    class Broken:
        compute_dtype = "float32"

        def input_shape_or_none(self):
            return (None, 2)

        def predict(self, x, verbose=0):
            raise ShapeError(f"cannot take {x.shape}")

    with pytest.raises(LoaderProblem, match="predict on \\(2, 2\\) raised ShapeError"):
        check_load(Broken, "f.keras")


def test_a_refused_load_weights_that_changed_weights_fails():
    from tests.models.test_sequential import textbook_model

    model = textbook_model()

    def load():
        model.layers[0].bias.assign(np.ones(10, "float32"))
        raise _refusal()

    with pytest.raises(LoaderProblem, match="weights changed"):
        check_load(load, "f.keras", model=model)


def test_a_hang_in_python_fails_within_the_budget(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "EXAMPLE_SECONDS", 0.2)
    start = time.monotonic()
    with pytest.raises(LoaderProblem, match="hung"):
        check_load(lambda: time.sleep(60), "f.keras")
    assert time.monotonic() - start < 5


def test_the_worker_reports_crashes_and_hangs_and_recovers(worker):
    assert worker.run({"op": "selftest", "action": "pass", "path": "f.keras"}) == "loaded"
    with pytest.raises(LoaderProblem, match="crashed \\(SIGABRT\\)"):
        worker.run({"op": "selftest", "action": "abort"})
    start = time.monotonic()
    with pytest.raises(LoaderProblem, match="a hang"):
        worker.run({"op": "selftest", "action": "block"}, seconds=1)
    assert time.monotonic() - start < 10
    with pytest.raises(LoaderProblem, match="raised KeyError"):
        worker.run({"op": "selftest", "action": "keyerror", "path": "f.keras"})
    assert worker.run({"op": "selftest", "action": "pass", "path": "f.keras"}) == "loaded"
