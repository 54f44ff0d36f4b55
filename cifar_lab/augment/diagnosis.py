"""Why the original's augmentation cost accuracy: the measurements behind each reason.

The original notebook trained its CNN without augmentation (76.6% test accuracy), then continued
training it with its ImageDataGenerator settings, validating on the test set, and ended at 66.8%.

- `accuracy_under_augmentation` measures how far an augmentation moves images away from the data a
  model is tested on: the accuracy of a model on augmented copies of clean images.
- `continue_with_augmentation` replays the original's second phase: continue a trained model with
  augmentation, with the RMSprop state reset (a fresh `compile`) or kept.
- `original_drop_numbers` collects the figures the augmentation notebook explains.

Not run in the tests: the example needs trained models, minutes of training.

Example:
    >>> from cifar_lab.augment import compare_augmentations
    >>> comparison = compare_augmentations("synthetic", epochs=10, n_per_class=100)  # doctest: +SKIP
    >>> continuation = continue_with_augmentation(comparison, epochs=3)             # doctest: +SKIP
    >>> print(continuation.to_text())                                               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from cifar_lab.augment.augmenter import build_augmenter
from cifar_lab.augment.comparison import AugmentationComparison
from cifar_lab.augment.experiment import accuracy_of
from cifar_lab.errors import UsageError
from cifar_lab.evaluate.predict import predict_batches
from cifar_lab.models.registry import build_model
from cifar_lab.train.loop import train_model
from cifar_lab.train.pipeline import make_dataset


def accuracy_under_augmentation(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    augmentation: str = "original",
    *,
    seed: int = 0,
    batch_size: int = 256,
    **params: Any,
) -> float:
    """Accuracy of `model` on augmented copies of `x`: how far the augmentation moves the images.

    Compare it with the accuracy on the clean images: a model trained without augmentation that
    loses much accuracy on augmented copies is being asked, when trained with that augmentation,
    to learn images unlike the ones it will be tested on.

    Example:
        >>> import keras
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(n_train=0, n_test=20)  # two images of each class
        >>> always_cat = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
        >>> always_cat.set_weights([np.zeros((3072, 10)), np.eye(10)[3]])  # class 3 is "cat"
        >>> accuracy_under_augmentation(always_cat, data.x_test, data.y_test, "original")  # no image moves its answer
        0.1
    """
    augmenter = build_augmenter(augmentation, seed=seed, **params)
    batches = make_dataset(x, y, batch_size=batch_size, shuffle=False, augment=augmenter)
    probabilities = predict_batches(model, batches)
    return float(np.mean(probabilities.argmax(axis=1) == np.asarray(y)))


@dataclass
class Continuation:
    """The result of `continue_with_augmentation`.

    Attributes:
        start: the run of the comparison that was continued.
        augmentation: the preset it was continued with.
        epochs: epochs of each continuation.
        before: the starting model's `val_accuracy` and `test_accuracy`.
        runs: each variant (`"reset"`: fresh optimizer, as a new `compile` does; `"kept"`: optimizer
            state carried over) to its per-epoch `history` and final `test_accuracy`.

    Example:
        >>> continuation = Continuation(
        ...     "none", "original", epochs=2, before={"val_accuracy": 0.72, "test_accuracy": 0.71},
        ...     runs={"reset": {"history": {"val_accuracy": [0.55, 0.63]}, "test_accuracy": 0.62}})
        >>> print(continuation.to_text())
        continue the 'none' model with 'original' augmentation for 2 epochs
        optimizer    val after 1  val at end  test at end
        (before)                       72.0%        71.0%
        reset              55.0%       63.0%        62.0%
    """

    start: str
    augmentation: str
    epochs: int
    before: dict[str, float]
    runs: dict[str, dict[str, Any]]

    def to_text(self) -> str:
        """Validation accuracy before, after the first continued epoch and at the end; test at the end."""
        lines = [
            f"continue the {self.start!r} model with {self.augmentation!r} augmentation for {self.epochs} epochs",
            f"{'optimizer':<12}{'val after 1':>12}{'val at end':>12}{'test at end':>13}",
            f"{'(before)':<12}{'':>12}{100 * self.before['val_accuracy']:>11.1f}%"
            f"{100 * self.before['test_accuracy']:>12.1f}%",
        ]
        for name, run in self.runs.items():
            curve = run["history"]["val_accuracy"]
            lines.append(
                f"{name:<12}{100 * curve[0]:>11.1f}%{100 * curve[-1]:>11.1f}%{100 * run['test_accuracy']:>12.1f}%"
            )
        return "\n".join(lines)


def continue_with_augmentation(
    comparison: AugmentationComparison,
    *,
    start: str = "none",
    augmentation: str = "original",
    epochs: int = 5,
    variants: Sequence[str] = ("reset", "kept"),
    verbose: str | int = "auto",
    **params: Any,
) -> Continuation:
    """Continue run `start` of `comparison` with `augmentation`, as the original notebook did.

    The original's continuation restarted RMSprop from zero state, as compiling a model again
    does: its running average of squared gradients restarts at 0, so the first step moves every
    weight by `learning_rate / sqrt(1 - rho)` (3.2x the learning rate) whatever the size of its
    gradient, and later steps stay larger than usual until the average has refilled. Variant
    `"reset"` does that; `"kept"` carries the optimizer state over, to separate the reset's
    effect from the augmentation's. Each variant starts from a copy of the trained weights, on the
    comparison's own splits; the test set is used at the end.

    Not run in the tests: it trains each variant for `epochs` epochs, after the comparison's training.

    Example:
        >>> from cifar_lab.augment import compare_augmentations
        >>> comparison = compare_augmentations("synthetic", epochs=10, n_per_class=100)  # doctest: +SKIP
        >>> continuation = continue_with_augmentation(comparison, epochs=3)             # doctest: +SKIP
        >>> list(continuation.runs), len(continuation.runs["reset"]["history"]["val_accuracy"])  # doctest: +SKIP
        (['reset', 'kept'], 3)
    """
    unknown = sorted(set(variants) - {"reset", "kept"})
    if unknown or not variants:
        raise UsageError(f"Unknown variant(s) {unknown}; use 'reset' and/or 'kept'.")
    trained = comparison.run(start).model
    s = comparison.splits
    before = {
        "val_accuracy": accuracy_of(trained, s["x_val"], s["y_val"]),
        "test_accuracy": accuracy_of(trained, s["x_test"], s["y_test"]),
    }
    runs = {}
    for variant in variants:
        network = build_model(comparison.model, seed=comparison.seed, **comparison.hparams)
        network.set_weights(trained.get_weights())
        if variant == "kept":
            network.optimizer.build(network.trainable_variables)
            for target, source in zip(network.optimizer.variables, trained.optimizer.variables, strict=True):
                target.assign(source)
        augmenter = build_augmenter(augmentation, seed=comparison.seed, **params)
        result = train_model(
            network,
            s["x_fit"],
            s["y_fit"],
            validation=(s["x_val"], s["y_val"]),
            epochs=epochs,
            batch_size=comparison.batch_size,
            seed=comparison.seed + 1,
            augment=augmenter,
            verbose=verbose,
        )
        runs[variant] = {"history": result.history, "test_accuracy": accuracy_of(network, s["x_test"], s["y_test"])}
    return Continuation(start, augmentation, epochs, before, runs)


def original_drop_numbers(
    comparison: AugmentationComparison, continuation: Continuation | None = None
) -> dict[str, float]:
    """The measured numbers behind the three reasons the original's augmentation cost accuracy.

    Needs runs named `"none"` and `"original"` in `comparison` (`"recommended"` is added
    when present). Keys: `test_<run>` (test accuracy); distortion: `val_clean` and
    `val_augmented_<preset>` (the no-augmentation model on clean vs augmented validation
    images); budget: `best_val_epoch_<run>` and `late_val_gain_<run>` (still learning when
    the epochs ran out); with `continuation`: `test_before` and, per variant,
    `val_after_1_<variant>` and `test_after_<variant>`.

    Not run in the tests: the comparison it reads trains a model per augmentation, for minutes.

    Example:
        >>> from cifar_lab.augment import compare_augmentations
        >>> comparison = compare_augmentations("synthetic", epochs=10, n_per_class=100)  # doctest: +SKIP
        >>> continuation = continue_with_augmentation(comparison, epochs=3)             # doctest: +SKIP
        >>> numbers = original_drop_numbers(comparison, continuation)                   # doctest: +SKIP
        >>> print(f"{numbers['test_none']:.1%} -> {numbers['test_after_reset']:.1%}")   # doctest: +SKIP
    """
    names = [name for name in ("none", "original", "recommended") if name in {r.name for r in comparison.runs}]
    if names[:2] != ["none", "original"]:
        raise UsageError(
            "comparison needs runs named 'none' and 'original'; run compare_augmentations "
            "with augmentations=('none', 'original', 'recommended')."
        )
    plain = comparison.run("none").model
    x_val, y_val = comparison.splits["x_val"], comparison.splits["y_val"]
    numbers = {"val_clean": accuracy_of(plain, x_val, y_val)}
    for name in names:
        run = comparison.run(name)
        numbers[f"test_{name}"] = run.test_accuracy
        numbers[f"best_val_epoch_{name}"] = run.best_val_epoch
        numbers[f"late_val_gain_{name}"] = run.late_val_gain
        if name != "none":
            numbers[f"val_augmented_{name}"] = accuracy_under_augmentation(
                plain, x_val, y_val, name, seed=comparison.seed
            )
    if continuation is not None:
        numbers["test_before"] = continuation.before["test_accuracy"]
        for variant, run in continuation.runs.items():
            numbers[f"val_after_1_{variant}"] = run["history"]["val_accuracy"][0]
            numbers[f"test_after_{variant}"] = run["test_accuracy"]
    return numbers
