"""Batch sources: data given to ``fit``/``evaluate``/``predict`` already cut into batches.

Two kinds, as in Keras 3:

- a ``PyDataset`` (alias ``Sequence``), or any object with ``__getitem__``, ``__len__`` and
  ``on_epoch_end`` (a Keras ``PyDataset`` works too): batch ``i`` is ``data[i]``, so every
  pass visits each batch once, in order or (``shuffle=True`` in ``fit``) in a new random
  order;
- any other iterable of batches: a generator, an iterator, or an object whose ``__iter__``
  starts a new pass each time it is called. A generator or iterator (it has ``__next__``)
  can be read only once, so more than one pass over it needs a number of steps per pass.

With a number of steps per pass (``steps``) the batches of ``fit`` (``steps_per_epoch``,
``validation_steps``) are drawn from one continuing stream: each epoch takes the next
``steps`` batches, starting over (a new order, or a new ``iter()``) whenever the data comes to
its end, so that every epoch has ``steps`` batches. A generator that ends stops the stream,
with Keras's warning. For ``evaluate`` and ``predict`` (one pass) ``steps`` is a limit: the
pass ends at the end of the data, with the same warning when that comes first.

This module only hands out the raw batches; ``source_training`` checks and converts them.
"""

from __future__ import annotations

import itertools
import warnings
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from neuronet import backend
from neuronet.errors import DataError
from neuronet.utils.sequence import PyDataset

# Containers that hold the data itself: they go the array way (``data.as_array``), never
# the batch way, whatever methods they have.
if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    # (index of the batch, the batch as the source gave it)
    _Batches = Generator[tuple[int, Any], None, None]

_ARRAY_TYPES = (np.ndarray, list, tuple, str, bytes, range, set, frozenset, memoryview, Mapping)


def is_batch_source(data: object) -> bool:
    """True when ``data`` yields batches (a PyDataset, a generator, an iterable of batches).

    Arrays, lists, tuples, pandas objects and anything NumPy can convert are data, not
    sources: ``fit`` batches them itself.

    >>> is_batch_source(iter([])), is_batch_source([[0, 1]]), is_batch_source(np.zeros(3))
    (True, False, False)
    """
    if data is None or isinstance(data, _ARRAY_TYPES):
        return False
    if isinstance(data, PyDataset) or _is_indexed(data):
        return True
    if hasattr(data, "to_numpy") or hasattr(data, "__array__"):  # pandas, array-likes
        return False
    return hasattr(data, "__iter__") or hasattr(data, "__next__")


def _is_indexed(data):
    """A Sequence/PyDataset by its methods (Keras's own classes included)."""
    return (
        hasattr(data, "__getitem__")
        and hasattr(data, "on_epoch_end")
        and (hasattr(data, "__len__") or hasattr(data, "num_batches"))
    )


def describe(data: object) -> str:
    """What the source is, for messages: ``"a PyDataset"``, ``"a generator"``, ..."""
    if isinstance(data, PyDataset) or _is_indexed(data):
        return "a PyDataset"
    if hasattr(data, "__next__"):
        return "a generator" if hasattr(data, "gi_frame") else "an iterator"
    return "an iterable of batches"


