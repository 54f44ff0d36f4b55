"""The data notebook's figure: a grid of sample images, one labelled row per class.

Example:
    >>> from cifar_lab.data.loading import make_synthetic
    >>> data = make_synthetic(n_train=100, n_test=10)
    >>> len(plot_sample_grid(data.x_train, data.y_train, data.class_names).axes)
    80
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.data.cifar10 import CLASS_NAMES
from cifar_lab.figures import new_figure


def plot_sample_grid(
    x: np.ndarray,
    y: np.ndarray,
    class_names: tuple[str, ...] | list[str] = CLASS_NAMES,
    *,
    per_class: int = 8,
    seed: int = 0,
    title: str | None = None,
) -> Figure:
    """A figure with one labelled row per class showing up to `per_class` random images of it.

    Example:
        >>> from cifar_lab.data.loading import make_synthetic
        >>> data = make_synthetic(n_train=100, n_test=10)
        >>> fig = plot_sample_grid(data.x_train, data.y_train, data.class_names, title="synthetic")
        >>> fig.get_suptitle()
        'synthetic'
    """
    rng = np.random.default_rng(seed)
    figure = new_figure(figsize=(per_class * 0.9 + 1.2, len(class_names) * 0.9 + 0.5))
    axes = figure.subplots(len(class_names), per_class, squeeze=False)
    for label, row in enumerate(axes):
        members = np.flatnonzero(np.asarray(y) == label)
        chosen = rng.choice(members, size=min(per_class, len(members)), replace=False)
        for column, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_frame_on(False)
            if column < len(chosen):
                ax.imshow(x[chosen[column]], interpolation="nearest")
        row[0].set_ylabel(class_names[label], rotation=0, ha="right", va="center")
    if title:
        figure.suptitle(title)
    return figure
