"""The batches of an epoch over arrays held in memory (what ``fit`` does with NumPy data).

Without shuffling, an epoch's batches are views of the arrays, made once per ``fit``. With
shuffling, each epoch draws a new order and gathers each batch's rows into buffers allocated
once per ``fit``: no copy of the dataset per epoch, and no allocation per batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from neuronet import backend
from neuronet.backend import xp


class ArrayBatches:
    """The batches of one epoch: slices in order, or a new random order each epoch, gathered
    into buffers allocated once per ``fit`` (no copy of the dataset per batch)."""

    def __init__(self, arrays: tuple[Any, ...], batch_size: int, shuffle: bool) -> None:
        self.arrays = arrays
        self.n = len(arrays[0])
        self.batch_size = batch_size
        # One batch holding every sample: its mean gradient does not depend on the order.
        self.shuffle = shuffle and self.n > batch_size
        self.buffers: list[Any] | None = None
        self.slices: list[tuple[int, int, tuple[Any, ...]]] | None = None
        if self.shuffle:
            size = batch_size
            self.buffers = [
                None if a is None else xp.empty((size,) + a.shape[1:], dtype=a.dtype)
                for a in arrays
            ]

    def epoch(self) -> Iterable[tuple[int, int, tuple[Any, ...]]]:
        """``(step, samples seen after it, (x, y, weights))`` for each batch, in order."""
        if not self.shuffle:
            if self.slices is None:  # the same views every epoch: made once
                n, size = self.n, self.batch_size
                self.slices = [
                    (step, min(n, start + size), self._slice(start, min(n, start + size)))
                    for step, start in enumerate(range(0, n, size))
                ]
            return self.slices
        return self._shuffled()

    def _slice(self, start, stop):
        return tuple(None if a is None else a[start:stop] for a in self.arrays)

    def _shuffled(self):
        n, size = self.n, self.batch_size
        order = xp.asarray(backend.generator().permutation(n))
        for step, start in enumerate(range(0, n, size)):
            stop = min(n, start + size)
            index = order[start:stop]
            yield (
                step,
                stop,
                tuple(
                    None if a is None else backend.take_rows(a, index, buffer[: stop - start])
                    for a, buffer in zip(self.arrays, self.buffers)
                ),
            )
