"""Downloading declared remote files over verified TLS, with a progress bar and a SHA-256 check.

Every file the course downloads is declared once, as a `RemoteFile` (name, URL, SHA-256).
Certificate verification is always on, with the system's CAs (which honour `SSL_CERT_FILE`) plus
certifi's bundle; there is deliberately no switch to turn it off. The file is written to a temporary
file next to its destination and moved into place only once its hash matches, so an interrupted or
altered download leaves nothing behind.

Not run in the tests: the download itself, which fetches 170 MB from the internet.

Example:
    >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
    >>> CIFAR10_ARCHIVE.name, CIFAR10_ARCHIVE.url.startswith("https://"), len(CIFAR10_ARCHIVE.sha256)
    ('cifar-10-python.tar.gz', True, 64)
    >>> path = download(CIFAR10_ARCHIVE, "~/.cache/cifar-lab")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import http.client
import os
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import certifi
from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets inside notebooks

from cifar_lab.errors import CifarLabError, UsageError
from cifar_lab.files import atomic_path


@dataclass(frozen=True)
class RemoteFile:
    """A file the course may download, with what it must hash to.

    Attributes:
        name: the local file name.
        url: where to fetch it (https only).
        sha256: the published SHA-256, as 64 hex digits.
        size: in bytes, when known.

    Example:
        >>> RemoteFile("tiny.bin", "https://example.org/tiny.bin", sha256="0" * 64, size=3).size
        3
    """

    name: str
    url: str
    sha256: str
    size: int | None = None


_CHUNK = 1 << 20


class DownloadError(CifarLabError, OSError):
    """The file could not be fetched: offline, refused, a certificate failure or a cut-off transfer."""


class ChecksumError(CifarLabError, ValueError):
    """The downloaded bytes do not have the published SHA-256; they were discarded."""


def tls_context() -> ssl.SSLContext:
    """A verifying TLS context trusting the system CAs (and `SSL_CERT_FILE`) plus certifi's bundle.

    Example:
        >>> tls_context().verify_mode == ssl.CERT_REQUIRED
        True
    """
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    return context


def download(
    remote: RemoteFile, directory: str | os.PathLike[str], *, progress: bool = True, timeout: float = 60
) -> Path:
    """Download `remote` into `directory` (created if needed) and return the verified file's path.

    When it raises, nothing is left in `directory`.

    Args:
        remote: the file to fetch, with its published SHA-256.
        directory: where to put it, created if needed.
        progress: show a progress bar.
        timeout: seconds to wait for the server before giving up.

    Raises:
        UsageError: the URL is not https.
        DownloadError: it cannot be fetched; the message lists the fixes.
        ChecksumError: the bytes are not the published ones.

    Not run in the tests: the real download, which fetches 170 MB from the internet.

    Example:
        >>> import tempfile
        >>> download(RemoteFile("a.bin", "http://example.org/a.bin", sha256="0" * 64), tempfile.mkdtemp())
        Traceback (most recent call last):
        ...
        cifar_lab.errors.UsageError: Refusing to download http://example.org/a.bin: only https:// URLs are verified. ...
        >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
        >>> download(CIFAR10_ARCHIVE, "/tmp/cifar-home")  # doctest: +SKIP
        PosixPath('/tmp/cifar-home/cifar-10-python.tar.gz')
    """
    if not remote.url.startswith("https://"):
        raise UsageError(f"Refusing to download {remote.url}: only https:// URLs are verified. Use the https address.")
    directory = Path(directory).expanduser()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / remote.name
    with atomic_path(target, suffix=".part") as part:
        with open(part, "xb") as out:
            digest = _fetch(remote, out, progress=progress, timeout=timeout)
        if digest != remote.sha256:
            raise ChecksumError(
                f"The file downloaded from {remote.url} has SHA-256 {digest}, not the published {remote.sha256}, "
                "so it was discarded. A proxy or captive portal may have altered it: try again, or download it "
                f"by hand, check it with `sha256sum {remote.name}`, and pass its path as data=..."
            )
    return target


def _fetch(remote: RemoteFile, out, *, progress: bool, timeout: float) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=tls_context()))
    request = urllib.request.Request(remote.url, headers={"User-Agent": "cifar-lab"})
    digest, received = hashlib.sha256(), 0
    try:
        with opener.open(request, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=remote.name, disable=not progress) as bar:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise _explain(remote, error) from error
    if total is not None and received < total:
        # http.client returns a short body without complaint when the server closes early.
        raise _explain(remote, ConnectionError(f"the connection closed after {received:,} of {total:,} bytes"))
    return digest.hexdigest()


def _explain(remote: RemoteFile, error: BaseException) -> DownloadError:
    reason = getattr(error, "reason", None) if isinstance(error, urllib.error.URLError) else error
    by_hand = (
        f"download {remote.url} by hand (a browser works), then pass its path as data=/path/to/{remote.name} "
        "or set CIFAR_LAB_DATA to it"
    )
    if isinstance(reason, ssl.SSLCertVerificationError):
        return DownloadError(
            f"Could not download {remote.url}: the server's TLS certificate could not be verified ({reason}). "
            "Usual fixes: (1) install or update CA certificates (`pip install --upgrade certifi`, or on macOS run "
            "'Install Certificates.command' from your Python folder); (2) behind a company proxy that inspects "
            "TLS, point SSL_CERT_FILE at its CA bundle (e.g. export SSL_CERT_FILE=/path/to/company-ca.pem); "
            f"(3) {by_hand}. Verification stays on: there is no option to skip it."
        )
    return DownloadError(
        f"Could not download {remote.url} ({reason or error}). If you are offline, connect and try again; "
        f"behind a proxy, set HTTPS_PROXY (e.g. export HTTPS_PROXY=http://proxy:3128); or {by_hand}."
    )
