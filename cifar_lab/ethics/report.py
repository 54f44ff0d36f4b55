"""The ethics report: measure a trained model's disparities, privacy leakage and memorisation, write a model card.

The original assignment ended with an essay on three risks: models memorise rare training details
(Carlini et al. 2019), face recognition strips people of anonymity (Hill 2020), and models trained on
skewed data fail under-represented groups (Wilson, Hoffman & Morgenstern 2019; Buolamwini & Gebru 2018).
`ethics_report` turns the essay into measurements on the student's own model and writes them as a
model card (Mitchell et al. 2019). The building blocks are usable on their own:

- `cifar_lab.ethics.fairness`: per-class disparity with intervals; the brightness-group analogue.
- `cifar_lab.ethics.privacy`: membership inference attacks and their metrics.
- `cifar_lab.ethics.canaries`: memorisation canaries (inserted *before* training) and exposure.
- `cifar_lab.ethics.sampling_bias`: retraining with one class under-represented (optional, three trainings).
- `cifar_lab.ethics.plots` and `cifar_lab.ethics.card`: the figures and the card.

Example:

    >>> from cifar_lab.ethics.canaries import make_canaries, training_set
    >>> canaries = make_canaries(data.x_train, data.y_train, 100, seed=0)              # doctest: +SKIP
    >>> x_fit, y_fit, members = training_set(data.x_train, data.y_train, canaries)      # doctest: +SKIP
    >>> train_model(model, x_fit, y_fit, epochs=5)                                      # doctest: +SKIP
    >>> card = ethics_report(model, data, "runs/ethics", member_indices=members,
    ...                      canaries=canaries, parameters={"epochs": 5})               # doctest: +SKIP
    >>> card["per_class"]["worst_class"]                                                # doctest: +SKIP
    'cat'
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

import numpy as np

from cifar_lab import __version__
from cifar_lab.errors import UsageError, WrongTypeError
from cifar_lab.ethics.canaries import Canaries, canary_report
from cifar_lab.ethics.card import rounded, write_card
from cifar_lab.ethics.fairness import brightness_analogue, per_class_disparity
from cifar_lab.ethics.plots import plot_attack_roc, plot_exposure_histogram, plot_per_class_recall
from cifar_lab.ethics.privacy import balanced_indices, membership_inference
from cifar_lab.evaluate.predict import predict_proba

FIGURES = {
    "per_class_recall": "per_class_recall.png",
    "attack_roc": "attack_roc.png",
    "canary_exposure": "canary_exposure.png",
}


def _check_inputs(model: Any, data: Any, member_indices: np.ndarray) -> None:
    if not callable(getattr(model, "predict", None)):
        raise WrongTypeError(
            f"model must be a trained Keras model (with .predict); got {type(model).__name__}. "
            "Pass the model you trained, e.g. from cifar_lab.models.build_model + train_model."
        )
    for name in ("x_train", "y_train", "x_test", "y_test", "class_names", "source", "synthetic"):
        if not hasattr(data, name):
            raise WrongTypeError(
                f"data has no attribute {name!r}. Pass the CifarData from cifar_lab.data.load_cifar10."
            )
    if member_indices.size == 0 or member_indices.min() < 0 or member_indices.max() >= len(data.x_train):
        raise UsageError(
            f"member_indices must be non-empty positions in data.x_train (0..{len(data.x_train) - 1}). Pass the "
            "indices of the training images the model was fitted on (training_set returns them), or None for all."
        )


def ethics_report(
    model: Any,
    data: Any,
    out_dir: str | os.PathLike,
    *,
    member_indices: np.ndarray | None = None,
    canaries: Canaries | None = None,
    sampling_bias: dict | None = None,
    max_members: int = 1000,
    seed: int = 0,
    parameters: dict[str, Any] | None = None,
) -> dict:
    """Audit `model` on `data` (a `CifarData`) and write `model_card.md`, `model_card.json` and figures.

    Args:
        model: the trained Keras model; it is only asked for predictions (augmentation layers inside it
            are inactive at prediction time, so members are evaluated without augmentation).
        data: the data the model was trained and tested on.
        out_dir: folder for the card and figures (created if missing; existing files are replaced).
        member_indices: positions in `data.x_train` the model was fitted on (`training_set` returns
            them); `None` means all of them except the canaries' source images. Held-out non-members
            are the test images.
        canaries: the canaries drawn before training (`cifar_lab.ethics.canaries`), or `None` if none were used.
        sampling_bias: the result of `cifar_lab.ethics.sampling_bias.sampling_bias_experiment`, or `None`.
        max_members: at most this many members and as many non-members for the membership attacks.
        seed: seeds the member/non-member subsampling.
        parameters: the run's training parameters (e.g. `resolve_params(...)`), recorded on the card.

    Returns:
        The card as written to `model_card.json` (floats rounded to the card's precision).

    Example:
        >>> card = ethics_report(model, data, "runs/ethics", parameters={"epochs": 5})  # doctest: +SKIP
    """
    if member_indices is None:
        # training_set removes the canaries' source images: the model never saw them with their true label.
        removed = canaries.source_indices if canaries is not None else []
        members_all = np.setdiff1d(np.arange(len(data.x_train)), removed)
    else:
        members_all = np.asarray(member_indices, dtype=np.int64)
    _check_inputs(model, data, members_all)
    names = tuple(data.class_names)
    y_test = np.asarray(data.y_test).astype(np.int64)

    member_pick, nonmember_pick = balanced_indices(members_all.size, y_test.size, max_per_side=max_members, seed=seed)
    chosen = members_all[member_pick]
    # One predict call for every image the report needs: each call with a new input size retraces.
    canary_images = canaries.images if canaries is not None else np.asarray(data.x_test)[:0]
    proba = predict_proba(model, np.concatenate([data.x_test, np.asarray(data.x_train)[chosen], canary_images]))
    proba_test, member_proba, canary_proba = np.split(proba, [y_test.size, y_test.size + chosen.size])

    y_pred = proba_test.argmax(axis=1)
    disparity = per_class_disparity(y_test, y_pred, names)
    analogue = brightness_analogue(data.x_test, y_test, y_pred, names)
    mia = membership_inference(
        member_proba,
        np.asarray(data.y_train)[chosen],
        proba_test[nonmember_pick],
        y_test[nonmember_pick],
        class_names=names,
    )

    figures = {
        FIGURES["per_class_recall"]: plot_per_class_recall(disparity),
        FIGURES["attack_roc"]: plot_attack_roc(mia.pop("scores")),
    }
    canary_summary = None
    if canaries is not None:
        canary_summary = canary_report(canary_proba, canaries)
        figures[FIGURES["canary_exposure"]] = plot_exposure_histogram(canary_summary)
        canary_summary = {k: v for k, v in canary_summary.items() if k not in ("exposure_in", "exposure_out")}

    card = {
        "cifar_lab_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "synthetic_data": bool(data.synthetic),
        "data": {
            "source": str(data.source),
            "synthetic": bool(data.synthetic),
            "warning": getattr(data, "warning", None),
            "n_train": int(members_all.size),
            "n_test": int(y_test.size),
            "class_names": list(names),
        },
        "model_details": {
            "name": getattr(model, "name", type(model).__name__),
            "n_parameters": int(model.count_params()),
            "framework": _framework(),
        },
        "parameters": {
            **(parameters or {}),
            "report_max_members": int(max_members),
            "report_seed": int(seed),
            "report_canaries": "none"
            if canaries is None
            else f"{len(canaries.labels)} {canaries.kind} canaries, seed {canaries.seed}",
            "report_sampling_bias": "off" if sampling_bias is None else "on",
        },
        "per_class": disparity,
        "brightness_analogue": analogue,
        "membership_inference": {**mia, "n_per_side": int(chosen.size)},
        "canaries": canary_summary,
        "sampling_bias": sampling_bias,
        "figures": {key: name for key, name in FIGURES.items() if name in figures},
    }
    write_card(card, out_dir, figures=figures)
    return rounded(card)


def _framework() -> str:
    import keras
    import tensorflow as tf

    return f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
