"""Where CIFAR-10's files are, in an archive or a directory, and how much of each may be read.

`directory_entries` and `archive_entries` find `data_batch_1` .. `data_batch_5`, `test_batch` and
`batches.meta`, and make every check that needs none of a file's content before anything is read or
allocated. In an archive: no links, devices, sparse members or paths leaving the archive's folder,
no member larger than a CIFAR-10 file can be, at most `MAX_MEMBERS` members; each header is checked
as it is read, so a bad member stops the reading before the archive is decompressed past it. In a
directory: regular files only, each read through a stream that stops at the size it was checked
for, so a file that grows while it is read, or whose size lies (`/proc`), cannot make reading go on.

Example:
    >>> import pickle, tempfile
    >>> folder = Path(tempfile.mkdtemp()) / BATCH_DIR
    >>> folder.mkdir()
    >>> blob = pickle.dumps({b"labels": []}, protocol=2)
    >>> _ = (folder / "test_batch").write_bytes(blob)
    >>> [(name, entry.size == len(blob)) for name, entry in directory_entries(folder).items()]
    [('test_batch', True)]
"""

from __future__ import annotations

import io
import posixpath
import stat
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

from cifar_lab.data.cifar10 import BATCH_DIR, CIFAR10_ARCHIVE, IMAGE_BYTES, META_FILE, TEST_BATCH, TRAIN_BATCHES
from cifar_lab.errors import CifarLabError

# All 50,000 training images in one file, pickled the least compactly (Python 3's protocol 2 writes
# each byte above 127 as two), plus room for labels and file names: the official batches are 31 MB.
MAX_BATCH_BYTES = 2 * 50_000 * IMAGE_BYTES + 2**24
MAX_META_BYTES = 2**20  # the official batches.meta is 158 bytes
MAX_MEMBERS = 64  # the official archive has 8
FIX = (
    f"Download the official archive again ({CIFAR10_ARCHIVE.url}) "
    "and pass its path, or use data='synthetic' for an offline demo."
)
_NAMES = (*TRAIN_BATCHES, TEST_BATCH, META_FILE)


class CifarFormatError(CifarLabError, ValueError):
    """A CIFAR-10 file is missing, truncated, unsafe or not in the official format."""


class Entry(NamedTuple):
    """One CIFAR-10 file found: how errors name it, its size, where it lies, and how to open it."""

    where: str
    size: int
    position: int  # reading in this order never seeks backwards in a compressed archive
    open: Callable[[], IO[bytes]]


def largest(name: str) -> int:
    """The most bytes a CIFAR-10 file of this name can hold.

    Example:
        >>> largest("batches.meta"), largest("data_batch_1") // 2**20
        (1048576, 308)
    """
    return MAX_META_BYTES if name == META_FILE else MAX_BATCH_BYTES


def find_batch_dir(directory: Path) -> Path | None:
    """`directory/cifar-10-batches-py`, or `directory` itself, whichever holds a batch file; else None.

    Example:
        >>> find_batch_dir(Path("/nonexistent")) is None
        True
    """
    for candidate in (directory / BATCH_DIR, directory):
        if any((candidate / name).is_file() for name in (*TRAIN_BATCHES, TEST_BATCH)):
            return candidate
    return None


def directory_entries(directory: Path) -> dict[str, Entry]:
    """The CIFAR-10 files in `directory` (or its `cifar-10-batches-py/`), each checked to be a regular file.

    Raises:
        CifarFormatError: no batch file there, or one that is not a regular file or is too large.

    Example:
        >>> directory_entries(Path("/"))
        Traceback (most recent call last):
        ...
        cifar_lab.data.members.CifarFormatError: No CIFAR-10 batch files in /: ...
    """
    batch_dir = find_batch_dir(directory)
    if batch_dir is None:
        raise CifarFormatError(
            f"No CIFAR-10 batch files in {directory}: expected {BATCH_DIR}/ or data_batch_1 .. data_batch_5 "
            f"and test_batch in it. Pass the directory that holds them, or the archive itself."
        )
    entries = {}
    for position, name in enumerate(_NAMES):
        file = batch_dir / name
        if not (file.exists() or file.is_symlink()):
            continue
        status = file.stat()
        size = status.st_size
        if not stat.S_ISREG(status.st_mode):
            raise CifarFormatError(
                f"{file} is not a regular file (a FIFO, device or folder), so it was not read. {FIX}"
            )
        if size > largest(name):
            raise CifarFormatError(_too_large(str(file), size, name))
        entries[name] = Entry(str(file), size, position, partial(_open_bounded, file, largest(name)))
    return entries


