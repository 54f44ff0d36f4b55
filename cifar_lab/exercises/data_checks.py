"""The self-checks of `01_data`: counting images per class, and scaling a batch of images yourself.

Example:
    >>> from cifar_lab.data import make_synthetic
    >>> data = make_synthetic(n_train=30, n_test=5)
    >>> check_class_counts(np.bincount(data.y_train, minlength=10), data=data)[0]
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cifar_lab.exercises.registry import Exercise, register


def check_class_counts(answer: Any, *, data: Any) -> tuple[bool, str, str | None]:
    """Exercise 1.1: `train_counts`, the number of training images of each class (a dict by name, or 10 counts).

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(n_train=30, n_test=5)
        >>> check_class_counts([0] * 10, data=data)[1]  # doctest: +ELLIPSIS
        '10 of the 10 counts are off, e.g. airplane: you have 0, the data has ...'
    """
    expected = np.bincount(data.y_train, minlength=len(data.class_names))
    if isinstance(answer, dict):
        unknown = sorted(set(map(str, answer)) - set(data.class_names))
        if unknown:
            return False, f"{unknown[0]!r} is not a class name; the names are data.class_names.", None
        got = np.array([answer.get(name, 0) for name in data.class_names])
    else:
        got = np.asarray(answer).ravel()
    if got.shape != expected.shape:
        return False, f"Give one count per class: {len(expected)} of them, not {got.size}.", None
    wrong = [(name, int(g), int(e)) for name, g, e in zip(data.class_names, got, expected) if g != e]
    if wrong:
        name, g, e = wrong[0]
        return (
            False,
            f"{len(wrong)} of the {len(expected)} counts are off, e.g. {name}: you have {g}, the data has {e}.",
            None,
        )
    return True, f"Every class counted right: {int(expected.min())} to {int(expected.max())} images each.", None


def check_scaled_batch(answer: Any, *, data: Any) -> tuple[bool, str, str | None]:
    """Exercise 1.2: `first_batch`, the first 64 training images as float32 numbers in [0, 1].

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(n_train=70, n_test=5)
        >>> check_scaled_batch(data.x_train[:64] / 255, data=data)[1]
        'The values are right but the type is float64: convert with .astype("float32") (half the memory).'
    """
    batch = np.asarray(answer)
    expected = data.x_train[:64].astype(np.float32) / 255
    if batch.shape != expected.shape:
        return False, f"The shape is {batch.shape}; the first 64 images have shape {expected.shape}.", None
    if batch.max() > 1.0:
        return False, f"Values go up to {batch.max():g}: divide the pixels (0 to 255) by 255.", None
    if not np.allclose(batch, expected, atol=1e-6):
        return False, "The values differ from the first 64 images divided by 255: check which images you took.", None
    if batch.dtype != np.float32:
        return (
            False,
            f'The values are right but the type is {batch.dtype}: convert with .astype("float32") (half the memory).',
            None,
        )
    return (
        True,
        f"64 images, float32, from {batch.min():.2f} to {batch.max():.2f}: what the pipeline feeds the model.",
        None,
    )


register(
    Exercise(
        "1.1",
        "01_data",
        "Images per class",
        "train_counts",
        "data.y_train holds one label (0 to 9) per training image; count how often each label occurs "
        "(np.bincount, or a loop over data.class_names).",
        check_class_counts,
    )
)
register(
    Exercise(
        "1.2",
        "01_data",
        "Scale a batch yourself",
        "first_batch",
        "Take data.x_train[:64], turn it into float32 with .astype('float32'), then divide by 255.",
        check_scaled_batch,
    )
)
