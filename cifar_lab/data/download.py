"""Downloading declared remote files over verified TLS, with a progress bar and a SHA-256 check.

Every file the course downloads is declared once, as a `RemoteFile` (name, URL, SHA-256, size).
Certificate verification is always on, with the system's CAs (which honour `SSL_CERT_FILE`) plus
certifi's bundle; there is deliberately no switch to turn it off. A redirect to anything but https
is refused. The file is written to a temporary `.part` file next to its destination and moved into
place only once its hash matches, so an interrupted or altered download leaves nothing behind; the
`.part` files of downloads that were killed are swept at the next download.

What a faulty or hostile server can cost is bounded: never more bytes than the declared size (a
larger `Content-Length` is refused before anything is written), never longer than `deadline`
seconds in all (a trickle of one byte a second ends), and a full disk is said as such
(`StorageError`, which `data="auto"` does not hide behind its synthetic fallback).

Not run in the tests: the download itself, which fetches 170 MB from the internet.

Example:
    >>> from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
    >>> CIFAR10_ARCHIVE.name, CIFAR10_ARCHIVE.url.startswith("https://"), len(CIFAR10_ARCHIVE.sha256)
    ('cifar-10-python.tar.gz', True, 64)
    >>> path = download(CIFAR10_ARCHIVE, "~/.cache/cifar-lab")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import math
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets inside notebooks

from cifar_lab.data.transport import DownloadError, by_hand, explain, network_errors, open_verified, tls_context
from cifar_lab.errors import CifarLabError, UsageError
from cifar_lab.files import atomic_path, remove_stale_temporaries

__all__ = ["ChecksumError", "DownloadError", "RemoteFile", "StorageError", "download", "tls_context"]


@dataclass(frozen=True)
class RemoteFile:
    """A file the course may download, with what it must hash to.

    Attributes:
        name: the local file name.
        url: where to fetch it (https only).
        sha256: the published SHA-256, as 64 hex digits.
        size: in bytes, when known; no more than this is ever accepted (`MAX_UNDECLARED_BYTES` without it).

    Example:
        >>> RemoteFile("tiny.bin", "https://example.org/tiny.bin", sha256="0" * 64, size=3).size
        3
    """

    name: str
    url: str
    sha256: str
    size: int | None = None


_CHUNK = 1 << 20
MAX_UNDECLARED_BYTES = 2**30  # accepted for a file declared without a size
DEFAULT_DEADLINE = 3600.0  # seconds for a whole download: the CIFAR-10 archive at 50 KB/s
STALE_PART_SECONDS = 24 * 3600  # a .part file untouched this long is a dead download's, even if its pid was reused


class ChecksumError(CifarLabError, ValueError):
    """The downloaded bytes do not have the published SHA-256; they were discarded."""


class StorageError(CifarLabError, OSError):
    """The download could not be saved: the disk is full, or the folder cannot be written.

    This machine's problem, not the network's: `data="auto"` reports it rather than fall back to synthetic data.
    """


def download(
    remote: RemoteFile,
    directory: str | os.PathLike[str],
    *,
    progress: bool = True,
    timeout: float = 60,
    deadline: float = DEFAULT_DEADLINE,
) -> Path:
    """Download `remote` into `directory` (created if needed) and return the verified file's path.

    When it raises, nothing is left in `directory`; the `.part` files that killed downloads left there
    are removed first.

    Args:
        remote: the file to fetch, with its published SHA-256 and size.
        directory: where to put it, created if needed.
        progress: show a progress bar.
        timeout: seconds to wait for the server before giving up.
        deadline: seconds the whole download may take.

    Raises:
        UsageError: the URL is not https.
        DownloadError: it cannot be fetched, or the server redirects to plain http, sends more than the
            declared size, or is slower than the deadline; the message lists the fixes.
        ChecksumError: the bytes are not the published ones.
        StorageError: the disk is full (the message says how much to free) or `directory` cannot be written.

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
    target = directory / remote.name
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _sweep_stale_parts(directory, remote)
        if remote.size is not None and shutil.disk_usage(directory).free < remote.size:
            raise _disk_full(remote, directory)
        with atomic_path(target, suffix=".part") as part:
            with open(part, "xb") as out:
                digest = _fetch(remote, out, progress=progress, timeout=timeout, deadline=deadline)
            if digest != remote.sha256:
                raise ChecksumError(
                    f"The file downloaded from {remote.url} has SHA-256 {digest}, not the published "
                    f"{remote.sha256}, so it was discarded. A proxy or captive portal may have altered it: try "
                    f"again, or download it by hand, check it with `sha256sum {remote.name}`, and pass its path "
                    "as data=..."
                )
    except CifarLabError:
        raise
    except OSError as error:  # the network's errors are DownloadErrors by now: this one is the disk's
        raise _storage_error(remote, directory, error) from error
    return target


