"""Leakage against training length, from one training: overfitting and privacy leakage are the same curve.

`leakage_callback` is a Keras callback for `cifar_lab.train.train_model`: after every epoch it asks
the model for its probabilities on a fixed set of members, as many non-members and the canaries, and
records (`leakage_point`):

- the train/held-out gap: accuracy on those members minus accuracy on the non-members;
- the loss-threshold attack's AUC and TPR at 1% FPR on them, with 95% bootstrap intervals
  (`cifar_lab.ethics.privacy.attack_metrics`);
- the canaries' IN-vs-OUT AUC with its interval (`cifar_lab.ethics.canaries.canary_report`).

Offline LiRA is not measured per epoch: it would need reference models snapshotted at every epoch.
`plot_leakage_curve` draws all of it in one figure, the gap above and the two AUCs below. Everything but
the callback itself is pure numpy; the callback's class is built on first use, so importing this
module does not import TensorFlow.

Example:
    >>> import numpy as np
    >>> p_members = np.array([[0.9, 0.1], [0.2, 0.8], [0.8, 0.2]])
    >>> p_nonmembers = np.array([[0.6, 0.4], [0.5, 0.5], [0.3, 0.7]])
    >>> point = leakage_point(p_members, np.array([0, 1, 0]), p_nonmembers, np.array([0, 1, 1]))
    >>> round(point["gap"], 3), point["attack_auc"]
    (0.333, 1.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.ethics.canaries import Canaries, canary_report
from cifar_lab.ethics.privacy import attack_metrics, loss_score
from cifar_lab.figures import new_figure

# The figures recorded per epoch (each AUC and TPR with `_low` and `_high` beside it).
CURVE_KEYS = ("train_accuracy", "heldout_accuracy", "gap", "attack_auc", "attack_tpr_at_0.01_fpr", "canary_auc")


def leakage_point(
    member_proba: np.ndarray,
    member_labels: np.ndarray,
    nonmember_proba: np.ndarray,
    nonmember_labels: np.ndarray,
    *,
    canary_proba: np.ndarray | None = None,
    canaries: Canaries | None = None,
    seed: int = 0,
) -> dict[str, float | None]:
    """One epoch's point: the accuracy gap, the loss-threshold attack's figures and the canary AUC, with intervals.

    The canary figures are `None` without canaries.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.2, 0.8]])
        >>> leakage_point(p, np.array([0, 1]), p[::-1], np.array([0, 1]))["heldout_accuracy"]
        0.0
    """
    member_labels, nonmember_labels = np.asarray(member_labels), np.asarray(nonmember_labels)
    train_accuracy = float((np.asarray(member_proba).argmax(axis=1) == member_labels).mean())
    heldout_accuracy = float((np.asarray(nonmember_proba).argmax(axis=1) == nonmember_labels).mean())
    attack = attack_metrics(
        loss_score(member_proba, member_labels), loss_score(nonmember_proba, nonmember_labels), seed=seed
    )
    point: dict[str, float | None] = {
        "train_accuracy": train_accuracy,
        "heldout_accuracy": heldout_accuracy,
        "gap": train_accuracy - heldout_accuracy,
    }
    for name in ("auc", "tpr_at_0.01_fpr"):
        for suffix in ("", "_low", "_high"):
            point[f"attack_{name}{suffix}"] = attack[f"{name}{suffix}"]
    canary = canary_report(canary_proba, canaries, seed=seed) if canaries is not None else {}
    for suffix in ("", "_low", "_high"):
        point[f"canary_auc{suffix}"] = canary.get(f"auc{suffix}")
    return point


def leakage_callback(
    x_members: np.ndarray,
    y_members: np.ndarray,
    x_nonmembers: np.ndarray,
    y_nonmembers: np.ndarray,
    *,
    canaries: Canaries | None = None,
    seed: int = 0,
) -> Any:
    """A Keras callback that records `leakage_point` after every epoch in its `curve` (one list per figure).

    Pass members and non-members already balanced (`cifar_lab.ethics.privacy.balanced_indices`);
    every epoch costs one prediction on them and the canaries, and the bootstrap of the figures.

    Not run in the tests: it needs a training; the tests train a tiny model with it.

    Example:
        >>> leakage = leakage_callback(x_fit[:500], y_fit[:500], x_test[:500], y_test[:500])  # doctest: +SKIP
        >>> train_model(model, x_fit, y_fit, epochs=5, callbacks=[leakage])                 # doctest: +SKIP
        >>> len(leakage.curve["epoch"])                                                     # doctest: +SKIP
        5
    """
    import keras

    from cifar_lab.evaluate.predict import predict_proba

    images = [np.asarray(x_members), np.asarray(x_nonmembers)]
    if canaries is not None:
        images.append(canaries.images)
    x_all = np.concatenate(images)
    splits = [len(y_members), len(y_members) + len(y_nonmembers)]

    class LeakageCallback(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.curve: dict[str, list] = {"epoch": []}

        def on_epoch_end(self, epoch, logs=None):
            member_proba, nonmember_proba, canary_proba = np.split(predict_proba(self.model, x_all), splits)
            point = leakage_point(
                member_proba, y_members, nonmember_proba, y_nonmembers,
                canary_proba=canary_proba, canaries=canaries, seed=seed,
            )  # fmt: skip
            self.curve["epoch"].append(epoch + 1)
            for key, value in point.items():
                self.curve.setdefault(key, []).append(value)

    return LeakageCallback()


def _band(ax: Any, epochs: np.ndarray, curve: dict, key: str, label: str, color: str) -> None:
    ax.plot(epochs, curve[key], marker="o", color=color, label=f"{label} (95% interval shaded)")
    ax.fill_between(epochs, curve[f"{key}_low"], curve[f"{key}_high"], color=color, alpha=0.2)


def plot_leakage_curve(curve: dict) -> Figure:
    """Accuracy on members and non-members (the gap between them shaded) above, the attacks' AUCs below.

    `curve` is a `leakage_callback`'s `curve`; the canary AUC is drawn when it was measured.

    Example:
        >>> curve = {"epoch": [1, 2], "train_accuracy": [0.3, 0.6], "heldout_accuracy": [0.3, 0.4],
        ...          "attack_auc": [0.5, 0.6], "attack_auc_low": [0.45, 0.55], "attack_auc_high": [0.55, 0.65],
        ...          "canary_auc": [None, None]}
        >>> [ax.get_ylabel() for ax in plot_leakage_curve(curve).axes]
        ['accuracy', 'AUC']
    """
    epochs = np.asarray(curve["epoch"])
    figure = new_figure(figsize=(7, 6))
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.plot(epochs, curve["train_accuracy"], marker="o", label="members (training images)")
    top.plot(epochs, curve["heldout_accuracy"], marker="o", label="non-members (held out)")
    top.fill_between(epochs, curve["heldout_accuracy"], curve["train_accuracy"], alpha=0.15, label="the gap")
    top.set_ylabel("accuracy")
    top.set_title("Overfitting and leakage are the same curve")
    top.legend(loc="upper left", fontsize="small")
    _band(bottom, epochs, curve, "attack_auc", "loss-threshold attack AUC", "tab:red")
    if all(value is not None for value in curve.get("canary_auc", [None])):
        _band(bottom, epochs, curve, "canary_auc", "canary IN-vs-OUT AUC", "tab:purple")
    bottom.axhline(0.5, color="grey", linestyle="--", linewidth=1, label="guessing")
    bottom.set_ylabel("AUC")
    bottom.set_xlabel("epoch")
    bottom.set_xticks(epochs)
    bottom.legend(loc="upper left", fontsize="small")
    return figure
