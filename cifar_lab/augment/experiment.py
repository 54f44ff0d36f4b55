"""Which augmentation helps? Train the same model under each, from the same initial weights.

`compare_augmentations` trains one model from the same initial weights, for the same number of
epochs, under each augmentation, validates on a held-out split of the training set and touches the
test set once, at the end. `plot_augmentation_comparison` draws the result;
`cifar_lab.augment.diagnosis` explains it.

Example:
    >>> comparison = compare_augmentations("synthetic", epochs=2, n_per_class=20)  # doctest: +SKIP
    >>> print(comparison.to_text())                                                # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from cifar_lab.augment.augmenter import build_augmenter
from cifar_lab.augment.presets import augmentation_params
from cifar_lab.data.loading import CifarData, load_cifar10
from cifar_lab.data.splits import subset_and_split
from cifar_lab.errors import UsageError, WrongTypeError
from cifar_lab.evaluate.predict import predict_proba
from cifar_lab.figures import new_figure
from cifar_lab.models.registry import build_model
from cifar_lab.train.loop import train_model

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class AugmentationRun:
    """One training run of `compare_augmentations`.

    `history` is `train_model`'s per-epoch history (its `accuracy` is measured on augmented
    batches); `train_accuracy` is measured after training on the clean training images;
    `val_accuracy` is the last epoch's; `test_accuracy` is measured once, after training.

    Example:
        >>> run.test_accuracy  # doctest: +SKIP
        0.61
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

    Example:
        >>> comparison.run("recommended").test_accuracy  # doctest: +SKIP
    """

    runs: list[AugmentationRun]
    model: str
    epochs: int
    batch_size: int
    seed: int
    hparams: dict[str, Any]
    # x_fit, y_fit, x_val, y_val, x_test, y_test: the exact split every run used.
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


def _arrays(data: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(data, tuple) and len(data) == 4:
        return tuple(np.asarray(a) for a in data)
    if isinstance(data, str):
        data = load_cifar10(data)
    if isinstance(data, CifarData):
        return data.x_train, data.y_train, data.x_test, data.y_test
    raise WrongTypeError(
        "data must be a CifarData, a name or path load_cifar10 accepts ('synthetic', 'auto', ...), "
        f"or a tuple (x_train, y_train, x_test, y_test); got {type(data).__name__}."
    )


def accuracy_of(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Share of the uint8 images `x` that `model` classifies as `y`.

    Example:
        >>> accuracy_of(trained_model, data.x_test, data.y_test)  # doctest: +SKIP
    """
    return float(np.mean(predict_proba(model, x).argmax(axis=1) == y))


def _normalise_augmentations(augmentations: Sequence[str] | Mapping[str, Mapping[str, Any]]):
    if isinstance(augmentations, Mapping):
        named = {name: dict(spec) for name, spec in augmentations.items()}
    else:
        named = {name: {"augmentation": name} for name in augmentations}
    if not named:
        raise UsageError("augmentations is empty; pass e.g. ('none', 'original', 'recommended').")
    for spec in named.values():
        augmentation_params(**spec)  # fail before any training starts
    return named


def compare_augmentations(
    data: Any = "auto",
    *,
    augmentations: Sequence[str] | Mapping[str, Mapping[str, Any]] = ("none", "original", "recommended"),
    model: str = "original",
    epochs: int = 10,
    batch_size: int = 128,
    seed: int = 0,
    val_fraction: float = 0.2,
    n_per_class: int | None = None,
    learning_rate: float | None = None,
    optimizer: str | None = None,
    verbose: str | int = "auto",
) -> AugmentationComparison:
    """Train `model` once per augmentation from the same initial weights for `epochs` epochs each.

    `data` is a `CifarData`, anything `load_cifar10` accepts, or `(x_train, y_train, x_test,
    y_test)`. `n_per_class` takes a stratified subset of the training images first; then
    `val_fraction` of them (stratified, seeded) are held out for validation. The test set is
    used once per run, after training. `augmentations` are preset names, or `{name: params}`
    for variants, e.g. `{"cutout": {"augmentation": "recommended", "cutout_size": 8}}`.

    Example:
        >>> result = compare_augmentations("synthetic", epochs=3, n_per_class=50)  # doctest: +SKIP
        >>> [row["test_accuracy"] for row in result.table()]                      # doctest: +SKIP
    """
    named = _normalise_augmentations(augmentations)
    x_train, y_train, x_test, y_test = _arrays(data)
    x_fit, y_fit, x_val, y_val = subset_and_split(
        x_train, y_train, n_per_class=n_per_class, val_fraction=val_fraction, seed=seed
    )
    hparams = {k: v for k, v in {"learning_rate": learning_rate, "optimizer": optimizer}.items() if v is not None}
    initial_weights = build_model(model, seed=seed, **hparams).get_weights()
    runs = []
    for name, spec in named.items():
        # A fresh build gives a fresh optimizer; the weights are copied so every run starts equal.
        network = build_model(model, seed=seed, **hparams)
        network.set_weights(initial_weights)
        augmenter = build_augmenter(**spec, seed=seed)
        started = time.perf_counter()
        result = train_model(
            network,
            x_fit,
            y_fit,
            validation=(x_val, y_val),
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            augment=augmenter,
            verbose=verbose,
        )
        runs.append(
            AugmentationRun(
                name=name,
                params=augmentation_params(**spec),
                history=result.history,
                train_accuracy=accuracy_of(network, x_fit, y_fit),
                val_accuracy=result.history["val_accuracy"][-1],
                test_accuracy=accuracy_of(network, x_test, y_test),
                seconds=time.perf_counter() - started,
                model=network,
            )
        )
    splits = {"x_fit": x_fit, "y_fit": y_fit, "x_val": x_val, "y_val": y_val, "x_test": x_test, "y_test": y_test}
    return AugmentationComparison(runs, model, epochs, batch_size, seed, hparams, splits)


def plot_augmentation_comparison(comparison: AugmentationComparison) -> Figure:
    """Return a figure of accuracy and loss per epoch, validation solid and training dashed, per run.

    Example:
        >>> figure = plot_augmentation_comparison(comparison)  # doctest: +SKIP
    """
    figure = new_figure(figsize=(10, 3.8))
    accuracy_ax, loss_ax = figure.subplots(1, 2)
    for index, run in enumerate(comparison.runs):
        colour = f"C{index}"
        epochs = np.arange(1, len(run.history["loss"]) + 1)
        for ax, key in ((accuracy_ax, "accuracy"), (loss_ax, "loss")):
            ax.plot(epochs, run.history[f"val_{key}"], color=colour, label=f"{run.name} (validation)")
            ax.plot(
                epochs,
                run.history[key],
                color=colour,
                linestyle="--",
                label=f"{run.name} (training batches, augmented)",
            )
    accuracy_ax.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    loss_ax.set(xlabel="epoch", ylabel="loss", title="Loss")
    accuracy_ax.legend(fontsize=7)
    figure.suptitle(f"{comparison.model} model, same initial weights, {comparison.epochs} epochs each")
    return figure