@contextmanager
def archive_entries(path: Path) -> Iterator[dict[str, Entry]]:
    """The CIFAR-10 files in the tar archive at `path` (gzip or not), every member checked as it is read.

    Raises:
        CifarFormatError: not a readable tar archive, damaged or truncated, a member that the official
            archive never has (a link, a device, a sparse file, a path outside it, too large), too many
            members, or no batch file.

    Example:
        >>> with archive_entries(Path(__file__)) as entries:  # doctest: +ELLIPSIS
        ...     pass
        Traceback (most recent call last):
        ...
        cifar_lab.data.members.CifarFormatError: ...members.py is not a readable tar archive ...
    """
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise CifarFormatError(f"{path} is not a readable tar archive ({error}). {FIX}") from error
    with archive:
        entries = {}
        try:
            for count, member in enumerate(archive, start=1):  # one header at a time, in file order
                if count > MAX_MEMBERS:
                    raise CifarFormatError(
                        f"Refusing {path}: it has more than {MAX_MEMBERS} members, where the official CIFAR-10 "
                        f"archive has 8. {FIX}"
                    )
                _refuse_unsafe_member(path, member)
                folder, name = posixpath.split(posixpath.normpath(member.name))
                if member.isfile() and folder in ("", BATCH_DIR) and name in _NAMES:
                    opener = partial(archive.extractfile, member)
                    entries[name] = Entry(f"{path}:{member.name}", member.size, member.offset, opener)
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise CifarFormatError(f"{path} is damaged or truncated ({error}). {FIX}") from error
        if not any(name in entries for name in (*TRAIN_BATCHES, TEST_BATCH)):
            raise CifarFormatError(f"{path} holds no CIFAR-10 batch files ({BATCH_DIR}/data_batch_1 ...). {FIX}")
        yield entries


def _refuse_unsafe_member(path: Path, member: tarfile.TarInfo) -> None:
    name = posixpath.normpath(member.name)
    limit = largest(posixpath.basename(name))
    if member.issym() or member.islnk():
        problem = f"is a link to {member.linkname!r}"
    elif name.startswith("/") or name == ".." or name.startswith("../"):
        problem = "points outside the archive's own directory"
    elif not (member.isfile() or member.isdir()):
        problem = "is a device or other special file"
    elif member.size > limit:
        problem = f"claims {_human(member.size)}, more than a CIFAR-10 file can hold ({_human(limit)})"
    elif member.issparse():
        problem = "is a sparse file (mostly holes, larger unpacked than stored)"
    else:
        return
    raise CifarFormatError(
        f"Refusing {path}: its member {member.name!r} {problem}, which the official CIFAR-10 archive never has. {FIX}"
    )


def _too_large(where: str, size: int, name: str) -> str:
    return f"{where} has {_human(size)}, more than a CIFAR-10 file can hold ({_human(largest(name))}). {FIX}"


def _human(size: int) -> str:
    return f"{size / 2**30:,.1f} GiB" if size >= 2**30 else f"{size / 2**20:,.0f} MiB"


class _Bounded(io.RawIOBase):
    """A file read no further than `limit` bytes; reading past that raises instead of going on."""

    def __init__(self, file: IO[bytes], where: str, limit: int) -> None:
        self._file, self._where, self._left = file, where, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._file.readinto(memoryview(buffer)[: self._left + 1])  # one byte more shows there is more
        if n > self._left:
            raise CifarFormatError(
                f"{self._where} goes on past what a CIFAR-10 file can hold (a device, or a file still being "
                f"written?), so reading it stopped. {FIX}"
            )
        self._left -= n
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def _open_bounded(path: Path, limit: int) -> IO[bytes]:
    return io.BufferedReader(_Bounded(open(path, "rb", buffering=0), str(path), limit))
