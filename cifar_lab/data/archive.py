"""Reading CIFAR-10 "python version" files from an archive or a directory, batches of any size.

The official layout is `cifar-10-python.tar.gz` holding `cifar-10-batches-py/` with
`data_batch_1` to `data_batch_5`, `test_batch` and `batches.meta`. Each batch is a pickled dict
with `data` (uint8, `(N, 3072)`, channel-major) and `labels` (N ints). Reduced copies with fewer
images per batch are common in teaching, so nothing here assumes 10,000.

Memory: the output arrays are allocated once, from an upper bound on the image count (a batch file
holds at least 3,072 bytes per image), and filled batch by batch, so loading holds the final arrays
plus one batch, never a second full copy. Archives are read in place; nothing is extracted.

Example:
    >>> import io, pickle, tarfile, tempfile
    >>> batch = pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [3, 8]}, protocol=2)
    >>> archive = Path(tempfile.mkdtemp()) / "cifar-10-python.tar.gz"
    >>> with tarfile.open(archive, "w:gz") as tar:
    ...     for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
    ...         member = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
    ...         member.size = len(batch)
    ...         tar.addfile(member, io.BytesIO(batch))
    >>> arrays = read_cifar_files(archive)
    >>> arrays.x_train.shape, arrays.y_test.tolist(), arrays.class_names
    ((10, 32, 32, 3), [3, 8], None)
"""

from __future__ import annotations

import os
import pickle
import posixpath
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

import numpy as np

from cifar_lab.data.cifar10 import (
    ARCHIVE_NAME,
    BATCH_DIR,
    CIFAR10_ARCHIVE,
    IMAGE_BYTES,
    META_FILE,
    NUM_CLASSES,
    TEST_BATCH,
    TRAIN_BATCHES,
)
from cifar_lab.data.safe_pickle import UnsafePickleError, bytes_needed, load_batch_pickle
from cifar_lab.errors import CifarLabError, MissingFileError

_FIX = (
    f"Download the official archive again ({CIFAR10_ARCHIVE.url}) "
    "and pass its path, or use data='synthetic' for an offline demo."
)


class CifarFormatError(CifarLabError, ValueError):
    """A CIFAR-10 file is missing, truncated, unsafe or not in the official format."""


