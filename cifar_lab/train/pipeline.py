"""The `tf.data` input pipeline: uint8 images in, normalised float32 batches out.

Why it looks the way it does (measured on a 2-core CPU with `benchmarks/bench_training.py`):

- Images stay uint8 until they are batched; each batch is scaled to [0, 1] inside the pipeline, so no
  float32 copy of the whole training set (4x its size) is ever made.
- Shuffling is seeded, and reshuffles every epoch in a fixed order, so a run is reproducible.
- tf.data's autotuner is turned off and parallelism fixed: tearing down an autotuned iterator at each
  epoch boundary stalled for seconds waiting on the autotune thread.
- The augmentation callable runs on whole training batches (vectorised), never on evaluation data.

Example:
    >>> import numpy as np
    >>> x = np.full((8, 32, 32, 3), 255, np.uint8)
    >>> y = np.arange(8) % 10
    >>> images, labels = next(iter(make_dataset(x, y, batch_size=4, shuffle=False)))
    >>> images.shape, float(images.numpy().max()), labels.shape
    (TensorShape([4, 32, 32, 3]), 1.0, TensorShape([4, 10]))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import tensorflow as tf

from cifar_lab.data.cifar10 import IMAGE_SHAPE, NUM_CLASSES
from cifar_lab.errors import UsageError

# Batches prepared ahead of the model: two keep both cores busy without holding many in memory.
PREFETCH_BATCHES = 2
# Parallel calls for the per-batch map: the map is cheap next to the model, one call in flight
# plus prefetch hides it.
MAP_PARALLELISM = 1


def _check_arrays(x: np.ndarray, y: np.ndarray) -> None:
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        raise UsageError(
            f"Images must have shape (N, 32, 32, 3); got {x.shape}. Reshape them, e.g. x.reshape(-1, 32, 32, 3)."
        )
    if x.dtype != np.uint8:
        raise UsageError(
            f"Images must be uint8 in [0, 255]; got dtype {x.dtype}. The pipeline "
            f"normalises them itself: pass the raw images, e.g. from load_cifar10()."
        )
    if y.ndim != 1 or len(y) != len(x):
        raise UsageError(
            f"Labels must be integer class indices of shape ({len(x)},); got {y.shape}. "
            f"If they are one-hot, pass y.argmax(axis=1)."
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise UsageError(f"Labels must be integers 0-9; got dtype {y.dtype}. Convert them with y.astype('int64').")


def make_dataset(
    x_uint8: np.ndarray,
    y_int: np.ndarray,
    *,
    batch_size: int,
    shuffle: bool,
    seed: int = 0,
    augment: Callable[..., Any] | None = None,
    one_hot: bool = True,
    class_weight: Mapping[int, float] | None = None,
) -> tf.data.Dataset:
    """Return batches `(images, labels[, sample_weights])` from uint8 images and int labels.

    Images come out float32 in [0, 1]; labels one-hot float32 (`one_hot=True`) or int64.

    Args:
        x_uint8: uint8 images `(N, 32, 32, 3)`.
        y_int: integer labels `(N,)`.
        batch_size: images per batch; the last batch may be smaller.
        shuffle: reshuffle the images every epoch (for training data).
        seed: fixes the shuffling order.
        augment: called as `augment(images, training=True)` on each float32 batch (use it for
            training data only).
        one_hot: one-hot float32 labels, or int64 class indices when False.
        class_weight: `{class: weight}`; adds a third element, each sample's weight.

    Raises:
        UsageError: the images or labels have the wrong shape or dtype, or `batch_size` < 1.

    Example:
        >>> import numpy as np
        >>> x, y = np.zeros((10, 32, 32, 3), np.uint8), np.arange(10)
        >>> batches = make_dataset(x, y, batch_size=4, shuffle=True, seed=0, one_hot=False, class_weight={0: 5.0})
        >>> [len(labels) for _, labels, _ in batches]
        [4, 4, 2]
        >>> sorted(float(weight) for _, _, weights in batches for weight in weights)
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0]
    """
    x_uint8 = np.asarray(x_uint8)
    y_int = np.asarray(y_int)
    _check_arrays(x_uint8, y_int)
    if batch_size < 1:
        raise UsageError(f"batch_size must be a positive integer; got {batch_size}.")
    dataset = tf.data.Dataset.from_tensor_slices((x_uint8, y_int.astype(np.int64)))
    if shuffle:
        # A buffer the size of the data set is a full shuffle; the uint8 images are small.
        dataset = dataset.shuffle(len(x_uint8), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    weights = None
    if class_weight is not None:
        weights = tf.constant([float(class_weight.get(c, 1.0)) for c in range(NUM_CLASSES)], tf.float32)

    def prepare(images, labels):
        images = tf.cast(images, tf.float32) / 255.0
        if augment is not None:
            images = augment(images, training=True)
        targets = tf.one_hot(labels, NUM_CLASSES) if one_hot else labels
        if weights is None:
            return images, targets
        return images, targets, tf.gather(weights, labels)

    dataset = dataset.map(prepare, num_parallel_calls=MAP_PARALLELISM, deterministic=True)
    dataset = dataset.prefetch(PREFETCH_BATCHES)
    options = tf.data.Options()
    options.autotune.enabled = False
    options.deterministic = True
    return dataset.with_options(options)
