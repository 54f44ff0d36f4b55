"""Per-epoch training checkpoints: weights, optimizer state and history, written atomically.

`cifar_lab.train.train_model` writes one after every epoch when given a `run_dir`, and resumes
from the last complete one. The weights file is written first and `checkpoint.json` last, so the
JSON names a checkpoint only once its weights are in place: a kill between the writes resumes from
the previous epoch, never from a mix.

Example:
    >>> read_checkpoint_state("runs/nowhere") is None
    True
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import keras

from cifar_lab.errors import CifarLabError
from cifar_lab.files import atomic_write_json, remove_stale_temporaries
from cifar_lab.models.saving import write_with

CHECKPOINT_STATE = "checkpoint.json"
_WEIGHTS = re.compile(r"checkpoint-[0-9]+\.weights\.h5")


class CheckpointMismatchError(CifarLabError, ValueError):
    """A checkpoint was saved from another model or optimizer than the one asked to resume it."""


class CorruptCheckpointError(CifarLabError, ValueError):
    """`checkpoint.json` is not a record `save_checkpoint` wrote; `problem` says what is wrong with it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"{path} is not a checkpoint cifar-lab wrote ({problem}). Delete it to train from epoch 1, "
            "or use a new run_dir."
        )
        self.problem = problem


def _problem(state: Any, run_dir: Path) -> str | None:
    """What makes `state` unusable as a checkpoint record, or None."""
    if not isinstance(state, dict):
        return "not a JSON object"
    epochs = state.get("epochs_completed")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        return "epochs_completed is not a positive whole number"
    history = state.get("history")
    if not isinstance(history, dict) or not all(isinstance(values, list) for values in history.values()):
        return "history is not a table of per-epoch values"
    missing = [key for key in ("model", "optimizer", "weights") if not isinstance(state.get(key), str)]
    if missing:
        return f"{', '.join(missing)} missing"
    if not _WEIGHTS.fullmatch(state["weights"]):
        return f"weights names {state['weights']!r}, not a checkpoint file of this folder"
    if not (run_dir / state["weights"]).is_file():
        return f"its weights file {state['weights']} is missing"
    return None


def save_checkpoint(model: keras.Model, run_dir: str | os.PathLike, state: dict[str, Any]) -> None:
    """Save the weights, the optimizer's state and `state` (epochs completed, history) to `run_dir`.

    Keras's `.weights.h5` holds the optimizer's variables too (step count, momenta), so resuming
    continues the same optimisation. The JSON state is written last: it names a checkpoint complete
    only once its weights file is in place, so a kill between the writes resumes from the previous
    epoch, never a mix. Older weights files are removed once the new one is named: those in `run_dir`
    named `checkpoint-<N>.weights.h5`, whatever `checkpoint.json` says, so no record can make this
    delete a file anywhere else.

    Example:
        >>> import tempfile
        >>> from cifar_lab.models import build_model
        >>> run_dir = Path(tempfile.mkdtemp())
        >>> save_checkpoint(build_model("original"), run_dir, {"epochs_completed": 3, "history": {"loss": [2.0]}})
        >>> sorted(path.name for path in run_dir.iterdir())
        ['checkpoint-3.weights.h5', 'checkpoint.json']
    """
    run_dir = Path(run_dir)
    epoch = state["epochs_completed"]
    weights = run_dir / f"checkpoint-{epoch}.weights.h5"
    write_with(model.save_weights, weights, ".weights.h5")
    atomic_write_json(
        run_dir / CHECKPOINT_STATE,
        {**state, "model": model.name, "weights": weights.name, "optimizer": type(model.optimizer).__name__},
    )
    for older in run_dir.glob("checkpoint-*.weights.h5"):
        if older.name != weights.name and _WEIGHTS.fullmatch(older.name):
            older.unlink(missing_ok=True)  # a link named so goes, never what it points to


def read_checkpoint_state(run_dir: str | os.PathLike) -> dict[str, Any] | None:
    """Return the last complete checkpoint's state in `run_dir`, or None if there is none.

    Besides what `save_checkpoint` was given, the state names the model, its optimizer and the
    weights file.

    Raises:
        CorruptCheckpointError: `checkpoint.json` is not valid JSON, lacks a field, or names a weights
            file that is not a checkpoint of `run_dir` (or is missing).

    Example:
        >>> import tempfile
        >>> from cifar_lab.models import build_model
        >>> run_dir = tempfile.mkdtemp()
        >>> read_checkpoint_state(run_dir) is None
        True
        >>> save_checkpoint(build_model("original"), run_dir, {"epochs_completed": 3, "history": {}})
        >>> read_checkpoint_state(run_dir)
        {'epochs_completed': 3, 'history': {},
         'model': 'original', 'weights': 'checkpoint-3.weights.h5', 'optimizer': 'RMSprop'}
    """
    path = Path(run_dir) / CHECKPOINT_STATE
    if not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CorruptCheckpointError(path, f"unreadable: {error}") from None
    problem = _problem(state, Path(run_dir))
    if problem:
        raise CorruptCheckpointError(path, problem)
    return state


def restore_checkpoint(model: keras.Model, run_dir: str | os.PathLike) -> dict[str, Any] | None:
    """Load the last checkpoint in `run_dir` into `model` (weights and optimizer state).

    Returns:
        The checkpoint's state (see `read_checkpoint_state`), or None, with `model` untouched, if
        `run_dir` holds none.

    Raises:
        CheckpointMismatchError: the checkpoint was saved from another model or optimizer.
        CorruptCheckpointError: see `read_checkpoint_state`; `model` is untouched then.

    Example:
        >>> import tempfile
        >>> from cifar_lab.models import build_model
        >>> run_dir = tempfile.mkdtemp()
        >>> trained, fresh = build_model("original", seed=1), build_model("original", seed=2)
        >>> save_checkpoint(trained, run_dir, {"epochs_completed": 3, "history": {}})
        >>> restore_checkpoint(fresh, run_dir)["epochs_completed"]
        3
        >>> all((a == b).all() for a, b in zip(fresh.get_weights(), trained.get_weights()))
        True
        >>> restore_checkpoint(build_model("fast_cnn"), run_dir)
        Traceback (most recent call last):
        ...
        cifar_lab.train.checkpoint.CheckpointMismatchError: The checkpoint in ... was saved from model 'original' ...
    """
    run_dir = Path(run_dir)
    # A kill during a write leaves its temporary file (never the final name); clear them away.
    remove_stale_temporaries(run_dir)
    state = read_checkpoint_state(run_dir)
    if state is None:
        return None
    mismatch = (
        f"The checkpoint in {run_dir} was saved from a different model or optimizer than "
        f"model {model.name!r}. Resume with the same model settings, or use a new run_dir."
    )
    if (state["model"], state["optimizer"]) != (model.name, type(model.optimizer).__name__):
        raise CheckpointMismatchError(
            mismatch.replace("a different model or optimizer", f"model {state['model']!r} with {state['optimizer']}")
        )
    # Built first, the optimizer's variables exist to receive the saved ones.
    model.optimizer.build(model.trainable_variables)
    try:
        model.load_weights(run_dir / state["weights"])
    except ValueError as error:
        raise CheckpointMismatchError(f"{mismatch} ({error})") from error
    return state
