"""Fashion-MNIST: ``load_data()`` as ``keras.datasets.fashion_mnist.load_data()``.

Ten classes of Zalando article images, 28x28 grayscale, MNIST's sizes and layout:

| label | class       | label | class      |
|-------|-------------|-------|------------|
| 0     | T-shirt/top | 5     | Sandal     |
| 1     | Trouser     | 6     | Shirt      |
| 2     | Pullover    | 7     | Sneaker    |
| 3     | Dress       | 8     | Bag        |
| 4     | Coat        | 9     | Ankle boot |
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from neuronet.datasets import download
from neuronet.datasets.idx import read_idx_gz
from neuronet.errors import FileFormatError

CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
# SHA-256 of each file on Keras's mirror (the files Zalando Research published), as
# keras/src/datasets/fashion_mnist.py checks them.
FILE_HASHES = {
    "train-labels-idx1-ubyte.gz": (
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
    ),
    "train-images-idx3-ubyte.gz": (
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
    ),
}
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

if TYPE_CHECKING:
    import numpy as np


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST: 60,000 training and 10,000 test images of 10 kinds of clothing.

    The four files (30 MB) are downloaded on first use from ``download.base_url()``, each
    SHA-256 checked, and kept in ``~/.neuronet/datasets/fashion-mnist``
    (``$NEURONET_HOME/datasets/fashion-mnist``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(60000, 28, 28)``
        and ``(10000, 28, 28)``, and uint8 labels 0 to 9 (see ``CLASS_NAMES``) of shape
        ``(60000,)`` and ``(10000,)``.

    Raises:
        neuronet.datasets.DownloadError: a file is not cached and cannot be downloaded.
        neuronet.datasets.ChecksumError: a download is corrupt (it was deleted).

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> CLASS_NAMES[y_train[0]]  # doctest: +SKIP
    'Ankle boot'

    License: the copyright of Fashion-MNIST is held by Zalando SE; it is licensed under the MIT
    license.
    """
    paths = {
        name: download.get_file(
            name,
            origin=download.base_url() + name,
            file_hash=file_hash,
            cache_subdir=CACHE_SUBDIR,
        )
        for name, file_hash in FILE_HASHES.items()
    }
    train = _read_split(paths["train-images-idx3-ubyte.gz"], paths["train-labels-idx1-ubyte.gz"])
    test = _read_split(paths["t10k-images-idx3-ubyte.gz"], paths["t10k-labels-idx1-ubyte.gz"])
    return train, test


def _read_split(images_path, labels_path):
    images = read_idx_gz(images_path, ndim=3, item_shape=(28, 28))
    labels = read_idx_gz(labels_path, ndim=1)
    if len(images) != len(labels):
        raise FileFormatError.at(
            labels_path, "header", f"declares {len(labels)} labels for {len(images)} images"
        )
    return images, labels
