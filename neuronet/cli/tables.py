"""The data files of ``predict`` and ``train``: CSV and ``.npy`` in, CSV and ``.npy`` out.

CSV files are read with the standard ``csv`` module (no pandas needed): UTF-8 (a byte-order
mark, as spreadsheet programs write, is skipped), comma-separated, cells stripped of spaces,
blank lines skipped, and strict about quotes (an unclosed quote is an error, not a cell that
swallows the rest of the file). Every refusal is a ``CommandError`` (status 2) whose message
starts with the file's path and, for a cell, gives its line in the file and its column (number
and name), as in ``data.csv: line 3, column 2 ('x2'): 'abc' is not a number.``

``.npy`` files are recognised by their content (NumPy's magic bytes), not their name, and are
read with ``allow_pickle=False``: an object array, which only pickle can restore, is refused.
"""

import collections
import csv
import math
from typing import TextIO

import numpy as np

from neuronet.cli.files import CommandError, file_message, writing
from neuronet.saving.atomic import atomic_path

NPY_MAGIC = b"\x93NUMPY"
HEADER_CHOICES = ("auto", "yes", "no")

Table = collections.namedtuple("Table", "path names rows lines")
Table.__doc__ = """A CSV file's cells: ``names`` (the header, or None), ``rows`` (lists of stripped
strings, all as wide as the first row) and ``lines`` (each row's line number in the file)."""


def is_npy(path: str) -> bool:
    """Whether ``path`` starts with NumPy's ``.npy`` magic bytes (False for anything else)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(NPY_MAGIC)) == NPY_MAGIC
    except OSError as error:
        raise CommandError(file_message(path, error)) from None


def read_csv(path: str, header: str = "auto") -> Table:
    """The cells of the CSV file ``path``.

    Args:
        path: the file.
        header: ``"yes"`` (the first row names the columns), ``"no"`` (every row is data) or
            ``"auto"``: the first row is a header when none of its cells is a number.

    Returns:
        A ``Table`` with at least one data row.
    """
    rows, lines = [], []
    reader = None
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            for row in reader:
                cells = [cell.strip() for cell in row]
                if any(cells):  # a blank line (often the last one) is no sample
                    rows.append(cells)
                    lines.append(reader.line_num)
    except OSError as error:
        raise CommandError(file_message(path, error)) from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file, so not a CSV file.") from None
    except csv.Error as error:
        line = reader.line_num if reader is not None else 1
        raise CommandError(f"{path}: line {line}: not valid CSV ({error}).") from None
    if not rows:
        raise CommandError(f"{path}: empty; one row per sample was expected.")
    has_header = header == "yes" or (header == "auto" and not any(map(_is_number, rows[0])))
    names = rows.pop(0) if has_header else None
    first_line = lines.pop(0) if has_header else None
    if not rows:
        raise CommandError(f"{path}: a header row (line {first_line}) but no data rows.")
    width = len(names) if names is not None else len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != width:
            what = "the header has" if names is not None else f"line {lines[0]} has"
            raise CommandError(
                f"{path}: line {line} has {_cells(len(row))}, but {what} {_cells(width)}."
            )
    return Table(path, names, rows, lines)


def column_label(table: Table, index: int) -> str:
    """``column 2 ('x2')``, or ``column 2`` in a file without a header (numbered from 1)."""
    if table.names is None:
        return f"column {index + 1}"
    return f"column {index + 1} ({table.names[index]!r})"


def numbers(table: Table, columns: list[int], finite: bool = True) -> np.ndarray:
    """The cells of ``columns`` as a float64 array of shape ``(rows, len(columns))``.

    Args:
        table: from ``read_csv``.
        columns: the indices of the columns to read, in the order wanted.
        finite: refuse ``nan`` and ``inf`` (training needs finite numbers; ``predict`` passes
            them through, as Keras does).

    Raises:
        CommandError: the first cell that is empty or not a number, by line and column.
    """
    values = np.empty((len(table.rows), len(columns)), dtype="float64")
    for i, (row, line) in enumerate(zip(table.rows, table.lines)):
        for j, column in enumerate(columns):
            cell = row[column]
            value = _number(cell)
            if value is None or (finite and not math.isfinite(value)):
                where = f"{table.path}: line {line}, {column_label(table, column)}"
                if not cell:
                    raise CommandError(f"{where}: empty; a number was expected.")
                kind = "a finite number" if value is not None else "a number"
                raise CommandError(f"{where}: {cell!r} is not {kind}.")
            values[i, j] = value
    return values


def first_non_number(table: Table, column: int) -> tuple[int, str] | None:
    """``(line, cell)`` of the first cell of ``column`` that is not a number, or None."""
    for row, line in zip(table.rows, table.lines):
        if _number(row[column]) is None:
            return line, row[column]
    return None


def read_npy(path: str) -> np.ndarray:
    """A numeric array from a ``.npy`` file (bool, integer or float), never unpickled."""
    try:
        array = np.load(path, allow_pickle=False)
    except OSError as error:
        raise CommandError(file_message(path, error)) from None
    except (ValueError, EOFError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise CommandError(f"{path}: not a readable .npy file ({reason}).") from None
    if array.dtype.kind not in "biuf":
        raise CommandError(f"{path}: holds {array.dtype} values; numbers were expected.")
    if array.ndim < 2:
        raise CommandError(
            f"{path}: an array of shape {array.shape}; one row per sample was expected "
            "(shape (samples, inputs))."
        )
    return array


def output_kind(path: str | None) -> str:
    """``"npy"`` or ``"csv"`` from an output file's name (stdout, ``None``, is CSV)."""
    if path is None or path.lower().endswith(".csv"):
        return "csv"
    if path.lower().endswith(".npy"):
        return "npy"
    raise CommandError(
        f"{path}: cannot tell the output format from the name; end it in .csv or .npy."
    )


def write_table(path: str | None, values: np.ndarray, names: list[str], out: TextIO) -> None:
    """Write ``values`` (one row per sample) to ``path``, atomically; ``None`` writes CSV to
    ``out``. A ``.npy`` file gets the array as it is; a CSV file a header row of ``names``.
    """
    if path is None:
        _write_csv(out, values, names)
        return
    with writing(path), atomic_path(path) as temporary:
        if output_kind(path) == "npy":
            with open(temporary, "wb") as handle:
                np.save(handle, values, allow_pickle=False)
        else:
            with open(temporary, "w", newline="", encoding="utf-8") as handle:
                _write_csv(handle, values, names)


def _write_csv(handle, values, names):
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(names)
    matrix = values.reshape(len(values), -1)
    if matrix.dtype.kind == "f":
        # str() of a NumPy float gives the shortest text that reads back to the same value:
        # 0.3 for a float32 0.3, where float(...) would print 0.30000001192092896.
        writer.writerows([str(value) for value in row] for row in matrix)
    else:
        writer.writerows(matrix.tolist())


def _cells(count):
    return f"{count} cell" if count == 1 else f"{count} cells"


def _number(cell):
    """``float(cell)``, or None for a cell that is not a number."""
    try:
        return float(cell)
    except ValueError:
        return None


def _is_number(cell):
    return _number(cell) is not None
