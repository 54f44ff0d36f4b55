"""Evaluating a trained classifier: metrics, predictions, the most confident mistakes, and figures.

What the notebooks use is re-exported here; the modules below may change freely:

- `metrics`: pure NumPy metrics on labels and probabilities (cross-checked against `sklearn.metrics`);
- `predict`: running a model on uint8 images (`predict_proba`, `evaluate_model`);
- `plots`: learning curves, the confusion matrix and the mistakes grid.

Example:
    >>> import numpy as np
    >>> from cifar_lab.evaluate import confusion_matrix
    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), num_classes=2).tolist()
    [[1, 0], [1, 1]]
"""

from cifar_lab.evaluate.metrics import (
    accuracy,
    confusion_matrix,
    cross_entropy,
    most_confident_mistakes,
    normalize_confusion,
    per_class_metrics,
)
from cifar_lab.evaluate.plots import plot_confusion_matrix, plot_learning_curves, plot_mistakes
from cifar_lab.evaluate.predict import evaluate_model, predict_batches, predict_proba

__all__ = [
    "accuracy",
    "confusion_matrix",
    "cross_entropy",
    "evaluate_model",
    "most_confident_mistakes",
    "normalize_confusion",
    "per_class_metrics",
    "plot_confusion_matrix",
    "plot_learning_curves",
    "plot_mistakes",
    "predict_batches",
    "predict_proba",
]
