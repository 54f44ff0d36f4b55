"""Per-class disparity, with confidence intervals: which classes does the model fail, and is the gap real?

Answered on the test set: per-class recall, precision, F1 (from `cifar_lab.evaluate`), false-positive
and false-negative rates, the worst class, the best-worst gap and ratio, the most frequent confusions,
and a 95 % **Wilson score interval** for each class's recall (Wilson 1927; it stays inside [0, 1] and
behaves at small counts, unlike the normal approximation). The best-worst gap gets **Newcombe's hybrid
score interval** for a difference of two proportions (Newcombe 1998, method 10); when it includes 0
the report says the gap is within noise. The intervals serve the brightness-group analogue too
(`cifar_lab.ethics.brightness`).

Pure numpy; nothing here imports TensorFlow.

Example:
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.49, 0.943)
"""

from __future__ import annotations

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.ethics.intervals import SMALL_GROUP
from cifar_lab.evaluate.metrics import confusion_matrix, per_class_metrics

# Two-sided 95 %: the standard normal quantile at 0.975.
Z_95 = 1.959963984540054


def wilson_interval(
    successes: np.ndarray | int, n: np.ndarray | int, *, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion `successes / n` (95 % by default), elementwise.

    Where `n` is 0 nothing is known and the interval is the whole [0, 1].

    Example:
        >>> low, high = wilson_interval(np.array([0, 10]), np.array([10, 10]))
        >>> low.round(3).tolist(), high.round(3).tolist()
        ([0.0, 0.722], [0.278, 1.0])
    """
    successes = np.asarray(successes, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    safe_n = np.where(n > 0, n, 1.0)
    p = successes / safe_n
    denominator = 1.0 + z**2 / safe_n
    centre = (p + z**2 / (2 * safe_n)) / denominator
    half_width = z / denominator * np.sqrt(p * (1 - p) / safe_n + z**2 / (4 * safe_n**2))
    # The interval always holds p; min/max only undo rounding (at p = 0 the low end comes out ~1e-17).
    low = np.where(n > 0, np.clip(np.minimum(centre - half_width, p), 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(np.maximum(centre + half_width, p), 0.0, 1.0), 1.0)
    return low, high


def difference_interval(k1: int, n1: int, k2: int, n2: int, *, z: float = Z_95) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) for `k1/n1 - k2/n2`, from the two Wilson intervals.

    Example (Newcombe 1998, table II, 56/70 vs 48/80):
        >>> [round(v, 4) for v in difference_interval(56, 70, 48, 80)]
        [0.0524, 0.3339]
    """
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = (tuple(map(float, wilson_interval(k, n, z=z))) for k, n in ((k1, n1), (k2, n2)))
    difference = p1 - p2
    lower = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(lower), float(upper)


def change_interval(
    baseline: np.ndarray, other: np.ndarray, y_true: np.ndarray, target: int, figure: str
) -> tuple[float, float]:
    """Newcombe's 95% interval for `figure` of predictions `other` minus that of `baseline`, from counts.

    `figure` is `"accuracy"`, or `"recall"` or `"precision"` of class `target`. Both runs are scored
    on the same images; Newcombe's interval treats them as independent samples, which only widens it
    (two runs' errors are positively correlated).

    Example:
        >>> y = np.array([0, 0, 1, 1])
        >>> [round(v, 3) for v in change_interval(np.array([0, 0, 1, 1]), np.array([1, 0, 1, 1]), y, 0, "recall")]
        [-0.905, 0.273]
    """

    def counts(y_pred: np.ndarray) -> tuple[int, int]:
        if figure == "accuracy":
            return int(np.sum(y_pred == y_true)), int(y_true.size)
        hit = int(np.sum((y_pred == target) & (y_true == target)))
        return hit, int(np.sum(y_true == target) if figure == "recall" else max(np.sum(y_pred == target), 1))

    (k_other, n_other), (k_base, n_base) = counts(np.asarray(other)), counts(np.asarray(baseline))
    return difference_interval(k_other, n_other, k_base, n_base)


def absorbed_by(
    baseline: np.ndarray, cut: np.ndarray, y_test: np.ndarray, target: int, names: tuple[str, ...]
) -> list[dict]:
    """The (at most three) classes that take more of class `target`'s test images in `cut`, most first.

    Example:
        >>> y = np.array([0, 0, 0, 1])
        >>> absorbed_by(np.array([0, 0, 0, 1]), np.array([1, 1, 0, 1]), y, 0, ("cat", "dog"))
        [{'class': 'dog', 'baseline': 0, 'cut': 2, 'increase': 2}]
    """
    of_target = y_test == target
    before = np.bincount(baseline[of_target], minlength=len(names))
    after = np.bincount(cut[of_target], minlength=len(names))
    return [
        {"class": names[c], "baseline": int(before[c]), "cut": int(after[c]), "increase": int(after[c] - before[c])}
        for c in np.argsort(-(after - before), kind="stable")
        if c != target and after[c] > before[c]
    ][:3]


def check_labels(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted labels as flat int64 arrays, checked to be non-empty and of the same length.

    Raises:
        UsageError: if they are empty or differ in length.

    Example:
        >>> check_labels([[0], [1]], np.array([1.0, 1.0]))
        (array([0, 1]), array([1, 1]))
    """
    y_true = np.asarray(y_true).astype(np.int64).ravel()
    y_pred = np.asarray(y_pred).astype(np.int64).ravel()
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise UsageError(
            f"y_true and y_pred must be non-empty and the same length; got {y_true.size} and {y_pred.size}. "
            "Pass integer labels and the model's predicted labels (proba.argmax(axis=1)) for the same images."
        )
    return y_true, y_pred


def top_confusions(matrix: np.ndarray, class_names: tuple[str, ...], k: int = 5) -> list[dict]:
    """The `k` largest off-diagonal cells of a confusion matrix (rows = true class), largest first.

    Example:
        >>> top_confusions(np.array([[5, 3], [1, 4]]), ("cat", "dog"), k=1)
        [{'true': 'cat', 'predicted': 'dog', 'count': 3, 'share_of_true': 0.375}]
    """
    matrix = np.asarray(matrix)
    off_diagonal = matrix.astype(np.float64).copy()
    np.fill_diagonal(off_diagonal, -1.0)
    order = np.argsort(-off_diagonal, axis=None, kind="mergesort")[:k]
    confusions = []
    for flat in order:
        true, predicted = np.unravel_index(flat, matrix.shape)
        if off_diagonal[true, predicted] <= 0:
            break
        row_total = matrix[true].sum()
        confusions.append(
            {
                "true": class_names[true],
                "predicted": class_names[predicted],
                "count": int(matrix[true, predicted]),
                "share_of_true": float(matrix[true, predicted] / row_total),
            }
        )
    return confusions


def _per_class_rows(matrix: np.ndarray, metrics: dict, class_names: tuple[str, ...]) -> dict:
    """Each class's figures with their 95% Wilson intervals (FNR's is one minus recall's), small classes flagged.

    F1 is left out: it has no simple interval, and the precision and recall it combines are here with theirs.
    """
    support = matrix.sum(axis=1)
    hits = np.diag(matrix)
    predicted = matrix.sum(axis=0)
    false_positives = predicted - hits
    negatives = matrix.sum() - support
    recall_low, recall_high = wilson_interval(hits, support)
    precision_low, precision_high = wilson_interval(hits, predicted)
    fpr_low, fpr_high = wilson_interval(false_positives, negatives)
    fpr = np.divide(false_positives, negatives, out=np.zeros(len(class_names)), where=negatives > 0)
    return {
        name: {
            "recall": float(metrics["recall"][c]),
            "recall_low": float(recall_low[c]),
            "recall_high": float(recall_high[c]),
            "precision": float(metrics["precision"][c]),
            "precision_low": float(precision_low[c]),
            "precision_high": float(precision_high[c]),
            "fpr": float(fpr[c]),
            "fpr_low": float(fpr_low[c]),
            "fpr_high": float(fpr_high[c]),
            "fnr": float(1.0 - metrics["recall"][c]) if support[c] else 0.0,
            "fnr_low": float(1.0 - recall_high[c]) if support[c] else 0.0,
            "fnr_high": float(1.0 - recall_low[c]) if support[c] else 0.0,
            "support": int(support[c]),
            "small": bool(support[c] < SMALL_GROUP),
        }
        for c, name in enumerate(class_names)
    }


def per_class_disparity(y_true: np.ndarray, y_pred: np.ndarray, class_names: tuple[str, ...]) -> dict:
    """Per-class metrics with recall intervals, the worst class, the gap and whether it is within noise.

    Returns a dict with `per_class` (one dict per class: recall, precision, fpr and fnr, each with
    `_low`/`_high` 95% Wilson bounds, support and `small`, under `SMALL_GROUP` test images),
    `accuracy` with its Wilson bounds, `worst_class`, `best_class`, `recall_gap` (best minus
    worst), `recall_gap_low`/`recall_gap_high` (Newcombe 95 % interval), `gap_within_noise`,
    `recall_ratio` (worst / best), `classes_below_accuracy` (whose whole interval lies below the
    overall accuracy), `top_confusions` and a plain-language `statement`.

    Example:
        >>> d = per_class_disparity(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), ("cat", "dog"))
        >>> d["worst_class"], d["recall_gap"], d["gap_within_noise"]
        ('cat', 0.5, True)
    """
    y_true, y_pred = check_labels(y_true, y_pred)
    num_classes = len(class_names)
    matrix = confusion_matrix(y_true, y_pred, num_classes=num_classes)
    metrics = per_class_metrics(y_true, y_pred, num_classes=num_classes)
    support = matrix.sum(axis=1)
    hits = np.diag(matrix)
    per_class = _per_class_rows(matrix, metrics, class_names)
    present = np.flatnonzero(support > 0)
    recall = np.asarray(metrics["recall"], dtype=np.float64)
    worst = int(present[np.argmin(recall[present])])
    best = int(present[np.argmax(recall[present])])
    gap_low, gap_high = difference_interval(int(hits[best]), int(support[best]), int(hits[worst]), int(support[worst]))
    accuracy = float(hits.sum() / y_true.size)
    within_noise = gap_low <= 0.0
    gap = float(recall[best] - recall[worst])
    below = [name for c, name in enumerate(class_names) if support[c] and per_class[name]["recall_high"] < accuracy]
    if within_noise:
        statement = (
            f"The recall gap between the best class ({class_names[best]}) and the worst ({class_names[worst]}) "
            f"is {gap:.3f}, but its 95% interval [{gap_low:.3f}, {gap_high:.3f}] includes 0: with "
            f"{int(support[best])} and {int(support[worst])} test images it is within noise."
        )
    else:
        statement = (
            f"The recall gap between the best class ({class_names[best]}) and the worst ({class_names[worst]}) "
            f"is {gap:.3f}, 95% interval [{gap_low:.3f}, {gap_high:.3f}]: larger than noise."
        )
    accuracy_low, accuracy_high = wilson_interval(int(hits.sum()), int(y_true.size))
    return {
        "per_class": per_class,
        "accuracy": accuracy,
        "accuracy_low": float(accuracy_low),
        "accuracy_high": float(accuracy_high),
        "worst_class": class_names[worst],
        "best_class": class_names[best],
        "recall_gap": gap,
        "recall_gap_low": gap_low,
        "recall_gap_high": gap_high,
        "gap_within_noise": bool(within_noise),
        "recall_ratio": float(recall[worst] / recall[best]) if recall[best] > 0 else 0.0,
        "classes_below_accuracy": below,
        "top_confusions": top_confusions(matrix, class_names),
        "statement": statement,
    }
