"""Turning an augmentation preset into a seeded Keras 3 layer, and augmenting a few examples with it.

Importing this module does not import Keras; building an augmenter does.

Example:
    >>> import numpy as np
    >>> augmenter = build_augmenter("recommended", seed=0)
    >>> augmenter(np.zeros((2, 32, 32, 3), "float32"), training=True).shape
    TensorShape([2, 32, 32, 3])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cifar_lab.augment.presets import augmentation_params
from cifar_lab.errors import UsageError, WrongTypeError

if TYPE_CHECKING:
    import keras


def build_augmenter(augmentation: str = "recommended", *, seed: int = 0, **params: Any) -> keras.Sequential | None:
    """Return a Keras layer that augments float32 [0, 1] image batches, or None when nothing is on.

    `augmentation` names a preset in `AUGMENTATION_PRESETS`; any knob in
    `AUGMENTATION_DEFAULTS` can be overridden by name. Each random layer gets its own seed
    derived from `seed`, so two augmenters built with the same seed produce the same augmented
    batch from the same input (and different seeds, different batches). Call it as
    `augmenter(images, training=True)`, as `cifar_lab.train.make_dataset` does.

    The `"original"` preset maps ImageDataGenerator's knobs onto Keras 3 layers:
    `rotation_range` degrees -> `RandomRotation(degrees / 360)` (Keras takes a fraction of a
    full turn); shift fractions -> `RandomTranslation(height, width)`; `zoom_range` z ->
    `RandomZoom(z, z)` with both factors given so the axes are scaled independently by
    U(1 - z, 1 + z) as ImageDataGenerator did (Keras's "positive zooms out" is the same convention);
    all with bilinear interpolation and the same `fill_mode`. One difference remains:
    ImageDataGenerator composed the three into one transform and interpolated once, while the
    layers interpolate once each, which blurs slightly more.

    Raises:
        UsageError: an unknown preset or knob, a knob out of range, or a negative `seed`.

    Example:
        >>> import numpy as np
        >>> augmenter = build_augmenter("recommended", seed=0, cutout_size=8)
        >>> [type(layer).__name__ for layer in augmenter.layers]
        ['RandomPadCrop', 'Cutout']
        >>> images = np.random.default_rng(0).random((2, 32, 32, 3), "float32")
        >>> again = build_augmenter("recommended", seed=0, cutout_size=8)
        >>> bool((augmenter(images, training=True) == again(images, training=True)).numpy().all())
        True
        >>> build_augmenter("none") is None
        True
    """
    knobs = augmentation_params(augmentation, **params)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"seed must be a non-negative integer, got {seed!r}; e.g. seed=0.")
    import keras

    from cifar_lab.augment.layers import Cutout, RandomPadCrop

    seeds = iter(int(s) for s in np.random.SeedSequence(seed).generate_state(8))
    # Augmentation stays float32 even under a mixed-precision policy: it runs on the CPU input side.
    common = {"dtype": "float32"}
    layers: list[keras.layers.Layer] = []
    # With padding on, the flip rides along in the same pixel permutation: one pass, not two.
    # (Mirroring before rather than after rotation/shift/zoom changes nothing: their ranges are
    # symmetric, so the mirrored distribution is the same.)
    flip_in_crop = bool(knobs["crop_padding"]) and knobs["horizontal_flip"]
    if knobs["crop_padding"]:
        layers.append(RandomPadCrop(knobs["crop_padding"], horizontal_flip=flip_in_crop, seed=next(seeds), **common))
    # Rotate, then shift, then zoom: the order ImageDataGenerator composed its transform in.
    affine = {"fill_mode": knobs["fill_mode"], "interpolation": "bilinear", **common}
    if knobs["rotation_range"]:
        layers.append(keras.layers.RandomRotation(knobs["rotation_range"] / 360.0, seed=next(seeds), **affine))
    if knobs["width_shift_range"] or knobs["height_shift_range"]:
        layers.append(
            keras.layers.RandomTranslation(
                knobs["height_shift_range"], knobs["width_shift_range"], seed=next(seeds), **affine
            )
        )
    if knobs["zoom_range"]:
        zoom = knobs["zoom_range"]
        layers.append(keras.layers.RandomZoom(zoom, zoom, seed=next(seeds), **affine))
    if knobs["horizontal_flip"] and not flip_in_crop:
        layers.append(keras.layers.RandomFlip("horizontal", seed=next(seeds), **common))
    if knobs["cutout_size"]:
        layers.append(Cutout(knobs["cutout_size"], seed=next(seeds), **common))
    if not layers:
        return None
    return keras.Sequential(layers, name=f"augment_{augmentation}")


def _resolve_augmenter(augmenter: Any, seed: int) -> Any:
    if isinstance(augmenter, str):
        return build_augmenter(augmenter, seed=seed)
    if augmenter is not None and not callable(augmenter):
        raise WrongTypeError(
            f"augmenter must be a preset name, a Keras layer from build_augmenter or None, "
            f"got {type(augmenter).__name__}."
        )
    return augmenter


def augment_examples(
    x: np.ndarray, augmenter: Any, *, n_images: int = 4, n_augmented: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pick `n_images` images of `x` and make `n_augmented` augmented versions of each.

    `augmenter` is a preset name (built with `seed`), a layer from `build_augmenter`, or
    None (the "augmented" versions are then plain copies). The images are a seeded random sample,
    in their order in `x`. Returns `(indices, originals, augmented)`: indices into `x`, the
    originals as float32 [0, 1] `(n, H, W, C)` and the versions as `(n, K, H, W, C)`.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((10, 32, 32, 3), np.uint8)
        >>> idx, orig, aug = augment_examples(x, None, n_images=2, n_augmented=3)
        >>> idx.shape, orig.shape, aug.shape
        ((2,), (2, 32, 32, 3), (2, 3, 32, 32, 3))
    """
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[-1] != 3:
        raise UsageError(
            f"x must be a batch of RGB images shaped (N, height, width, 3), got shape {x.shape}; "
            "pass e.g. data.x_train."
        )
    if not 1 <= n_images <= len(x):
        raise UsageError(f"n_images={n_images} must be between 1 and the {len(x)} images in x.")
    if n_augmented < 1:
        raise UsageError(f"n_augmented={n_augmented} must be at least 1.")
    augmenter = _resolve_augmenter(augmenter, seed)
    indices = np.sort(np.random.default_rng(seed).choice(len(x), size=n_images, replace=False))
    originals = x[indices].astype(np.float32)
    if x.dtype == np.uint8:
        originals /= 255.0
    batch = np.repeat(originals, n_augmented, axis=0)
    if augmenter is not None:
        batch = np.asarray(augmenter(batch, training=True), dtype=np.float32)
    augmented = np.clip(batch, 0.0, 1.0).reshape((n_images, n_augmented) + originals.shape[1:])
    return indices, originals, augmented
