"""The self-check of `03_augmentation`: an augmentation of the original's kind that stops hurting.

Example:
    >>> check_gentle_augmentation({"augmentation": "none"}, comparison=None)[1]
    'Every knob is off: that is no augmentation at all. Turn on a shift, a rotation, a zoom or the flip.'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cifar_lab.augment.augmenter import augment_examples, build_augmenter
from cifar_lab.augment.presets import AUGMENTATION_DEFAULTS, augmentation_params
from cifar_lab.errors import CifarLabError
from cifar_lab.exercises.registry import Exercise, register


def check_gentle_augmentation(answer: Any, *, comparison: Any) -> tuple[bool, str, str | None]:
    """Exercise 3.1: `my_augmentation`, knobs (a dict for `build_augmenter`) distorting less than the original's.

    Passes when the augmentation changes the validation images' pixels less, on average, than the
    original's does (the same seeded draws for both, so the verdict is repeatable, and the grader, which
    rebuilds the split, reaches the same one). With the notebook's comparison (`compare_augmentations`'s
    result, whose runs hold trained models) it also reports the notebook's own measure: the accuracy the
    model trained without augmentation keeps on images augmented each way.

    Example:
        >>> check_gentle_augmentation({"rotation_range": 500}, comparison=None)[1]
        'rotation_range=500 is out of range; use a number in [0, 180].'
    """
    if not isinstance(answer, dict):
        return False, f"Give a dict of knobs, e.g. {{'width_shift_range': 0.1}}; got a {type(answer).__name__}.", None
    knobs = dict(answer)
    base = knobs.pop("augmentation", "original")
    try:
        settings = augmentation_params(base, **knobs)
    except CifarLabError as error:
        return False, str(error), None
    if settings == AUGMENTATION_DEFAULTS:
        return (
            False,
            "Every knob is off: that is no augmentation at all. Turn on a shift, a rotation, a zoom or the flip.",
            None,
        )
    x_val, seed = comparison.splits["x_val"], comparison.seed
    yours, original = _pixel_change(x_val, base, knobs, seed), _pixel_change(x_val, "original", {}, seed)
    measured = (
        f"your augmentation changes a pixel by {yours:.3f} on average, the original's by {original:.3f} (target: less)"
    )
    if comparison.runs:  # the notebook's comparison, with its trained models (the grader's has none)
        kept_yours, kept_original = _accuracy_kept(comparison, base, knobs), _accuracy_kept(comparison, "original", {})
        measured += (
            f"; the unaugmented model keeps {kept_yours:.2f} accuracy on your images, "
            f"{kept_original:.2f} on the original's"
        )
    if yours < original:
        return (
            True,
            "Your augmentation moves the images less than the original's: a 32x32 image stays recognisable.",
            measured,
        )
    return False, "It still distorts the images as much as the original's, or more.", measured


def _pixel_change(x: Any, augmentation: str, knobs: dict[str, Any], seed: int) -> float:
    count = min(len(x), 64)
    _, originals, augmented = augment_examples(
        x, build_augmenter(augmentation, seed=seed, **knobs), n_images=count, n_augmented=4, seed=seed
    )
    return float(np.mean(np.abs(augmented - originals[:, None])))


def _accuracy_kept(comparison: Any, augmentation: str, knobs: dict[str, Any]) -> float:
    from cifar_lab.augment.diagnosis import accuracy_under_augmentation

    plain, x_val, y_val = comparison.run("none").model, comparison.splits["x_val"], comparison.splits["y_val"]
    return accuracy_under_augmentation(plain, x_val, y_val, augmentation, seed=comparison.seed, **knobs)


register(
    Exercise(
        "3.1",
        "03_augmentation",
        "Make the original augmentation stop hurting",
        "my_augmentation",
        "Start from the original's knobs (rotation_range 40, shifts 0.2, zoom_range 0.2, flip) and make them "
        "gentler, one at a time; look at a preview of each. Which knob destroys most of a 32x32 image?",
        check_gentle_augmentation,
    )
)
