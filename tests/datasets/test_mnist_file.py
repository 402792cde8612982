"""mnist.npz is read with allow_pickle=False and checked array by array."""

import io
import zipfile

import numpy as np
import pytest

from neuronet.datasets import mnist
from neuronet.errors import FileFormatError
from tests.datasets.files import npz_bytes, sha256, small_mnist


def write(tmp_path, arrays):
    path = tmp_path / "mnist.npz"
    path.write_bytes(npz_bytes(arrays))
    return path


def test_reads_the_four_arrays(tmp_path):
    arrays = small_mnist()
    (x_train, y_train), (x_test, y_test) = mnist.read_npz(write(tmp_path, arrays))
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert (x_train.dtype, y_train.dtype, x_test.shape, y_test.shape) == (
        np.uint8,
        np.uint8,
        (3, 28, 28),
        (3,),
    )


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda a: a.pop("y_test"), "y_test: is missing"),
        (lambda a: a.update(x_train=a["x_train"].astype("float32")), "x_train: has dtype float32"),
        (lambda a: a.update(x_test=a["x_test"][:, :27]), r"x_test: has shape \(3, 27, 28\)"),
        (lambda a: a.update(x_train=a["x_train"][0]), r"x_train: has shape \(28, 28\)"),
        (
            lambda a: a.update(y_train=a["y_train"][:4]),
            r"y_train: has shape \(4,\), expected \(5,\)",
        ),
    ],
)
def test_refuses_arrays_of_the_wrong_kind(tmp_path, change, problem):
    arrays = small_mnist()
    change(arrays)
    with pytest.raises(FileFormatError, match=problem):
        mnist.read_npz(write(tmp_path, arrays))


def test_never_unpickles(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, x_train=np.array([{"a": 1}], dtype=object), y_train=np.zeros(1, np.uint8))
    path = tmp_path / "mnist.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileFormatError, match="cannot be read .*pickle"):
        mnist.read_npz(path)


def test_refuses_a_file_that_is_not_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(FileFormatError, match="npz: cannot be read"):
        mnist.read_npz(path)
    for broken in (b"", npz_bytes(small_mnist())[:-30]):
        path.write_bytes(broken)
        with pytest.raises(FileFormatError, match="npz: cannot be read"):
            mnist.read_npz(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x_train.npy", b"not an array")
    with pytest.raises(FileFormatError, match="x_train: is not a NumPy array"):
        mnist.read_npz(path)


def test_load_data_checks_the_file_it_downloaded(mirror, monkeypatch):
    arrays = small_mnist()
    arrays["x_train"] = arrays["x_train"].reshape(5, 784)
    body = npz_bytes(arrays)
    mirror.files["mnist.npz"] = body
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(body))
    with pytest.raises(FileFormatError, match=r"x_train: has shape \(5, 784\)"):
        mnist.load_data()
