"""Which augmentation helps? Train the same model under each, from the same initial weights.

`compare_augmentations` trains one model from the same initial weights, for the same number of
epochs, under each augmentation, validates on a held-out split of the training set and touches the
test set once, at the end. It returns an `AugmentationComparison` (see `cifar_lab.augment.comparison`);
`plot_augmentation_comparison` draws it; `cifar_lab.augment.diagnosis` explains it.

Not run in the tests: the example trains a model per augmentation, for minutes.

Example:
    >>> comparison = compare_augmentations("synthetic", epochs=2, n_per_class=20)  # doctest: +SKIP
    >>> print(comparison.to_text())                                                # doctest: +SKIP
    original model, 2 epochs, batch 128, seed 0; 160 train / 40 val / 1000 test images
    ...
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from cifar_lab.augment.augmenter import build_augmenter
from cifar_lab.augment.comparison import AugmentationComparison, AugmentationRun
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
        >>> import keras
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(n_train=0, n_test=20)  # two images of each class
        >>> always_cat = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
        >>> always_cat.set_weights([np.zeros((3072, 10)), np.eye(10)[3]])  # class 3 is "cat"
        >>> accuracy_of(always_cat, data.x_test, data.y_test)
        0.1
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

    The test set is used once per run, after training.

    Args:
        data: a `CifarData`, anything `load_cifar10` accepts, or `(x_train, y_train, x_test, y_test)`.
        augmentations: preset names, or `{name: params}` for variants, e.g.
            `{"cutout": {"augmentation": "recommended", "cutout_size": 8}}`.
        model: a name in `cifar_lab.models.MODELS`.
        epochs: epochs of each run.
        batch_size: images per optimizer step.
        seed: fixes the initial weights, the split, the subset, shuffling and augmentation.
        val_fraction: share of the training images (stratified, seeded) held out for validation.
        n_per_class: take a stratified subset of the training images first (None keeps all).
        learning_rate: overrides the model's default.
        optimizer: overrides the model's default.
        verbose: how training progress is shown; see `cifar_lab.train.progress_mode`.

    Raises:
        UsageError: `augmentations` is empty or names an unknown preset or knob (checked before any
            training starts).
        WrongTypeError: `data` is none of the accepted kinds.

    Not run in the tests: it trains a model per augmentation, for minutes.

    Example:
        >>> result = compare_augmentations("synthetic", epochs=3, n_per_class=50)  # doctest: +SKIP
        >>> [row["augmentation"] for row in result.table()]                       # doctest: +SKIP
        ['none', 'original', 'recommended']
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
        >>> history = {"loss": [2.0, 1.6], "val_loss": [2.1, 1.8], "accuracy": [0.3, 0.45], "val_accuracy": [0.28, 0.4]}
        >>> run = AugmentationRun("none", {}, history, 0.5, 0.4, 0.39, 10.0, model=None)
        >>> figure = plot_augmentation_comparison(AugmentationComparison([run], "original", 2, 128, 0, {}, splits={}))
        >>> [ax.get_title() for ax in figure.axes], len(figure.axes[0].get_lines())
        (['Accuracy', 'Loss'], 2)
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