class CifarArrays(NamedTuple):
    """The arrays read from CIFAR-10 files (see `cifar_lab.data.CifarData` for the container)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...] | None  # from batches.meta; None when the copy has no meta file


class _Entry(NamedTuple):
    where: str  # how the file is named in errors
    size: int
    position: int  # reading in this order never seeks backwards in a compressed archive
    open: Callable[[], IO[bytes]]


def read_cifar_files(path: str | os.PathLike[str]) -> CifarArrays:
    """Read CIFAR-10 from an archive (`.tar.gz` or `.tar`) or a directory, with full checks.

    Args:
        path: the archive, a directory holding `cifar-10-batches-py/` or the archive, or
            `cifar-10-batches-py/` itself.

    Returns:
        The arrays, images channels last; `class_names` is None when there is no `batches.meta`.

    Raises:
        MissingFileError: nothing exists at `path`.
        CifarFormatError: a file is missing, truncated, unsafe or not in the official format; the
            message names the file and the fix.

    Example:
        >>> import pickle, tempfile
        >>> folder = Path(tempfile.mkdtemp()) / "cifar-10-batches-py"
        >>> folder.mkdir()
        >>> batch = {b"data": np.full((3, 3072), 255, np.uint8), b"labels": [0, 1, 2]}
        >>> for name in [*TRAIN_BATCHES, TEST_BATCH]:
        ...     _ = (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        >>> arrays = read_cifar_files(folder.parent)
        >>> arrays.x_train.shape, arrays.x_test.dtype, arrays.y_train[:4].tolist()
        ((15, 32, 32, 3), dtype('uint8'), [0, 1, 2, 0])
        >>> (folder / "test_batch").unlink()
        >>> read_cifar_files(folder)
        Traceback (most recent call last):
        ...
        cifar_lab.data.archive.CifarFormatError: Missing CIFAR-10 batch file(s) test_batch next to ...
    """
    path = Path(path).expanduser()
    if path.is_dir():
        archive = path / ARCHIVE_NAME
        if not _batch_dir(path) and archive.is_file():
            path = archive
    if path.is_dir():
        return _read_entries(_directory_entries(path))
    if path.is_file():
        with _open_archive(path) as entries:
            return _read_entries(entries)
    raise MissingFileError(
        f"No CIFAR-10 data at {path}: it does not exist. Pass the path of cifar-10-python.tar.gz or of a "
        f"directory holding {BATCH_DIR}/, or use data='auto' to find or download it."
    )


def _batch_dir(directory: Path) -> Path | None:
    for candidate in (directory / BATCH_DIR, directory):
        if any((candidate / name).is_file() for name in (*TRAIN_BATCHES, TEST_BATCH)):
            return candidate
    return None


def _directory_entries(directory: Path) -> dict[str, _Entry]:
    batch_dir = _batch_dir(directory)
    if batch_dir is None:
        raise CifarFormatError(
            f"No CIFAR-10 batch files in {directory}: expected {BATCH_DIR}/ or data_batch_1 .. data_batch_5 "
            f"and test_batch in it. Pass the directory that holds them, or the archive itself."
        )
    entries = {}
    for position, name in enumerate((*TRAIN_BATCHES, TEST_BATCH, META_FILE)):
        file = batch_dir / name
        if file.is_file():
            entries[name] = _Entry(str(file), file.stat().st_size, position, partial(open, file, "rb"))
    return entries


@contextmanager
def _open_archive(path: Path) -> Iterator[dict[str, _Entry]]:
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise CifarFormatError(f"{path} is not a readable tar archive ({error}). {_FIX}") from error
    with archive:
        try:
            members = archive.getmembers()
        except (tarfile.TarError, EOFError, OSError) as error:
            raise CifarFormatError(f"{path} is damaged or truncated ({error}). {_FIX}") from error
        entries = {}
        for member in sorted(members, key=lambda m: m.offset):
            _refuse_unsafe_member(path, member)
            folder, name = posixpath.split(posixpath.normpath(member.name))
            if member.isfile() and folder in ("", BATCH_DIR) and name in (*TRAIN_BATCHES, TEST_BATCH, META_FILE):
                opener = partial(archive.extractfile, member)
                entries[name] = _Entry(f"{path}:{member.name}", member.size, member.offset, opener)
        if not any(name in entries for name in (*TRAIN_BATCHES, TEST_BATCH)):
            raise CifarFormatError(f"{path} holds no CIFAR-10 batch files ({BATCH_DIR}/data_batch_1 ...). {_FIX}")
        yield entries


def _refuse_unsafe_member(path: Path, member: tarfile.TarInfo) -> None:
    name = posixpath.normpath(member.name)
    if member.issym() or member.islnk():
        problem = f"is a link to {member.linkname!r}"
    elif name.startswith("/") or name == ".." or name.startswith("../"):
        problem = "points outside the archive's own directory"
    elif not (member.isfile() or member.isdir()):
        problem = "is a device or other special file"
    else:
        return
    raise CifarFormatError(
        f"Refusing {path}: its member {member.name!r} {problem}, which the official CIFAR-10 archive never has. {_FIX}"
    )


def _read_entries(entries: dict[str, _Entry]) -> CifarArrays:
    missing = [name for name in (*TRAIN_BATCHES, TEST_BATCH) if name not in entries]
    if missing:
        some = next(iter(entries.values())).where
        raise CifarFormatError(
            f"Missing CIFAR-10 batch file(s) {', '.join(missing)} next to {some}. A complete copy has "
            f"data_batch_1 .. data_batch_5 and test_batch. {_FIX}"
        )
    x_train, y_train = _fill([entries[name] for name in TRAIN_BATCHES])
    x_test, y_test = _fill([entries[TEST_BATCH]])
    class_names = _read_class_names(entries[META_FILE]) if META_FILE in entries else None
    return CifarArrays(x_train, y_train, x_test, y_test, class_names)


def _fill(batches: list[_Entry]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate `batches` in the given order, reading them in file order, into one allocation."""
    capacities = [entry.size // IMAGE_BYTES for entry in batches]
    x = np.empty((sum(capacities), 32, 32, 3), dtype=np.uint8)
    y = np.empty((sum(capacities),), dtype=np.int64)
    counts: list[int | None] = [None] * len(batches)
    slots = [0] * len(batches)
    for i in sorted(range(len(batches)), key=lambda i: batches[i].position):
        # Exact offset when the batches before this one are read (always, for a directory),
        # else their upper bounds; the gaps that leaves are closed below.
        slots[i] = sum(capacities[j] if counts[j] is None else counts[j] for j in range(i))
        data, labels = _read_batch(batches[i])
        n = counts[i] = len(data)
        # Channel-major rows (3 planes of 32x32) become channels-last images while being copied in,
        # one plane at a time: contiguous reads make this ~4x faster than copying a transposed view.
        planes = data.reshape(n, 3, 32, 32)
        for channel in range(3):
            x[slots[i] : slots[i] + n, :, :, channel] = planes[:, channel]
        y[slots[i] : slots[i] + n] = labels
        del data, labels, planes  # the next batch may reuse this memory
    count = 0
    for slot, n in zip(slots, counts):
        if slot != count:
            x[count : count + n] = x[slot : slot + n]
            y[count : count + n] = y[slot : slot + n]
        count += n
    # Shrinks in place (realloc), so the unused tail is given back without copying the arrays.
    x.resize((count, 32, 32, 3), refcheck=False)
    y.resize((count,), refcheck=False)
    return x, y


def _read_batch(entry: _Entry) -> tuple[np.ndarray, np.ndarray]:
    batch = _unpickle(entry)
    if not isinstance(batch, dict):
        raise CifarFormatError(
            f"{entry.where} is not a CIFAR-10 batch: it holds a {type(batch).__name__}, not a dict. {_FIX}"
        )
    batch = {key.decode("latin1") if isinstance(key, bytes) else key: value for key, value in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise CifarFormatError(
            f"{entry.where} is not a CIFAR-10 batch: it has keys {sorted(map(str, batch))}, not 'data' and "
            f"'labels'. {_FIX}"
        )
    data = batch["data"]
    is_array = isinstance(data, np.ndarray)
    if not (is_array and data.dtype == np.uint8 and data.ndim == 2 and data.shape[1] == IMAGE_BYTES):
        described = f"{data.dtype} array of shape {data.shape}" if is_array else type(data).__name__
        raise CifarFormatError(
            f"{entry.where} has image data of the wrong shape: a {described}, where CIFAR-10 has a uint8 "
            f"array of shape (N, {IMAGE_BYTES}) (32x32 pixels, 3 channels). {_FIX}"
        )
    labels = np.asarray(batch["labels"])
    if labels.shape != (len(data),) or not np.issubdtype(labels.dtype, np.integer):
        raise CifarFormatError(
            f"{entry.where} has {labels.size} labels of type {labels.dtype} for {len(data)} images; CIFAR-10 has "
            f"one integer label per image. {_FIX}"
        )
    outside = labels[(labels < 0) | (labels >= NUM_CLASSES)]
    if outside.size:
        raise CifarFormatError(
            f"{entry.where} has labels outside 0..9 (e.g. {outside[0]}, {outside.size} in all); CIFAR-10 has "
            f"ten classes numbered 0..9. {_FIX}"
        )
    return data, labels


def _read_class_names(entry: _Entry) -> tuple[str, ...]:
    meta = _unpickle(entry)
    names = meta.get(b"label_names", meta.get("label_names")) if isinstance(meta, dict) else None
    if not isinstance(names, list) or len(names) != NUM_CLASSES:
        raise CifarFormatError(f"{entry.where} has no list of {NUM_CLASSES} 'label_names'. {_FIX}")
    return tuple(n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in names)


def _unpickle(entry: _Entry) -> object:
    with entry.open() as file:
        try:
            return load_batch_pickle(file, name=entry.where)
        except UnsafePickleError:
            raise
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError, OSError) as error:
            problem = error
    with entry.open() as file:
        needed = bytes_needed(file, name=entry.where)
    if needed is not None:
        raise CifarFormatError(
            f"{entry.where} is truncated: it has {entry.size:,} bytes but needs at least {needed:,} "
            f"(the rest of the file is missing, e.g. a cut-off download). {_FIX}"
        ) from problem
    raise CifarFormatError(f"{entry.where} is not a readable CIFAR-10 pickle ({problem}). {_FIX}") from problem
