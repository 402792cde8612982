"""Files in the formats of Keras's mirror, generated small, for the dataset tests."""

import gzip
import hashlib
import io
import struct

import numpy as np


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def small_mnist(seed=0, train=5, test=3):
    """Arrays laid out as mnist.npz, with few samples."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, test, dtype=np.uint8),
    }


def npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def idx_bytes(array, magic=None):
    """A gzip-compressed IDX file of uint8 ``array`` (the magic number can be forced)."""
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = 0x0800 | array.ndim
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.tobytes(), mtime=0)
