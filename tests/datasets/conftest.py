"""A file server on 127.0.0.1 and a cache folder in tmp_path, for the download tests.

``mirror`` serves the bytes in ``mirror.files`` under ``mirror.url``, records every path asked
for in ``mirror.requests``, and can misbehave on purpose: ``mirror.truncate`` announces more
bytes than it sends, ``mirror.send_length = False`` omits Content-Length. The environment
points neuronet at it (``NEURONET_DATASETS_URL``) and at an empty cache (``NEURONET_HOME``),
with proxies cleared so that the requests stay on this machine.
"""

import http.server
import socket
import threading

import pytest

from neuronet.datasets import fashion_mnist, mnist
from tests.datasets.files import idx_bytes, npz_bytes, sha256, small_mnist

_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class Mirror:
    def __init__(self, url):
        self.url = url
        self.files = {}
        self.requests = []
        self.truncate = False
        self.send_length = True


def _handler(mirror):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            name = self.path.lstrip("/")
            mirror.requests.append(name)
            body = mirror.files.get(name)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if mirror.send_length:
                self.send_header("Content-Length", str(len(body) + (100 if mirror.truncate else 0)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # keep the tests' stderr for what neuronet writes

    return Handler


@pytest.fixture
def mirror(monkeypatch, tmp_path):
    for variable in _PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.upper(), raising=False)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)
    mirror = Mirror(f"http://127.0.0.1:{server.server_address[1]}/")
    server.RequestHandlerClass = _handler(mirror)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    monkeypatch.setenv("NEURONET_DATASETS_URL", mirror.url)
    monkeypatch.setenv("NEURONET_HOME", str(tmp_path / "home"))
    yield mirror
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def refused_url(monkeypatch):
    """A URL on 127.0.0.1 whose port is bound but not listening: connections are refused."""
    for variable in _PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.upper(), raising=False)
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}/"


@pytest.fixture
def served_mnist(mirror, monkeypatch):
    """The mirror serves a small mnist.npz, and neuronet expects its hash."""
    arrays = small_mnist()
    body = npz_bytes(arrays)
    mirror.files["mnist.npz"] = body
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(body))
    return arrays


@pytest.fixture
def served_fashion(mirror, monkeypatch):
    """The mirror serves four small Fashion-MNIST IDX files, with their hashes expected."""
    arrays = small_mnist(seed=1, train=4, test=2)
    files = {
        "train-labels-idx1-ubyte.gz": idx_bytes(arrays["y_train"]),
        "train-images-idx3-ubyte.gz": idx_bytes(arrays["x_train"]),
        "t10k-labels-idx1-ubyte.gz": idx_bytes(arrays["y_test"]),
        "t10k-images-idx3-ubyte.gz": idx_bytes(arrays["x_test"]),
    }
    mirror.files.update(files)
    monkeypatch.setattr(fashion_mnist, "FILE_HASHES", {k: sha256(v) for k, v in files.items()})
    return arrays
