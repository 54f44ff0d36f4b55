"""Downloads against a local HTTPS server on 127.0.0.1: verified success, and nothing left behind on failure.

The server's certificates are in tests/data/fixtures/tls (see gen.sh there): ``server.pem`` is signed by
the test CA ``ca.pem``, which a test trusts the way a user would, through ``SSL_CERT_FILE``;
``selfsigned.pem`` is trusted by nobody.
"""

from __future__ import annotations

import hashlib
import ssl
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from cifar_lab.data import SyntheticFallbackWarning, load_cifar10
from cifar_lab.data.download import ChecksumError, DownloadError, RemoteFile, download

TLS = Path(__file__).parent / "fixtures" / "tls"
pytestmark = pytest.mark.timeout(60)  # a hung transfer fails the test instead of stalling CI


class _Handler(BaseHTTPRequestHandler):
    timeout = 10  # seconds a connection may idle, so a stuck client cannot hold the server

    def do_GET(self) -> None:
        self.server.requests += 1  # counted first, so the client cannot finish before the count
        payload = self.server.payload
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.path == "/cut":
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True  # the server hangs up half-way
        else:
            self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # refused handshakes are what some tests expect


@pytest.fixture
def serve():
    """Start an HTTPS server on 127.0.0.1 with a certificate chain and payload; returns the server,
    whose ``url`` is its base URL and ``requests`` the number of GET requests it received."""
    servers = []

    def start(payload: bytes, certificate: str = "server.pem") -> _Server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS / certificate)
        server = _Server(("127.0.0.1", 0), _Handler)
        # The handshake runs in the request thread, so a refused one cannot block the server.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.payload, server.requests = payload, 0
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        server.url = f"https://127.0.0.1:{server.server_address[1]}"
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def trust_test_ca(isolated_data_env, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "ca.pem"))


PAYLOAD = bytes(range(256)) * 4096  # 1 MiB, several read chunks
PAYLOAD_SHA256 = hashlib.sha256(PAYLOAD).hexdigest()


def test_download_over_verified_https_writes_the_file(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/file", PAYLOAD_SHA256)
    path = download(remote, tmp_path / "home", progress=False)
    assert path == tmp_path / "home" / "file.bin"
    assert path.read_bytes() == PAYLOAD
    assert [p.name for p in (tmp_path / "home").iterdir()] == ["file.bin"]


def test_checksum_mismatch_discards_the_download(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/file", "0" * 64)
    with pytest.raises(
        ChecksumError, match=rf"has SHA-256 {PAYLOAD_SHA256}, not the published 0+, so it was discarded"
    ):
        download(remote, tmp_path / "home", progress=False)
    assert list((tmp_path / "home").iterdir()) == []


def test_interrupted_transfer_leaves_nothing_behind(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/cut", PAYLOAD_SHA256)
    with pytest.raises(DownloadError, match=r"closed after 524,288 of 1,048,576 bytes"):
        download(remote, tmp_path / "home", progress=False)
    assert list((tmp_path / "home").iterdir()) == []


def test_self_signed_certificate_is_refused_with_the_usual_fixes(serve, isolated_data_env, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD, "selfsigned.pem").url + "/file", PAYLOAD_SHA256)
    with pytest.raises(DownloadError) as error:
        download(remote, tmp_path / "home", progress=False)
    message = str(error.value)
    assert "TLS certificate could not be verified" in message
    for fix in ("certifi", "SSL_CERT_FILE", "proxy", "by hand", "data=/path/to/file.bin"):
        assert fix in message
    assert "no option to skip it" in message
    assert list((tmp_path / "home").iterdir()) == []


def test_a_private_ca_is_not_trusted_unless_configured(serve, isolated_data_env, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/file", PAYLOAD_SHA256)
    with pytest.raises(DownloadError, match="could not be verified"):
        download(remote, tmp_path / "home", progress=False)


def test_plain_http_urls_are_refused(tmp_path):
    with pytest.raises(ValueError, match="only https:// URLs"):
        download(RemoteFile("f", "http://127.0.0.1:9/f", "0" * 64), tmp_path)


def test_auto_downloads_into_the_data_home_once_then_reuses_it(serve, trust_test_ca, fake_cifar, tmp_path):
    archive = fake_cifar.archive.read_bytes()
    server = serve(archive)
    remote = RemoteFile("cifar-10-python.tar.gz", server.url + "/cifar", hashlib.sha256(archive).hexdigest())
    home = tmp_path / "data-home"
    first = load_cifar10("auto", data_home=home, remote=remote)
    again = load_cifar10("auto", data_home=home, remote=remote)
    assert first.source == again.source == str(home / "cifar-10-python.tar.gz")
    assert not first.synthetic and first.warning is None
    np.testing.assert_array_equal(again.x_train, fake_cifar.x_train)
    assert server.requests == 1


def test_auto_falls_back_to_synthetic_on_a_certificate_failure(serve, isolated_data_env, tmp_path):
    remote = RemoteFile("cifar-10-python.tar.gz", serve(PAYLOAD, "selfsigned.pem").url + "/cifar", PAYLOAD_SHA256)
    with pytest.warns(SyntheticFallbackWarning, match="SYNTHETIC data"):
        data = load_cifar10("auto", data_home=tmp_path / "home", remote=remote)
    assert data.synthetic and "certificate could not be verified" in data.warning


def test_auto_falls_back_on_a_checksum_mismatch_and_keeps_nothing(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("cifar-10-python.tar.gz", serve(PAYLOAD).url + "/cifar", "0" * 64)
    with pytest.warns(SyntheticFallbackWarning):
        data = load_cifar10("auto", data_home=tmp_path / "home", remote=remote)
    assert data.synthetic and "not the published" in data.warning
    assert list((tmp_path / "home").iterdir()) == []


def test_cifar10_never_falls_back_on_a_certificate_failure(serve, isolated_data_env, tmp_path):
    remote = RemoteFile("cifar-10-python.tar.gz", serve(PAYLOAD, "selfsigned.pem").url + "/cifar", PAYLOAD_SHA256)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntheticFallbackWarning)
        with pytest.raises(DownloadError, match="could not be verified"):
            load_cifar10("cifar10", data_home=tmp_path / "home", remote=remote)
