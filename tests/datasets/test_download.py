"""Downloads through a real HTTP server on 127.0.0.1: first download, cache, checksum, offline."""

import os
import subprocess
import sys

import numpy as np
import pytest

from neuronet.datasets import ChecksumError, DownloadError, download, get_file, mnist
from tests.datasets.files import npz_bytes, sha256, small_mnist


def cache_path(tmp_path, name="mnist.npz"):
    return tmp_path / "home" / "datasets" / name


def check_arrays(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for name, array in zip(("x_train", "y_train", "x_test", "y_test"), loaded[0] + loaded[1]):
        assert array.dtype == np.uint8
        np.testing.assert_array_equal(array, arrays[name])
    assert x_train.shape == (5, 28, 28) and y_train.shape == (5,)
    assert x_test.shape == (3, 28, 28) and y_test.shape == (3,)


def test_first_use_downloads_checks_and_caches(served_mnist, mirror, tmp_path, capsys):
    check_arrays(mnist.load_data(), served_mnist)

    assert mirror.requests == ["mnist.npz"]
    target = cache_path(tmp_path)
    assert target.read_bytes() == mirror.files["mnist.npz"]
    assert os.listdir(target.parent) == ["mnist.npz"]  # no temporary file left behind
    err = capsys.readouterr().err
    assert f"Downloading data from {mirror.url}mnist.npz" in err
    size = len(mirror.files["mnist.npz"])
    # stderr is not a terminal here: the finished bar once, without control characters.
    assert err.count(f"{size}/{size} [{'=' * 30}]") == 1
    assert "\r" not in err


def test_second_use_reads_the_cache_without_a_request(served_mnist, mirror, capsys):
    mnist.load_data()
    capsys.readouterr()
    check_arrays(mnist.load_data(), served_mnist)
    assert mirror.requests == ["mnist.npz"]
    assert capsys.readouterr().err == ""


def test_corrupt_download_is_deleted_and_reported(served_mnist, mirror, tmp_path):
    good = mirror.files["mnist.npz"]
    mirror.files["mnist.npz"] = good[:-10] + b"0123456789"

    with pytest.raises(ChecksumError) as caught:
        mnist.load_data()
    message = str(caught.value)
    assert f"{mirror.url}mnist.npz" in message
    assert sha256(mirror.files["mnist.npz"]) in message and mnist.FILE_HASH in message
    assert "deleted" in message
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, DownloadError)
    assert os.listdir(cache_path(tmp_path).parent) == []

    mirror.files["mnist.npz"] = good  # the next call downloads again, and succeeds
    check_arrays(mnist.load_data(), served_mnist)
    assert mirror.requests == ["mnist.npz", "mnist.npz"]


def test_a_cached_file_with_the_wrong_hash_is_downloaded_again(
    served_mnist, mirror, tmp_path, capsys
):
    target = cache_path(tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"an old, broken copy")

    check_arrays(mnist.load_data(), served_mnist)
    assert mirror.requests == ["mnist.npz"]
    assert target.read_bytes() == mirror.files["mnist.npz"]
    assert "downloading it again" in capsys.readouterr().err


def test_offline_error_names_the_url_and_where_to_place_the_file(
    refused_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("NEURONET_DATASETS_URL", refused_url)
    monkeypatch.setenv("NEURONET_HOME", str(tmp_path / "home"))

    with pytest.raises(DownloadError) as caught:
        mnist.load_data()
    message = str(caught.value)
    target = cache_path(tmp_path)
    assert f"{refused_url}mnist.npz" in message
    assert f"place it at {target}" in message
    assert "NEURONET_DATASETS_URL" in message and "NEURONET_HOME" in message
    assert isinstance(caught.value, OSError)
    assert not target.exists() and os.listdir(target.parent) == []


def test_a_file_placed_by_hand_is_used_offline(refused_url, monkeypatch, tmp_path):
    arrays = small_mnist(seed=3)
    body = npz_bytes(arrays)
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(body))
    monkeypatch.setenv("NEURONET_DATASETS_URL", refused_url)
    monkeypatch.setenv("NEURONET_HOME", str(tmp_path / "home"))
    cache_path(tmp_path).parent.mkdir(parents=True)
    cache_path(tmp_path).write_bytes(body)

    check_arrays(mnist.load_data(), arrays)


