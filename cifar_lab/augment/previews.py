"""Previews of an augmentation: N originals next to K augmented versions of each, as a figure or PNG files.

This is what the original assignment's preview loop meant to do (it only ever touched the last image).

Example:
    >>> import numpy as np
    >>> figure = plot_augmentation_preview(np.zeros((8, 32, 32, 3), np.uint8), "recommended", n_images=2)
    >>> len(figure.axes)
    12
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.augment.augmenter import augment_examples
from cifar_lab.errors import UsageError
from cifar_lab.figures import new_figure
from cifar_lab.files import atomic_path


def plot_augmentation_preview(
    x: np.ndarray,
    augmenter: Any,
    *,
    n_images: int = 4,
    n_augmented: int = 5,
    seed: int = 0,
    y: np.ndarray | None = None,
    class_names: tuple[str, ...] | None = None,
) -> Figure:
    """Return a grid figure: one row per original image, the original first, then its K versions.

    Arguments are those of `augment_examples`; with `y` and `class_names` each row is
    labelled with the image's class as well as its index in `x`.

    Example:
        >>> import numpy as np
        >>> fig = plot_augmentation_preview(np.zeros((8, 32, 32, 3), np.uint8), None, n_images=2)
        >>> len(fig.axes)
        12
    """
    indices, originals, augmented = augment_examples(
        x, augmenter, n_images=n_images, n_augmented=n_augmented, seed=seed
    )
    figure = new_figure(figsize=(1.4 * (n_augmented + 1), 1.5 * n_images))
    axes = figure.subplots(n_images, n_augmented + 1, squeeze=False)
    for row, index in enumerate(indices):
        images = [originals[row], *augmented[row]]
        for column, image in enumerate(images):
            ax = axes[row, column]
            ax.imshow(image, vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title("original" if column == 0 else f"aug {column}", fontsize=8)
        label = f"img {index}"
        if y is not None and class_names is not None:
            label += f"\n{class_names[int(np.asarray(y)[index])]}"
        axes[row, 0].set_ylabel(label, fontsize=8)
    return figure


def save_augmentation_previews(
    x: np.ndarray,
    augmenter: Any,
    out_dir: str | os.PathLike,
    *,
    n_images: int = 4,
    n_augmented: int = 5,
    seed: int = 0,
) -> list[Path]:
    """Write each original and its augmented versions as PNG files into `out_dir`; return the paths.

    Files are named after the image's index in `x`, e.g. `img0042_original.png` and
    `img0042_aug01.png` ... `img0042_aug05.png`, so every version sits next to its original.
    All images are computed before anything is written, and each file is written to a temporary
    name and renamed into place, so an error never leaves a half-written PNG behind.

    Example:
        >>> import numpy as np, tempfile
        >>> paths = save_augmentation_previews(
        ...     np.zeros((8, 32, 32, 3), np.uint8), None, tempfile.mkdtemp(), n_images=1, n_augmented=2)
        >>> [p.name for p in paths]
        ['img6_original.png', 'img6_aug01.png', 'img6_aug02.png']
    """
    from matplotlib.image import imsave

    indices, originals, augmented = augment_examples(
        x, augmenter, n_images=n_images, n_augmented=n_augmented, seed=seed
    )
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"out_dir {out_dir} is a file; pass a directory to save previews in.")
    out_dir.mkdir(parents=True, exist_ok=True)
    width = len(str(len(x) - 1))
    paths: list[Path] = []
    for row, index in enumerate(indices):
        named = [("original", originals[row])]
        named += [(f"aug{k + 1:02d}", image) for k, image in enumerate(augmented[row])]
        for suffix, image in named:
            path = out_dir / f"img{index:0{width}d}_{suffix}.png"
            with atomic_path(path) as tmp, open(tmp, "xb") as stream:
                imsave(stream, image, format="png")
            paths.append(path)
    return paths