def _fetch(remote: RemoteFile, out, *, progress: bool, timeout: float, deadline: float) -> str:
    limit = MAX_UNDECLARED_BYTES if remote.size is None else remote.size
    digest, received = hashlib.sha256(), 0
    with network_errors(remote, deadline):
        response = open_verified(remote, timeout=timeout, deadline_at=time.monotonic() + deadline)
    with response:
        length = response.headers.get("Content-Length", "").strip()
        total = int(length) if length.isdigit() else None
        if total is not None and total > limit:
            raise DownloadError(
                f"Refusing to download {remote.url}: the server announces {total:,} bytes where {_most(remote)}, "
                f"so it is not the published file; nothing was written. Try again later, or {by_hand(remote)}."
            )
        with tqdm(total=total, unit="B", unit_scale=True, desc=remote.name, disable=not progress) as bar:
            while True:
                with network_errors(remote, deadline):
                    chunk = response.read1(_CHUNK)  # what has arrived: a read never waits for a whole chunk
                if not chunk:
                    break
                if received + len(chunk) > limit:
                    raise DownloadError(
                        f"Stopped downloading {remote.url} after {received:,} bytes: the server sends more than "
                        f"{_most(remote)}, so it is not the published file; nothing was kept. Instead, "
                        f"{by_hand(remote)}."
                    )
                out.write(chunk)  # an OSError here is the disk's, which download() reports as such
                digest.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received < total:
        # http.client returns a short body without complaint when the server closes early.
        raise explain(remote, ConnectionError(f"the connection closed after {received:,} of {total:,} bytes"))
    return digest.hexdigest()


def _most(remote: RemoteFile) -> str:
    if remote.size is None:
        return f"at most {MAX_UNDECLARED_BYTES:,} are accepted"
    return f"{remote.name} has {remote.size:,}"


def _sweep_stale_parts(directory: Path, remote: RemoteFile) -> None:
    """Remove the `.part` files of killed downloads: their process is gone, or they sat untouched for a day."""
    remove_stale_temporaries(directory)
    for part in directory.glob(f".{glob.escape(remote.name)}.*.tmp.part"):
        with contextlib.suppress(OSError):  # another download may sweep it first
            if part.is_file() and not part.is_symlink() and time.time() - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()


def _disk_full(remote: RemoteFile, directory: Path) -> StorageError:
    size, short = "", "space"
    if remote.size is not None:
        size = f" ({remote.size / 1e6:,.1f} MB)"
        missing = remote.size - shutil.disk_usage(directory).free
        if missing > 0:  # else the space went while writing, or inodes or a quota ran out
            short = f"{math.ceil(missing / 1e5) / 10:,.1f} MB"
    return StorageError(
        f"Could not save {remote.name}{size}: disk full: free {short} at {directory} and try again, or set "
        "CIFAR_LAB_HOME to a folder on a disk with room."
    )


def _storage_error(remote: RemoteFile, directory: Path, error: OSError) -> StorageError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _disk_full(remote, directory)
    return StorageError(
        f"Could not save {remote.name} in {directory} ({error.strerror or error}). Make that folder writable, "
        "or set CIFAR_LAB_HOME to one that is."
    )
