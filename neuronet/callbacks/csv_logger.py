"""CSVLogger: write each epoch's logs as a row of a CSV file."""

from __future__ import annotations

import csv
import os
from typing import IO, Any

import numpy as np

from neuronet import backend
from neuronet.callbacks.callback import Callback, check_callback_kwargs


class CSVLogger(Callback):
    """Stream epoch results to a CSV file, one row per epoch.

    The columns are ``epoch`` (0-based) and the log names of the first epoch in
    alphabetical order, plus the model's ``val_*`` metric names when it lists them in
    ``metrics_names``; a log missing from a later epoch is written as ``NA``. Rows end in
    ``\\r\\n`` (the CSV standard, and what Keras writes).

    Args:
        filename: the CSV file, e.g. ``"run/log.csv"``.
        separator: the string between fields.
        append: True appends to an existing file (continuing a training run), writing the
            header only if the file is empty; False overwrites it.

    >>> csv_logger = CSVLogger("training.log")
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        separator: str = ",",
        append: bool = False,
        **kwargs: Any,
    ):
        super().__init__()
        check_callback_kwargs(self, kwargs)
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self.writer: csv.DictWriter[str] | None = None
        self.csv_file: IO[str] | None = None
        self.append_header = True

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as existing:
                self.append_header = not existing.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        csv_file = self.csv_file
        if csv_file is None:
            raise RuntimeError("CSVLogger: on_train_begin, which opens the file, was not called.")
        if self.keys is None:
            self.keys = sorted(logs)
            # Validation may not run every epoch: reserve its columns from the start.
            for name in getattr(self.model, "metrics_names", None) or ():
                if name.startswith("val_") and name not in self.keys:
                    self.keys.append(name)
        if self.writer is None:
            dialect = type("CSVLoggerDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(
                csv_file,
                fieldnames=["epoch", *self.keys],
                dialect=dialect,
                extrasaction="ignore",
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        csv_file.flush()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value):
    """What ``csv`` writes for a log value: scalars as they print, arrays as ``[a, b, ...]``."""
    if isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) > 0:
        flat = np.ravel(backend.to_numpy(value)).tolist()
        return "[" + ", ".join(map(str, flat)) + "]"
    return value
