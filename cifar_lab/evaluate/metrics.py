"""Classification metrics on labels and probabilities: confusion matrices, per-class scores, mistakes.

The metric functions are pure NumPy on integer labels (`y_true`, `y_pred`) or predicted
probabilities, so they work for any model and import no deep-learning framework; the tests
cross-check them against `sklearn.metrics`. Running a model is `cifar_lab.evaluate.predict`'s job.

Example:
    >>> import numpy as np
    >>> cm = confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), num_classes=2)
    >>> cm.tolist()
    [[1, 0], [1, 1]]
"""

from __future__ import annotations

import numpy as np

from cifar_lab.data.cifar10 import NUM_CLASSES
from cifar_lab.errors import UsageError


def _labels(y: np.ndarray, num_classes: int, what: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise UsageError(
            f"{what} must be a 1-D array of integer class indices; got shape {y.shape}, "
            f"dtype {y.dtype}. For probabilities or one-hot rows pass .argmax(axis=1)."
        )
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise UsageError(
            f"{what} holds class indices outside 0..{num_classes - 1}. Pass num_classes to match your labels."
        )
    return y


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Counts `(num_classes, num_classes)`: row = true class, column = predicted class.

    Example:
        >>> confusion_matrix(np.array([2, 2]), np.array([2, 0]), num_classes=3)[2].tolist()
        [1, 0, 1]
    """
    y_true = _labels(y_true, num_classes, "y_true")
    y_pred = _labels(y_pred, num_classes, "y_pred")
    if len(y_true) != len(y_pred):
        raise UsageError(
            f"y_true and y_pred differ in length ({len(y_true)} vs {len(y_pred)}); "
            f"pass predictions for exactly the labelled images."
        )
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2).reshape(num_classes, num_classes)


def normalize_confusion(cm: np.ndarray) -> np.ndarray:
    """Each row divided by its total: the share of each true class predicted as each class.

    Rows of classes absent from `y_true` stay zero rather than dividing by zero.

    Example:
        >>> normalize_confusion(np.array([[1, 3], [0, 0]])).tolist()
        [[0.25, 0.75], [0.0, 0.0]]
    """
    cm = np.asarray(cm, dtype=np.float64)
    totals = cm.sum(axis=1, keepdims=True)
    return np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)


def per_class_metrics(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = NUM_CLASSES) -> dict[str, np.ndarray]:
    """Per-class `precision`, `recall`, `f1` (float arrays) and `support` (int counts).

    A class that is never predicted has precision 0 (and one never present recall 0), as
    scikit-learn reports with `zero_division=0`.

    Example:
        >>> m = per_class_metrics(np.array([0, 1, 1]), np.array([0, 1, 0]), num_classes=2)
        >>> m["recall"].tolist()
        [1.0, 0.5]
    """
    cm = confusion_matrix(y_true, y_pred, num_classes)
    hits = np.diag(cm).astype(np.float64)
    predicted = cm.sum(axis=0)
    support = cm.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, support, out=np.zeros_like(hits), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(hits), where=both > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of predictions equal to the labels.

    Example:
        >>> accuracy(np.array([0, 1, 2, 3]), np.array([0, 1, 0, 0]))
        0.5
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else 0.0


def cross_entropy(y_true: np.ndarray, proba: np.ndarray) -> float:
    """Mean categorical cross-entropy of predicted probabilities `proba` `(N, C)` for labels.

    Probabilities are clipped to [1e-7, 1] as Keras does, so a confident mistake costs at most
    ~16.1 nats instead of infinity.

    Example:
        >>> round(cross_entropy(np.array([0]), np.array([[0.5, 0.5]])), 4)
        0.6931
    """
    proba = np.asarray(proba, dtype=np.float64)
    y_true = _labels(y_true, proba.shape[1], "y_true")
    picked = np.clip(proba[np.arange(len(y_true)), y_true], 1e-7, 1.0)
    return float(-np.mean(np.log(picked)))


def most_confident_mistakes(y_true: np.ndarray, proba: np.ndarray, k: int = 16) -> np.ndarray:
    """Indices of the `k` misclassified images the model was most sure of, most confident first.

    Example:
        >>> most_confident_mistakes(np.array([0, 0, 1]), np.array([[.1, .9], [.4, .6], [.2, .8]]), k=5).tolist()
        [0, 1]
    """
    proba = np.asarray(proba)
    y_true = _labels(y_true, proba.shape[1], "y_true")
    predicted = proba.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)
    confidence = proba[wrong, predicted[wrong]]
    # A stable sort keeps equal-confidence mistakes in image order, so the result is reproducible.
    return wrong[np.argsort(-confidence, kind="stable")][:k]
