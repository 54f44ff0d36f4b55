"""The brightness-group analogue of group fairness: does accuracy depend on a property of the image?

CIFAR-10 has no people, so this is an *analogue*: the test images are cut into equal thirds by mean
brightness, the way the cited work groups people by lighting or skin tone, and we report accuracy per
third (with Wilson intervals and Newcombe's interval for the best-worst gap, from
`cifar_lab.ethics.fairness`) and the equalized-odds difference (Hardt et al. 2016): the largest gap,
over classes and over the two rates TPR and FPR of that class's one-vs-rest decision, between the
best and the worst third, with its noise level from a permutation test.

Pure numpy; nothing here imports TensorFlow.

Example:
    >>> x = np.stack([np.full((2, 2, 3), v, np.uint8) for v in (200, 10, 90)])
    >>> [BRIGHTNESS_GROUPS[g] for g in brightness_groups(x)]
    ['bright', 'dark', 'medium']
"""

from __future__ import annotations

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.ethics.fairness import check_labels, difference_interval, wilson_interval

BRIGHTNESS_GROUPS = ("dark", "medium", "bright")

ANALOGUE_STATEMENT = (
    "This is an analogue, not a demographic measure: CIFAR-10 contains no people, so images are grouped "
    "by mean brightness as a stand-in for the lighting and skin-tone groupings of the cited work "
    "(Wilson, Hoffman & Morgenstern 2019; Buolamwini & Gebru 2018). A gap here shows that the model's "
    "errors can depend on a property of the image other than its class, nothing about any group of people."
)


def brightness_groups(x_uint8: np.ndarray) -> np.ndarray:
    """Group index 0 (dark), 1 (medium) or 2 (bright) per image: equal thirds by mean pixel value.

    Ties in brightness are broken by position, so the thirds are equal in size (to within one image).

    Example:
        >>> x = np.stack([np.full((2, 2, 3), v, np.uint8) for v in (200, 10, 90)])
        >>> brightness_groups(x).tolist()
        [2, 0, 1]
    """
    x_uint8 = np.asarray(x_uint8)
    if x_uint8.ndim != 4 or x_uint8.shape[0] < 3:
        raise UsageError(
            f"brightness_groups needs a batch of at least 3 images shaped (N, height, width, channels); "
            f"got shape {x_uint8.shape}. Pass the uint8 test images, e.g. data.x_test."
        )
    brightness = x_uint8.reshape(x_uint8.shape[0], -1).mean(axis=1)
    order = np.argsort(brightness, kind="mergesort")
    groups = np.empty(order.size, dtype=np.int64)
    for group, positions in enumerate(np.array_split(order, len(BRIGHTNESS_GROUPS))):
        groups[positions] = group
    return groups


def equalized_odds_difference(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, num_classes: int) -> dict:
    """Largest between-group gap in one-vs-rest TPR or FPR, over all classes.

    For each class `c` the decision "is it `c`?" has a TPR and an FPR in every group; the class's
    gap is the larger of (max - min TPR) and (max - min FPR) across groups, and the result is the largest
    class gap, with the class and the rate it came from. Groups lacking positives (or negatives) of a
    class are skipped for that rate.

    Example:
        >>> eod = equalized_odds_difference(np.array([0, 1, 0, 1]), np.array([0, 1, 1, 1]), np.array([0, 0, 1, 1]), 2)
        >>> eod["value"], eod["class"], eod["rate"]
        (1.0, 0, 'tpr')
    """
    y_true, y_pred = check_labels(y_true, y_pred)
    groups = np.asarray(groups).ravel()
    best = {"value": 0.0, "class": 0, "rate": "tpr"}
    for c in range(num_classes):
        for rate, condition in (("tpr", y_true == c), ("fpr", y_true != c)):
            rates = [
                np.mean(y_pred[(groups == g) & condition] == c)
                for g in np.unique(groups)
                if np.any((groups == g) & condition)
            ]
            if len(rates) >= 2 and max(rates) - min(rates) > best["value"]:
                best = {"value": float(max(rates) - min(rates)), "class": c, "rate": rate}
    return best


