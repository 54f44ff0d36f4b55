"""CIFAR-10 for the course: load it (or its synthetic stand-in) safely, split, subset, normalise, plot.

One parameter, ``data``, says where images come from, everywhere (library, notebooks, CLI):

- ``"auto"`` (default): the path in ``CIFAR_LAB_DATA`` if set; else an existing Keras cache
  (``~/.keras/datasets``, Keras 2 and Keras 3 layouts, or ``$KERAS_HOME``); else our data home; else
  a verified download into the data home. When the download cannot happen (offline, certificate
  failure, wrong checksum) it falls back to synthetic data with a warning that gives the reason and
  the fix.
- ``"cifar10"``: the same search, but an error instead of any fallback.
- a path: ``cifar-10-python.tar.gz``, or a directory holding ``cifar-10-batches-py/`` or its files.
- ``"synthetic"``: procedurally drawn 10-class images of the same shapes (see :mod:`cifar_lab.synthetic`).

The data home is ``data_home`` if given, else ``$CIFAR_LAB_HOME``, else ``~/.cache/cifar-lab``.
Nothing here imports TensorFlow.

Example::

    >>> from cifar_lab.data import load_cifar10, split_validation, normalize
    >>> data = load_cifar10("synthetic")
    >>> x_train, y_train, x_val, y_val = split_validation(data.x_train, data.y_train, 0.2, seed=0)
    >>> normalize(x_val).dtype
    dtype('float32')
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cifar_lab.cifar_files import ARCHIVE_NAME, BATCH_DIR, read_cifar_files
from cifar_lab.download import CIFAR10_ARCHIVE, ChecksumError, DownloadError, RemoteFile, download
from cifar_lab.splits import split_validation, stratified_subset
from cifar_lab.synthetic import draw_images

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CLASS_NAMES", "CifarData", "SyntheticFallbackWarning", "load_cifar10", "make_synthetic",
    "default_data_home", "split_validation", "stratified_subset", "normalize", "one_hot",
    "class_counts", "plot_sample_grid", "add_command",
]  # fmt: skip

CLASS_NAMES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip
DATA_ENV = "CIFAR_LAB_DATA"
HOME_ENV = "CIFAR_LAB_HOME"


class SyntheticFallbackWarning(UserWarning):
    """``data="auto"`` could not get CIFAR-10 and is using synthetic data instead."""


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CifarData:
    """A CIFAR-10-shaped dataset and where it came from.

    Attributes:
        x_train, x_test: uint8 images ``(N, 32, 32, 3)``, channels last.
        y_train, y_test: int64 labels ``(N,)`` in ``0..9``.
        class_names: the ten class names, indexed by label.
        source: where the images came from (a path, or ``"synthetic"``).
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
        return (
            f"CifarData({kind}: train {self.x_train.shape}, test {self.x_test.shape}, "
            f"source={self.source!r}{note})"
        )

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
    ``n_train`` leaves the test set as it was.

    Example:
        >>> data = make_synthetic(n_train=50, n_test=10, seed=1)
        >>> data.synthetic, data.source, data.x_train.shape
        (True, 'synthetic', (50, 32, 32, 3))
    """
    if n_train < 0 or n_test < 0:
        raise ValueError(f"n_train and n_test must be >= 0, got {n_train} and {n_test}.")
    train_stream, test_stream = np.random.SeedSequence(seed).spawn(2)
    x_train, y_train = draw_images(n_train, np.random.default_rng(train_stream))
    x_test, y_test = draw_images(n_test, np.random.default_rng(test_stream))
    return CifarData(x_train, y_train, x_test, y_test, CLASS_NAMES, "synthetic", synthetic=True)


def default_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """Where downloads are kept: ``data_home``, else ``$CIFAR_LAB_HOME``, else ``~/.cache/cifar-lab``.

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


def _find_or_download(data_home: Path, remote: RemoteFile) -> Path:
    configured = os.environ.get(DATA_ENV)
    if configured:
        if not Path(configured).expanduser().exists():
            raise FileNotFoundError(
                f"{DATA_ENV} is set to {configured}, which does not exist. Point it at {ARCHIVE_NAME} or a "
                f"directory holding {BATCH_DIR}/, or unset it to let data='auto' find or download CIFAR-10."
            )
        return Path(configured).expanduser()
    for candidate in [*_keras_caches(), data_home / remote.name]:
        if candidate.exists():
            return candidate
    return download(remote, data_home)


def load_cifar10(
    data: str | os.PathLike[str] = "auto",
    *,
    data_home: str | os.PathLike[str] | None = None,
    remote: RemoteFile = CIFAR10_ARCHIVE,
) -> CifarData:
    """Load CIFAR-10 from ``data`` (``"auto"``, ``"cifar10"``, ``"synthetic"`` or a path; see the module).

    ``remote`` declares what to download (tests point it at a local server). Bad files raise
    :class:`cifar_lab.cifar_files.CifarFormatError` naming the file and the fix.

    Example:
        >>> load_cifar10("synthetic").synthetic
        True
        >>> load_cifar10("~/data/cifar-10-python.tar.gz").x_train.shape  # doctest: +SKIP
        (50000, 32, 32, 3)
    """
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
        path = Path(data).expanduser()
        if not path.exists() and os.sep not in str(data) and not str(data).endswith((".gz", ".tar")):
            raise ValueError(
                f"Unknown data={str(data)!r}: use 'auto', 'cifar10', 'synthetic', or the path of "
                f"{ARCHIVE_NAME} or of a directory holding {BATCH_DIR}/."
            )
    arrays = read_cifar_files(path)
    return CifarData(
        arrays.x_train, arrays.y_train, arrays.x_test, arrays.y_test,
        arrays.class_names or CLASS_NAMES, str(path), synthetic=False,
    )  # fmt: skip


