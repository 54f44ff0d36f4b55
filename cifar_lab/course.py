"""What the course notebooks share: one data split, trained models kept in the run directory, metrics.

Each notebook can run alone, yet later notebooks reuse what earlier ones saved in ``run_dir``:

- `load_splits` gives every notebook the same train / validation / test arrays for a set of
  parameters, so a model trained in ``02_baseline_cnn`` is evaluated on the same images in
  ``04_evaluation``.
- `train_or_load` trains a model by name and saves it under ``run_dir/models/<key>/`` (native
  ``model.keras``, the original assignment's ``model.json`` + ``model.weights.h5``, and the training
  history); the next notebook asking for the same model with the same parameters loads it instead of
  training again.
- `write_metrics` / `read_metrics` keep each notebook's headline figures in
  ``run_dir/metrics/<notebook>.json``, which ``cifar-lab run`` and ``cifar-lab grid`` summarise.

TensorFlow is imported only inside the functions that train or load, so importing this module is cheap.

Example:

    from cifar_lab.course import load_splits, train_or_load, write_metrics
    from cifar_lab.presets import resolve_params

    params = resolve_params("ci")
    splits = load_splits(params)
    baseline = train_or_load(params, splits)
    write_metrics(params["run_dir"], "02_baseline_cnn", {"test_accuracy": 0.31})
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import shutil
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cifar_lab.data import CifarData, load_cifar10
from cifar_lab.splits import subset_and_split

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
        """The data as a ``CifarData`` whose training set is this split's training part.

        For library functions that take a ``CifarData`` and should see only the images a model was
        trained on (``cifar_lab.ethics.ethics_report``, ``cifar_lab.sampling_bias``).

        Example:
            >>> splits.training_data().x_train.shape == splits.x_train.shape  # doctest: +SKIP
            True
        """
        return replace(self.data, x_train=self.x_train, y_train=self.y_train)


@dataclass(frozen=True)
class Trained:
    """A trained Keras model, its per-epoch history, where it is saved and whether it was loaded."""

    model: Any
    history: dict[str, list[float]]
    directory: Path
    loaded: bool


def _atomic_write_text(path: Path, text: str) -> None:
    # A temp file in the same directory, then os.replace: readers never see a half-written file.
    # Opened with "x" (not mkstemp) so the file gets the usual permissions, not mkstemp's 0600.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _plain(name: str, value: Any) -> float | int | str | bool | None:
    """``value`` as a JSON scalar, or a clear error when a metric is not a single number or string."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise ValueError(f"Metric {name!r} is {value}; write only finite numbers (check the run).")
        return float(value)
    raise TypeError(
        f"Metric {name!r} is a {type(value).__name__}; metrics files hold one number or string per name. "
        "Write a summary figure (e.g. the mean or the worst class) instead of an array or a dict."
    )


def _notebook_stem(notebook: str | os.PathLike) -> str:
    stem = Path(notebook).name
    return stem[: -len(".ipynb")] if stem.endswith(".ipynb") else stem


def write_metrics(run_dir: str | os.PathLike, notebook: str | os.PathLike, metrics: dict[str, Any]) -> Path:
    """Write a notebook's headline figures to ``run_dir/metrics/<notebook stem>.json``, atomically.

    ``metrics`` is a flat dict of name -> number or string (numpy scalars are converted). Returns the path.

    Example:
        >>> path = write_metrics(tmp_dir, "02_baseline_cnn", {"test_accuracy": 0.52})  # doctest: +SKIP
        >>> path.name  # doctest: +SKIP
        '02_baseline_cnn.json'
    """
    plain = {str(name): _plain(str(name), value) for name, value in metrics.items()}
    path = Path(run_dir) / "metrics" / f"{_notebook_stem(notebook)}.json"
    _atomic_write_text(path, json.dumps(plain, indent=2, sort_keys=True) + "\n")
    return path


