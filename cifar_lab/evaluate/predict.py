"""Running a trained model on uint8 images: class probabilities and a full evaluation report.

Example:
    >>> from cifar_lab.data import make_synthetic
    >>> from cifar_lab.models import build_model
    >>> data = make_synthetic(n_train=0, n_test=8)
    >>> predict_proba(build_model("original"), data.x_test).shape
    (8, 10)
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from cifar_lab.data.cifar10 import NUM_CLASSES
from cifar_lab.evaluate.metrics import accuracy, confusion_matrix, cross_entropy, normalize_confusion, per_class_metrics


def predict_batches(model: Any, batches: Any) -> np.ndarray:
    """`model.predict` over a dataset of image batches, as float64 probabilities `(N, 10)`.

    Each model that an experiment trains traces its own prediction function, as it must. After five
    such traces TensorFlow warns that "calls ... triggered tf.function retracing", advice meant for
    code that re-creates functions by mistake, which only alarms a student here: that one warning is
    dropped during these calls; every other TensorFlow message still shows.

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> from cifar_lab.models import build_model
        >>> from cifar_lab.train import make_dataset
        >>> data = make_synthetic(n_train=0, n_test=20)
        >>> batches = make_dataset(data.x_test, data.y_test, batch_size=8, shuffle=False)
        >>> proba = predict_batches(build_model("original"), batches)
        >>> proba.shape, proba.dtype, bool(np.allclose(proba.sum(axis=1), 1.0, atol=1e-5))
        ((20, 10), dtype('float64'), True)
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
    """Class probabilities `(N, 10)` of `model` for uint8 images, normalised as in training.

    `tta=True` averages the predictions for each image and its left-right mirror (flip test-time
    augmentation): a mirrored CIFAR image is an equally valid image of its class, so averaging the
    two cancels part of the model's error at twice the inference cost.

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> from cifar_lab.models import build_model
        >>> model, data = build_model("original"), make_synthetic(n_train=0, n_test=8)
        >>> plain, averaged = predict_proba(model, data.x_test), predict_proba(model, data.x_test, tta=True)
        >>> mirrored = predict_proba(model, data.x_test[:, :, ::-1])
        >>> bool(np.allclose(averaged, (plain + mirrored) / 2, atol=1e-6))
        True
    """
    from cifar_lab.train.pipeline import make_dataset

    x_uint8 = np.asarray(x_uint8)
    labels = np.zeros(len(x_uint8), np.int64)
    batches = make_dataset(x_uint8, labels, batch_size=batch_size, shuffle=False).map(lambda x, y: x)
    proba = predict_batches(model, batches)
    if tta:
        mirrored = make_dataset(x_uint8[:, :, ::-1], labels, batch_size=batch_size, shuffle=False)
        proba = (proba + predict_batches(model, mirrored.map(lambda x, y: x))) / 2
    return proba


def evaluate_model(
    model: Any, x_uint8: np.ndarray, y_true: np.ndarray, *, tta: bool = False, num_classes: int = NUM_CLASSES
) -> dict[str, Any]:
    """Loss, accuracy, per-class metrics and confusion matrices of `model` on labelled images.

    Returns `loss`, `accuracy`, `per_class` (see `per_class_metrics`), `confusion` (counts),
    `confusion_normalized`, `proba` and `y_pred`.

    Example:
        >>> import keras
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(n_train=0, n_test=20)  # two images of each class
        >>> always_cat = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
        >>> always_cat.set_weights([np.zeros((3072, 10)), np.eye(10)[3]])  # class 3 is "cat"
        >>> report = evaluate_model(always_cat, data.x_test, data.y_test)
        >>> report["accuracy"], float(report["per_class"]["recall"][3]), report["confusion"][:, 3].tolist()
        (0.1, 1.0, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
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
