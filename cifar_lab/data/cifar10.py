"""CIFAR-10's facts, stated once: classes, image shape, the official archive and its layout, the data sources.

Every other module takes these from here, so a count, a URL or a file name cannot drift apart.

Example:
    >>> NUM_CLASSES, IMAGE_SHAPE, CLASS_NAMES[3]
    (10, (32, 32, 3), 'cat')
"""

from __future__ import annotations

import os
from pathlib import Path

from cifar_lab.data.download import RemoteFile
from cifar_lab.errors import MissingFileError, UsageError, did_you_mean

CLASS_NAMES: tuple[str, ...] = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
NUM_CLASSES = len(CLASS_NAMES)
IMAGE_SHAPE = (32, 32, 3)
IMAGE_BYTES = 32 * 32 * 3  # one image in a batch file: three channel planes of 32x32 bytes

CIFAR10_ARCHIVE = RemoteFile(
    name="cifar-10-python.tar.gz",
    url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    # Published with the dataset; Keras's own loader checks the same value.
    sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    size=170_498_071,
)
ARCHIVE_NAME = CIFAR10_ARCHIVE.name
BATCH_DIR = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
META_FILE = "batches.meta"

# The named values of the `data` parameter; any other value must be a path to the files.
DATA_SOURCES = ("auto", "cifar10", "synthetic")
DATA_ENV = "CIFAR_LAB_DATA"
HOME_ENV = "CIFAR_LAB_HOME"


def check_data(data: str | os.PathLike[str]) -> str:
    """Return `data` as a string if it is a named source or an existing path; else raise.

    Raises:
        MissingFileError: `data` looks like a path (it has a folder separator or an archive's
            extension) and nothing is there.
        UsageError: neither a named source nor a path (a near-miss name gets a suggestion).

    Example:
        >>> check_data("synthetic")
        'synthetic'
        >>> check_data("cifar-10")
        Traceback (most recent call last):
        ...
        cifar_lab.errors.UsageError: Unknown data='cifar-10'. Did you mean 'cifar10'? ...
    """
    text = os.fspath(data) if isinstance(data, os.PathLike) else data
    if not isinstance(text, str) or not text:
        raise UsageError(
            f"data must be a name or a path, got {data!r}. Use one of {', '.join(DATA_SOURCES)} or a path."
        )
    path = Path(text).expanduser()
    if text in DATA_SOURCES or path.exists():
        return text
    if os.sep in text or "/" in text or text.endswith((".gz", ".tar")):
        raise MissingFileError(
            f"No CIFAR-10 data at {path}: it does not exist. Pass the path of {ARCHIVE_NAME} or of a directory "
            f"holding {BATCH_DIR}/, or use data='auto' to find or download it."
        )
    raise UsageError(
        f"Unknown data={text!r}.{did_you_mean(text, DATA_SOURCES)} Use one of {', '.join(DATA_SOURCES)}, or the "
        f"path of an existing {ARCHIVE_NAME} or of a directory holding {BATCH_DIR}/."
    )
