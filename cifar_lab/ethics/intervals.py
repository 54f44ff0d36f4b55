"""95% intervals on attack figures: a stratified bootstrap, and when a low false-positive rate can be measured.

Every privacy figure on the card is a statistic of two small samples (member scores and non-member
scores), so each comes with a percentile bootstrap interval (Efron & Tibshirani 1993): members and
non-members are resampled separately, with replacement, `BOOTSTRAP_RESAMPLES` times (seeded), and the
2.5th and 97.5th percentiles of the statistic are the interval. An AUC interval that covers 0.5 means
no leakage is detectable at this sample size.

A TPR at false-positive rate `f` is only a measurement when the non-members allow at least one false
positive, i.e. `n_nonmembers * f >= 1`: below that it is the TPR at zero false positives and is not
reported as a low-FPR figure (`supports_fpr`).

Pure numpy.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> low, high = bootstrap_interval(rng.normal(1, 1, 300), rng.normal(0, 1, 300), lambda m, n: m.mean() - n.mean())
    >>> bool(low < 1.0 < high)
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Resamples per interval: the percentiles of 1,000 resamples move by about 0.005 of an AUC between seeds.
BOOTSTRAP_RESAMPLES = 1000

# A group with fewer members or non-members than this is flagged on the card: its interval is wide.
SMALL_GROUP = 30


def supports_fpr(n_nonmembers: int, fpr: float) -> bool:
    """Whether `n_nonmembers` allow at least one false positive at rate `fpr` (else it is TPR at 0 FPR).

    Example:
        >>> supports_fpr(1000, 0.001), supports_fpr(999, 0.001)
        (True, False)
    """
    return n_nonmembers * fpr >= 1.0 - 1e-9


def bootstrap_interval(
    members: np.ndarray,
    nonmembers: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> tuple[float, float]:
    """The 95% percentile-bootstrap interval of `statistic(members, nonmembers)`, each side resampled apart.

    Example:
        >>> m, n = np.array([3.0, 4.0, 5.0]), np.array([0.0, 1.0, 2.0])
        >>> bootstrap_interval(m, n, lambda a, b: float(a.min() > b.max()))
        (1.0, 1.0)
    """
    values = bootstrap_values(members, nonmembers, statistic, resamples=resamples, seed=seed)
    low, high = np.percentile(values, [2.5, 97.5], axis=0)
    return float(low), float(high)


def bootstrap_values(
    members: np.ndarray,
    nonmembers: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], object],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> np.ndarray:
    """`statistic` on `resamples` stratified bootstrap resamples, stacked (one row per resample).

    `statistic` may return a number or a vector of numbers (several figures from one resample).

    Example:
        >>> bootstrap_values(np.array([1.0]), np.array([0.0]), lambda a, b: a[0] - b[0], resamples=3).tolist()
        [1.0, 1.0, 1.0]
    """
    members, nonmembers = np.asarray(members, np.float64), np.asarray(nonmembers, np.float64)
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(resamples):
        m = members[rng.integers(0, members.size, members.size)]
        n = nonmembers[rng.integers(0, nonmembers.size, nonmembers.size)]
        rows.append(np.asarray(statistic(m, n), dtype=np.float64))
    return np.stack(rows)
