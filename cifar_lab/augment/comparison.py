"""What `compare_augmentations` returns: one `AugmentationRun` per augmentation, in an `AugmentationComparison`.

Plain records with their summaries (best epoch, late gain, a table), free of Keras and of training:
`cifar_lab.augment.experiment` fills them.

Example:
    >>> history = {"val_accuracy": [0.30, 0.52, 0.47]}
    >>> run = AugmentationRun("none", {}, history, 0.9, 0.47, 0.46, 30.0, model=None)
    >>> AugmentationComparison([run], "original", 3, 128, 0, {}, splits={}).run("none").best_val_epoch
    2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cifar_lab.errors import UsageError

if TYPE_CHECKING:
    import keras


@dataclass
class AugmentationRun:
    """One training run of `compare_augmentations`.

    Attributes:
        name: the augmentation's name in the comparison.
        params: every augmentation knob's value (see `augmentation_params`).
        history: `train_model`'s per-epoch history (its `accuracy` is measured on augmented batches).
        train_accuracy: measured after training, on the clean training images.
        val_accuracy: the last epoch's.
        test_accuracy: measured once, after training.
        seconds: wall time of the run, training and measuring.
        model: the trained model.

    Example:
        >>> run = AugmentationRun("none", params={}, history={"val_accuracy": [0.30, 0.52, 0.47]},
        ...                       train_accuracy=0.9, val_accuracy=0.47, test_accuracy=0.46, seconds=30.0, model=None)
        >>> run.best_val_epoch, round(run.late_val_gain, 2)
        (2, -0.05)
    """

    name: str
    params: dict[str, Any]
    history: dict[str, list[float]]
    train_accuracy: float
    val_accuracy: float
    test_accuracy: float
    seconds: float
    model: keras.Model = field(repr=False)

    @property
    def best_val_epoch(self) -> int:
        """The 1-based epoch with the highest validation accuracy."""
        return int(np.argmax(self.history["val_accuracy"])) + 1

    @property
    def late_val_gain(self) -> float:
        """Validation accuracy gained over the last quarter of the epochs: > 0 means still learning."""
        curve = self.history["val_accuracy"]
        return curve[-1] - curve[len(curve) - 1 - max(1, len(curve) // 4)] if len(curve) > 1 else 0.0


@dataclass
class AugmentationComparison:
    """The result of `compare_augmentations`: one run per augmentation, same model and budget.

    Attributes:
        runs: one per augmentation, in the order asked for.
        model: the model's name in `cifar_lab.models.MODELS`.
        epochs: epochs of each run.
        batch_size: images per optimizer step.
        seed: the seed of the weights, the split and the training.
        hparams: the hyper-parameters overridden for every run.
        splits: the exact split every run used: `x_fit`, `y_fit`, `x_val`, `y_val`, `x_test`, `y_test`.

    Example:
        >>> history = {"val_accuracy": [0.4, 0.5]}
        >>> runs = [AugmentationRun(name, {}, history, 0.8, 0.5, test, 20.0, model=None)
        ...         for name, test in (("none", 0.47), ("recommended", 0.55))]
        >>> splits = {"y_fit": np.zeros(160), "y_val": np.zeros(40), "y_test": np.zeros(1000)}
        >>> comparison = AugmentationComparison(runs, "original", 2, 128, 0, {}, splits)
        >>> comparison.run("recommended").test_accuracy, comparison.sizes
        (0.55, {'train': 160, 'val': 40, 'test': 1000})
        >>> print(comparison.to_text())
        original model, 2 epochs, batch 128, seed 0; 160 train / 40 val / 1000 test images
        augmentation       train     val    test     gap  best ep  late gain  s/epoch
        none               80.0%   50.0%   47.0%   33.0%        2     +10.0%     10.0
        recommended        80.0%   50.0%   55.0%   25.0%        2     +10.0%     10.0
    """

    runs: list[AugmentationRun]
    model: str
    epochs: int
    batch_size: int
    seed: int
    hparams: dict[str, Any]
    splits: dict[str, np.ndarray] = field(repr=False)

    @property
    def sizes(self) -> dict[str, int]:
        """Number of training, validation and test images."""
        return {
            part: len(self.splits[f"y_{key}"]) for part, key in (("train", "fit"), ("val", "val"), ("test", "test"))
        }

    def run(self, name: str) -> AugmentationRun:
        """The run called `name`; a `UsageError` listing the names otherwise."""
        for run in self.runs:
            if run.name == name:
                return run
        raise UsageError(f"No run named {name!r}; the runs are {[r.name for r in self.runs]}.")

    def table(self) -> list[dict[str, Any]]:
        """One dict per run: accuracies, generalisation gap, best validation epoch, late gain, time."""
        return [
            {
                "augmentation": run.name,
                "train_accuracy": run.train_accuracy,
                "val_accuracy": run.val_accuracy,
                "test_accuracy": run.test_accuracy,
                "train_test_gap": run.train_accuracy - run.test_accuracy,
                "best_val_epoch": run.best_val_epoch,
                "late_val_gain": run.late_val_gain,
                "seconds_per_epoch": run.seconds / self.epochs,
            }
            for run in self.runs
        ]

    def to_text(self) -> str:
        """The table as aligned plain text, accuracies in percent."""
        width = max(16, 2 + max(len(run.name) for run in self.runs))
        header = (
            f"{'augmentation':<{width}}{'train':>8}{'val':>8}{'test':>8}{'gap':>8}"
            f"{'best ep':>9}{'late gain':>11}{'s/epoch':>9}"
        )
        lines = [
            f"{self.model} model, {self.epochs} epochs, batch {self.batch_size}, seed {self.seed}; "
            f"{self.sizes['train']} train / {self.sizes['val']} val / {self.sizes['test']} test images",
            header,
        ]
        for row in self.table():
            lines.append(
                f"{row['augmentation']:<{width}}{100 * row['train_accuracy']:>7.1f}%{100 * row['val_accuracy']:>7.1f}%"
                f"{100 * row['test_accuracy']:>7.1f}%{100 * row['train_test_gap']:>7.1f}%"
                f"{row['best_val_epoch']:>9d}{100 * row['late_val_gain']:>+10.1f}%{row['seconds_per_epoch']:>9.1f}"
            )
        return "\n".join(lines)
