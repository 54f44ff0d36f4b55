"""Procedurally drawn 10-class images with CIFAR-10's shapes and dtypes, for offline demos and tests.

Each class is one shape (disk, square, triangle, stripes, ring, ...) drawn at a random position and
size over a random background, with pixel noise. Classes share colours in pairs (class `c` uses
colour `c % 5`), so colour alone gets a model only half-way and it has to learn shapes too, as on
real images. Drawing is vectorised numpy: thousands of images take a fraction of a second.

Example:
    >>> import numpy as np
    >>> x, y = draw_images(20, np.random.default_rng(0))
    >>> x.shape, x.dtype, y.dtype
    ((20, 32, 32, 3), dtype('uint8'), dtype('int64'))
"""

from __future__ import annotations

import numpy as np

SHAPE_NAMES = (
    "disk",
    "square",
    "triangle",
    "horizontal stripes",
    "vertical stripes",
    "ring",
    "cross",
    "diagonal stripes",
    "checkerboard",
    "diamond",
)
# Five clearly different foreground colours (RGB); class c uses _PALETTE[c % 5].
_PALETTE = np.array([[220, 40, 40], [40, 180, 60], [50, 80, 220], [230, 200, 40], [200, 60, 200]], dtype=np.float32)
_COLOUR_JITTER = 30.0  # +- per channel, so colours vary within a class
_NOISE_AMPLITUDE = 20.0  # per-pixel uniform noise of +- this, in 0..255 units
_STRIPE = 3.0  # stripe and checker period (pixels) per half cycle


def _shape_mask(shape: int, dx: np.ndarray, dy: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Boolean masks `(n, 32, 32)` of one shape, centred at offsets `dx, dy`, of half-size `size`."""
    r2 = dx**2 + dy**2
    box = np.maximum(np.abs(dx), np.abs(dy)) < size
    if shape == 0:
        return r2 < size**2
    if shape == 1:
        return np.maximum(np.abs(dx), np.abs(dy)) < 0.8 * size
    if shape == 2:
        return (np.abs(dx) < (dy + size) / 2) & (dy < 0.8 * size)
    if shape == 3:
        return box & (np.floor(dy / _STRIPE) % 2 == 0)
    if shape == 4:
        return box & (np.floor(dx / _STRIPE) % 2 == 0)
    if shape == 5:
        return (r2 < size**2) & (r2 > (0.55 * size) ** 2)
    if shape == 6:
        return box & ((np.abs(dx) < 0.3 * size) | (np.abs(dy) < 0.3 * size))
    if shape == 7:
        return box & (np.floor((dx + dy) / _STRIPE) % 2 == 0)
    if shape == 8:
        return box & ((np.floor(dx / _STRIPE) + np.floor(dy / _STRIPE)) % 2 == 0)
    return np.abs(dx) + np.abs(dy) < size


def draw_images(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw `n` images `(n, 32, 32, 3)` uint8 and their labels `(n,)` int64, classes balanced.

    The same generator state gives the same bytes.

    Example:
        >>> x, y = draw_images(10, np.random.default_rng(1))
        >>> sorted(y.tolist())
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    labels = rng.permutation(np.arange(n, dtype=np.int64) % len(SHAPE_NAMES))
    background = rng.uniform(30, 200, size=(n, 1, 1, 3)).astype(np.float32)
    images = np.empty((n, 32, 32, 3), dtype=np.float32)
    grid = np.arange(32, dtype=np.float32)
    for shape in range(len(SHAPE_NAMES)):
        index = np.flatnonzero(labels == shape)
        k = len(index)
        centre = rng.uniform(11, 21, size=(k, 2)).astype(np.float32)
        size = rng.uniform(6, 11, size=(k, 1, 1)).astype(np.float32)
        jitter = rng.uniform(-_COLOUR_JITTER, _COLOUR_JITTER, size=(k, 3)).astype(np.float32)
        colour = _PALETTE[shape % len(_PALETTE)] + jitter
        dx = grid[None, None, :] - centre[:, 0, None, None]
        dy = grid[None, :, None] - centre[:, 1, None, None]
        mask = _shape_mask(shape, dx, dy, size)
        images[index] = np.where(mask[..., None], colour[:, None, None, :], background[index])
    noise = rng.random(images.shape, dtype=np.float32)
    noise -= 0.5
    noise *= 2 * _NOISE_AMPLITUDE
    images += noise
    # In place: these arrays are as large as the dataset.
    np.clip(images, 0, 255, out=images)
    np.rint(images, out=images)
    return images.astype(np.uint8), labels
