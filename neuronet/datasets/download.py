"""Download a file once, check its hash, and keep it in neuronet's cache folder.

The cache is ``~/.neuronet/datasets`` (``$NEURONET_HOME/datasets`` when ``NEURONET_HOME`` is
set). Downloads come from ``BASE_URL``, the public mirror Keras uses, unless the
``NEURONET_DATASETS_URL`` environment variable names another one (a local mirror, or a test
server). A file is written to a temporary name beside its final one and renamed into place only
once its hash has been checked, so the cache never holds a partial or corrupt file.
"""

import hashlib
import os
import sys
import urllib.parse

from neuronet.saving.atomic import atomic_path
from neuronet.utils.progbar import Progbar

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
BASE_URL_ENV = "NEURONET_DATASETS_URL"
HOME_ENV = "NEURONET_HOME"
TIMEOUT_SECONDS = 60
_CHUNK_BYTES = 1 << 16


class DownloadError(OSError):
    """A dataset file could not be downloaded; the message says where to place it by hand."""


class ChecksumError(DownloadError, ValueError):
    """A file whose hash is not the expected one; it was deleted, nothing was cached.

    Also a ``ValueError``, the type Keras raises for a corrupt download.
    """


def neuronet_home() -> str:
    """``$NEURONET_HOME``, or ``~/.neuronet`` when the variable is unset or empty."""
    return os.path.expanduser(os.environ.get(HOME_ENV) or os.path.join("~", ".neuronet"))


def base_url() -> str:
    """The mirror datasets come from: ``$NEURONET_DATASETS_URL``, else ``BASE_URL``."""
    url = os.environ.get(BASE_URL_ENV) or BASE_URL
    return url if url.endswith("/") else url + "/"


def get_file(
    fname: str | os.PathLike | None = None,
    origin: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    cache_dir: str | os.PathLike | None = None,
    force_download: bool = False,
) -> str:
    """Download ``origin`` unless the cache already holds it, as ``keras.utils.get_file``.

    A cached file whose hash does not match ``file_hash`` is downloaded again. Archive
    extraction (Keras's ``extract``/``untar``) is not offered.

    Args:
        fname: the file's name in the cache folder, or an absolute path to use as it is (a file
            placed by hand); None takes the last part of ``origin``'s path.
        origin: the URL to download from.
        file_hash: the expected SHA-256 (64 hex digits) or MD5 (32) of the file; None skips
            the check.
        cache_subdir: folder under ``cache_dir``; an absolute path is used as it is.
        hash_algorithm: ``"auto"`` (chosen by the hash's length), ``"sha256"`` or ``"md5"``.
        cache_dir: the cache's root; None means ``neuronet_home()``.
        force_download: download even when the cache holds a good copy.

    Returns:
        The path of the file on disk.

    Raises:
        DownloadError: the download failed (offline, refused, HTTP error, cut short).
        ChecksumError: the downloaded file's hash is not ``file_hash``.

    >>> get_file("mnist.npz", base_url() + "mnist.npz")  # doctest: +SKIP
    '/home/me/.neuronet/datasets/mnist.npz'
    """
    if origin is None:
        raise ValueError("get_file needs `origin`, the URL of the file to download.")
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(
            f"hash_algorithm must be 'auto', 'sha256' or 'md5', got {hash_algorithm!r}."
        )
    target = _target_path(fname, origin, cache_subdir, cache_dir)
    algorithm = _algorithm(hash_algorithm, file_hash)

    if not force_download and os.path.exists(target):
        if file_hash is None or _hash_file(target, algorithm) == file_hash.lower():
            return target
        print(
            f"{target} is in the cache but its {algorithm} is not {file_hash}: "
            "it is incomplete or outdated, downloading it again.",
            file=sys.stderr,
        )

    os.makedirs(os.path.dirname(target), exist_ok=True)
    print(f"Downloading data from {origin}", file=sys.stderr)
    with atomic_path(target) as temporary:
        digest = _download(origin, temporary, target, algorithm)
        # Raising inside the block makes atomic_path delete the temporary file: a corrupt
        # download never reaches the cache, and the next call downloads it again.
        if file_hash is not None and digest != file_hash.lower():
            raise ChecksumError(
                f"The file downloaded from {origin} is incomplete or corrupt: its {algorithm} "
                f"is {digest}, expected {file_hash}. It was deleted and nothing was written to "
                f"{target}; run again to retry."
            )
    return target


def _target_path(fname, origin, cache_subdir, cache_dir):
    """Where the file lives: ``cache_dir/cache_subdir/fname``, or ``fname`` if absolute."""
    if fname is None:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Cannot take a file name from {origin!r}; pass `fname`.")
    fname = os.path.expanduser(os.fspath(fname))
    if os.path.isabs(fname):
        return fname
    if os.path.dirname(fname):
        raise ValueError(
            f"fname must be a file name in the cache folder or an absolute path, got {fname!r}; "
            "choose the folder with `cache_dir`."
        )
    root = neuronet_home() if cache_dir is None else os.path.expanduser(os.fspath(cache_dir))
    return os.path.join(root, cache_subdir, fname)


def _algorithm(hash_algorithm, file_hash):
    if hash_algorithm != "auto":
        return hash_algorithm
    # Keras's rule: a 64-digit hash is SHA-256, anything else the legacy MD5.
    return "sha256" if file_hash is None or len(file_hash) == 64 else "md5"


def _hash_file(path, algorithm):
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK_BYTES):
            hasher.update(chunk)
    return hasher.hexdigest()


def _download(origin, temporary, target, algorithm):
    """Stream ``origin`` into ``temporary`` with a progress bar; return the file's hash."""
    # urllib.request pulls in http, email and ssl: imported here, not at ``import neuronet``.
    import http.client
    import urllib.error
    import urllib.request

    hasher = hashlib.new(algorithm)
    request = urllib.request.Request(origin, headers={"User-Agent": "neuronet"})
    try:
        with (
            urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response,
            open(temporary, "wb") as out,
        ):
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar = Progbar(total, stream=sys.stderr)
            received = 0
            while chunk := response.read(_CHUNK_BYTES):
                out.write(chunk)
                hasher.update(chunk)
                received += len(chunk)
                bar.update(received)
            if total is None:
                bar.update(received, finalize=True)
            elif received != total:
                raise http.client.IncompleteRead(b"", total - received)
    except urllib.error.HTTPError as error:
        raise _offline_error(origin, target, f"HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise _offline_error(origin, target, str(error.reason)) from error
    except (http.client.HTTPException, ConnectionError, TimeoutError) as error:
        raise _offline_error(origin, target, repr(error)) from error
    return hasher.hexdigest()


def _offline_error(origin, target, reason):
    return DownloadError(
        f"Could not download {origin} ({reason}). To use the dataset without a network, "
        f"download that file on another machine and place it at {target} (the cache folder "
        f"follows {HOME_ENV}); to download from another mirror, set {BASE_URL_ENV} to its "
        "base URL."
    )
