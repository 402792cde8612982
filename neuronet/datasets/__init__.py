"""Datasets with Keras's loaders: ``mnist.load_data()``, ``fashion_mnist.load_data()``; ``xor()``.

Files are downloaded on first use from the public mirror Keras uses, checked against their
SHA-256, and cached in ``~/.neuronet/datasets`` (``$NEURONET_HOME/datasets``). Without a
network, a ``DownloadError`` names the URL and the path where a copy can be placed by hand.

>>> from neuronet import datasets
>>> x, y = datasets.xor()
>>> x.shape, y.shape
((4, 2), (4, 1))
"""

from neuronet.datasets import download, fashion_mnist, mnist
from neuronet.datasets.download import ChecksumError, DownloadError, get_file
from neuronet.datasets.toy import xor

__all__ = [
    "ChecksumError",
    "DownloadError",
    "download",
    "fashion_mnist",
    "get_file",
    "mnist",
    "xor",
]