def test_http_error_is_a_download_error(mirror, tmp_path):
    with pytest.raises(DownloadError, match=r"HTTP 404 .*place it at"):
        get_file("missing.npz", origin=mirror.url + "missing.npz")
    assert not cache_path(tmp_path, "missing.npz").exists()


def test_a_download_cut_short_keeps_the_previous_file(served_mnist, mirror, tmp_path):
    target = cache_path(tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"previous copy")
    mirror.truncate = True

    with pytest.raises(DownloadError, match="mnist.npz"):
        mnist.load_data()
    assert target.read_bytes() == b"previous copy"
    assert os.listdir(target.parent) == ["mnist.npz"]


def test_download_without_content_length(served_mnist, mirror, capsys):
    mirror.send_length = False
    check_arrays(mnist.load_data(), served_mnist)
    size = len(mirror.files["mnist.npz"])
    assert f"{size}/Unknown" in capsys.readouterr().err


def test_cache_folder_defaults_to_home_dot_neuronet(served_mnist, mirror, monkeypatch, tmp_path):
    monkeypatch.delenv("NEURONET_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert download.neuronet_home() == str(tmp_path / "user" / ".neuronet")
    mnist.load_data()
    assert (tmp_path / "user" / ".neuronet" / "datasets" / "mnist.npz").is_file()


def test_mirror_from_the_module_attribute(served_mnist, mirror, monkeypatch):
    monkeypatch.delenv("NEURONET_DATASETS_URL")
    assert download.base_url() == download.BASE_URL
    monkeypatch.setattr(download, "BASE_URL", mirror.url.rstrip("/"))
    check_arrays(mnist.load_data(), served_mnist)
    assert mirror.requests == ["mnist.npz"]


def test_absolute_path_and_file_names(served_mnist, mirror, tmp_path):
    own = tmp_path / "elsewhere" / "digits.npz"
    check_arrays(mnist.load_data(path=str(own)), served_mnist)
    assert own.read_bytes() == mirror.files["mnist.npz"]
    check_arrays(mnist.load_data(path="digits.npz"), served_mnist)
    assert cache_path(tmp_path, "digits.npz").is_file()
    with pytest.raises(ValueError, match="cache_dir"):
        mnist.load_data(path=os.path.join("sub", "mnist.npz"))


def test_get_file_md5_force_download_and_name_from_origin(mirror, tmp_path):
    mirror.files["notes.txt"] = b"hello"
    md5 = "5d41402abc4b2a76b9719d911017c592"  # md5(b"hello")
    path = get_file(origin=mirror.url + "notes.txt", file_hash=md5, cache_subdir="misc")
    assert path == str(tmp_path / "home" / "misc" / "notes.txt")
    assert get_file(origin=mirror.url + "notes.txt", file_hash=md5, cache_subdir="misc") == path
    assert mirror.requests == ["notes.txt"]
    get_file(origin=mirror.url + "notes.txt", cache_subdir="misc", force_download=True)
    assert mirror.requests == ["notes.txt", "notes.txt"]
    with pytest.raises(ChecksumError, match="md5"):
        get_file("other.txt", mirror.url + "notes.txt", file_hash="0" * 32)
    with pytest.raises(ValueError, match="origin"):
        get_file("notes.txt")
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("notes.txt", mirror.url + "notes.txt", hash_algorithm="sha1")


def test_importing_the_datasets_loads_no_network_code():
    # urllib.request pulls in http, email and ssl: only a download may import it.
    code = (
        "import sys, neuronet, neuronet.datasets, neuronet.utils\n"
        "assert neuronet.utils.get_file is neuronet.datasets.get_file\n"
        "print(sorted(m for m in ('urllib.request', 'http.client', 'ssl') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
