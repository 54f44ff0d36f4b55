"""Saving models and training state atomically, and loading them back.

Every file is first written to a temporary name in the destination directory, then moved over the
final name with ``os.replace`` (atomic on POSIX and Windows), so a crash or a kill mid-write never
leaves a half-written model or checkpoint: the previous complete file, or none, stays in place.

Artefacts a trained model is saved as (``save_model``):

* ``model.json`` + ``model.weights.h5``: the original assignment's formats (architecture from
  ``model.to_json()``, weights from ``save_weights``);
* ``model.keras``: Keras's native single-file format (architecture, weights, optimizer state).

Example:
    >>> paths = save_model(model, "runs/demo")        # doctest: +SKIP
    >>> again = load_model("runs/demo/model.keras")   # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import keras

import cifar_lab.models  # noqa: F401  (registers the custom learning-rate schedule for loading)

CHECKPOINT_STATE = "checkpoint.json"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` only if the block succeeds.

    ``suffix`` is appended to the temporary name for writers that insist on an extension
    (Keras requires ``.keras`` / ``.weights.h5``).

    Example:
        >>> with atomic_path("out/model.keras", suffix=".keras") as tmp:  # doctest: +SKIP
        ...     model.save(tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: str | os.PathLike, payload: Any) -> None:
    """Write ``payload`` as JSON to ``path`` atomically.

    Example:
        >>> write_json("runs/demo/state.json", {"epochs_completed": 3})  # doctest: +SKIP
    """
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=1))


def save_model(model: keras.Model, directory: str | os.PathLike, name: str = "model") -> dict[str, Path]:
    """Save ``model`` into ``directory`` as ``{name}.json`` + ``{name}.weights.h5`` and ``{name}.keras``.

    Returns the paths by kind: ``{"json": ..., "weights": ..., "keras": ...}``.

    Example:
        >>> save_model(model, "runs/demo")["keras"]   # doctest: +SKIP
        PosixPath('runs/demo/model.keras')
    """
    directory = Path(directory)
    paths = {"json": directory / f"{name}.json", "weights": directory / f"{name}.weights.h5",
             "keras": directory / f"{name}.keras"}
    _atomic_write(paths["keras"], ".keras", model.save)
    _atomic_write(paths["weights"], ".weights.h5", model.save_weights)
    with atomic_path(paths["json"]) as tmp:
        tmp.write_text(model.to_json())
    return paths


def _atomic_write(path: Path, suffix: str, writer: Callable[[Path], None]) -> None:
    with atomic_path(path, suffix=suffix) as tmp:
        tmp.unlink()  # Keras's h5 writer refuses to overwrite an existing (empty) file silently
        writer(tmp)


def load_model(path: str | os.PathLike, weights: str | os.PathLike | None = None) -> keras.Model:
    """Load a model saved by ``save_model``: a ``.keras`` file, or a ``.json`` architecture.

    For a ``.json`` file the weights come from ``weights`` (default: the ``.weights.h5`` next to it).
    A model loaded from JSON is not compiled (the original's format holds no optimizer); use it to
    predict, or compile it before training.

    Example:
        >>> model = load_model("runs/demo/model.json")  # reads runs/demo/model.weights.h5  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No saved model at {path}. Pass the .keras or .json file that "
                                f"save_model wrote (e.g. runs/<name>/model.keras).")
    if path.suffix == ".keras":
        return keras.saving.load_model(path)
    if path.suffix == ".json":
        weights = Path(weights) if weights else path.with_name(path.stem + ".weights.h5")
        if not weights.is_file():
            raise FileNotFoundError(f"No weights file {weights} for architecture {path}. Pass "
                                    f"weights='<file>.weights.h5' or save the model with save_model().")
        model = keras.models.model_from_json(path.read_text())
        model.load_weights(weights)
        return model
    raise ValueError(f"Cannot load {path}: expected a .keras file or a .json architecture file.")


def save_checkpoint(model: keras.Model, run_dir: str | os.PathLike, state: dict[str, Any]) -> None:
    """Save the weights, the optimizer's state and ``state`` (epochs completed, history) to ``run_dir``.

    Keras's ``.weights.h5`` holds the optimizer's variables too (step count, momenta), so resuming
    continues the same optimisation. The JSON state is written last: it names a checkpoint complete
    only once its weights file is in place, so a kill between the writes resumes from the previous
    epoch, never a mix.

    Example:
        >>> save_checkpoint(model, "runs/demo", {"epochs_completed": 3, "history": {}})  # doctest: +SKIP
    """
    run_dir = Path(run_dir)
    epoch = state["epochs_completed"]
    weights = run_dir / f"checkpoint-{epoch}.weights.h5"
    _atomic_write(weights, ".weights.h5", model.save_weights)
    previous = read_checkpoint_state(run_dir)
    write_json(run_dir / CHECKPOINT_STATE, {**state, "model": model.name, "weights": weights.name,
                                            "optimizer": type(model.optimizer).__name__})
    if previous and previous["weights"] != weights.name:
        (run_dir / previous["weights"]).unlink(missing_ok=True)


def read_checkpoint_state(run_dir: str | os.PathLike) -> dict[str, Any] | None:
    """Return the last complete checkpoint's state in ``run_dir``, or None if there is none.

    Example:
        >>> read_checkpoint_state("runs/demo")["epochs_completed"]  # doctest: +SKIP
        3
    """
    path = Path(run_dir) / CHECKPOINT_STATE
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def restore_checkpoint(model: keras.Model, run_dir: str | os.PathLike) -> dict[str, Any] | None:
    """Load the last checkpoint in ``run_dir`` into ``model`` (weights and optimizer state).

    Returns the checkpoint's state, or None (model untouched) if ``run_dir`` holds none.

    Example:
        >>> state = restore_checkpoint(model, "runs/demo")  # doctest: +SKIP
    """
    run_dir = Path(run_dir)
    # A kill during a write leaves its temporary file (never the final name); clear them away.
    for leftover in run_dir.glob(".checkpoint*.tmp*"):
        leftover.unlink(missing_ok=True)
    state = read_checkpoint_state(run_dir)
    if state is None:
        return None
    mismatch = (f"The checkpoint in {run_dir} was saved from a different model or optimizer than "
                f"model {model.name!r}. Resume with the same model settings, or use a new run_dir.")
    if (state["model"], state["optimizer"]) != (model.name, type(model.optimizer).__name__):
        raise ValueError(mismatch.replace("a different model or optimizer",
                                          f"model {state['model']!r} with {state['optimizer']}"))
    # Built first, the optimizer's variables exist to receive the saved ones.
    model.optimizer.build(model.trainable_variables)
    try:
        model.load_weights(run_dir / state["weights"])
    except ValueError as error:
        raise ValueError(f"{mismatch} ({error})") from error
    return state
