"""The evaluation figures: learning curves, confusion matrix, most confident mistakes.

Each returns a figure made by `cifar_lab.figures.new_figure` (shown once in Jupyter).

Example:
    >>> figure = plot_learning_curves({"loss": [2.0, 1.5], "val_loss": [2.1, 1.7]}, metrics=["loss"])
    >>> figure.axes[0].get_ylabel()
    'loss'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.errors import UsageError
from cifar_lab.evaluate.metrics import most_confident_mistakes, normalize_confusion
from cifar_lab.figures import new_figure


def plot_learning_curves(history: dict[str, Sequence[float]], metrics: Sequence[str] = ("loss", "accuracy")) -> Figure:
    """One panel per metric: its training and validation values per epoch.

    `history` is `train_model`'s `result.history` (or `Trained.history`): metric name -> one value per
    epoch, with `val_<metric>` for validation.

    Example:
        >>> figure = plot_learning_curves({"loss": [2.0, 1.5], "val_loss": [2.1, 1.7]}, metrics=["loss"])
        >>> [line.get_label() for line in figure.axes[0].get_lines()]
        ['training', 'validation']
    """
    shown = [m for m in metrics if m in history]
    if not shown:
        raise UsageError(
            f"The history has none of {list(metrics)}; it has {sorted(history)}. Pass result.history from train_model."
        )
    figure = new_figure(figsize=(5 * len(shown), 3.5))
    for ax, metric in zip(figure.subplots(1, len(shown), squeeze=False)[0], shown):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], marker="o", label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], marker="o", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
        ax.grid(alpha=0.3)
    return figure


def plot_confusion_matrix(
    cm: np.ndarray, class_names: Sequence[str], *, normalized: bool = True, title: str | None = None
) -> Figure:
    """Heat map of a confusion matrix (rows = true class); row-normalised shares by default.

    `title` names what the matrix is of (say, the model); the default says only what the cells hold.

    Example:
        >>> figure = plot_confusion_matrix(np.eye(2, dtype=int), ["cat", "dog"], title="original CNN")
        >>> figure.axes[0].get_title()
        'original CNN: share of each true class'
    """
    values = normalize_confusion(cm) if normalized else np.asarray(cm)
    figure = new_figure(figsize=(7, 6))
    ax = figure.subplots()
    image = ax.imshow(values, cmap="Blues", vmin=0)
    figure.colorbar(image, ax=ax, fraction=0.046)
    ticks = np.arange(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=45, ha="right")
    ax.set_yticks(ticks, class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    threshold = values.max() / 2 if values.size else 0
    for (row, col), value in np.ndenumerate(values):
        text = f"{value:.2f}" if normalized else f"{int(value)}"
        colour = "white" if value > threshold else "black"
        ax.text(col, row, text, ha="center", va="center", fontsize=7, color=colour)
    cells = "share of each true class" if normalized else "counts"
    ax.set_title(f"{title or 'confusion matrix'}: {cells}")
    return figure


def plot_mistakes(
    x_uint8: np.ndarray,
    y_true: np.ndarray,
    proba: np.ndarray,
    class_names: Sequence[str],
    *,
    k: int = 16,
    columns: int = 8,
) -> Figure:
    """Grid of the `k` most confident mistakes, each titled true -> predicted (confidence).

    Example:
        >>> x = np.zeros((3, 32, 32, 3), np.uint8)
        >>> proba = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
        >>> figure = plot_mistakes(x, np.array([0, 0, 1]), proba, ["cat", "dog"], k=4)
        >>> figure.axes[0].get_title()
        'cat\\n-> dog (90%)'
    """
    indices = most_confident_mistakes(y_true, proba, k)
    rows = max(1, -(-len(indices) // columns))
    figure = new_figure(figsize=(1.6 * columns, 2.1 * rows + 0.4))
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, indices):
        predicted = int(np.argmax(proba[index]))
        ax.imshow(x_uint8[index])
        ax.set_title(
            f"{class_names[y_true[index]]}\n-> {class_names[predicted]} ({proba[index, predicted]:.0%})", fontsize=7
        )
    figure.suptitle("most confident mistakes (true -> predicted)")
    return figure
