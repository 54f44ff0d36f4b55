"""Loading CIFAR-10 (or its synthetic stand-in) by one parameter, `data`, and the `CifarData` it returns.

`data` says where images come from, everywhere (library, notebooks, CLI):

- `"auto"` (default): the path in `CIFAR_LAB_DATA` if set; else an existing Keras cache
  (`~/.keras/datasets`, Keras 2 and Keras 3 layouts, or `$KERAS_HOME`); else our data home; else
  a verified download into the data home. When the download cannot happen (offline, certificate
  failure, wrong checksum) it falls back to synthetic data with a warning that gives the reason and
  the fix. A full disk or an unwritable data home is this machine's problem, not the network's: it
  is an error (`StorageError`), never a fallback.
- `"cifar10"`: the same search, but an error instead of any fallback.
- a path: `cifar-10-python.tar.gz`, or a directory holding `cifar-10-batches-py/` or its files.
- `"synthetic"`: procedurally drawn 10-class images of the same shapes (see `cifar_lab.data.synthetic`).

The data home is `data_home` if given, else `$CIFAR_LAB_HOME`, else `~/.cache/cifar-lab`.
Nothing here imports TensorFlow.

Example:
    >>> data = load_cifar10("synthetic")
    >>> data.x_train.shape, data.synthetic
    ((5000, 32, 32, 3), True)
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import numpy as np

from cifar_lab.data.archive import read_cifar_files
from cifar_lab.data.arrays import class_counts
from cifar_lab.data.cifar10 import (
    ARCHIVE_NAME,
    BATCH_DIR,
    CIFAR10_ARCHIVE,
    CLASS_NAMES,
    DATA_ENV,
    HOME_ENV,
    check_data,
)
from cifar_lab.data.download import ChecksumError, DownloadError, RemoteFile, download
from cifar_lab.data.synthetic import draw_images
from cifar_lab.errors import MissingFileError, UsageError


class SyntheticFallbackWarning(UserWarning):
    """`data="auto"` could not get CIFAR-10 and is using synthetic data instead."""


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CifarData:
    """A CIFAR-10-shaped dataset and where it came from.

    Attributes:
        x_train: uint8 training images `(N, 32, 32, 3)`, channels last.
        y_train: int64 training labels `(N,)` in `0..9`.
        x_test: uint8 test images, as `x_train`.
        y_test: int64 test labels, as `y_train`.
        class_names: the ten class names, indexed by label.
        source: where the images came from (a path, or `"synthetic"`).
        synthetic: True for the procedurally drawn stand-in; its figures say nothing about CIFAR-10.
        warning: why a fallback happened and how to fix it; None when nothing fell back.

    Example:
        >>> make_synthetic(n_train=100, n_test=20)
        CifarData(SYNTHETIC, not CIFAR-10: train (100, 32, 32, 3), test (20, 32, 32, 3), source='synthetic')
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str
    synthetic: bool
    warning: str | None = None

    def __repr__(self) -> str:
        kind = "SYNTHETIC, not CIFAR-10" if self.synthetic else "CIFAR-10"
        note = ", with a WARNING (see .warning)" if self.warning else ""
        return f"CifarData({kind}: train {self.x_train.shape}, test {self.x_test.shape}, source={self.source!r}{note})"

    def summary(self) -> str:
        """A few lines for logs and reports: kind, source, warning, shapes and class counts.

        Example:
            >>> print(make_synthetic(n_train=10, n_test=10).summary().splitlines()[0])
            SYNTHETIC data (not CIFAR-10), source: synthetic
        """
        lines = [f"{'SYNTHETIC data (not CIFAR-10)' if self.synthetic else 'CIFAR-10'}, source: {self.source}"]
        if self.warning:
            lines.append(f"WARNING: {self.warning}")
        for part, x, y in (("train:", self.x_train, self.y_train), ("test: ", self.x_test, self.y_test)):
            lines.append(f"{part} x {x.shape} {x.dtype}, y {y.shape} {y.dtype}")
        train, test = class_counts(self.y_train, self.class_names), class_counts(self.y_test, self.class_names)
        width = max(map(len, self.class_names))
        lines.append(f"{'class':<{width}}  {'train':>7}  {'test':>7}")
        lines += [f"{name:<{width}}  {train[name]:>7}  {test[name]:>7}" for name in self.class_names]
        return "\n".join(lines)


def make_synthetic(n_train: int = 5000, n_test: int = 1000, seed: int = 0) -> CifarData:
    """Draw a deterministic synthetic 10-class dataset with CIFAR-10's shapes and dtypes.

    Same arguments, same bytes. Train and test come from independent streams, so changing
    `n_train` leaves the test set as it was.

    Example:
        >>> data = make_synthetic(n_train=50, n_test=10, seed=1)
        >>> data.synthetic, data.source, data.x_train.shape
        (True, 'synthetic', (50, 32, 32, 3))
    """
    if n_train < 0 or n_test < 0:
        raise UsageError(f"n_train and n_test must be >= 0, got {n_train} and {n_test}.")
    train_stream, test_stream = np.random.SeedSequence(seed).spawn(2)
    x_train, y_train = draw_images(n_train, np.random.default_rng(train_stream))
    x_test, y_test = draw_images(n_test, np.random.default_rng(test_stream))
    return CifarData(x_train, y_train, x_test, y_test, CLASS_NAMES, "synthetic", synthetic=True)


