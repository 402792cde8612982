"""MNIST handwritten digits: ``load_data()`` as ``keras.datasets.mnist.load_data()``."""

from __future__ import annotations

import os
import zipfile

import numpy as np

from neuronet.datasets import download
from neuronet.errors import FileFormatError

FILE_NAME = "mnist.npz"
# SHA-256 of mnist.npz on Keras's mirror, as keras/src/datasets/mnist.py checks it.
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
IMAGE_SHAPE = (28, 28)


def load_data(
    path: str | os.PathLike[str] = FILE_NAME,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST: 60,000 training and 10,000 test images of the digits 0 to 9.

    The file (11 MB) is downloaded on first use from ``download.base_url()``, its SHA-256
    checked, and kept in ``~/.neuronet/datasets`` (``$NEURONET_HOME/datasets``).

    Args:
        path: the file's name in the cache folder, or an absolute path to a copy of
            ``mnist.npz`` placed by hand.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(60000, 28, 28)``
        and ``(10000, 28, 28)`` with pixel values 0 to 255, and uint8 labels of shape
        ``(60000,)`` and ``(10000,)``.

    Raises:
        neuronet.datasets.DownloadError: the file is not cached and cannot be downloaded.
        neuronet.datasets.ChecksumError: the download is corrupt (it was deleted).

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of
    NIST's datasets, made available under the Creative Commons Attribution-Share Alike 3.0
    license.
    """
    path = download.get_file(path, origin=download.base_url() + FILE_NAME, file_hash=FILE_HASH)
    return read_npz(path)


def read_npz(
    path: str | os.PathLike[str],
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Read and check a file laid out as Keras's ``mnist.npz``.

    Args:
        path: the ``.npz`` file.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` as in ``load_data``.

    Raises:
        FileFormatError: a missing array, or one of the wrong type or shape.
    """
    path = os.fspath(path)
    # The file is opened here, not by np.load, which leaves its handle open when the zip
    # directory is broken.
    with open(path, "rb") as file:
        try:
            # allow_pickle=False: an array of Python objects is refused, never unpickled.
            with np.load(file, allow_pickle=False) as archive:
                arrays = {name: _read(archive, name, path) for name in _NAMES}
        except FileFormatError:
            raise
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise FileFormatError.at(path, "npz", f"cannot be read ({error})") from error
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
            raise FileFormatError.at(
                path, f"x_{split}", f"has shape {images.shape}, expected (n, 28, 28)"
            )
        if labels.shape != images.shape[:1]:
            raise FileFormatError.at(
                path, f"y_{split}", f"has shape {labels.shape}, expected ({len(images)},)"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


_NAMES = ("x_train", "y_train", "x_test", "y_test")


def _read(archive, name, path):
    if name not in archive.files:
        raise FileFormatError.at(path, name, "is missing")
    array = archive[name]
    if not isinstance(array, np.ndarray):  # NpzFile gives the raw bytes of a non-.npy member
        raise FileFormatError.at(path, name, "is not a NumPy array")
    if array.dtype != np.uint8:
        raise FileFormatError.at(path, name, f"has dtype {array.dtype}, expected uint8")
    return array
