"""Read the gzip-compressed IDX files of MNIST and Fashion-MNIST with NumPy alone.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian uint32 per dimension, then the values in C order. Labels are ``0x00000801``
(unsigned bytes, one dimension); images are ``0x00000803`` (unsigned bytes, three dimensions).
"""

import gzip
import os
import struct
import zlib

import numpy as np

from neuronet.errors import FileFormatError

_UNSIGNED_BYTE = 0x08
# Deflate cannot compress better than about 1032 to 1: a header that declares more data than
# that is a lie, refused before any memory is set aside for it.
_MAX_DEFLATE_RATIO = 1100


def read_idx_gz(path: str | os.PathLike, ndim: int, item_shape: tuple = ()) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes.

    Args:
        path: the ``.gz`` file.
        ndim: the number of dimensions the file must declare (1 for labels, 3 for images).
        item_shape: the dimensions after the first that the file must declare (``(28, 28)``).

    Returns:
        A uint8 array of the declared shape.

    Raises:
        FileFormatError: not gzip, a wrong magic number, shape or size.
    """
    path = os.fspath(path)
    try:
        with gzip.open(path, "rb") as file:
            shape = _read_header(file, path, ndim, item_shape)
            size = int(np.prod(shape, dtype=np.int64))
            if size > os.path.getsize(path) * _MAX_DEFLATE_RATIO:
                raise FileFormatError.at(
                    path, "header", f"declares {size} bytes, more than the file can hold"
                )
            # Read into a bytearray, so the arrays returned are writable (frombuffer over
            # bytes would give read-only ones).
            data = bytearray(size)
            received = _read_into(file, memoryview(data))
            trailing = file.read(1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise FileFormatError.at(path, "gzip", f"cannot be decompressed ({error})") from error
    if received < size or trailing:
        problem = "is cut short" if received < size else "has bytes after the data"
        raise FileFormatError.at(path, "data", f"{problem}: the header declares shape {shape}")
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)


def _read_into(file, view):
    """Fill ``view`` from ``file`` until it is full or the file ends; return the bytes read."""
    received = 0
    while received < len(view):
        count = file.readinto(view[received:])
        if not count:
            break
        received += count
    return received


def _read_header(file, path, ndim, item_shape):
    magic = file.read(4)
    if len(magic) < 4:
        raise FileFormatError.at(path, "header", "is cut short")
    zeros, type_code, declared_ndim = struct.unpack(">HBB", magic)
    if zeros != 0 or type_code != _UNSIGNED_BYTE or declared_ndim != ndim:
        expected = (_UNSIGNED_BYTE << 8) | ndim
        raise FileFormatError.at(
            path,
            "magic number",
            f"is 0x{int.from_bytes(magic, 'big'):08x}, expected 0x{expected:08x} "
            f"(unsigned bytes, {ndim} dimension{'s' if ndim > 1 else ''})",
        )
    dims = file.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise FileFormatError.at(path, "header", "is cut short")
    shape = struct.unpack(f">{ndim}I", dims)
    if tuple(shape[1:]) != tuple(item_shape):
        raise FileFormatError.at(
            path,
            "header",
            f"declares shape {shape}, expected (n{''.join(f', {d}' for d in item_shape)})",
        )
    return shape
