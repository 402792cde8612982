"""PyDataset (alias Sequence): a dataset that hands ``fit`` one batch at a time, as in Keras 3.

Data that does not fit in memory (images on disk, rows of a database) is read batch by batch:
subclass ``PyDataset``, say how many batches there are (``__len__``) and how to build batch
``i`` (``__getitem__``), and pass the object to ``fit``, ``evaluate`` or ``predict`` in place of
``x`` (with no ``y`` and no ``batch_size``: the dataset makes the batches).
"""

from collections.abc import Iterator
from typing import Any


class PyDataset:
    """Base class of datasets that build their batches in Python code (Keras 3's PyDataset).

    A subclass implements ``__len__`` (the number of batches, not of samples) and
    ``__getitem__(index)``, which returns batch ``index`` as a tuple ``(x, y)`` or
    ``(x, y, sample_weight)`` of arrays (``predict`` also takes ``x`` alone). It may also
    implement ``on_epoch_begin()`` and ``on_epoch_end()``, which ``fit`` calls around each
    epoch (and ``evaluate``/``predict`` around their one pass), for instance to reshuffle
    the samples between epochs.

    With ``shuffle=True`` (``fit``'s default) the batches are visited in a new random order each
    epoch, drawn from neuronet's seeded generator; each batch keeps its own samples.

    A subclass may skip ``super().__init__()``: the defaults below then apply. A dataset with
    no end defines ``num_batches`` as None instead of ``__len__``; ``fit`` then needs
    ``steps_per_epoch`` (and ``evaluate``/``predict`` need ``steps``).

    Args:
        workers: how many threads build batches ahead of the training step. 1 (the default)
            builds each batch in the calling thread when it is needed. More workers help when
            ``__getitem__`` waits on disk or network; batches are still used in order.
        use_multiprocessing: accepted for Keras compatibility; neuronet always uses threads,
            so ``__getitem__`` must be safe to call from several threads at once when
            ``workers > 1``.
        max_queue_size: at most this many batches are built ahead (with ``workers > 1``).

    >>> import numpy as np
    >>> class Halves(PyDataset):
    ...     def __init__(self, x, y, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x, self.y = x, y
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, index):
    ...         half = len(self.x) // 2
    ...         rows = slice(index * half, (index + 1) * half)
    ...         return self.x[rows], self.y[rows]
    >>> data = Halves(np.zeros((4, 3)), np.ones((4, 1)))
    >>> len(data), data[1][0].shape
    (2, (2, 3))
    """

    # Class defaults, so that subclasses written for Keras 2's Sequence, which took no
    # arguments and often skip super().__init__(), work unchanged.
    workers = 1
    use_multiprocessing = False
    max_queue_size = 10

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise ValueError(f"`workers` must be a non-negative integer, got {workers!r}.")
        if (
            isinstance(max_queue_size, bool)
            or not isinstance(max_queue_size, int)
            or max_queue_size < 1
        ):
            raise ValueError(
                f"`max_queue_size` must be a positive integer, got {max_queue_size!r}."
            )
        self.workers = workers
        self.use_multiprocessing = bool(use_multiprocessing)
        self.max_queue_size = max_queue_size

    def __getitem__(self, index: int) -> Any:
        """Batch ``index``: ``(x, y)`` or ``(x, y, sample_weight)``.

        Args:
            index: the position of the batch, from 0 to ``len(self) - 1``.

        Returns:
            The batch, a tuple of arrays with the samples on their first axis.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement __getitem__(self, index), returning batch "
            "`index` as (x, y) or (x, y, sample_weight)."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches: ``len(self)``, or None for a dataset with no end."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must implement __len__(self), the number of batches "
            "(or a `num_batches` property that is None for a dataset with no end)."
        )

    def on_epoch_begin(self) -> None:
        """Called before each epoch of ``fit`` (and before ``evaluate``/``predict``)."""

    def on_epoch_end(self) -> None:
        """Called after each epoch of ``fit`` (and after ``evaluate``/``predict``)."""

    def __iter__(self) -> Iterator[Any]:
        """The batches in order, as Keras 2's ``Sequence.__iter__`` gave them."""
        count = self.num_batches
        index = 0
        while count is None or index < count:
            yield self[index]
            index += 1


# Keras 3 exports the same class under both names.
Sequence = PyDataset
