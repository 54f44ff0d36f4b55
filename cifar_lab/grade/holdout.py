"""The instructor's labelled hold-out set: read once by the grader, its labels never written anywhere.

`--holdout PATH` is an `.npz` with `x` (uint8 images, `(N, 32, 32, 3)`) and `y` (N labels 0..9), or one
CIFAR-10 batch file in the official Python format (e.g. `test_batch`), unpickled safely.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "hidden.npz"
    >>> np.savez(path, x=np.zeros((4, 32, 32, 3), np.uint8), y=np.array([0, 1, 2, 3]))
    >>> load_holdout(path).y.tolist()
    [0, 1, 2, 3]
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cifar_lab.data.cifar10 import IMAGE_SHAPE, NUM_CLASSES
from cifar_lab.data.safe_pickle import load_batch_pickle
from cifar_lab.errors import CifarLabError, MissingFileError

_FIX = "Give an .npz with x (N, 32, 32, 3) uint8 and y (N,) labels 0..9, or a CIFAR-10 batch file."


class HoldoutError(CifarLabError, ValueError):
    """The hold-out file is not a labelled set of CIFAR-10 images."""


@dataclass(frozen=True)
class Holdout:
    """Images and labels of the hidden set."""

    x: np.ndarray
    y: np.ndarray


def load_holdout(path: str | Path) -> Holdout:
    """Read and check the hold-out set at `path`.

    Raises:
        MissingFileError: no file at `path`.
        HoldoutError: not an `.npz` with `x` and `y` nor a CIFAR-10 batch, or the arrays are malformed.

    Example:
        >>> load_holdout("no-such.npz")
        Traceback (most recent call last):
        ...
        cifar_lab.errors.MissingFileError: No hold-out file at no-such.npz. Give an .npz with x ...
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f"No hold-out file at {path}. {_FIX}")
    if zipfile.is_zipfile(path):
        with np.load(path, allow_pickle=False) as arrays:
            if "x" not in arrays or "y" not in arrays:
                raise HoldoutError(f"{path} holds {sorted(arrays.files)}, not x and y. {_FIX}")
            x, y = arrays["x"], arrays["y"]
    else:
        x, y = _read_batch(path)
    return _checked(path, x, y)


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with open(path, "rb") as handle:
            batch = load_batch_pickle(handle, name=str(path))
    except CifarLabError:
        raise
    except Exception as error:
        raise HoldoutError(f"{path} is neither an .npz nor a readable CIFAR-10 batch ({error}). {_FIX}") from None
    if not isinstance(batch, dict):
        raise HoldoutError(f"{path} holds a {type(batch).__name__}, not a CIFAR-10 batch. {_FIX}")
    batch = {key.decode("latin1") if isinstance(key, bytes) else key: value for key, value in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise HoldoutError(f"{path} has keys {sorted(map(str, batch))}, not data and labels. {_FIX}")
    data = np.asarray(batch["data"])
    if data.ndim != 2 or data.shape[1] != int(np.prod(IMAGE_SHAPE)):
        raise HoldoutError(f"{path} has image data of shape {data.shape}, not (N, 3072). {_FIX}")
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.asarray(batch["labels"])


def _checked(path: Path, x: np.ndarray, y: np.ndarray) -> Holdout:
    if not len(x):
        raise HoldoutError(f"{path} holds no images. {_FIX}")
    if x.dtype != np.uint8 or x.shape[1:] != IMAGE_SHAPE:
        raise HoldoutError(f"{path}: x is {x.dtype} of shape {x.shape}, not uint8 (N, 32, 32, 3). {_FIX}")
    y = np.asarray(y).ravel()
    if y.shape != (len(x),) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= NUM_CLASSES:
        raise HoldoutError(f"{path}: y must hold one label 0..9 per image ({len(x)}), got {y.dtype} {y.shape}. {_FIX}")
    return Holdout(np.ascontiguousarray(x), y.astype(np.int64))