def _fallback(error: Exception) -> CifarData:
    message = (  # the error itself says how to get CIFAR-10
        f"CIFAR-10 is not available here, so this run uses SYNTHETIC data, and its figures say nothing "
        f"about CIFAR-10. Reason: {error} (Pass data='synthetic' to choose synthetic data on purpose.)"
    )
    warnings.warn(message, SyntheticFallbackWarning, stacklevel=3)
    return dataclasses.replace(make_synthetic(), warning=message)


def normalize(x_uint8: np.ndarray) -> np.ndarray:
    """Scale uint8 images to float32 in [0, 1], allocating only the float32 result.

    Example:
        >>> normalize(np.array([0, 51, 255], dtype=np.uint8))
        array([0. , 0.2, 1. ], dtype=float32)
    """
    x_uint8 = np.asarray(x_uint8)
    if x_uint8.dtype != np.uint8:
        raise TypeError(
            f"normalize expects uint8 images (0..255), got {x_uint8.dtype}. If they are already scaled, "
            "use them as they are; otherwise pass the arrays from load_cifar10."
        )
    out = x_uint8.astype(np.float32)  # x / 255.0 would make a float64 copy first
    out /= 255.0
    return out


def one_hot(y: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Turn integer labels ``(N,)`` into float32 one-hot rows ``(N, num_classes)``.

    Example:
        >>> one_hot(np.array([2, 0]), num_classes=3)
        array([[0., 0., 1.],
               [1., 0., 0.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"one_hot expects integer labels of shape (N,), got {y.dtype} {y.shape}. Use y.ravel() for (N, 1)."
        )
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"Labels must be in 0..{num_classes - 1}, got {y.min()}..{y.max()}. Check num_classes.")
    return np.eye(num_classes, dtype=np.float32)[y]


def class_counts(y: np.ndarray, class_names: tuple[str, ...] | list[str] = CLASS_NAMES) -> dict[str, int]:
    """Count the images of each class, as ``{class name: count}`` in label order (zeros included).

    Example:
        >>> class_counts(np.array([0, 2, 2]), ("a", "b", "c"))
        {'a': 1, 'b': 0, 'c': 2}
    """
    y = np.asarray(y)
    if y.size and (y.min() < 0 or y.max() >= len(class_names)):
        raise ValueError(
            f"Labels must be in 0..{len(class_names) - 1} for {len(class_names)} class names, "
            f"got {y.min()}..{y.max()}. Pass the class names of this dataset."
        )
    return dict(zip(class_names, np.bincount(y, minlength=len(class_names)).tolist()))


def plot_sample_grid(
    x: np.ndarray,
    y: np.ndarray,
    class_names: tuple[str, ...] | list[str] = CLASS_NAMES,
    *,
    per_class: int = 8,
    seed: int = 0,
    title: str | None = None,
) -> Figure:
    """A figure with one labelled row per class showing up to ``per_class`` random images of it.

    Uses no pyplot state, so it works under any backend (Agg included) and displays once in Jupyter.

    Example:
        >>> data = make_synthetic(n_train=100, n_test=10)
        >>> fig = plot_sample_grid(data.x_train, data.y_train, data.class_names, title="synthetic")
        >>> len(fig.axes)
        80
    """
    from matplotlib.figure import Figure

    rng = np.random.default_rng(seed)
    figure = Figure(figsize=(per_class * 0.9 + 1.2, len(class_names) * 0.9 + 0.5), layout="constrained")
    axes = figure.subplots(len(class_names), per_class, squeeze=False)
    for label, row in enumerate(axes):
        members = np.flatnonzero(np.asarray(y) == label)
        chosen = rng.choice(members, size=min(per_class, len(members)), replace=False)
        for column, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_frame_on(False)
            if column < len(chosen):
                ax.imshow(x[chosen[column]], interpolation="nearest")
        row[0].set_ylabel(class_names[label], rotation=0, ha="right", va="center")
    if title:
        figure.suptitle(title)
    return figure


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``cifar-lab data [--data D] [--data-home DIR]``: load the data and print a summary.

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_command(parser.add_subparsers())
    """
    parser = subparsers.add_parser("data", help="load CIFAR-10 (or synthetic data) and print a summary")
    parser.add_argument("--data", default="auto", help="auto | cifar10 | synthetic | PATH (default: auto)")
    parser.add_argument(
        "--data-home", dest="data_home", default=None, help=f"download cache (default: ${HOME_ENV} or ~/.cache/cifar-lab)"
    )
    parser.set_defaults(func=_run_command)


def _run_command(args: argparse.Namespace) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntheticFallbackWarning)  # summary() prints it prominently
            data = load_cifar10(args.data, data_home=args.data_home)
    except (OSError, ValueError) as error:  # every load failure explains itself; a traceback adds nothing
        print(f"cifar-lab data: error: {error}", file=sys.stderr)
        return 1
    print(data.summary())
    return 0
