"""The ethics report: measure a trained model's disparities, privacy leakage and memorisation, write a model card.

The original assignment ended with an essay on three risks: models memorise rare training details
(Carlini et al. 2019), face recognition strips people of anonymity (Hill 2020), and models trained on
skewed data fail under-represented groups (Wilson, Hoffman & Morgenstern 2019; Buolamwini & Gebru 2018).
`ethics_report` turns the essay into measurements on the student's own model and writes them as a
model card (Mitchell et al. 2019). The building blocks are usable on their own:

- `cifar_lab.ethics.fairness`: per-class disparity with intervals.
- `cifar_lab.ethics.brightness`: the brightness-group analogue of group fairness.
- `cifar_lab.ethics.privacy`: membership inference attacks and their metrics.
- `cifar_lab.ethics.canaries`: memorisation canaries (inserted *before* training) and exposure.
- `cifar_lab.ethics.sampling_bias`: retraining with one class under-represented (optional, three trainings).
- `cifar_lab.ethics.plots` and `cifar_lab.ethics.card`: the figures and the card.

Not run in the tests: the last three lines train a model for minutes; the lines before them run.

Example:
    >>> from cifar_lab.data import make_synthetic
    >>> from cifar_lab.ethics.canaries import make_canaries, training_set
    >>> from cifar_lab.models import build_model
    >>> from cifar_lab.train import train_model
    >>> data = make_synthetic(n_train=2000, n_test=500)
    >>> canaries = make_canaries(data.x_train, data.y_train, 100, seed=0)
    >>> x_fit, y_fit, members = training_set(data.x_train, data.y_train, canaries)
    >>> len(x_fit) == len(members) + canaries.n_in, len(members)
    (True, 1900)
    >>> model = build_model("original", seed=0)
    >>> train_model(model, x_fit, y_fit, epochs=5)                                      # doctest: +SKIP
    >>> card = ethics_report(model, data, "runs/ethics", member_indices=members,
    ...                      canaries=canaries, parameters={"epochs": 5})               # doctest: +SKIP
    >>> card["per_class"]["worst_class"]                                                # doctest: +SKIP
    'cat'
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import numpy as np

from cifar_lab import __version__
from cifar_lab.errors import UsageError, WrongTypeError
from cifar_lab.ethics.brightness import brightness_analogue
from cifar_lab.ethics.calibration import calibration, plot_reliability_diagram
from cifar_lab.ethics.canaries import Canaries, canary_report
from cifar_lab.ethics.card import rounded, write_card
from cifar_lab.ethics.card_privacy import ATTACK_NAMES
from cifar_lab.ethics.datasheet import datasheet, plot_near_duplicates
from cifar_lab.ethics.fairness import per_class_disparity
from cifar_lab.ethics.leakage_curve import plot_leakage_curve
from cifar_lab.ethics.lira import References, offline_lira_scores
from cifar_lab.ethics.membership import membership_inference
from cifar_lab.ethics.plots import plot_attack_roc, plot_exposure_histogram, plot_per_class_recall
from cifar_lab.ethics.privacy import balanced_indices, logit_score
from cifar_lab.ethics.report_details import data_details, model_details, run_parameters
from cifar_lab.evaluate.predict import predict_proba
from cifar_lab.figures import hidden

FIGURES = {
    "per_class_recall": "per_class_recall.png",
    "attack_roc": "attack_roc.png",
    "canary_exposure": "canary_exposure.png",
    "reliability": "reliability.png",
    "leakage_curve": "leakage_curve.png",
    "near_duplicates": "near_duplicates.png",
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
    references: References | None = None,
    leakage_curve: dict | None = None,
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
        references: reference models from `cifar_lab.ethics.lira.train_reference_models` on the same
            `member_indices`, for offline LiRA; `None` runs only the loss-threshold attack (the card says so).
            They also give the datasheet its out-of-sample predictions for the label-error search.
        leakage_curve: the `curve` of a `cifar_lab.ethics.leakage_curve.leakage_callback` that watched the
            model's training (leakage per epoch), or `None`.
        max_members: at most this many members and as many non-members for the membership attacks.
        seed: seeds the member/non-member subsampling.
        parameters: the run's training parameters (e.g. `resolve_params(...)`), recorded on the card.

    Returns:
        The card as written to `model_card.json` (floats rounded to the card's precision).

    Example:
        An untrained model, so the figures mean nothing; the module's example shows a real audit.

        >>> import tempfile, keras
        >>> from cifar_lab.data import make_synthetic
        >>> untrained = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(),
        ...                               keras.layers.Dense(10, activation="softmax")], name="untrained")
        >>> out_dir = tempfile.mkdtemp()
        >>> card = ethics_report(untrained, make_synthetic(n_train=200, n_test=100), out_dir, max_members=50)
        >>> card["data"]["n_test"], card["membership_inference"]["n_per_side"], sorted(card["figures"])
        (100, 50, ['attack_roc', 'near_duplicates', 'per_class_recall', 'reliability'])
    """
    members_all = _member_positions(data, member_indices, canaries)
    _check_inputs(model, data, members_all)
    names = tuple(data.class_names)
    y_test = np.asarray(data.y_test).astype(np.int64)

    member_pick, nonmember_pick = balanced_indices(members_all.size, y_test.size, max_per_side=max_members, seed=seed)
    chosen = members_all[member_pick]
    proba_test, member_proba, canary_proba = _predict_once(model, data, chosen, canaries, n_test=y_test.size)
    y_pred = proba_test.argmax(axis=1)
    disparity = per_class_disparity(y_test, y_pred, names)
    calibrated = calibration(proba_test, y_test)
    analogue = brightness_analogue(data.x_test, y_test, y_pred, names)
    lira = None
    if references is not None:
        lira = _lira_scores(references, members_all, member_pick, nonmember_pick, member_proba, proba_test, data)
    mia = membership_inference(
        member_proba, np.asarray(data.y_train)[chosen], proba_test[nonmember_pick], y_test[nonmember_pick],
        class_names=names, lira_scores=lira, seed=seed,
    )  # fmt: skip

    figures, canary_summary = _figures(disparity, calibrated, mia, canaries, canary_proba, seed)
    card = {
        "cifar_lab_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "synthetic_data": bool(data.synthetic),
        "data": data_details(data, members_all, int(y_test.size), names),
        "model_details": model_details(model),
        "parameters": run_parameters(parameters, max_members, seed, canaries, sampling_bias, references),
        "per_class": disparity,
        "brightness_analogue": analogue,
        "calibration": calibrated,
        "membership_inference": {
            **mia,
            "n_per_side": int(chosen.size),
            "reference_models": 0 if references is None else int(references.included.shape[0]),
        },
        "canaries": canary_summary,
        "leakage_curve": leakage_curve,
        "datasheet": _datasheet(data, members_all, references, leakage_curve, figures),
        "sampling_bias": sampling_bias,
        "figures": {key: name for key, name in FIGURES.items() if name in figures},
    }
    write_card(card, out_dir, figures=figures)
    return rounded(card)


