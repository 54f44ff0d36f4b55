"""Saving a trained model the way the assignment asked, and loading it back safely.

`save_model` writes three files, each atomically (see `cifar_lab.files`):

- `model.json` + `model.weights.h5`: the original assignment's formats (architecture from
  `model.to_json()`, weights from `save_weights`);
- `model.keras`: Keras's native single-file format (architecture, weights, optimizer state).

`load_model` reads either back with Keras's safe mode on, so a model file cannot run code: a file
that asks for code (a `Lambda` layer, a function from outside Keras) is refused with
`UnsafeModelError`, first by cifar-lab's own allow-list (`cifar_lab.models.vetting`), then by
Keras's safe mode, whose published bypasses are all closed from the dependency floor `keras>=3.14`.

Example:
    >>> from cifar_lab.models import build_model
    >>> import tempfile
    >>> paths = save_model(build_model("original"), tempfile.mkdtemp())
    >>> sorted(paths)
    ['json', 'keras', 'weights']
    >>> load_model(paths["json"]).count_params()
    1676842
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import keras

import cifar_lab.models.schedules  # noqa: F401  (registers the custom learning-rate schedule for loading)
from cifar_lab.errors import MissingFileError, UsageError
from cifar_lab.files import atomic_path, atomic_write_text
from cifar_lab.models.vetting import read_architecture


def save_model(model: keras.Model, directory: str | os.PathLike[str], name: str = "model") -> dict[str, Path]:
    """Save `model` into `directory` as `{name}.json` + `{name}.weights.h5` and `{name}.keras`.

    Returns the paths by kind: `{"json": ..., "weights": ..., "keras": ...}`.

    Example:
        >>> from cifar_lab.models import build_model
        >>> import tempfile
        >>> save_model(build_model("original"), tempfile.mkdtemp())["keras"].name
        'model.keras'
    """
    directory = Path(directory)
    paths = {
        "json": directory / f"{name}.json",
        "weights": directory / f"{name}.weights.h5",
        "keras": directory / f"{name}.keras",
    }
    write_with(model.save, paths["keras"], ".keras")
    write_with(model.save_weights, paths["weights"], ".weights.h5")
    atomic_write_text(paths["json"], model.to_json())
    return paths


def write_with(writer: Callable[[Path], object], path: Path, suffix: str) -> None:
    """Let `writer(tmp)` write `path` atomically; `suffix` is the extension Keras insists on.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> write_with(lambda tmp: tmp.write_text("hi"), target, ".txt")
        >>> target.read_text()
        'hi'
    """
    with atomic_path(path, suffix=suffix) as tmp:
        writer(tmp)


def load_model(path: str | os.PathLike[str], weights: str | os.PathLike[str] | None = None) -> keras.Model:
    """Load a model saved by `save_model`: a `.keras` file, or a `.json` architecture.

    For a `.json` file the weights come from `weights` (default: the `.weights.h5` next to it).
    Either way the model comes back compiled as it was saved: Keras 3 writes the compile settings
    into the JSON, and the weights file holds the optimizer's state (step count, momenta) too.

    Raises:
        MissingFileError: the model or its weights file does not exist.
        UsageError: the file is neither `.keras` nor `.json`.
        UnsafeModelError: the file holds code (a `Lambda` layer or a function from outside Keras).

    Example:
        >>> import tempfile
        >>> from cifar_lab.models import build_model
        >>> paths = save_model(build_model("fast_cnn"), tempfile.mkdtemp())
        >>> [load_model(paths[kind]).count_params() for kind in ("keras", "json")]
        [293882, 293882]
        >>> load_model("runs/demo/model.keras")
        Traceback (most recent call last):
        ...
        cifar_lab.errors.MissingFileError: No saved model at runs/demo/model.keras. ...
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(
            f"No saved model at {path}. Pass the .keras or .json file that save_model wrote "
            "(e.g. runs/<name>/model.keras)."
        )
    if path.suffix not in (".keras", ".json"):
        raise UsageError(f"Cannot load {path}: expected a .keras file or a .json architecture file.")
    weights = Path(weights) if weights else path.with_name(path.stem + ".weights.h5")
    if path.suffix == ".json" and not weights.is_file():
        raise MissingFileError(
            f"No weights file {weights} for architecture {path}. Pass "
            f"weights='<file>.weights.h5' or save the model with save_model()."
        )
    architecture = read_architecture(path)
    if path.suffix == ".keras":
        return keras.saving.load_model(path, safe_mode=True)
    # Explicit: `model_from_json` takes safe mode from whatever the kernel's global state is.
    model = keras.saving.deserialize_keras_object(architecture, safe_mode=True)
    model.load_weights(weights)
    return model