def default_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """Where downloads are kept: `data_home`, else `$CIFAR_LAB_HOME`, else `~/.cache/cifar-lab`.

    Example:
        >>> default_data_home("/tmp/cifar")
        PosixPath('/tmp/cifar')
    """
    chosen = data_home or os.environ.get(HOME_ENV) or Path("~") / ".cache" / "cifar-lab"
    return Path(chosen).expanduser()


def _keras_caches() -> list[Path]:
    datasets = Path(os.environ.get("KERAS_HOME") or Path("~") / ".keras").expanduser() / "datasets"
    # Keras 3 extracts into cifar-10-batches-py-target/; Keras 2 (tf.keras) into cifar-10-batches-py/.
    return [datasets / "cifar-10-batches-py-target" / BATCH_DIR, datasets / BATCH_DIR]


def _find_local(data_home: Path, remote: RemoteFile) -> Path | None:
    configured = os.environ.get(DATA_ENV)
    if configured:
        if not Path(configured).expanduser().exists():
            raise MissingFileError(
                f"{DATA_ENV} is set to {configured}, which does not exist. Point it at {ARCHIVE_NAME} or a "
                f"directory holding {BATCH_DIR}/, or unset it to let data='auto' find or download CIFAR-10."
            )
        return Path(configured).expanduser()
    return next((c for c in [*_keras_caches(), data_home / remote.name] if c.exists()), None)


def _find_or_download(data_home: Path, remote: RemoteFile) -> Path:
    return _find_local(data_home, remote) or download(remote, data_home)


def locate_cifar10(
    data: str | os.PathLike[str] = "auto",
    *,
    data_home: str | os.PathLike[str] | None = None,
    remote: RemoteFile = CIFAR10_ARCHIVE,
) -> Path | None:
    """The files `load_cifar10(data)` would read, found without downloading anything.

    Returns None for synthetic data, and for `"auto"` / `"cifar10"` when CIFAR-10 is not on this machine
    yet (loading would download it, or for `"auto"` fall back to synthetic data).

    Example:
        >>> locate_cifar10("synthetic") is None
        True
    """
    data = check_data(data)
    if data == "synthetic":
        return None
    if data in ("auto", "cifar10"):
        return _find_local(default_data_home(data_home), remote)
    return Path(data).expanduser()


def describe_source(data: str | os.PathLike[str] = "auto", *, data_home: str | os.PathLike[str] | None = None) -> dict:
    """What `load_cifar10(data)` would read, for telling apart runs on different data.

    A file or folder is described by its absolute path, total size and latest modification, so a run
    made on the synthetic fallback is not mistaken for one made after `CIFAR_LAB_DATA` was set.

    Example:
        >>> describe_source("synthetic")
        {'source': 'synthetic'}
    """
    if check_data(data) == "synthetic":
        return {"source": "synthetic"}
    path = locate_cifar10(data, data_home=data_home)
    if path is None:
        return {"source": "not on this machine: a download, or else the synthetic fallback"}
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    stats = [f.stat() for f in files]
    return {
        "source": str(path.resolve()),
        "bytes": sum(s.st_size for s in stats),
        "modified_ns": max((s.st_mtime_ns for s in stats), default=0),
    }


def load_cifar10(
    data: str | os.PathLike[str] = "auto",
    *,
    data_home: str | os.PathLike[str] | None = None,
    remote: RemoteFile = CIFAR10_ARCHIVE,
) -> CifarData:
    """Load CIFAR-10 from `data` (`"auto"`, `"cifar10"`, `"synthetic"` or a path; see the module).

    Args:
        data: where the images come from; see the module.
        data_home: where downloads are kept; see `default_data_home`.
        remote: what to download (tests point it at a local server).

    Raises:
        MissingFileError: `data` is a path and nothing is there.
        UsageError: `data` is neither a named source nor a path.
        CifarFormatError: a bad file; the message names the file and the fix.
        DownloadError: with `data="cifar10"`, the download failed (`"auto"` falls back to synthetic
            data with a `SyntheticFallbackWarning` instead).
        ChecksumError: with `data="cifar10"`, the downloaded bytes were not the published ones.
        StorageError: the download could not be saved (a full disk, an unwritable data home), whatever `data`.

    Not run in the tests: the real archive's example, which needs the 170 MB download.

    Example:
        >>> load_cifar10("synthetic").synthetic
        True
        >>> load_cifar10("~/data/cifar-10-python.tar.gz").x_train.shape  # doctest: +SKIP
        (50000, 32, 32, 3)
    """
    data = check_data(data)
    if data == "synthetic":
        return make_synthetic()
    home = default_data_home(data_home)
    if data in ("auto", "cifar10"):
        try:
            path = _find_or_download(home, remote)
        except (DownloadError, ChecksumError) as error:  # a captive portal's page fails the checksum
            if data == "cifar10":
                raise
            return _fallback(error)
    else:
        path = Path(check_data(data)).expanduser()
    arrays = read_cifar_files(path)
    return CifarData(
        arrays.x_train,
        arrays.y_train,
        arrays.x_test,
        arrays.y_test,
        arrays.class_names or CLASS_NAMES,
        str(path),
        synthetic=False,
    )


def _fallback(error: Exception) -> CifarData:
    message = (  # the error itself says how to get CIFAR-10
        f"CIFAR-10 is not available here, so this run uses SYNTHETIC data, and its figures say nothing "
        f"about CIFAR-10. Reason: {error} (Pass data='synthetic' to choose synthetic data on purpose.)"
    )
    warnings.warn(message, SyntheticFallbackWarning, stacklevel=3)
    return dataclasses.replace(make_synthetic(), warning=message)
