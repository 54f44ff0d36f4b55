"""Data augmentation for CIFAR-10: named presets, a seeded Keras 3 augmenter, and previews.

The original assignment augmented with Keras 2's ``ImageDataGenerator``, which Keras 3 removed.
``AUGMENTATION_PRESETS`` keeps its settings as the ``"original"`` preset, mapped onto Keras 3
preprocessing layers, next to a ``"recommended"`` preset (pad-and-random-crop plus horizontal
flip, the standard for CIFAR-10) and ``"none"``. ``build_augmenter`` turns a preset, with any
knob overridden by name, into a Keras layer that ``cifar_lab.train.make_dataset(..., augment=...)``
applies to float32 [0, 1] training batches inside the ``tf.data`` pipeline; evaluation data never
goes through it. ``plot_augmentation_preview`` and ``save_augmentation_previews`` show N
originals with K augmented versions of each, which is what the original's preview loop meant to do.

Importing this module does not import Keras or matplotlib; building an augmenter or a figure does.

Example:
    >>> from cifar_lab.augment import build_augmenter
    >>> augmenter = build_augmenter("recommended", seed=0)  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras
    from matplotlib.figure import Figure

# Every knob, with the value that switches it off. A preset lists only the knobs it turns on; the
# knob names of the affine part are ImageDataGenerator's, so the original's call maps one to one.
AUGMENTATION_DEFAULTS: dict[str, Any] = {
    "rotation_range": 0.0,       # degrees; each image is rotated by U(-r, r)
    "width_shift_range": 0.0,    # fraction of the width; shifted by U(-s, s) * width
    "height_shift_range": 0.0,   # fraction of the height; shifted by U(-s, s) * height
    "zoom_range": 0.0,           # each axis scaled independently by U(1 - z, 1 + z)
    "fill_mode": "nearest",      # how rotation/shift/zoom fill pixels from outside the image
    "horizontal_flip": False,    # mirror left-right with probability 1/2
    "crop_padding": 0,           # pixels of zero padding before a random crop back to size
    "cutout_size": 0,            # side of one grey square painted at a random place; 0 = off
}

AUGMENTATION_PRESETS: dict[str, dict[str, Any]] = {
    # No augmentation: build_augmenter returns None and training data pass through untouched.
    "none": {},
    # The original notebook's ImageDataGenerator(rotation_range=40, width_shift_range=0.2,
    # height_shift_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode='nearest').
    # On 32x32 images that is up to 6.4 pixels of shift, 40 degrees of turn and 20% zoom per axis.
    "original": {
        "rotation_range": 40.0,
        "width_shift_range": 0.2,
        "height_shift_range": 0.2,
        "zoom_range": 0.2,
        "fill_mode": "nearest",
        "horizontal_flip": True,
    },
    # The standard CIFAR-10 recipe (He et al., 2016): shift by up to 4 whole pixels with zero
    # fill, and mirror. Label-preserving for every class, cheap, and no interpolation blur.
    # Cutout stays off: on the original CNN (50 epochs, 3 seeds, benchmarks/results/augment.txt)
    # adding an 8x8 cutout lowered mean test accuracy by 2 points and doubled the spread.
    "recommended": {
        "crop_padding": 4,
        "horizontal_flip": True,
    },
}

_FILL_MODES = ("nearest", "reflect", "wrap", "constant")
# (low, high, high included?) for the numeric knobs: what the Keras layers accept, and no more
# padding or cutout than half / all of a 32x32 image.
_RANGES: dict[str, tuple[float, float, bool]] = {
    "rotation_range": (0, 180, True),
    "width_shift_range": (0, 1, False),
    "height_shift_range": (0, 1, False),
    "zoom_range": (0, 1, False),
    "crop_padding": (0, 16, True),
    "cutout_size": (0, 32, True),
}
_INTEGER_KNOBS = ("crop_padding", "cutout_size")


def augmentation_params(augmentation: str = "recommended", **params: Any) -> dict[str, Any]:
    """Return every knob's value for preset ``augmentation`` with ``params`` overriding it, validated.

    Raises ``ValueError`` naming the valid presets, knobs or range when something is wrong.

    Example:
        >>> augmentation_params("recommended", crop_padding=2)["crop_padding"]
        2
    """
    if augmentation not in AUGMENTATION_PRESETS:
        raise ValueError(
            f"Unknown augmentation {augmentation!r}. Use one of {sorted(AUGMENTATION_PRESETS)}, "
            "and override single knobs by name, e.g. augmentation='recommended', cutout_size=8."
        )
    unknown = sorted(set(params) - set(AUGMENTATION_DEFAULTS))
    if unknown:
        raise ValueError(
            f"Unknown augmentation parameter(s) {unknown}. Valid parameters are "
            f"{sorted(AUGMENTATION_DEFAULTS)}."
        )
    merged = {**AUGMENTATION_DEFAULTS, **AUGMENTATION_PRESETS[augmentation], **params}
    for name, value in merged.items():
        _check_knob(name, value)
    return merged


def _check_knob(name: str, value: Any) -> None:
    if name == "fill_mode":
        if value not in _FILL_MODES:
            raise ValueError(f"fill_mode={value!r} is not supported; use one of {list(_FILL_MODES)}.")
        return
    if name == "horizontal_flip":
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"horizontal_flip must be True or False, got {value!r}.")
        return
    low, high, high_included = _RANGES[name]
    integer = name in _INTEGER_KNOBS
    kind = "an integer" if integer else "a number"
    allowed = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, allowed):
        raise ValueError(f"{name} must be {kind} in {_range_text(name)}, got {value!r}.")
    if not (low <= value <= high if high_included else low <= value < high) or math.isnan(value):
        raise ValueError(f"{name}={value!r} is out of range; use {kind} in {_range_text(name)}.")


def _range_text(name: str) -> str:
    low, high, high_included = _RANGES[name]
    return f"[{low}, {high}{']' if high_included else ')'}"


def build_augmenter(
    augmentation: str = "recommended", *, seed: int = 0, **params: Any
) -> keras.Sequential | None:
    """Return a Keras layer that augments float32 [0, 1] image batches, or None when nothing is on.

    ``augmentation`` names a preset in ``AUGMENTATION_PRESETS``; any knob in
    ``AUGMENTATION_DEFAULTS`` can be overridden by name. Each random layer gets its own seed
    derived from ``seed``, so two augmenters built with the same seed produce the same augmented
    batch from the same input (and different seeds, different batches). Call it as
    ``augmenter(images, training=True)``, as ``cifar_lab.train.make_dataset`` does.

    The ``"original"`` preset maps ImageDataGenerator's knobs onto Keras 3 layers:
    ``rotation_range`` degrees -> ``RandomRotation(degrees / 360)`` (Keras takes a fraction of a
    full turn); shift fractions -> ``RandomTranslation(height, width)``; ``zoom_range`` z ->
    ``RandomZoom(z, z)`` with both factors given so the axes are scaled independently by
    U(1 - z, 1 + z) as ImageDataGenerator did (Keras's "positive zooms out" is the same convention);
    all with bilinear interpolation and the same ``fill_mode``. One difference remains:
    ImageDataGenerator composed the three into one transform and interpolated once, while the
    layers interpolate once each, which blurs slightly more.

    Example:
        >>> import numpy as np
        >>> augmenter = build_augmenter("recommended", seed=0, cutout_size=8)  # doctest: +SKIP
        >>> augmenter(np.zeros((2, 32, 32, 3), "float32"), training=True).shape  # doctest: +SKIP
        TensorShape([2, 32, 32, 3])
    """
    knobs = augmentation_params(augmentation, **params)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}; e.g. seed=0.")
    import keras

    from cifar_lab.augment_layers import Cutout, RandomPadCrop

    seeds = iter(int(s) for s in np.random.SeedSequence(seed).generate_state(8))
    # Augmentation stays float32 even under a mixed-precision policy: it runs on the CPU input side.
    common = {"dtype": "float32"}
    layers: list[keras.layers.Layer] = []
    # With padding on, the flip rides along in the same pixel permutation: one pass, not two.
    # (Mirroring before rather than after rotation/shift/zoom changes nothing: their ranges are
    # symmetric, so the mirrored distribution is the same.)
    flip_in_crop = bool(knobs["crop_padding"]) and knobs["horizontal_flip"]
    if knobs["crop_padding"]:
        layers.append(RandomPadCrop(knobs["crop_padding"], horizontal_flip=flip_in_crop,
                                    seed=next(seeds), **common))
    # Rotate, then shift, then zoom: the order ImageDataGenerator composed its transform in.
    affine = {"fill_mode": knobs["fill_mode"], "interpolation": "bilinear", **common}
    if knobs["rotation_range"]:
        layers.append(
            keras.layers.RandomRotation(knobs["rotation_range"] / 360.0, seed=next(seeds), **affine)
        )
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
        raise TypeError(
            f"augmenter must be a preset name, a Keras layer from build_augmenter or None, "
            f"got {type(augmenter).__name__}."
        )
    return augmenter


def augment_examples(
    x: np.ndarray, augmenter: Any, *, n_images: int = 4, n_augmented: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pick ``n_images`` images of ``x`` and make ``n_augmented`` augmented versions of each.

    ``augmenter`` is a preset name (built with ``seed``), a layer from ``build_augmenter``, or
    None (the "augmented" versions are then plain copies). The images are a seeded random sample,
    in their order in ``x``. Returns ``(indices, originals, augmented)``: indices into ``x``, the
    originals as float32 [0, 1] ``(n, H, W, C)`` and the versions as ``(n, K, H, W, C)``.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((10, 32, 32, 3), np.uint8)
        >>> idx, orig, aug = augment_examples(x, None, n_images=2, n_augmented=3)
        >>> idx.shape, orig.shape, aug.shape
        ((2,), (2, 32, 32, 3), (2, 3, 32, 32, 3))
    """
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[-1] != 3:
        raise ValueError(
            f"x must be a batch of RGB images shaped (N, height, width, 3), got shape {x.shape}; "
            "pass e.g. data.x_train."
        )
    if not 1 <= n_images <= len(x):
        raise ValueError(f"n_images={n_images} must be between 1 and the {len(x)} images in x.")
    if n_augmented < 1:
        raise ValueError(f"n_augmented={n_augmented} must be at least 1.")
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

    Arguments are those of ``augment_examples``; with ``y`` and ``class_names`` each row is
    labelled with the image's class as well as its index in ``x``.

    Example:
        >>> import numpy as np
        >>> fig = plot_augmentation_preview(np.zeros((8, 32, 32, 3), np.uint8), None, n_images=2)
        >>> len(fig.axes)
        12
    """
    from matplotlib.figure import Figure

    indices, originals, augmented = augment_examples(
        x, augmenter, n_images=n_images, n_augmented=n_augmented, seed=seed
    )
    figure = Figure(figsize=(1.4 * (n_augmented + 1), 1.5 * n_images), layout="constrained")
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
    """Write each original and its augmented versions as PNG files into ``out_dir``; return the paths.

    Files are named after the image's index in ``x``, e.g. ``img0042_original.png`` and
    ``img0042_aug01.png`` ... ``img0042_aug05.png``, so every version sits next to its original.
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
        raise NotADirectoryError(f"out_dir {out_dir} is a file; pass a directory to save previews in.")
    out_dir.mkdir(parents=True, exist_ok=True)
    width = len(str(len(x) - 1))
    paths: list[Path] = []
    for row, index in enumerate(indices):
        named = [("original", originals[row])]
        named += [(f"aug{k + 1:02d}", image) for k, image in enumerate(augmented[row])]
        for suffix, image in named:
            path = out_dir / f"img{index:0{width}d}_{suffix}.png"
            _write_png_atomically(imsave, path, image)
            paths.append(path)
    return paths


def _write_png_atomically(imsave: Any, path: Path, image: np.ndarray) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            imsave(stream, image, format="png")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
