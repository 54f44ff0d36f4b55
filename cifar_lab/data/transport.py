"""The network side of a download: verified TLS, one deadline for the whole transfer, https-only redirects.

`open_verified` opens a declared remote file the only way cifar-lab does: TLS verified against the
system's CAs plus certifi's, every read given at most the time left before the deadline (so a
server that trickles one byte a second still ends), and a redirect to anything but https refused.
`network_errors` turns what can go wrong on the way into a `DownloadError` that says what to do.

Example:
    >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
    >>> by_hand(CIFAR10_ARCHIVE).startswith("download https://www.cs.toronto.edu/")
    True
"""

from __future__ import annotations

import contextlib
import http.client
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING

import certifi

from cifar_lab.errors import CifarLabError

if TYPE_CHECKING:
    from cifar_lab.data.download import RemoteFile


class DownloadError(CifarLabError, OSError):
    """The file could not be fetched: offline, refused, a certificate failure, a cut-off or stalled transfer."""


def tls_context() -> ssl.SSLContext:
    """A verifying TLS context trusting the system CAs (and `SSL_CERT_FILE`) plus certifi's bundle.

    Example:
        >>> tls_context().verify_mode == ssl.CERT_REQUIRED
        True
    """
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    return context


def open_verified(remote: RemoteFile, *, timeout: float, deadline_at: float) -> http.client.HTTPResponse:
    """Open `remote.url` over verified TLS; no read waits past `deadline_at` (a `time.monotonic()` value).

    Call it, and read the response, inside `network_errors`.

    Not run in the tests: it needs a server (tests/data/test_data_download.py runs one on 127.0.0.1).

    Example:
        >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
        >>> with network_errors(CIFAR10_ARCHIVE, 60):  # doctest: +SKIP
        ...     response = open_verified(CIFAR10_ARCHIVE, timeout=60, deadline_at=time.monotonic() + 60)
    """
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_deadline_context(deadline_at, timeout)), _HttpsOnlyRedirects(remote)
    )
    return opener.open(urllib.request.Request(remote.url, headers={"User-Agent": "cifar-lab"}), timeout=timeout)


class _PastDeadline(TimeoutError):
    """The whole transfer took longer than its deadline."""


def _deadline_context(deadline_at: float, timeout: float) -> ssl.SSLContext:
    """A `tls_context` whose sockets give each read at most the time left before `deadline_at`."""

    class DeadlineSocket(ssl.SSLSocket):
        def recv_into(self, buffer, nbytes=0, flags=0):
            left = deadline_at - time.monotonic()
            if left <= 0:
                raise _PastDeadline
            self.settimeout(min(timeout, left))
            try:
                return super().recv_into(buffer, nbytes, flags)
            except TimeoutError:
                if left < timeout:
                    raise _PastDeadline from None
                raise

    context = tls_context()
    context.sslsocket_class = DeadlineSocket  # per-context override, as the ssl module documents
    return context


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, remote: RemoteFile) -> None:
        self.remote = remote

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme != "https":
            fp.close()
            raise DownloadError(
                f"Refusing to download {self.remote.url}: the server redirects to {newurl}, which is not https, so "
                f"the file could be altered on the way. Instead, {by_hand(self.remote)}."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@contextlib.contextmanager
def network_errors(remote: RemoteFile, deadline: float) -> Iterator[None]:
    """Turn a network failure inside the block into a `DownloadError` that names the fix.

    `deadline` is the seconds the whole download was given, for the message when it runs out.

    Example:
        >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
        >>> with network_errors(CIFAR10_ARCHIVE, 60):
        ...     raise ConnectionRefusedError("Connection refused")
        Traceback (most recent call last):
        ...
        cifar_lab.data.transport.DownloadError: Could not download https://... (Connection refused). ...
    """
    try:
        yield
    except CifarLabError:
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        if isinstance(error, _PastDeadline) or isinstance(getattr(error, "reason", None), _PastDeadline):
            raise DownloadError(
                f"Could not download {remote.url}: it was not complete after {deadline:g} s, the deadline (the "
                f"connection is too slow or stalled). Try again on a faster connection, or {by_hand(remote)}."
            ) from error
        raise explain(remote, error) from error


def by_hand(remote: RemoteFile) -> str:
    """The fix every download error ends with: fetch the file another way and point cifar-lab at it.

    Example:
        >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
        >>> by_hand(CIFAR10_ARCHIVE).endswith("or set CIFAR_LAB_DATA to it")
        True
    """
    return (
        f"download {remote.url} by hand (a browser works), then pass its path as data=/path/to/{remote.name} "
        "or set CIFAR_LAB_DATA to it"
    )


def explain(remote: RemoteFile, error: BaseException) -> DownloadError:
    """The `DownloadError` for `error`: the usual fixes for a certificate failure, else for being offline.

    Example:
        >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
        >>> "HTTPS_PROXY" in str(explain(CIFAR10_ARCHIVE, ConnectionResetError("reset by peer")))
        True
    """
    reason = getattr(error, "reason", None) if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, ssl.SSLCertVerificationError):
        return DownloadError(
            f"Could not download {remote.url}: the server's TLS certificate could not be verified ({reason}). "
            "Usual fixes: (1) install or update CA certificates (`pip install --upgrade certifi`, or on macOS run "
            "'Install Certificates.command' from your Python folder); (2) behind a company proxy that inspects "
            "TLS, point SSL_CERT_FILE at its CA bundle (e.g. export SSL_CERT_FILE=/path/to/company-ca.pem); "
            f"(3) {by_hand(remote)}. Verification stays on: there is no option to skip it."
        )
    return DownloadError(
        f"Could not download {remote.url} ({reason or error}). If you are offline, connect and try again; "
        f"behind a proxy, set HTTPS_PROXY (e.g. export HTTPS_PROXY=http://proxy:3128); or {by_hand(remote)}."
    )
