"""Data augmentation for CIFAR-10: named presets, a seeded Keras 3 augmenter, previews, and experiments.

What the notebooks use is re-exported here; the modules below may change freely:

- `presets`: `AUGMENTATION_PRESETS` (`none`, `original`: the assignment's ImageDataGenerator settings,
  `recommended`: pad-and-crop plus flip) and `augmentation_params`;
- `augmenter`: `build_augmenter` (a Keras layer applied to training batches inside `tf.data`) and
  `augment_examples`; `previews`: N originals next to K augmented versions, as a figure or files;
- `experiment`: `compare_augmentations` and its figure; `comparison`: the `AugmentationComparison`
  and `AugmentationRun` it returns; `diagnosis`: why the original's augmentation cost accuracy;
- plumbing: `layers` (pad-and-crop and cutout, which Keras does not ship).

Importing it does not import Keras: `experiment` and `diagnosis`, which train, load on first use.

Example:
    >>> from cifar_lab.augment import AUGMENTATION_PRESETS
    >>> sorted(AUGMENTATION_PRESETS)
    ['none', 'original', 'recommended']
"""

import importlib
from typing import TYPE_CHECKING, Any

from cifar_lab.augment.augmenter import augment_examples, build_augmenter
from cifar_lab.augment.comparison import AugmentationComparison, AugmentationRun
from cifar_lab.augment.presets import AUGMENTATION_DEFAULTS, AUGMENTATION_PRESETS, augmentation_params
from cifar_lab.augment.previews import plot_augmentation_preview, save_augmentation_previews

if TYPE_CHECKING:
    from cifar_lab.augment.diagnosis import (
        Continuation,
        accuracy_under_augmentation,
        continue_with_augmentation,
        original_drop_numbers,
    )
    from cifar_lab.augment.experiment import compare_augmentations, plot_augmentation_comparison

# Names whose modules import TensorFlow: loaded when first used, so that importing this package stays cheap.
_TRAINING = {
    "compare_augmentations": "experiment",
    "plot_augmentation_comparison": "experiment",
    "Continuation": "diagnosis",
    "accuracy_under_augmentation": "diagnosis",
    "continue_with_augmentation": "diagnosis",
    "original_drop_numbers": "diagnosis",
}

__all__ = [
    "AUGMENTATION_DEFAULTS",
    "AUGMENTATION_PRESETS",
    "AugmentationComparison",
    "AugmentationRun",
    "Continuation",
    "accuracy_under_augmentation",
    "augment_examples",
    "augmentation_params",
    "build_augmenter",
    "compare_augmentations",
    "continue_with_augmentation",
    "original_drop_numbers",
    "plot_augmentation_comparison",
    "plot_augmentation_preview",
    "save_augmentation_previews",
]


def __getattr__(name: str) -> Any:
    if name in _TRAINING:
        return getattr(importlib.import_module(f"{__name__}.{_TRAINING[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
