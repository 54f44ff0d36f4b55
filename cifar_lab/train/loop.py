"""Training: seeding, the input pipeline, and a reproducible, resumable `train_model`.

`train_model` wraps `model.fit` with what a course run needs:

- reproducible: the seed fixes shuffling, augmentation and dropout; with TF's op determinism on, the
  same seed on the same machine gives the same weights and metrics;
- resumable: with `run_dir`, a checkpoint (weights, optimizer state, history) is written atomically
  after every epoch; calling `train_model` again with the same `run_dir` continues from the last
  completed epoch, so a killed run loses at most the epoch it was in;
- readable logs: Keras's progress bar at a terminal or in an interactive notebook, and one plain
  line per epoch under papermill, CI or a log file.

Not run in the tests: the example trains a model for minutes.

Example:
    >>> from cifar_lab.data import make_synthetic
    >>> from cifar_lab.models import build_model
    >>> data = make_synthetic(n_train=1000, n_test=200)
    >>> model = build_model("original", seed=0)
    >>> result = train_model(model, data.x_train, data.y_train, epochs=2,
    ...                      validation=(data.x_test, data.y_test), run_dir="runs/demo")  # doctest: +SKIP
    >>> len(result.history["val_accuracy"])                                              # doctest: +SKIP
    2
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from cifar_lab.errors import UsageError
from cifar_lab.models.schedules import OneCycle
from cifar_lab.train.checkpoint import CorruptCheckpointError, restore_checkpoint, save_checkpoint
from cifar_lab.train.pipeline import make_dataset
from cifar_lab.train.progress import EpochLine, progress_mode


@dataclass
class TrainResult:
    """What `train_model` returns.

    Attributes:
        history: each metric (`loss`, `accuracy`, `val_loss`, ...) to one value per epoch since the
            start of the run, including epochs done before a resume.
        epochs_completed: how many epochs `history` covers.
        seconds: the wall time of this call.
        resumed_from: the epoch this call started at (0 unless it resumed from a checkpoint).

    Example:
        >>> result = TrainResult({"loss": [2.1, 1.7], "accuracy": [0.22, 0.38]}, epochs_completed=2, seconds=41.5)
        >>> result.history["loss"][-1], result.resumed_from
        (1.7, 0)
    """

    history: dict[str, list[float]]
    epochs_completed: int
    seconds: float
    resumed_from: int = 0


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow/Keras, and make TensorFlow's ops deterministic.

    Example:
        >>> set_seed(0)
        >>> first = np.random.rand()
        >>> set_seed(0)
        >>> np.random.rand() == first
        True
    """
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


class _Recorder(keras.callbacks.Callback):
    """Appends each epoch's logs to `history` and, with a `run_dir`, writes a checkpoint."""

    def __init__(self, history: dict[str, list[float]], run_dir: Path | None):
        super().__init__()
        self.history = history
        self.run_dir = run_dir

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        if self.run_dir is not None:
            save_checkpoint(self.model, self.run_dir, {"epochs_completed": epoch + 1, "history": self.history})


def _restore(model: keras.Model, run_dir: Path) -> dict[str, Any] | None:
    """The checkpoint restored into `model`, or None; an unreadable one is said and trained over from epoch 1."""
    try:
        return restore_checkpoint(model, run_dir)
    except CorruptCheckpointError as error:
        # Nothing was loaded into `model`; the first epoch's checkpoint replaces the broken record.
        print(f"Not resuming from the checkpoint in {run_dir} ({error.problem}); training starts at epoch 1.")
        return None


def _wants_one_hot(model: keras.Model) -> bool:
    loss = model.loss
    name = loss if isinstance(loss, str) else getattr(loss, "name", type(loss).__name__)
    return "sparse" not in str(name).lower()


def _one_cycle(model: keras.Model) -> OneCycle | None:
    # Keras keeps an optimizer's schedule object here; it has no public getter.
    schedule = getattr(model.optimizer, "_learning_rate", None)
    return schedule if isinstance(schedule, OneCycle) else None


