"""Fashion-MNIST: four IDX files downloaded, checked, cached and parsed with NumPy."""

import gzip
import os
import struct

import numpy as np
import pytest

from neuronet.datasets import ChecksumError, fashion_mnist
from neuronet.datasets.idx import read_idx_gz
from neuronet.errors import FileFormatError
from tests.datasets.files import idx_bytes, sha256

LABEL_FILE = "train-labels-idx1-ubyte.gz"
IMAGE_FILE = "train-images-idx3-ubyte.gz"


def test_downloads_four_files_then_reads_the_cache(served_fashion, mirror, tmp_path):
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    for array, name in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test")):
        np.testing.assert_array_equal(array, served_fashion[name])
    np.testing.assert_array_equal(y_test, served_fashion["y_test"])
    assert [a.dtype for a in (x_train, y_train, x_test, y_test)] == [np.uint8] * 4
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (4, 28, 28),
        (4,),
        (2, 28, 28),
        (2,),
    )
    x_train[0, 0, 0] = 7  # writable arrays, like Keras users expect to get
    folder = tmp_path / "home" / "datasets" / "fashion-mnist"
    assert sorted(os.listdir(folder)) == sorted(fashion_mnist.FILE_HASHES)
    assert sorted(mirror.requests) == sorted(fashion_mnist.FILE_HASHES)

    fashion_mnist.load_data()
    assert len(mirror.requests) == 4


def test_a_corrupt_file_is_reported_by_name(served_fashion, mirror, tmp_path):
    mirror.files[IMAGE_FILE] = mirror.files[IMAGE_FILE][:-1]
    with pytest.raises(ChecksumError, match=IMAGE_FILE):
        fashion_mnist.load_data()
    folder = tmp_path / "home" / "datasets" / "fashion-mnist"
    assert os.listdir(folder) == [LABEL_FILE]  # downloaded before, and good


def test_label_and_image_counts_must_agree(served_fashion, mirror, monkeypatch):
    body = idx_bytes(np.zeros(3, np.uint8))
    mirror.files[LABEL_FILE] = body
    monkeypatch.setitem(fashion_mnist.FILE_HASHES, LABEL_FILE, sha256(body))
    with pytest.raises(FileFormatError, match="declares 3 labels for 4 images"):
        fashion_mnist.load_data()


def write(tmp_path, data, name="file.gz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_read_idx_labels_and_images(tmp_path):
    labels = np.arange(5, dtype=np.uint8)
    images = np.arange(2 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(2, 28, 28)
    np.testing.assert_array_equal(read_idx_gz(write(tmp_path, idx_bytes(labels)), 1), labels)
    path = write(tmp_path, idx_bytes(images))
    np.testing.assert_array_equal(read_idx_gz(path, 3, (28, 28)), images)


@pytest.mark.parametrize(
    "magic, ndim",
    [
        (0x00000803, 1),  # an image file where labels are expected
        (0x00000D01, 1),  # float32 values
        (0x01000801, 1),  # non-zero leading bytes
    ],
)
def test_read_idx_refuses_a_wrong_magic_number(tmp_path, magic, ndim):
    data = gzip.compress(struct.pack(">II", magic, 3) + b"\0\0\0", mtime=0)
    with pytest.raises(
        FileFormatError, match=f"magic number: is 0x{magic:08x}, expected 0x00000801"
    ):
        read_idx_gz(write(tmp_path, data), ndim)


def test_read_idx_refuses_a_wrong_image_size(tmp_path):
    path = write(tmp_path, idx_bytes(np.zeros((2, 27, 28))))
    with pytest.raises(
        FileFormatError, match=r"declares shape \(2, 27, 28\), expected \(n, 28, 28\)"
    ):
        read_idx_gz(path, 3, (28, 28))


@pytest.mark.parametrize(
    "payload, ndim, problem",
    [
        (struct.pack(">II", 0x801, 4) + b"123", 1, r"data: is cut short: .* shape \(4,\)"),
        (struct.pack(">II", 0x801, 2) + b"123", 1, "data: has bytes after the data"),
        (struct.pack(">II", 0x803, 2) + b"\0\0", 3, "header: is cut short"),
        (b"\0\0", 1, "header: is cut short"),
    ],
)
def test_read_idx_refuses_wrong_sizes(tmp_path, payload, ndim, problem):
    path = write(tmp_path, gzip.compress(payload, mtime=0))
    with pytest.raises(FileFormatError, match=problem):
        read_idx_gz(path, ndim, (28, 28) if ndim == 3 else ())


def test_read_idx_refuses_a_header_larger_than_the_file_can_hold(tmp_path):
    # 4e9 images of 28x28 would be 3 TB: refused from the header, before any allocation.
    path = write(tmp_path, gzip.compress(struct.pack(">IIII", 0x803, 4_000_000_000, 28, 28)))
    with pytest.raises(FileFormatError, match="more than the file can hold"):
        read_idx_gz(path, 3, (28, 28))


def test_read_idx_refuses_broken_gzip(tmp_path):
    with pytest.raises(FileFormatError, match="gzip: cannot be decompressed"):
        read_idx_gz(write(tmp_path, b"\0\0\x08\x01\0\0\0\0"), 1)
    truncated = idx_bytes(np.zeros(1000, np.uint8))[:-20]
    with pytest.raises(FileFormatError, match="gzip: cannot be decompressed"):
        read_idx_gz(write(tmp_path, truncated), 1)