def positive_int(value: object, name: str) -> int | None:
    """``value`` as an int >= 1 (None stays None), or a DataError naming ``name``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise DataError(f"`{name}` must be a positive integer, got {value!r}.")
    return int(value)


def _num_batches(data):
    count = getattr(data, "num_batches", None) if hasattr(data, "num_batches") else len(data)
    if count is not None and (isinstance(count, bool) or not isinstance(count, (int, np.integer))):
        raise DataError(f"The number of batches of the PyDataset must be an int, got {count!r}.")
    return None if count is None else int(count)


class BatchSource:
    """The raw batches of one source, pass after pass (an epoch, an evaluation, a prediction).

    Args:
        data: a PyDataset or an iterable of batches (``is_batch_source(data)`` is true).
        name: the argument it came in (``"x"``, ``"validation_data"``), for messages.
        shuffle: visit a PyDataset's batches in a new random order each pass.
        steps: batches per pass, drawn from a continuing stream; None: one whole pass.
        steps_name: the argument that sets ``steps``, named in messages.
        passes: how many passes the caller will make (a generator needs ``steps`` for more
            than one).
        cycle: with ``steps``, start the data over when it ends (``fit``'s epochs); else a
            pass ends there.
    """

    def __init__(
        self,
        data: Any,
        name: str = "x",
        shuffle: bool = False,
        steps: int | None = None,
        steps_name: str = "steps",
        passes: int = 1,
        cycle: bool = False,
    ):
        self.data = data
        self.name = name
        self.kind = describe(data)
        self.steps_given = positive_int(steps, steps_name)
        self.steps_name = steps_name
        self.indexed = isinstance(data, PyDataset) or _is_indexed(data)
        self.one_shot = not self.indexed and hasattr(data, "__next__")
        self.cycle = cycle
        self.exhausted = False  # a generator ended before giving the batches asked for
        self._yielded = False  # whether any batch came out yet (an empty source warns not)
        self._learned: int | None = None  # batches in a whole pass, once one pass counted them
        self._pass: _Batches | None = None  # the iterator of the pass that peek() opened
        self._first: tuple[int, Any] | None = None  # the batch peek() took from it
        self._current: _Batches | None = None  # the pass being read, closed by end_pass()
        # the continuing stream (iterator or batch indices) when steps
        self._stream: Iterator[Any] | None = None
        if self.indexed:
            self.count = _num_batches(data)
            if self.count == 0:
                raise DataError(f"`{name}` is {self.kind} of length 0: it holds no batches.")
            if self.count is None and self.steps_given is None:
                raise DataError(
                    f"`{name}` is {self.kind} with no end (num_batches is None); pass "
                    f"`{steps_name}`, the number of batches in one pass."
                )
            self.shuffle = bool(shuffle) and self.count is not None
        else:
            # Keras ignores `shuffle` for iterables: they are expected to yield shuffled data.
            self.shuffle = False
            if self.one_shot and self.steps_given is None and passes > 1:
                raise DataError(
                    f"`{name}` is {self.kind}, which can be read only once, but it would be "
                    f"read {passes} times ({passes} passes). Pass `{steps_name}`, the number "
                    "of batches to draw from it each time (the generator must yield at "
                    f"least `{steps_name}` times {passes} batches), or give a PyDataset "
                    "(neuronet.utils.PyDataset), which can be read any number of times."
                )

    @property
    def steps(self) -> int | None:
        """Batches per pass when known (for the progress bar), else None."""
        if self.steps_given is not None:
            return self.steps_given
        if self.indexed:
            return self.count
        if self._learned is not None:
            return self._learned
        if not self.one_shot and hasattr(self.data, "__len__"):
            return len(self.data)
        return None

    def peek(self) -> tuple[int, Any] | None:
        """``(index, batch)`` that the next pass starts with, or None if it has none.

        The batch is fetched once: the next ``batches()`` starts with this very object.
        """
        if self._pass is None:
            self._pass = self._open_pass()
            self._first = next(self._pass, None)
        return self._first

    def batches(self) -> Iterator[tuple[int, Any]]:
        """``(index, batch)`` for each batch of the next pass; call ``end_pass()`` after."""
        self.peek()
        current, first = cast("_Batches", self._pass), self._first  # peek() opened the pass
        self._pass = self._first = None
        self._current = current
        return current if first is None else itertools.chain([first], current)

    def end_pass(self) -> None:
        """Close the pass (stopping workers that build batches ahead); ``on_epoch_end()``."""
        if self._current is not None:
            self._current.close()
            self._current = None
        if self.indexed:
            self.data.on_epoch_end()

    # --- a PyDataset ---------------------------------------------------------------------
    def _open_pass(self):
        if not self.indexed:
            return self._iterate() if self.steps_given is None else self._draw(self.steps_given)
        if hasattr(self.data, "on_epoch_begin"):
            self.data.on_epoch_begin()
        if self.steps_given is not None and self.cycle:
            return self._fetch(list(itertools.islice(self._index_stream(), self.steps_given)))
        self.count = _num_batches(self.data)  # it may change between passes, as in Keras
        if self.count is None:  # no end: `steps` is required, and is the pass
            return self._fetch(range(self.steps_given))
        indices = self._order()
        if self.steps_given is not None:
            if self.steps_given > len(indices):
                self._warn_ran_out()
            indices = indices[: self.steps_given]
        return self._fetch(indices)

    def _order(self):
        if self.shuffle:
            return backend.generator().permutation(self.count).tolist()
        return list(range(self.count))

    def _index_stream(self):
        """One endless stream of batch indices per source: pass after pass of the data."""
        if self._stream is None:
            self._stream = self._indices_forever()
        return self._stream

    def _indices_forever(self):
        if self.count is None:
            yield from itertools.count()
        while self.count:  # a dataset that shrank to no batches ends the stream
            yield from self._order()
            self.count = _num_batches(self.data)  # it may change between passes, as in Keras

    def _fetch(self, indices):
        """``(i, data[i])`` for each index; with ``workers > 1``, threads build them ahead."""
        workers = int(getattr(self.data, "workers", 1) or 1)
        if workers <= 1:
            for index in indices:
                yield index, self.data[index]
            return
        # Imported here: `import neuronet` should not pay for thread pools few runs use.
        from concurrent.futures import ThreadPoolExecutor

        ahead = max(int(getattr(self.data, "max_queue_size", 10) or 1), workers)
        pending = deque()
        todo = iter(indices)
        with ThreadPoolExecutor(workers, thread_name_prefix="neuronet-batches") as pool:
            try:
                for index in itertools.islice(todo, ahead):
                    pending.append((index, pool.submit(self.data.__getitem__, index)))
                while pending:
                    index, future = pending.popleft()
                    batch = future.result()
                    for following in itertools.islice(todo, 1):
                        pending.append((following, pool.submit(self.data.__getitem__, following)))
                    yield index, batch
            finally:
                # A pass left early (stop_training): batches not started are not built.
                for _, future in pending:
                    future.cancel()

    # --- an iterable ---------------------------------------------------------------------
    def _iterate(self):
        """A whole pass: ``iter(data)`` to its end; the count becomes the known steps."""
        count = 0
        for count, batch in enumerate(iter(self.data), start=1):
            yield count - 1, batch
        if count:
            self._learned = count

    def _draw(self, steps):
        """The next ``steps`` batches of the continuing stream."""
        drawn = 0
        fresh = False
        while drawn < steps:
            if self._stream is None:
                self._stream = iter(self.data)
                fresh = True
            try:
                batch = next(self._stream)
            except StopIteration:
                self._stream = None
                if self.one_shot or fresh or not self.cycle:  # nothing more will come
                    self.exhausted = True
                    if self._yielded:  # (a source that never gave a batch is an error)
                        self._warn_ran_out()
                    return
                continue
            fresh = False
            self._yielded = True
            yield drawn, batch
            drawn += 1

    def _warn_ran_out(self):
        # Keras's warning, naming the pass that was cut short.
        activity = {"steps_per_epoch": "training", "validation_steps": "validation"}
        times = " * epochs" if self.steps_name == "steps_per_epoch" else ""
        warnings.warn(
            f"Your input ran out of data; interrupting {activity.get(self.steps_name, 'the run')}"
            ". Make sure that your dataset or generator can generate at least "
            f"`{self.steps_name}{times}` batches.",
            UserWarning,
            stacklevel=3,
        )
