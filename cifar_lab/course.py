"""What the course notebooks share: one data split, trained models kept in the run directory, metrics.

Each notebook can run alone, yet later notebooks reuse what earlier ones saved in `run_dir`:

- `load_splits` gives every notebook the same train / validation / test arrays for a set of
  parameters, so a model trained in `02_baseline_cnn` is evaluated on the same images in
  `04_evaluation`.
- `train_or_load` trains a model by name and saves it under `run_dir/models/<key>/` (native
  `model.keras`, the original assignment's `model.json` + `model.weights.h5`, and the training
  history); the next notebook asking for the same model with the same parameters loads it instead of
  training again.
- `cifar_lab.rundir.write_metrics` keeps each notebook's headline figures in the run directory.

TensorFlow is imported only inside the functions that train or load, so importing this module is cheap.

Example:

    from cifar_lab.course import load_splits, train_or_load
    from cifar_lab.presets import resolve_params
    from cifar_lab.rundir import write_metrics

    params = resolve_params("ci")
    splits = load_splits(params)
    baseline = train_or_load(params, splits)
    write_metrics(params["run_dir"], "02_baseline_cnn", {"test_accuracy": 0.31})
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cifar_lab.data.loading import CifarData, load_cifar10
from cifar_lab.data.splits import subset_and_split
from cifar_lab.files import atomic_write_json, remove_stale_temporaries
from cifar_lab.rundir import RunDir

# Parameters that change what a trained model is; a saved model is reused only when all of them match.
TRAINING_PARAMS = (
    "data",
    "n_per_class",
    "val_fraction",
    "epochs",
    "batch_size",
    "seed",
    "learning_rate",
    "optimizer",
)


@dataclass(frozen=True)
class Splits:
    """The arrays every notebook trains and evaluates on (uint8 images, int64 labels)."""

    data: CifarData
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def training_data(self) -> CifarData:
        """The data as a `CifarData` whose training set is this split's training part.

        For library functions that take a `CifarData` and should see only the images a model was
        trained on (`cifar_lab.ethics.ethics_report`, `cifar_lab.ethics.sampling_bias`).

        Example:
            >>> splits = load_splits({"data": "synthetic", "n_per_class": 20, "val_fraction": 0.2, "seed": 0})
            >>> splits.training_data().x_train.shape == splits.x_train.shape
            True
        """
        return replace(self.data, x_train=self.x_train, y_train=self.y_train)


@dataclass(frozen=True)
class Trained:
    """A trained Keras model, its per-epoch history, where it is saved, whether it was loaded, how long
    its training took (seconds; the first training's, for a loaded model), and after how many epochs
    its training resumed from a checkpoint (0: trained in one go)."""

    model: Any
    history: dict[str, list[float]]
    directory: Path
    loaded: bool
    seconds: float = 0.0
    resumed_after_epochs: int = 0


def load_splits(params: dict[str, Any]) -> Splits:
    """Load the data named by `params` and split it the same way in every notebook.

    The training set is first cut to at most `n_per_class` images per class (seeded; None keeps all;
    see `cifar_lab.data.splits.subset_and_split`), then
    `val_fraction` of each class is held out for validation (seeded), so both parts keep the class
    balance. This is the split `cifar_lab.augment.experiment.compare_augmentations` makes too, so its
    unaugmented run and the baseline here see the same images. The test set is kept whole, for the end.

    Example:
        >>> splits = load_splits({"data": "synthetic", "n_per_class": 20, "val_fraction": 0.2, "seed": 0})
        >>> splits.x_train.shape, splits.x_val.shape
        ((160, 32, 32, 3), (40, 32, 32, 3))
    """
    data = load_cifar10(params["data"])
    x, y = data.x_train, data.y_train
    x_train, y_train, x_val, y_val = subset_and_split(
        x, y, n_per_class=params.get("n_per_class"), val_fraction=params["val_fraction"], seed=params["seed"]
    )
    return Splits(data, x_train, y_train, x_val, y_val, data.x_test, data.y_test)


def _model_key(name: str, augmentation: str | None) -> str:
    return name if augmentation in (None, "none") else f"{name}-{augmentation}"


def _training_params(params: dict[str, Any], name: str, augmentation: str | None) -> dict[str, Any]:
    """The parameters model `name` is trained with: `params`, except that a model other than
    `params["model"]` keeps its own recipe's optimizer, learning rate and batch size."""
    from cifar_lab.models.registry import MODELS

    recorded = {key: params.get(key) for key in TRAINING_PARAMS}
    if name != params["model"]:
        recorded.update(learning_rate=None, optimizer=None, batch_size=MODELS[name].recipe["batch_size"])
    recorded.update(model=name, augmentation=augmentation or "none")
    return recorded


def build_from_params(params: dict[str, Any], *, model: str | None = None) -> Any:
    """Build model `model` (default `params["model"]`) with `params["seed"]`, compiled.

    `learning_rate` and `optimizer` from `params` (when not None) tune the model the parameters
    name; any other model keeps its own recipe from `cifar_lab.models.MODELS`.

    Example:
        >>> network = build_from_params({"model": "original", "seed": 0, "learning_rate": 1e-4, "optimizer": "adam"})
        >>> type(network.optimizer).__name__, round(float(network.optimizer.learning_rate), 6)
        ('Adam', 0.0001)
    """
    from cifar_lab.models.registry import build_model

    name = model or params["model"]
    tuned = name == params["model"]
    hparams = {key: params[key] for key in ("learning_rate", "optimizer") if tuned and params.get(key) is not None}
    return build_model(name, seed=params["seed"], **hparams)


def train_or_load(
    params: dict[str, Any],
    splits: Splits,
    *,
    model: str | None = None,
    augmentation: str | None = None,
) -> Trained:
    """Load the model `run_dir/models/<model>[-<augmentation>]` if it was trained with these parameters,
    otherwise build it, train it on `splits` (validating on the held-out split) and save it there.

    `model` defaults to `params["model"]` and `augmentation` to no augmentation. A model other than
    `params["model"]` keeps its own recipe (`cifar_lab.models.MODELS`): its optimizer, learning rate and
    batch size; the data, epochs and seed come from `params`. An interrupted training with the same
    parameters resumes from its last completed epoch; one with other parameters is discarded.
    Saved (`cifar_lab.models.save_model`): `model.keras`, the original's `model.json` +
    `model.weights.h5`; then `history.json` and `params.json`, written last, so a directory without it
    is never mistaken for a finished model. The per-epoch checkpoints are removed once the model is saved.

    Example:
        Not run in the tests: the first call trains a model.

        >>> baseline = train_or_load(params, splits)  # doctest: +SKIP
        >>> baseline.loaded, sorted(baseline.history)  # doctest: +SKIP
        (False, ['accuracy', 'loss', 'val_accuracy', 'val_loss'])
    """
    from cifar_lab.augment.augmenter import build_augmenter
    from cifar_lab.models.saving import load_model, save_model
    from cifar_lab.train.loop import train_model

    name = model or params["model"]
    directory = RunDir(params["run_dir"]).model_dir(_model_key(name, augmentation))
    # Where the images came from, not the data parameter: "auto" may resolve differently next time.
    recorded = {**_training_params(params, name, augmentation), "data": str(splits.data.source)}
    params_file = directory / "params.json"
    if params_file.is_file() and json.loads(params_file.read_text(encoding="utf-8")) == recorded:
        history = json.loads((directory / "history.json").read_text(encoding="utf-8"))
        timing = directory / "training.json"
        training = json.loads(timing.read_text(encoding="utf-8")) if timing.is_file() else {}
        seconds, resumed = training.get("seconds", 0.0), training.get("resumed_after_epochs", 0)
        return Trained(load_model(directory / "model.keras"), history, directory, True, seconds, resumed)

    params_file.unlink(missing_ok=True)
    # Checkpoints live under a digest of the parameters: only a run with the same ones may resume them.
    digest = hashlib.sha256(json.dumps(recorded, sort_keys=True).encode()).hexdigest()[:12]
    checkpoints = directory / "checkpoints"
    for stale in checkpoints.glob("*"):
        if stale.name != digest:
            shutil.rmtree(stale)
    net = build_from_params(params, model=name)
    augment = None if augmentation in (None, "none") else build_augmenter(augmentation, seed=params["seed"])
    result = train_model(
        net,
        splits.x_train,
        splits.y_train,
        validation=(splits.x_val, splits.y_val),
        epochs=params["epochs"],
        batch_size=recorded["batch_size"],
        seed=params["seed"],
        augment=augment,
        run_dir=checkpoints / digest,
    )
    history = {key: [float(v) for v in values] for key, values in result.history.items()}
    remove_stale_temporaries(directory)  # a killed save's half-written model files
    save_model(net, directory)
    atomic_write_json(directory / "history.json", history)
    # A resumed training is close to, not bit-for-bit, an uninterrupted one: recorded, and the run's summary says so.
    training = {"seconds": result.seconds, "resumed_after_epochs": result.resumed_from}
    atomic_write_json(directory / "training.json", training)
    atomic_write_json(params_file, recorded, sort_keys=True)
    shutil.rmtree(checkpoints)
    return Trained(
        net, history, directory, loaded=False, seconds=result.seconds, resumed_after_epochs=result.resumed_from
    )


def compare_trained(
    params: dict[str, Any], splits: Splits, augmentations: tuple[str, ...] = ("none", "original", "recommended")
) -> Any:
    """`compare_augmentations` on the course's split, each model trained once per run directory and reused.

    Every augmentation's model is `train_or_load(params, splits, augmentation=...)`: built from the same
    seed (so from the same initial weights), trained for the same epochs on the same split, validated on
    the held-out part, measured once on the test set. The run without augmentation is `02_baseline_cnn`'s
    model itself, and a notebook run again loads them all instead of training again.

    Example:
        Not run in the tests: the first call trains one model per augmentation.

        >>> comparison = compare_trained(params, load_splits(params))  # doctest: +SKIP
        >>> [run.name for run in comparison.runs]  # doctest: +SKIP
        ['none', 'original', 'recommended']
    """
    from cifar_lab.augment.comparison import AugmentationComparison, AugmentationRun
    from cifar_lab.augment.experiment import accuracy_of
    from cifar_lab.augment.presets import augmentation_params

    runs = []
    for name in augmentations:
        trained = train_or_load(params, splits, augmentation=name)
        runs.append(
            AugmentationRun(
                name=name,
                params=augmentation_params(name),
                history=trained.history,
                train_accuracy=accuracy_of(trained.model, splits.x_train, splits.y_train),
                val_accuracy=trained.history["val_accuracy"][-1],
                test_accuracy=accuracy_of(trained.model, splits.x_test, splits.y_test),
                seconds=trained.seconds,
                model=trained.model,
            )
        )
    hparams = {key: params[key] for key in ("learning_rate", "optimizer") if params.get(key) is not None}
    parts = {"x_fit": splits.x_train, "y_fit": splits.y_train, "x_val": splits.x_val, "y_val": splits.y_val}
    parts |= {"x_test": splits.x_test, "y_test": splits.y_test}
    return AugmentationComparison(
        runs, params["model"], params["epochs"], params["batch_size"], params["seed"], hparams, parts
    )
