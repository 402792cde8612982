"""Small data helpers with Keras's names and semantics."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from neuronet import backend


def to_categorical(x: npt.ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer class labels, as ``keras.utils.to_categorical``.

    Args:
        x: integer labels, any shape; a trailing axis of size 1 is dropped.
        num_classes: number of classes; ``max(x) + 1`` when None.

    Returns:
        A float32 array of shape ``x.shape + (num_classes,)``.

    >>> to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(x)
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError("to_categorical expects integer class labels.")
    labels = labels.astype("int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"to_categorical: labels must lie in [0, {num_classes}), "
            f"got values from {labels.min()} to {labels.max()}."
        )
    categorical = np.zeros(labels.shape + (num_classes,), dtype="float32")
    np.put_along_axis(categorical, labels[..., None], 1.0, axis=-1)
    return categorical


def normalize(
    x: npt.ArrayLike, axis: int = -1, order: float | Literal["fro", "nuc"] | None = 2
) -> np.ndarray:
    """Divide ``x`` by its ``order``-norm along ``axis``, as ``keras.utils.normalize``.

    Slices whose norm is zero are left as they are (all zeros), not turned into NaN.

    Args:
        x: an array (or anything ``np.asarray`` takes).
        axis: the axis along which norms are taken.
        order: the norm's order, as ``np.linalg.norm``'s ``ord``: ``2`` (Euclidean), ``1``,
            ``np.inf``, ...

    Returns:
        A new array of ``x``'s shape; float inputs keep their dtype, integers give float64
        (NumPy's division, as in Keras).

    >>> normalize([[3.0, 4.0], [0.0, 0.0]])
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    array = np.asarray(x)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"normalize: axis must be an integer, got {axis!r}.")
    norm = np.linalg.norm(array, ord=order, axis=int(axis), keepdims=True)
    # Dividing by 1 instead of 0 keeps all-zero slices at zero.
    norm[norm == 0] = 1
    return array / norm


def split_dataset(
    dataset: np.ndarray | tuple[npt.ArrayLike, ...] | list[npt.ArrayLike],
    left_size: float | int | None = None,
    right_size: float | int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray] | tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Split arrays into a left and a right part (train/test), as ``keras.utils.split_dataset``.

    Keras returns ``tf.data.Dataset`` objects; neuronet returns arrays of the same samples.

    Args:
        dataset: an array, or a tuple or list of arrays with the same first dimension
            (``(x, y)``), split together along that dimension.
        left_size: a float in (0, 1), the fraction of samples on the left (rounded to the
            nearest count); an int in (0, n), their number; None, every sample that
            ``right_size`` leaves.
        right_size: the same for the right part; None, every sample ``left_size`` leaves.
            When the two sizes add up to less than ``n``, the samples between them are left
            out, as in Keras.
        shuffle: whether to shuffle the samples before splitting.
        seed: the shuffle's seed; None draws from neuronet's generator, which
            ``neuronet.set_random_seed`` seeds.

    Returns:
        ``(left, right)``: two arrays for an array, two tuples of arrays for a tuple or list.
        They are new arrays, sharing no memory with ``dataset``.

    Raises:
        TypeError: ``dataset`` is not an array, tuple or list; a size is not an int or float.
        ValueError: an empty dataset, arrays of different lengths, a size out of range or an
            empty part.

    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> left.tolist(), right.tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    arrays, length = _dataset_arrays(dataset)
    left_count, right_count = _split_counts(left_size, right_size, length)
    if shuffle:
        order = backend.make_generator(seed).permutation(length)
    else:
        order = np.arange(length)
    left_index, right_index = order[:left_count], order[length - right_count :]
    left = tuple(np.take(array, left_index, axis=0) for array in arrays)
    right = tuple(np.take(array, right_index, axis=0) for array in arrays)
    if isinstance(dataset, np.ndarray):
        return left[0], right[0]
    return left, right


def _dataset_arrays(dataset):
    """The arrays to split and their common length, or Keras's errors."""
    if isinstance(dataset, np.ndarray):
        arrays = (dataset,)
    elif isinstance(dataset, (tuple, list)):
        kind = type(dataset).__name__
        if not dataset:
            raise ValueError(f"split_dataset received an empty {kind}; pass arrays to split.")
        for index, element in enumerate(dataset):
            if not isinstance(element, np.ndarray):
                raise ValueError(
                    f"split_dataset expects a {kind} of numpy.ndarray objects, got "
                    f"{type(element).__name__} at index {index}."
                )
        arrays = tuple(dataset)
    else:
        raise TypeError(
            "split_dataset: `dataset` must be a NumPy array or a tuple/list of arrays, got "
            f"{type(dataset).__name__}."
        )
    for index, array in enumerate(arrays):
        if array.ndim == 0:
            raise ValueError(
                f"split_dataset: the array at index {index} is a scalar; arrays to split need "
                "a first dimension of samples."
            )
    length = len(arrays[0])
    for index, array in enumerate(arrays[1:], start=1):
        if len(array) != length:
            raise ValueError(
                "split_dataset received arrays of different lengths: shape "
                f"{arrays[0].shape} at index 0, {array.shape} at index {index}."
            )
    if length == 0:
        raise ValueError("split_dataset received an empty dataset (no samples).")
    return arrays, length


def _split_counts(left_size, right_size, length):
    """Keras's rules for ``left_size``/``right_size``: the two sample counts."""
    if left_size is None and right_size is None:
        raise ValueError(
            "split_dataset needs `left_size` or `right_size` (or both); both are None."
        )
    sizes = {"left_size": left_size, "right_size": right_size}
    for name, size in sizes.items():
        if size is not None and _kind(size) is None:
            raise TypeError(
                f"split_dataset: `{name}` must be an int, a float or None, got "
                f"{type(size).__name__} ({size!r})."
            )
    if left_size == 0 and right_size == 0:
        raise ValueError("split_dataset: `left_size` and `right_size` are both zero.")
    for name, size in sizes.items():
        kind = _kind(size)
        if (kind is int and not 0 < size < length) or (kind is float and not 0 < size < 1):
            raise ValueError(
                f"split_dataset: `{name}` must be an int in (0, {length}) or a float in (0, 1), "
                f"got {size!r}."
            )
    if _kind(left_size) is float and _kind(right_size) is float and left_size + right_size > 1:
        raise ValueError(
            f"split_dataset: `left_size` + `right_size` is {left_size + right_size}, more than 1."
        )
    counts = {
        name: round(size * length) if _kind(size) is float else size for name, size in sizes.items()
    }
    left, right = counts["left_size"], counts["right_size"]
    left = length - right if left is None else int(left)
    right = length - left if right is None else int(right)
    if left + right > length:
        raise ValueError(
            f"split_dataset: `left_size` and `right_size` ask for {left} + {right} samples, "
            f"more than the {length} in the dataset."
        )
    for side, count in (("left", left), ("right", right)):
        if count == 0:
            raise ValueError(
                f"split_dataset: with {length} samples, left_size={left_size!r} and "
                f"right_size={right_size!r}, the {side} part would be empty."
            )
    return left, right


def _kind(size):
    """``int`` or ``float`` for a Python or NumPy number (bools excluded), else None."""
    if isinstance(size, bool | np.bool_):
        return None
    if isinstance(size, int | np.integer):
        return int
    if isinstance(size, float | np.floating):
        return float
    return None
