"""Small data helpers with Keras's names and semantics."""

import numpy as np


def to_categorical(x, num_classes=None):
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
