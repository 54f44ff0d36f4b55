"""Downloads against a local HTTPS server on 127.0.0.1: verified success, and nothing left behind on failure.

The server's certificates are in tests/data/fixtures/tls (see gen.sh there): ``server.pem`` is signed by
the test CA ``ca.pem``, which a test trusts the way a user would, through ``SSL_CERT_FILE``;
``selfsigned.pem`` is trusted by nobody.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import warnings
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from cifar_lab.data import SyntheticFallbackWarning, load_cifar10
from cifar_lab.data.download import ChecksumError, DownloadError, RemoteFile, StorageError, download

TLS = Path(__file__).parent / "fixtures" / "tls"
pytestmark = pytest.mark.timeout(60)  # a hung transfer fails the test instead of stalling CI


class _Handler(BaseHTTPRequestHandler):
    timeout = 10  # seconds a connection may idle, so a stuck client cannot hold the server

    def do_GET(self) -> None:
        self.server.requests += 1  # counted first, so the client cannot finish before the count
        payload = self.server.payload
        if self.path == "/to-http":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/file")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        if self.path == "/huge-length":
            self.send_header("Content-Length", str(10**15))
        elif self.path != "/unannounced":  # else the body ends when the server hangs up
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.close_connection = True
        if self.path == "/cut":
            self.wfile.write(payload[: len(payload) // 2])  # the server hangs up half-way
        elif self.path == "/trickle":
            self._trickle(payload)
        elif self.path != "/huge-length":
            self.wfile.write(payload)

    def _trickle(self, payload: bytes) -> None:
        """One byte a second, until the client hangs up."""
        try:
            for byte in payload:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

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


shutil_usage = namedtuple("usage", "total used free")  # what shutil.disk_usage returns
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


def test_a_content_length_above_the_declared_size_is_refused_before_writing(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/huge-length", PAYLOAD_SHA256, size=len(PAYLOAD))
    with pytest.raises(DownloadError, match=r"announces 1,000,000,000,000,000 bytes where file.bin has 1,048,576"):
        download(remote, tmp_path / "home", progress=False)
    assert list((tmp_path / "home").iterdir()) == []


def test_a_body_longer_than_the_declared_size_is_stopped_at_that_size(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/unannounced", PAYLOAD_SHA256, size=1000)
    with pytest.raises(DownloadError, match=r"after \d+ bytes: the server sends more than file.bin has 1,000"):
        download(remote, tmp_path / "home", progress=False)
    assert list((tmp_path / "home").iterdir()) == []


def test_a_file_without_a_declared_size_is_read_to_the_end_of_the_body(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/unannounced", PAYLOAD_SHA256)
    assert download(remote, tmp_path / "home", progress=False).read_bytes() == PAYLOAD


def test_a_trickle_of_one_byte_a_second_ends_at_the_deadline(serve, trust_test_ca, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/trickle", PAYLOAD_SHA256)
    with pytest.raises(DownloadError, match=r"not complete after 3 s, the deadline .*too slow or stalled"):
        download(remote, tmp_path / "home", progress=False, deadline=3)
    assert list((tmp_path / "home").iterdir()) == []


def test_a_redirect_from_https_to_plain_http_is_refused(serve, trust_test_ca, tmp_path):
    server = serve(PAYLOAD)
    remote = RemoteFile("file.bin", server.url + "/to-http", PAYLOAD_SHA256)
    with pytest.raises(DownloadError, match=r"redirects to http://127.0.0.1:\d+/file, which is not https"):
        download(remote, tmp_path / "home", progress=False)
    assert server.requests == 1  # the plain-http address was never asked
    assert list((tmp_path / "home").iterdir()) == []


def test_the_part_file_of_a_killed_download_is_swept_by_the_next_one(serve, trust_test_ca, tmp_path):
    server = serve(PAYLOAD)
    home = tmp_path / "data-home"
    code = (
        "import sys; from cifar_lab.data.download import RemoteFile, download; "
        "download(RemoteFile('file.bin', sys.argv[1], '0' * 64), sys.argv[2], progress=False)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, server.url + "/trickle", str(home)], env=os.environ)
    while not list(home.glob(".file.bin.*.part")) and child.poll() is None:
        time.sleep(0.1)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert list(home.glob(".file.bin.*.part"))  # what the kill left
    download(RemoteFile("file.bin", server.url + "/file", PAYLOAD_SHA256), home, progress=False)
    assert [p.name for p in home.iterdir()] == ["file.bin"]


def test_a_part_file_untouched_for_a_day_is_swept_even_if_its_pid_runs_again(serve, trust_test_ca, tmp_path):
    home = tmp_path / "data-home"
    home.mkdir()
    stale = home / f".file.bin.{os.getppid()}.0123abcd.tmp.part"  # a live pid: a dead download's, reused
    fresh = home / f".file.bin.{os.getppid()}.4567cdef.tmp.part"
    stale.write_bytes(b"half"), fresh.write_bytes(b"half")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    download(RemoteFile("file.bin", serve(PAYLOAD).url + "/file", PAYLOAD_SHA256), home, progress=False)
    assert sorted(p.name for p in home.iterdir()) == [fresh.name, "file.bin"]


class _FullDisk(io.FileIO):
    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_disk(monkeypatch):
    """Every write of a download fails as on a full disk."""
    monkeypatch.setattr("cifar_lab.data.download.open", lambda path, mode: _FullDisk(path, "x"), raising=False)


def test_a_full_disk_is_said_as_such_and_leaves_nothing(serve, trust_test_ca, full_disk, tmp_path):
    remote = RemoteFile("file.bin", serve(PAYLOAD).url + "/file", PAYLOAD_SHA256)
    with pytest.raises(StorageError, match=rf"disk full: free space at {tmp_path / 'home'} .*CIFAR_LAB_HOME"):
        download(remote, tmp_path / "home", progress=False)
    assert list((tmp_path / "home").iterdir()) == []


def test_too_little_free_space_for_the_declared_size_is_said_before_downloading(
    serve, trust_test_ca, tmp_path, monkeypatch
):
    server = serve(PAYLOAD)
    remote = RemoteFile("file.bin", server.url + "/file", PAYLOAD_SHA256, size=len(PAYLOAD))
    monkeypatch.setattr("shutil.disk_usage", lambda path: shutil_usage(total=10**9, used=10**9 - 48_576, free=48_576))
    with pytest.raises(StorageError, match=rf"file.bin \(1.0 MB\): disk full: free 1.0 MB at {tmp_path / 'home'}"):
        download(remote, tmp_path / "home", progress=False)
    assert server.requests == 0


def test_auto_does_not_fall_back_to_synthetic_on_a_full_disk(serve, trust_test_ca, fake_cifar, full_disk, tmp_path):
    archive = fake_cifar.archive.read_bytes()
    remote = RemoteFile("cifar-10-python.tar.gz", serve(archive).url + "/cifar", hashlib.sha256(archive).hexdigest())
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntheticFallbackWarning)
        with pytest.raises(StorageError, match="disk full"):
            load_cifar10("auto", data_home=tmp_path / "home", remote=remote)
