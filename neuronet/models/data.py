"""Checking and preparing the arrays given to ``fit``, ``evaluate`` and ``predict``.

Everything here runs before a model changes: a call that fails validation leaves the weights,
the optimizer state and the build status as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from neuronet import backend
from neuronet.errors import DataError, ShapeError
from neuronet.layers.layer import format_shape

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import numpy.typing as npt


def as_array(value: Any, name: str, finite: bool = True) -> np.ndarray:
    """``value`` as a NumPy array of numbers, or a DataError saying what is wrong.

    ``finite``: refuse NaN and infinities (training data); ``predict`` passes False, since a
    NaN input only gives NaN outputs for its own rows, as in Keras.
    """
    if value is None:
        raise DataError(f"`{name}` is None; pass an array of numbers.")
    columns = None
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):  # pandas
        columns = list(value.columns) if hasattr(value, "columns") else None
        value = _from_pandas(value, name)
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise DataError(
            f"`{name}` could not be turned into an array ({error}); all samples must have the "
            "same shape."
        ) from None
    if array.dtype.kind == "b":
        array = array.astype("float32")
    if array.dtype.kind not in "iuf":
        try:
            array = array.astype("float64")
        except (TypeError, ValueError):
            example = next((v for v in array.reshape(-1) if not _is_number(v)), None)
            raise DataError(
                f"`{name}` must hold numbers, but it has dtype {array.dtype}"
                + (f" and contains {example!r}" if example is not None else "")
                + ". Convert the values to numbers (e.g. encode labels as integers)."
            ) from None
    if array.ndim == 0:
        raise DataError(f"`{name}` must be an array of samples, got the scalar {array!r}.")
    if array.shape[0] == 0:
        raise DataError(f"`{name}` is empty (shape {array.shape}); there is nothing to use.")
    if finite and array.dtype.kind == "f" and not backend.all_finite(array):
        bad = np.argwhere(~np.isfinite(array))[0]
        value = array[tuple(bad)]
        where = ""
        if columns is not None and array.ndim == 2:  # a DataFrame: say which column
            where = f" (row {int(bad[0])}, column {columns[int(bad[1])]!r})"
        raise DataError(
            f"`{name}` contains {value} at index {tuple(int(i) for i in bad)}{where}; NaN and "
            "inf cannot be trained on. Remove or impute those samples first."
        )
    return array


def _from_pandas(value, name):
    """A DataFrame or Series as a NumPy array; its columns keep their order.

    Plain numeric columns convert as pandas converts them; nullable ones (``Int64``,
    ``boolean``) become float64 with ``pd.NA`` as NaN, so that a missing value is reported as
    one. Columns that hold no numbers are named in the error.
    """
    dtypes = list(value.dtypes) if hasattr(value, "columns") else [value.dtype]
    if all(isinstance(dtype, np.dtype) and dtype.kind in "biuf" for dtype in dtypes):
        return value.to_numpy()
    # Dates and durations would pass as nanosecond counts: refused like text.
    if not any(getattr(dtype, "kind", "O") in "mM" for dtype in dtypes):
        try:
            return value.to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            pass
    if hasattr(value, "columns"):
        bad = [
            f"{column!r} ({dtype})"
            for column, dtype in value.dtypes.items()
            if not _converts(value[column])
        ]
        them = "them" if len(bad) > 1 else "it"
        raise DataError(
            f"`{name}` has non-numeric column{'s' if len(bad) > 1 else ''} {', '.join(bad)}. "
            f"Convert {them} to numbers first (for categories: pandas.get_dummies, or "
            f".astype('category').cat.codes), or drop {them}."
        ) from None
    raise DataError(
        f"`{name}` is a pandas Series of dtype {value.dtype} that does not hold numbers. "
        "Convert it to numbers first (for categories: .astype('category').cat.codes)."
    ) from None


def _converts(column):
    if getattr(column.dtype, "kind", "O") in "mM":
        return False
    try:
        column.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        return False
    return True


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def check_same_length(arrays: Sequence[tuple[str, Any]]) -> None:
    """All named arrays must have as many samples as the first."""
    (first_name, first), *rest = arrays
    for name, array in rest:
        if array is not None and len(array) != len(first):
            raise DataError(
                f"`{first_name}` and `{name}` must have the same number of samples, but "
                f"{first_name} has {len(first)} and {name} has {len(array)}."
            )


def check_input_shape(model: Any, x: np.ndarray) -> None:
    """Raise a ShapeError naming the first layer, both shapes and the fix, when x does not fit."""
    expected = model.input_shape_or_none()
    if expected is None:
        return
    received = x.shape
    compatible = len(received) == len(expected) and all(
        e is None or e == r for e, r in zip(expected[1:], received[1:])
    )
    if compatible:
        return
    first = model.layers[0] if model.layers else None
    where = f"layer '{first.name}', the first layer of" if first is not None else "the input of"
    message = (
        f"Input of {where} model '{model.name}' is incompatible: expected shape "
        f"{format_shape(expected)}, but received data of shape {format_shape(received)}."
    )
    if len(expected) == 2 and len(received) == 2:
        message += (
            f" The model expects {expected[1]} features per sample, the data has "
            f"{received[1]}. Pass data with {expected[1]} features, or build the model for "
            f"{received[1]}: set input_dim={received[1]} (or input_shape=({received[1]},)) "
            "on the first layer."
        )
    elif len(expected) == 2 and len(received) == 1:
        message += f" Each sample must be a row: reshape x to ({received[0]}, {expected[1]})."
    else:
        message += (
            f" Reshape the data to {format_shape((received[0],) + tuple(expected[1:]))}, or "
            f"declare input_shape={tuple(received[1:])} on the first layer."
        )
    raise ShapeError(message)


def sample_weights(
    sample_weight: npt.ArrayLike | None,
    class_weight: Mapping[Any, float] | None,
    y: np.ndarray,
    n: int,
) -> np.ndarray | None:
    """Per-sample weights from ``sample_weight`` and/or ``class_weight`` (None if neither)."""
    weights = None
    if sample_weight is not None:
        weights = as_array(sample_weight, "sample_weight").astype("float64")
        if weights.ndim == 2 and weights.shape[1] == 1:
            weights = weights[:, 0]
        if weights.shape != (n,):
            raise DataError(
                f"`sample_weight` must have one weight per sample, shape ({n},), "
                f"got {weights.shape}."
            )
        if np.any(weights < 0):
            raise DataError("`sample_weight` must not be negative.")
    if class_weight is not None:
        if not isinstance(class_weight, dict):
            raise DataError("`class_weight` must be a dict mapping class indices to weights.")
        classes = class_indices(y)
        missing = sorted(set(np.unique(classes).tolist()) - set(int(k) for k in class_weight))
        if missing:
            raise DataError(
                f"`class_weight` has no weight for class {missing[0]}, which occurs in y; give "
                "every class a weight."
            )
        table = {int(k): float(v) for k, v in class_weight.items()}
        per_sample = np.array([table[int(c)] for c in np.unique(classes)])
        lookup = per_sample[np.searchsorted(np.unique(classes), classes)]
        weights = lookup if weights is None else weights * lookup
    return weights


def class_indices(y: np.ndarray) -> np.ndarray:
    """The class of each sample: argmax of one-hot rows, else the (rounded) label itself."""
    if y.ndim >= 2 and y.shape[-1] > 1:
        return np.argmax(y, axis=-1).reshape(len(y))
    return np.round(y.reshape(len(y))).astype("int64")


def split_validation(arrays: Sequence[Any], validation_split: float) -> tuple[list[Any], list[Any]]:
    """Keras's ``validation_split``: the last fraction of the samples, before any shuffling."""
    if not 0.0 < validation_split < 1.0:
        raise DataError(f"`validation_split` must be in (0, 1), got {validation_split}.")
    n = len(arrays[0])
    split_at = int(n * (1.0 - validation_split))
    if split_at == 0 or split_at == n:
        raise DataError(
            f"`validation_split={validation_split}` of {n} samples leaves "
            f"{'no training' if split_at == 0 else 'no validation'} samples."
        )
    train = [None if a is None else a[:split_at] for a in arrays]
    val = [None if a is None else a[split_at:] for a in arrays]
    return train, val


def unpack_validation_data(validation_data: Any) -> tuple[Any, Any, Any]:
    """``(x, y)`` or ``(x, y, sample_weight)``, as Keras accepts it."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise DataError(
            "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight)."
        )
    x_val, y_val, *rest = validation_data
    return x_val, y_val, (rest[0] if rest else None)
