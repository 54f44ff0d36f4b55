"""Evaluating a trained classifier: metrics, the most confident mistakes, and figures.

The metric functions are pure NumPy on integer labels (``y_true``, ``y_pred``) or predicted
probabilities, so they work for any model and import no deep-learning framework; the tests
cross-check them against ``sklearn.metrics``. Only ``predict_batches``, ``predict_proba`` and
``evaluate_model`` run a model (TensorFlow is imported there, when called).

Example:
    >>> import numpy as np
    >>> cm = confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), num_classes=2)
    >>> cm.tolist()
    [[1, 0], [1, 1]]
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

import numpy as np

NUM_CLASSES = 10


def _labels(y: np.ndarray, num_classes: int, what: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{what} must be a 1-D array of integer class indices; got shape {y.shape}, "
                         f"dtype {y.dtype}. For probabilities or one-hot rows pass .argmax(axis=1).")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{what} holds class indices outside 0..{num_classes - 1}. Pass num_classes "
                         f"to match your labels.")
    return y


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Counts ``(num_classes, num_classes)``: row = true class, column = predicted class.

    Example:
        >>> confusion_matrix(np.array([2, 2]), np.array([2, 0]), num_classes=3)[2].tolist()
        [1, 0, 1]
    """
    y_true = _labels(y_true, num_classes, "y_true")
    y_pred = _labels(y_pred, num_classes, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length ({len(y_true)} vs {len(y_pred)}); "
                         f"pass predictions for exactly the labelled images.")
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2).reshape(num_classes, num_classes)


def normalize_confusion(cm: np.ndarray) -> np.ndarray:
    """Each row divided by its total: the share of each true class predicted as each class.

    Rows of classes absent from ``y_true`` stay zero rather than dividing by zero.

    Example:
        >>> normalize_confusion(np.array([[1, 3], [0, 0]])).tolist()
        [[0.25, 0.75], [0.0, 0.0]]
    """
    cm = np.asarray(cm, dtype=np.float64)
    totals = cm.sum(axis=1, keepdims=True)
    return np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)


