"""Validation splits and class-balanced subsets of labelled image arrays (re-exported by `cifar_lab.data`).

Both keep the images in their original order, so a split or subset of sorted data stays sorted and
the result is the same whatever the array order of equal seeds.

Example:
    >>> import numpy as np
    >>> x, y = np.arange(20), np.arange(20) % 2
    >>> [len(a) for a in split_validation(x, y, 0.25)]
    [15, 15, 5, 5]
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from cifar_lab.errors import UsageError


def _check_pair(x: np.ndarray, y: np.ndarray) -> None:
    if len(x) != len(y):
        raise UsageError(f"x has {len(x)} items but y has {len(y)}: pass images and their labels together.")


def split_validation(
    x: np.ndarray,
    y: np.ndarray,
    val_fraction: float = 0.2,
    *,
    seed: int | None = None,
    stratify: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hold out `val_fraction` of `(x, y)` for validation: `(x_train, y_train, x_val, y_val)`.

    With `seed=None` the LAST fraction is held out, exactly like Keras's `validation_split`
    (which the original assignment used), and the results are views, not copies. With a seed the
    held-out items are drawn at random. `stratify=True` holds out the fraction of each class
    separately (the last ones with `seed=None`), so both parts keep the class balance.

    Example:
        >>> x, y = np.arange(10), np.arange(10) % 2
        >>> split_validation(x, y, 0.2)[2]
        array([8, 9])
        >>> np.bincount(split_validation(x, y, 0.2, seed=0, stratify=True)[3])
        array([1, 1])
    """
    _check_pair(x, y)
    if not 0 < val_fraction < 1:
        raise UsageError(f"val_fraction must be between 0 and 1 (exclusive), got {val_fraction}; 0.2 holds out 20%.")
    n = len(y)
    split_at = math.floor(n * (1 - val_fraction))  # Keras 3's rounding, so seed=None matches it exactly
    if seed is None and not stratify:
        held_out = np.arange(split_at, n)
    elif not stratify:
        held_out = np.random.default_rng(seed).permutation(n)[: n - split_at]
    else:
        rng = np.random.default_rng(seed)
        parts = []
        for label in np.unique(y):
            members = np.flatnonzero(y == label)
            k = round(len(members) * val_fraction)
            parts.append(members[len(members) - k :] if seed is None else rng.choice(members, k, replace=False))
        held_out = np.concatenate(parts)
    if len(held_out) == 0 or len(held_out) == n:
        raise UsageError(
            f"val_fraction={val_fraction} of {n} items leaves {n - len(held_out)} for training and "
            f"{len(held_out)} for validation; both need at least one. Use more data or another fraction."
        )
    if seed is None and not stratify:
        return x[:split_at], y[:split_at], x[split_at:], y[split_at:]
    mask = np.zeros(n, dtype=bool)
    mask[held_out] = True
    return x[~mask], y[~mask], x[mask], y[mask]


def stratified_subset(
    x: np.ndarray,
    y: np.ndarray,
    *,
    n_per_class: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A random subset with `n_per_class` items of each class, or `fraction` of each class.

    Give exactly one of `n_per_class` and `fraction`. Items keep their original order.

    Example:
        >>> x, y = np.arange(12), np.arange(12) % 3
        >>> np.bincount(stratified_subset(x, y, n_per_class=2)[1])
        array([2, 2, 2])
    """
    _check_pair(x, y)
    if (n_per_class is None) == (fraction is None):
        raise UsageError("Give exactly one of n_per_class (e.g. 100) and fraction (e.g. 0.1).")
    if fraction is not None and not 0 < fraction <= 1:
        raise UsageError(f"fraction must be in (0, 1], got {fraction}.")
    if n_per_class is not None and n_per_class < 1:
        raise UsageError(f"n_per_class must be at least 1, got {n_per_class}.")
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        k = n_per_class if n_per_class is not None else round(len(members) * fraction)
        if k > len(members):
            raise UsageError(
                f"Class {label} has only {len(members)} items, fewer than n_per_class={n_per_class}. "
                f"Use n_per_class <= {min(np.unique(y, return_counts=True)[1])} (the smallest class) or fraction=..."
            )
        chosen.append(rng.choice(members, k, replace=False))
    index = np.sort(np.concatenate(chosen))
    return x[index], y[index]


def subset_and_split(
    x: np.ndarray,
    y: np.ndarray,
    *,
    n_per_class: int | None,
    val_fraction: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The course's split: at most `n_per_class` images per class, then a stratified validation hold-out.

    `n_per_class` is a ceiling (None keeps every image): asking for more than the smallest class holds
    uses the smallest class's count, with a warning, so a preset sized for full CIFAR-10 still runs on a
    reduced copy or the synthetic fallback. Returns `(x_train, y_train, x_val, y_val)`.

    Example:
        >>> x, y = np.arange(40), np.arange(40) % 2
        >>> [len(a) for a in subset_and_split(x, y, n_per_class=10, val_fraction=0.2, seed=0)]
        [16, 16, 4, 4]
    """
    _check_pair(x, y)
    if n_per_class is not None:
        smallest = int(np.bincount(np.asarray(y)).min())
        if n_per_class > smallest:
            warnings.warn(
                f"n_per_class={n_per_class} is more than the smallest class holds ({smallest}), so {smallest} "
                f"images per class are used. Pass n_per_class={smallest} or fewer (from the command line: "
                f"-p n_per_class {smallest}) to choose the size yourself.",
                stacklevel=2,
            )
            n_per_class = smallest
        x, y = stratified_subset(x, y, n_per_class=n_per_class, seed=seed)
    return split_validation(x, y, val_fraction, seed=seed, stratify=True)
