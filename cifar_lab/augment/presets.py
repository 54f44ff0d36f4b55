"""The augmentation presets: every knob with its off value, and the presets that turn knobs on.

The original assignment augmented with Keras 2's `ImageDataGenerator`, which Keras 3 removed.
`AUGMENTATION_PRESETS` keeps its settings as the `"original"` preset, next to a `"recommended"`
preset (pad-and-random-crop plus horizontal flip, the standard for CIFAR-10) and `"none"`.
`augmentation_params` resolves a preset with overrides and validates every knob.

Example:
    >>> augmentation_params("recommended")["crop_padding"]
    4
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cifar_lab.errors import UsageError

# Every knob, with the value that switches it off. A preset lists only the knobs it turns on; the
# knob names of the affine part are ImageDataGenerator's, so the original's call maps one to one.
AUGMENTATION_DEFAULTS: dict[str, Any] = {
    "rotation_range": 0.0,  # degrees; each image is rotated by U(-r, r)
    "width_shift_range": 0.0,  # fraction of the width; shifted by U(-s, s) * width
    "height_shift_range": 0.0,  # fraction of the height; shifted by U(-s, s) * height
    "zoom_range": 0.0,  # each axis scaled independently by U(1 - z, 1 + z)
    "fill_mode": "nearest",  # how rotation/shift/zoom fill pixels from outside the image
    "horizontal_flip": False,  # mirror left-right with probability 1/2
    "crop_padding": 0,  # pixels of zero padding before a random crop back to size
    "cutout_size": 0,  # side of one grey square painted at a random place; 0 = off
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
    """Return every knob's value for preset `augmentation` with `params` overriding it, validated.

    Raises:
        UsageError: an unknown preset or knob, or a value of the wrong type or out of range; the
            message names the valid presets, knobs or range.

    Example:
        >>> augmentation_params("recommended", crop_padding=2)["crop_padding"]
        2
        >>> augmentation_params("recommended", crop_padding=20)
        Traceback (most recent call last):
        ...
        cifar_lab.errors.UsageError: crop_padding=20 is out of range; use an integer in [0, 16].
    """
    if augmentation not in AUGMENTATION_PRESETS:
        raise UsageError(
            f"Unknown augmentation {augmentation!r}. Use one of {sorted(AUGMENTATION_PRESETS)}, "
            "and override single knobs by name, e.g. augmentation='recommended', cutout_size=8."
        )
    unknown = sorted(set(params) - set(AUGMENTATION_DEFAULTS))
    if unknown:
        raise UsageError(
            f"Unknown augmentation parameter(s) {unknown}. Valid parameters are {sorted(AUGMENTATION_DEFAULTS)}."
        )
    merged = {**AUGMENTATION_DEFAULTS, **AUGMENTATION_PRESETS[augmentation], **params}
    for name, value in merged.items():
        _check_knob(name, value)
    return merged


def _check_knob(name: str, value: Any) -> None:
    if name == "fill_mode":
        if value not in _FILL_MODES:
            raise UsageError(f"fill_mode={value!r} is not supported; use one of {list(_FILL_MODES)}.")
        return
    if name == "horizontal_flip":
        if not isinstance(value, (bool, np.bool_)):
            raise UsageError(f"horizontal_flip must be True or False, got {value!r}.")
        return
    low, high, high_included = _RANGES[name]
    integer = name in _INTEGER_KNOBS
    kind = "an integer" if integer else "a number"
    allowed = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, allowed):
        raise UsageError(f"{name} must be {kind} in {_range_text(name)}, got {value!r}.")
    if not (low <= value <= high if high_included else low <= value < high) or math.isnan(value):
        raise UsageError(f"{name}={value!r} is out of range; use {kind} in {_range_text(name)}.")


def _range_text(name: str) -> str:
    low, high, high_included = _RANGES[name]
    return f"[{low}, {high}{']' if high_included else ')'}"