def _figures(
    disparity: dict, calibrated: dict, mia: dict, canaries: Canaries | None, canary_proba: np.ndarray, seed: int
) -> tuple[dict, dict | None]:
    """The card's figures (file name -> Figure) and the canary summary; takes the attack scores out of `mia`."""
    with hidden():  # written to files for the card; a notebook shows the ones it wants
        figures = {
            FIGURES["per_class_recall"]: plot_per_class_recall(disparity),
            FIGURES["reliability"]: plot_reliability_diagram(calibrated),
            FIGURES["attack_roc"]: plot_attack_roc({ATTACK_NAMES[k]: v for k, v in mia.pop("scores").items()}),
        }
    if canaries is None:
        return figures, None
    summary = canary_report(canary_proba, canaries, seed=seed)
    with hidden():
        figures[FIGURES["canary_exposure"]] = plot_exposure_histogram(summary)
    return figures, {k: v for k, v in summary.items() if k not in ("exposure_in", "exposure_out")}


def _datasheet(
    data: Any, members: np.ndarray, references: References | None, leakage_curve: dict | None, figures: dict
) -> dict:
    """The datasheet; adds its near-duplicate figure, and the leakage curve's when there is one, to `figures`."""
    sheet = datasheet(data, members, references)
    with hidden():
        pairs = sheet["near_duplicates"]["pairs"]
        figures[FIGURES["near_duplicates"]] = plot_near_duplicates(data.x_train, data.x_test, pairs)
        if leakage_curve is not None:
            figures[FIGURES["leakage_curve"]] = plot_leakage_curve(leakage_curve)
    return sheet


def _lira_scores(
    references: References,
    members_all: np.ndarray,
    member_pick: np.ndarray,
    nonmember_pick: np.ndarray,
    member_proba: np.ndarray,
    proba_test: np.ndarray,
    data: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Offline LiRA scores of the attacked members and non-members, from the reference models' pool scores."""
    if not np.array_equal(np.asarray(references.member_indices), members_all):
        raise UsageError(
            "The reference models were trained on a pool built from other member_indices than this report's. "
            "Pass the same member_indices to train_reference_models and to ethics_report."
        )
    n_members = members_all.size
    pool = np.r_[member_pick, n_members + nonmember_pick]
    target = np.r_[
        logit_score(member_proba, np.asarray(data.y_train)[members_all[member_pick]]),
        logit_score(proba_test[nonmember_pick], np.asarray(data.y_test)[nonmember_pick]),
    ]
    scores = offline_lira_scores(target, references.scores[:, pool], references.included[:, pool])
    return scores[: member_pick.size], scores[member_pick.size :]


def _member_positions(data: Any, member_indices: np.ndarray | None, canaries: Canaries | None) -> np.ndarray:
    if member_indices is not None:
        return np.asarray(member_indices, dtype=np.int64)
    # training_set removes the canaries' source images: the model never saw them with their true label.
    removed = canaries.source_indices if canaries is not None else []
    return np.setdiff1d(np.arange(len(data.x_train)), removed)


def _predict_once(
    model: Any, data: Any, chosen: np.ndarray, canaries: Canaries | None, *, n_test: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probabilities on the test images, the chosen members and the canaries, in that order."""
    # One predict call for every image the report needs: each call with a new input size retraces.
    canary_images = canaries.images if canaries is not None else np.asarray(data.x_test)[:0]
    proba = predict_proba(model, np.concatenate([data.x_test, np.asarray(data.x_train)[chosen], canary_images]))
    proba_test, member_proba, canary_proba = np.split(proba, [n_test, n_test + chosen.size])
    return proba_test, member_proba, canary_proba