def per_class_metrics(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = NUM_CLASSES) -> dict[str, np.ndarray]:
    """Per-class ``precision``, ``recall``, ``f1`` (float arrays) and ``support`` (int counts).

    A class that is never predicted has precision 0 (and one never present recall 0), as
    scikit-learn reports with ``zero_division=0``.

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
    """Mean categorical cross-entropy of predicted probabilities ``proba`` ``(N, C)`` for labels.

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
    """Indices of the ``k`` misclassified images the model was most sure of, most confident first.

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


def predict_batches(model: Any, batches: Any) -> np.ndarray:
    """``model.predict`` over a dataset of image batches, as float64 probabilities ``(N, 10)``.

    Each model that an experiment trains traces its own prediction function, as it must. After five
    such traces TensorFlow warns that "calls ... triggered tf.function retracing", advice meant for
    code that re-creates functions by mistake, which only alarms a student here: that one warning is
    dropped during these calls; every other TensorFlow message still shows.

    Example:
        >>> batches = make_dataset(x, y, batch_size=512, shuffle=False)  # doctest: +SKIP
        >>> predict_batches(model, batches).shape                        # doctest: +SKIP
        (1000, 10)
    """
    tensorflow_logger = logging.getLogger("tensorflow")
    tensorflow_logger.addFilter(_drop_retracing_warning)
    try:
        return np.asarray(model.predict(batches, verbose=0), dtype=np.float64)
    finally:
        tensorflow_logger.removeFilter(_drop_retracing_warning)


def _drop_retracing_warning(record: logging.LogRecord) -> bool:
    return "triggered tf.function retracing" not in record.getMessage()


def predict_proba(model: Any, x_uint8: np.ndarray, batch_size: int = 512, *, tta: bool = False) -> np.ndarray:
    """Class probabilities ``(N, 10)`` of ``model`` for uint8 images, normalised as in training.

    ``tta=True`` averages the predictions for each image and its left-right mirror (flip test-time
    augmentation): a mirrored CIFAR image is an equally valid image of its class, so averaging the
    two cancels part of the model's error at twice the inference cost.

    Example:
        >>> proba = predict_proba(model, data.x_test, tta=True)  # doctest: +SKIP
    """
    from cifar_lab.pipeline import make_dataset

    x_uint8 = np.asarray(x_uint8)
    labels = np.zeros(len(x_uint8), np.int64)
    batches = make_dataset(x_uint8, labels, batch_size=batch_size, shuffle=False).map(lambda x, y: x)
    proba = predict_batches(model, batches)
    if tta:
        mirrored = make_dataset(x_uint8[:, :, ::-1], labels, batch_size=batch_size, shuffle=False)
        proba = (proba + predict_batches(model, mirrored.map(lambda x, y: x))) / 2
    return proba


def evaluate_model(model: Any, x_uint8: np.ndarray, y_true: np.ndarray, *, tta: bool = False,
                   num_classes: int = NUM_CLASSES) -> dict[str, Any]:
    """Loss, accuracy, per-class metrics and confusion matrices of ``model`` on labelled images.

    Returns ``loss``, ``accuracy``, ``per_class`` (see ``per_class_metrics``), ``confusion`` (counts),
    ``confusion_normalized``, ``proba`` and ``y_pred``.

    Example:
        >>> report = evaluate_model(model, data.x_test, data.y_test)  # doctest: +SKIP
        >>> report["accuracy"]                                       # doctest: +SKIP
    """
    proba = predict_proba(model, x_uint8, tta=tta)
    y_pred = proba.argmax(axis=1)
    cm = confusion_matrix(y_true, y_pred, num_classes)
    return {
        "loss": cross_entropy(y_true, proba),
        "accuracy": accuracy(y_true, y_pred),
        "per_class": per_class_metrics(y_true, y_pred, num_classes),
        "confusion": cm,
        "confusion_normalized": normalize_confusion(cm),
        "proba": proba,
        "y_pred": y_pred,
    }


def plot_learning_curves(history: dict[str, Sequence[float]], metrics: Sequence[str] = ("loss", "accuracy")):
    """Figure with one panel per metric: training vs validation value per epoch.

    Example:
        >>> fig = plot_learning_curves({"loss": [2.0, 1.5], "val_loss": [2.1, 1.7]}, metrics=["loss"])
    """
    import matplotlib.pyplot as plt

    shown = [m for m in metrics if m in history]
    if not shown:
        raise ValueError(f"The history has none of {list(metrics)}; it has {sorted(history)}. "
                         f"Pass result.history from train_model.")
    fig, axes = plt.subplots(1, len(shown), figsize=(5 * len(shown), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], shown):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], marker="o", label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], marker="o", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm: np.ndarray, class_names: Sequence[str], *, normalized: bool = True):
    """Heat map of a confusion matrix (rows = true class); row-normalised shares by default.

    Example:
        >>> fig = plot_confusion_matrix(np.eye(2, dtype=int), ["cat", "dog"])
    """
    import matplotlib.pyplot as plt

    values = normalize_confusion(cm) if normalized else np.asarray(cm)
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(values, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, fraction=0.046)
    ticks = np.arange(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=45, ha="right")
    ax.set_yticks(ticks, class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    threshold = values.max() / 2 if values.size else 0
    for (row, col), value in np.ndenumerate(values):
        text = f"{value:.2f}" if normalized else f"{int(value)}"
        ax.text(col, row, text, ha="center", va="center", fontsize=7,
                color="white" if value > threshold else "black")
    ax.set_title("confusion matrix" + (" (share of each true class)" if normalized else " (counts)"))
    fig.tight_layout()
    return fig


def plot_mistakes(x_uint8: np.ndarray, y_true: np.ndarray, proba: np.ndarray, class_names: Sequence[str],
                  *, k: int = 16, columns: int = 8):
    """Grid of the ``k`` most confident mistakes, each titled true -> predicted (confidence).

    Example:
        >>> fig = plot_mistakes(x_test, y_test, proba, CLASS_NAMES, k=8)  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    indices = most_confident_mistakes(y_true, proba, k)
    rows = max(1, -(-len(indices) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.6 * columns, 1.9 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, indices):
        predicted = int(np.argmax(proba[index]))
        ax.imshow(x_uint8[index])
        ax.set_title(f"{class_names[y_true[index]]}\n-> {class_names[predicted]} "
                     f"({proba[index, predicted]:.0%})", fontsize=7)
    fig.suptitle("most confident mistakes (true -> predicted)")
    fig.tight_layout()
    return fig