def _datasets(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    validation: tuple[np.ndarray, np.ndarray] | None,
    epochs: int,
    batch_size: int,
    seed: int,
    initial_epoch: int,
    augment: Callable[..., Any] | None,
    class_weight: Mapping[int, float] | None,
) -> tuple[tf.data.Dataset, tf.data.Dataset | None]:
    """The training and validation datasets of a run, with a one-cycle schedule stretched to its length."""
    one_hot = _wants_one_hot(model)
    # A resumed run shuffles from a seed of its own, so it does not replay epoch 1's order.
    train_data = make_dataset(
        x_train,
        y_train,
        batch_size=batch_size,
        shuffle=True,
        seed=seed + 1_000_003 * initial_epoch,
        augment=augment,
        one_hot=one_hot,
        class_weight=class_weight,
    )
    schedule = _one_cycle(model)
    if schedule is not None:
        schedule.total_steps.assign(float(epochs * math.ceil(len(x_train) / batch_size)))
    validation_data = None
    if validation is not None:
        x_val, y_val = validation
        validation_data = make_dataset(x_val, y_val, batch_size=max(batch_size, 256), shuffle=False, one_hot=one_hot)
    return train_data, validation_data


def train_model(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    epochs: int,
    batch_size: int = 128,
    seed: int = 0,
    augment: Callable[..., Any] | None = None,
    run_dir: str | os.PathLike | None = None,
    verbose: str | int = "auto",
    class_weight: Mapping[int, float] | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> TrainResult:
    """Train compiled `model` on uint8 images and int labels for `epochs` epochs in total.

    Args:
        model: a compiled Keras model, e.g. from `cifar_lab.models.build_model`.
        x_train: uint8 images `(N, 32, 32, 3)`; the pipeline scales them to [0, 1] itself.
        y_train: integer labels `(N,)`.
        validation: `(x_val, y_val)`, evaluated after each epoch.
        epochs: the run's total length; a resumed run trains only the epochs still missing.
        batch_size: images per optimizer step.
        seed: fixes shuffling, augmentation and dropout.
        augment: applied to training batches only, e.g. from `cifar_lab.augment.build_augmenter`.
        run_dir: turns on per-epoch checkpoints and resuming: if it already holds a checkpoint,
            training continues from there up to `epochs` (an unreadable one is said and ignored).
        verbose: how progress is shown; see `progress_mode`.
        class_weight: `{class: weight}`, weighting each sample's loss.
        callbacks: extra Keras callbacks, run after the checkpoint and the epoch line.

    Returns:
        A `TrainResult` with the history of every epoch of the run, resumed ones included.

    Raises:
        UsageError: `epochs` is not a positive integer, or `model` is not compiled.
        CheckpointMismatchError: `run_dir` holds a checkpoint of another model or optimizer.

    Not run in the tests: it trains a model for minutes.

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> from cifar_lab.models import build_model
        >>> data = make_synthetic(n_train=1000, n_test=200)
        >>> result = train_model(build_model("original"), data.x_train, data.y_train, epochs=20,
        ...                      validation=(data.x_test, data.y_test))  # doctest: +SKIP
        >>> result.epochs_completed                                      # doctest: +SKIP
        20
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise UsageError(f"epochs must be a positive integer; got {epochs!r}.")
    if getattr(model, "optimizer", None) is None or not model.compiled:
        raise UsageError(
            "The model is not compiled. Build it with cifar_lab.models.build_model(), or call model.compile(...) first."
        )
    mode = progress_mode(verbose)
    started = time.perf_counter()
    set_seed(seed)
    run_path = Path(run_dir) if run_dir is not None else None
    state = _restore(model, run_path) if run_path is not None else None
    initial_epoch = state["epochs_completed"] if state else 0
    history: dict[str, list[float]] = {k: list(v) for k, v in (state or {}).get("history", {}).items()}
    if initial_epoch >= epochs:
        return TrainResult(history, initial_epoch, time.perf_counter() - started, initial_epoch)
    if mode != "silent" and initial_epoch:
        print(
            f"Resuming from the checkpoint in {run_path} after epoch {initial_epoch} (the shuffling and augmentation "
            "streams restart, so the model is close to, not bit-for-bit, an uninterrupted run's).",
            flush=True,
        )

    train_data, validation_data = _datasets(
        model, x_train, y_train, validation, epochs, batch_size, seed, initial_epoch, augment, class_weight
    )
    # The checkpoint is written before the epoch's line is printed: a printed epoch is a saved one.
    ours: list[keras.callbacks.Callback] = [_Recorder(history, run_path)]
    if mode == "epoch":
        ours.append(EpochLine(epochs))
    # shuffle=False: the dataset shuffles itself (seeded); Keras would only warn that it cannot.
    model.fit(
        train_data,
        validation_data=validation_data,
        epochs=epochs,
        initial_epoch=initial_epoch,
        callbacks=[*ours, *callbacks],
        verbose=1 if mode == "bar" else 0,
        shuffle=False,
    )
    return TrainResult(history, epochs, time.perf_counter() - started, initial_epoch)
