"""Array helpers for labelled images: scaling to [0, 1], one-hot labels, counts per class.

Example:
    >>> normalize(np.array([0, 255], dtype=np.uint8)).tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

import numpy as np

from cifar_lab.data.cifar10 import CLASS_NAMES, NUM_CLASSES
from cifar_lab.errors import UsageError, WrongTypeError


def normalize(x_uint8: np.ndarray) -> np.ndarray:
    """Scale uint8 images to float32 in [0, 1], allocating only the float32 result.

    Example:
        >>> normalize(np.array([0, 51, 255], dtype=np.uint8))
        array([0. , 0.2, 1. ], dtype=float32)
    """
    x_uint8 = np.asarray(x_uint8)
    if x_uint8.dtype != np.uint8:
        raise WrongTypeError(
            f"normalize expects uint8 images (0..255), got {x_uint8.dtype}. If they are already scaled, "
            "use them as they are; otherwise pass the arrays from load_cifar10."
        )
    out = x_uint8.astype(np.float32)  # x / 255.0 would make a float64 copy first
    out /= 255.0
    return out


def one_hot(y: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Turn integer labels `(N,)` into float32 one-hot rows `(N, num_classes)`.

    Example:
        >>> one_hot(np.array([2, 0]), num_classes=3)
        array([[0., 0., 1.],
               [1., 0., 0.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise UsageError(
            f"one_hot expects integer labels of shape (N,), got {y.dtype} {y.shape}. Use y.ravel() for (N, 1)."
        )
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise UsageError(f"Labels must be in 0..{num_classes - 1}, got {y.min()}..{y.max()}. Check num_classes.")
    return np.eye(num_classes, dtype=np.float32)[y]


def class_counts(y: np.ndarray, class_names: tuple[str, ...] | list[str] = CLASS_NAMES) -> dict[str, int]:
    """Count the images of each class, as `{class name: count}` in label order (zeros included).

    Example:
        >>> class_counts(np.array([0, 2, 2]), ("a", "b", "c"))
        {'a': 1, 'b': 0, 'c': 2}
    """
    y = np.asarray(y)
    if y.size and (y.min() < 0 or y.max() >= len(class_names)):
        raise UsageError(
            f"Labels must be in 0..{len(class_names) - 1} for {len(class_names)} class names, "
            f"got {y.min()}..{y.max()}. Pass the class names of this dataset."
        )
    return dict(zip(class_names, np.bincount(y, minlength=len(class_names)).tolist()))
