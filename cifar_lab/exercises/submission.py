"""Handing a model's predictions on the instructor's hidden images to `cifar-lab grade`.

When the grader runs a notebook, it puts the hold-out set's images, and only the images, in the
notebook's working folder and names them in `CIFAR_LAB_HOLDOUT_IMAGES`. `submit_predictions(model)`
writes the model's predicted class for each of them beside them (`holdout_predictions.npy`); the grader
scores that file against the labels, which never enter the student's kernel. Outside grading it says so
and does nothing.

Example:
    >>> submit_predictions(None)
    submit_predictions: only used when `cifar-lab grade` runs this notebook; nothing to hand in now.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from cifar_lab.files import atomic_write_bytes

IMAGES_ENV = "CIFAR_LAB_HOLDOUT_IMAGES"
PREDICTIONS_FILE = "holdout_predictions.npy"


def submit_predictions(model: Any, *, batch_size: int = 256) -> Path | None:
    """Write `model`'s predicted classes for the grader's hidden images; outside grading, do nothing.

    Args:
        model: a trained Keras model taking uint8 CIFAR images (what `train_or_load` returns as `.model`).
        batch_size: images per prediction batch.

    Returns:
        The predictions file when graded, else `None`.

    Example:
        Not run in the tests: it predicts with a model (see `tests/grade/` for the grader's side).

        >>> os.environ[IMAGES_ENV] = "holdout_images.npy"  # doctest: +SKIP
        >>> submit_predictions(baseline.model)  # doctest: +SKIP
        submit_predictions: 1,017 predictions handed to the grader.
        PosixPath('holdout_predictions.npy')
    """
    images = os.environ.get(IMAGES_ENV)
    if not images:
        print("submit_predictions: only used when `cifar-lab grade` runs this notebook; nothing to hand in now.")
        return None
    from cifar_lab.evaluate import predict_proba

    x = np.load(images, allow_pickle=False)
    predicted = predict_proba(model, x, batch_size=batch_size).argmax(axis=1).astype(np.int64)
    buffer = io.BytesIO()
    np.save(buffer, predicted, allow_pickle=False)
    path = atomic_write_bytes(Path(images).with_name(PREDICTIONS_FILE), buffer.getvalue())
    print(f"submit_predictions: {len(predicted):,} predictions handed to the grader.")
    return path
