"""Reading CIFAR-10 "python version" files from an archive or a directory, batches of any size.

The official layout is `cifar-10-python.tar.gz` holding `cifar-10-batches-py/` with
`data_batch_1` to `data_batch_5`, `test_batch` and `batches.meta`. Each batch is a pickled dict
with `data` (uint8, `(N, 3072)`, channel-major) and `labels` (N ints). Reduced copies with fewer
images per batch are common in teaching, so nothing here assumes 10,000.

Memory: the output arrays are allocated once, from an upper bound on the image count (a batch file
holds at least 3,072 bytes per image), and filled batch by batch, so loading holds the final arrays
plus one batch, never a second full copy. That bound comes from sizes `cifar_lab.data.members` has
checked first (no sparse members, none above what a CIFAR-10 file can hold), and a batch holding
more images than its bytes can is refused. Archives are read in place; nothing is extracted.

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
import tarfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cifar_lab.data.cifar10 import (
    ARCHIVE_NAME,
    BATCH_DIR,
    IMAGE_BYTES,
    META_FILE,
    NUM_CLASSES,
    TEST_BATCH,
    TRAIN_BATCHES,
)
from cifar_lab.data.members import FIX, CifarFormatError, Entry, archive_entries, directory_entries, find_batch_dir
from cifar_lab.data.safe_pickle import UnsafePickleError, bytes_needed, load_batch_pickle
from cifar_lab.errors import MissingFileError

__all__ = ["CifarArrays", "CifarFormatError", "read_cifar_files"]
# What a damaged stream raises while it is unpickled, from a file, a tar member or its gzip layer.
_DAMAGED = (EOFError, pickle.UnpicklingError, ValueError, TypeError, OSError, tarfile.TarError, zlib.error)


class CifarArrays(NamedTuple):
    """The arrays read from CIFAR-10 files (see `cifar_lab.data.CifarData` for the container)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...] | None  # from batches.meta; None when the copy has no meta file


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
        cifar_lab.data.members.CifarFormatError: Missing CIFAR-10 batch file(s) test_batch next to ...
    """
    path = Path(path).expanduser()
    if path.is_dir():
        archive = path / ARCHIVE_NAME
        if not find_batch_dir(path) and archive.is_file():
            path = archive
    if path.is_dir():
        return _read_entries(directory_entries(path))
    if path.is_file():
        with archive_entries(path) as entries:
            return _read_entries(entries)
    if path.exists():
        raise CifarFormatError(
            f"{path} is neither a file nor a folder (a FIFO or a device), so it was not read. Pass the path of "
            f"{ARCHIVE_NAME} or of a directory holding {BATCH_DIR}/."
        )
    raise MissingFileError(
        f"No CIFAR-10 data at {path}: it does not exist. Pass the path of cifar-10-python.tar.gz or of a "
        f"directory holding {BATCH_DIR}/, or use data='auto' to find or download it."
    )


def _read_entries(entries: dict[str, Entry]) -> CifarArrays:
    missing = [name for name in (*TRAIN_BATCHES, TEST_BATCH) if name not in entries]
    if missing:
        some = next(iter(entries.values())).where
        raise CifarFormatError(
            f"Missing CIFAR-10 batch file(s) {', '.join(missing)} next to {some}. A complete copy has "
            f"data_batch_1 .. data_batch_5 and test_batch. {FIX}"
        )
    x_train, y_train = _fill([entries[name] for name in TRAIN_BATCHES])
    x_test, y_test = _fill([entries[TEST_BATCH]])
    class_names = _read_class_names(entries[META_FILE]) if META_FILE in entries else None
    return CifarArrays(x_train, y_train, x_test, y_test, class_names)


def _fill(batches: list[Entry]) -> tuple[np.ndarray, np.ndarray]:
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
        if n > capacities[i]:  # more images than its bytes can hold: the file grew while read, or lied
            raise CifarFormatError(
                f"{batches[i].where} holds {n:,} images, more than its {batches[i].size:,} bytes can. {FIX}"
            )
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


def _read_batch(entry: Entry) -> tuple[np.ndarray, np.ndarray]:
    batch = _unpickle(entry)
    if not isinstance(batch, dict):
        raise CifarFormatError(
            f"{entry.where} is not a CIFAR-10 batch: it holds a {type(batch).__name__}, not a dict. {FIX}"
        )
    batch = {key.decode("latin1") if isinstance(key, bytes) else key: value for key, value in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise CifarFormatError(
            f"{entry.where} is not a CIFAR-10 batch: it has keys {sorted(map(str, batch))[:8]}, not 'data' and "
            f"'labels'. {FIX}"
        )
    data = batch["data"]
    is_array = isinstance(data, np.ndarray)
    if not (is_array and data.dtype == np.uint8 and data.ndim == 2 and data.shape[1] == IMAGE_BYTES):
        described = f"{data.dtype} array of shape {data.shape}" if is_array else type(data).__name__
        raise CifarFormatError(
            f"{entry.where} has image data of the wrong shape: a {described}, where CIFAR-10 has a uint8 "
            f"array of shape (N, {IMAGE_BYTES}) (32x32 pixels, 3 channels). {FIX}"
        )
    labels = batch["labels"]
    # Checked before numpy sees it: a list of references to one array would become a huge array.
    if isinstance(labels, list) and all(type(label) is int for label in labels):
        labels = np.asarray(labels, dtype=np.int64)
    is_array = isinstance(labels, np.ndarray)
    if not (is_array and labels.shape == (len(data),) and np.issubdtype(labels.dtype, np.integer)):
        described = f"{labels.size} labels of type {labels.dtype}" if is_array else f"a {type(labels).__name__}"
        raise CifarFormatError(
            f"{entry.where} has {described} for {len(data)} images, where CIFAR-10 has one integer label per "
            f"image. {FIX}"
        )
    outside = labels[(labels < 0) | (labels >= NUM_CLASSES)]
    if outside.size:
        raise CifarFormatError(
            f"{entry.where} has labels outside 0..9 (e.g. {outside[0]}, {outside.size} in all); CIFAR-10 has "
            f"ten classes numbered 0..9. {FIX}"
        )
    return data, labels


def _read_class_names(entry: Entry) -> tuple[str, ...]:
    meta = _unpickle(entry)
    names = meta.get(b"label_names", meta.get("label_names")) if isinstance(meta, dict) else None
    if not isinstance(names, list) or len(names) != NUM_CLASSES:
        raise CifarFormatError(f"{entry.where} has no list of {NUM_CLASSES} 'label_names'. {FIX}")
    try:
        decoded = tuple(name.decode("utf-8") if isinstance(name, bytes) else name for name in names)
    except UnicodeDecodeError as error:
        raise CifarFormatError(
            f"{entry.where} has a class name that is not UTF-8 text ({error}). Delete {META_FILE} (the standard "
            f"names are then used) or replace it with the official one. {FIX}"
        ) from error
    if not all(isinstance(name, str) and 0 < len(name) <= 100 and name.isprintable() for name in decoded):
        raise CifarFormatError(
            f"{entry.where} has class names that are not short printable text: {[str(n)[:20] for n in decoded]}. "
            f"Delete {META_FILE} (the standard names are then used) or replace it with the official one."
        )
    if len(set(decoded)) < NUM_CLASSES:
        raise CifarFormatError(
            f"{entry.where} names two classes alike ({list(decoded)}), so their counts would merge. Delete "
            f"{META_FILE} (the standard names are then used) or replace it with the official one."
        )
    return decoded


def _unpickle(entry: Entry) -> object:
    with entry.open() as file:
        try:
            return load_batch_pickle(file, name=entry.where)
        except (UnsafePickleError, CifarFormatError):
            raise
        except MemoryError as error:  # a declared length that this file cannot back
            raise CifarFormatError(
                f"{entry.where} declares an object larger than this machine's memory in a file of {entry.size:,} "
                f"bytes: it is damaged or not a CIFAR-10 batch. {FIX}"
            ) from error
        except _DAMAGED as error:
            problem = error
    with entry.open() as file:
        needed = bytes_needed(file, name=entry.where)
    if needed is not None:
        raise CifarFormatError(
            f"{entry.where} is truncated: it has {entry.size:,} bytes but needs at least {needed:,} "
            f"(the rest of the file is missing, e.g. a cut-off download). {FIX}"
        ) from problem
    raise CifarFormatError(f"{entry.where} is not a readable CIFAR-10 pickle ({problem}). {FIX}") from problem