def permute_within_classes(groups: np.ndarray, y_true: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`groups` shuffled among the images of each true class only, so each class keeps its brightness mix.

    Brightness goes with class (ships and planes over bright sky, frogs dark); shuffling across classes
    would also break that link and overstate the noise an equalized-odds difference must beat.

    Example:
        >>> groups, y = np.array([0, 1, 2, 0, 1, 2]), np.array([0, 0, 0, 1, 1, 1])
        >>> shuffled = permute_within_classes(groups, y, np.random.default_rng(0))
        >>> [sorted(shuffled[y == c].tolist()) for c in (0, 1)]
        [[0, 1, 2], [0, 1, 2]]
    """
    shuffled = np.array(groups, copy=True)
    for c in np.unique(y_true):
        where = np.flatnonzero(y_true == c)
        shuffled[where] = rng.permutation(shuffled[where])
    return shuffled


def _eod_interval(
    y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, num_classes: int, resamples: int, rng
) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the equalized-odds difference, images resampled within each group."""
    members = [np.flatnonzero(groups == g) for g in np.unique(groups)]
    values = []
    for _ in range(resamples):
        picked = np.concatenate([rows[rng.integers(0, rows.size, rows.size)] for rows in members])
        values.append(equalized_odds_difference(y_true[picked], y_pred[picked], groups[picked], num_classes)["value"])
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def brightness_analogue(
    x_uint8: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    class_names: tuple[str, ...],
    *,
    n_permutations: int = 200,
    n_bootstrap: int = 200,
    seed: int = 0,
) -> dict:
    """Accuracy (with Wilson intervals) per brightness third and the equalized-odds difference.

    Returns `groups` (name -> accuracy, accuracy_low, accuracy_high, n, mean_brightness range),
    `accuracy_gap` (best minus worst third), its Newcombe interval and `gap_within_noise`,
    `equalized_odds_difference` with the class and rate it comes from, and the fixed
    `statement` that this is an analogue, not a demographic measure.

    The equalized-odds difference is a maximum over many small per-class groups, so it is large even
    when errors ignore brightness. Its noise level is measured by a permutation test: the group labels
    are shuffled within each true class (`permute_within_classes`) `n_permutations` times (seeded),
    and `equalized_odds_noise_95` is the 95th percentile of the shuffled values;
    `equalized_odds_within_noise` says whether the real value is below it. Its 95% interval
    (`equalized_odds_difference_low`/`_high`) is a percentile bootstrap of `n_bootstrap` resamples of
    the test images within each third; a maximum is biased upward under resampling, so read the
    interval with the noise level, not instead of it.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.integers(0, 256, (30, 4, 4, 3), dtype=np.uint8)
        >>> y = rng.integers(0, 2, 30)
        >>> sorted(brightness_analogue(x, y, y, ("a", "b"))["groups"])
        ['bright', 'dark', 'medium']
    """
    y_true, y_pred = check_labels(y_true, y_pred)
    groups = brightness_groups(x_uint8)
    brightness = np.asarray(x_uint8).reshape(len(groups), -1).mean(axis=1)
    correct = y_true == y_pred
    hits = np.array([int(correct[groups == g].sum()) for g in range(len(BRIGHTNESS_GROUPS))])
    sizes = np.array([int((groups == g).sum()) for g in range(len(BRIGHTNESS_GROUPS))])
    low, high = wilson_interval(hits, sizes)
    accuracy = hits / sizes
    per_group = {
        name: {
            "accuracy": float(accuracy[g]),
            "accuracy_low": float(low[g]),
            "accuracy_high": float(high[g]),
            "n": int(sizes[g]),
            "brightness_min": float(brightness[groups == g].min()),
            "brightness_max": float(brightness[groups == g].max()),
        }
        for g, name in enumerate(BRIGHTNESS_GROUPS)
    }
    best, worst = int(np.argmax(accuracy)), int(np.argmin(accuracy))
    gap_low, gap_high = difference_interval(int(hits[best]), int(sizes[best]), int(hits[worst]), int(sizes[worst]))
    eod = equalized_odds_difference(y_true, y_pred, groups, len(class_names))
    rng = np.random.default_rng(seed)
    shuffled = [
        equalized_odds_difference(y_true, y_pred, permute_within_classes(groups, y_true, rng), len(class_names))[
            "value"
        ]
        for _ in range(n_permutations)
    ]
    noise_95 = float(np.percentile(shuffled, 95))
    eod_low, eod_high = _eod_interval(y_true, y_pred, groups, len(class_names), n_bootstrap, rng)
    return {
        "groups": per_group,
        "accuracy_gap": float(accuracy[best] - accuracy[worst]),
        "accuracy_gap_low": gap_low,
        "accuracy_gap_high": gap_high,
        "gap_within_noise": bool(gap_low <= 0.0),
        "best_group": BRIGHTNESS_GROUPS[best],
        "worst_group": BRIGHTNESS_GROUPS[worst],
        "equalized_odds_difference": eod["value"],
        "equalized_odds_class": class_names[eod["class"]],
        "equalized_odds_rate": eod["rate"],
        "equalized_odds_difference_low": eod_low,
        "equalized_odds_difference_high": eod_high,
        "equalized_odds_noise_95": noise_95,
        "equalized_odds_within_noise": bool(eod["value"] <= noise_95),
        "statement": ANALOGUE_STATEMENT,
    }