def read_metrics(run_dir: str | os.PathLike, notebook: str | os.PathLike) -> dict[str, Any]:
    """Read the headline figures a notebook wrote with `write_metrics`.

    Example:
        >>> read_metrics(tmp_dir, "02_baseline_cnn")["test_accuracy"]  # doctest: +SKIP
        0.52
    """
    path = Path(run_dir) / "metrics" / f"{_notebook_stem(notebook)}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"No metrics at {path}. Run the notebook {_notebook_stem(notebook)} with run_dir={str(run_dir)!r} "
            "first (for example: cifar-lab run --notebooks "
            f"{_notebook_stem(notebook)[:2]} --run-dir {run_dir})."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def load_splits(params: dict[str, Any]) -> Splits:
    """Load the data named by ``params`` and split it the same way in every notebook.

    The training set is first cut to at most ``n_per_class`` images per class (seeded; None keeps all;
    see :func:`cifar_lab.splits.subset_and_split`), then
    ``val_fraction`` of each class is held out for validation (seeded), so both parts keep the class
    balance. This is the split ``cifar_lab.augment_experiment.compare_augmentations`` makes too, so its
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
    """The parameters model ``name`` is trained with: ``params``, except that a model other than
    ``params["model"]`` keeps its own recipe's optimizer, learning rate and batch size."""
    from cifar_lab.models import MODELS

    recorded = {key: params.get(key) for key in TRAINING_PARAMS}
    if name != params["model"]:
        recorded.update(learning_rate=None, optimizer=None, batch_size=MODELS[name].training["batch_size"])
    recorded.update(model=name, augmentation=augmentation or "none")
    return recorded


def build_from_params(params: dict[str, Any], *, model: str | None = None) -> Any:
    """Build model ``model`` (default ``params["model"]``) with ``params["seed"]``, compiled.

    ``learning_rate`` and ``optimizer`` from ``params`` (when not None) tune the model the parameters
    name; any other model keeps its own recipe from ``cifar_lab.models.MODELS``.

    Example:
        >>> network = build_from_params({"model": "original", "seed": 0, "learning_rate": None,
        ...                              "optimizer": None})  # doctest: +SKIP
    """
    from cifar_lab.models import build_model

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
    """Load the model ``run_dir/models/<model>[-<augmentation>]`` if it was trained with these parameters,
    otherwise build it, train it on ``splits`` (validating on the held-out split) and save it there.

    ``model`` defaults to ``params["model"]`` and ``augmentation`` to no augmentation. A model other than
    ``params["model"]`` keeps its own recipe (``cifar_lab.models.MODELS``): its optimizer, learning rate and
    batch size; the data, epochs and seed come from ``params``. An interrupted training with the same
    parameters resumes from its last completed epoch; one with other parameters is discarded. Saved (``cifar_lab.checkpoint.save_model``): ``model.keras``, the original's ``model.json`` +
    ``model.weights.h5``; then ``history.json`` and ``params.json``, written last, so a directory without it
    is never mistaken for a finished model. The per-epoch checkpoints are removed once the model is saved.

    Example:
        >>> baseline = train_or_load(params, splits)  # doctest: +SKIP
        >>> baseline.loaded, sorted(baseline.history)  # doctest: +SKIP
        (False, ['accuracy', 'loss', 'val_accuracy', 'val_loss'])
    """
    from cifar_lab.augment import build_augmenter
    from cifar_lab.checkpoint import load_model, save_model
    from cifar_lab.train import train_model

    name = model or params["model"]
    directory = Path(params["run_dir"]) / "models" / _model_key(name, augmentation)
    # Where the images came from, not the data parameter: "auto" may resolve differently next time.
    recorded = {**_training_params(params, name, augmentation), "data": str(splits.data.source)}
    params_file = directory / "params.json"
    if params_file.is_file() and json.loads(params_file.read_text(encoding="utf-8")) == recorded:
        history = json.loads((directory / "history.json").read_text(encoding="utf-8"))
        return Trained(load_model(directory / "model.keras"), history, directory, loaded=True)

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
    save_model(net, directory)
    _atomic_write_text(directory / "history.json", json.dumps(history, indent=2) + "\n")
    _atomic_write_text(params_file, json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(checkpoints)
    return Trained(net, history, directory, loaded=False)
