"""Membership inference on one model: the attacks overall, per true class and for correct vs misclassified images.

`membership_inference` runs the loss-threshold attack of `cifar_lab.ethics.privacy` (and offline
LiRA, given its scores from `cifar_lab.ethics.lira`) on balanced members and non-members, and
reports `cifar_lab.ethics.privacy.attack_metrics` for every group. Pure numpy.

Example:
    >>> p = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> q = np.array([[0.6, 0.4], [0.5, 0.5]])
    >>> sorted(membership_inference(p, np.array([0, 1]), q, np.array([0, 1]))["overall"])
    ['loss_threshold']
"""

from __future__ import annotations

import numpy as np

from cifar_lab.ethics.privacy import ATTACKS, attack_metrics


def membership_inference(
    member_proba: np.ndarray,
    member_labels: np.ndarray,
    nonmember_proba: np.ndarray,
    nonmember_labels: np.ndarray,
    *,
    class_names: tuple[str, ...] | None = None,
    lira_scores: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
) -> dict:
    """Run the loss-threshold attack (and offline LiRA, given its scores) overall, per class and by correctness.

    Members and non-members should already be balanced (see `balanced_indices`) and the members
    predicted without augmentation. `lira_scores` are `(member_scores, nonmember_scores)` from
    `cifar_lab.ethics.lira.offline_lira_scores`, in the same order as the probabilities. Returns
    `{"overall": {attack: metrics}, "per_class": {class: {attack: metrics}}, "by_correctness":
    {"correct"|"misclassified": {attack: metrics}}, "train_accuracy", "heldout_accuracy", "scores":
    {attack: (member_scores, nonmember_scores)}}` (metrics from `attack_metrics`, seeded by `seed`).
    A group with no member or no non-member is left out.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.2, 0.8]])
        >>> q = np.array([[0.6, 0.4], [0.5, 0.5]])
        >>> membership_inference(p, np.array([0, 1]), q, np.array([0, 1]))["overall"]["loss_threshold"]["auc"]
        1.0
    """
    member_labels = np.asarray(member_labels).astype(np.int64).ravel()
    nonmember_labels = np.asarray(nonmember_labels).astype(np.int64).ravel()
    member_proba = np.asarray(member_proba, dtype=np.float64)
    nonmember_proba = np.asarray(nonmember_proba, dtype=np.float64)
    num_classes = member_proba.shape[1]
    names = class_names or tuple(str(c) for c in range(num_classes))
    scores = {
        name: (attack(member_proba, member_labels), attack(nonmember_proba, nonmember_labels))
        for name, attack in ATTACKS.items()
    }
    if lira_scores is not None:
        scores["offline_lira"] = tuple(np.asarray(side, dtype=np.float64) for side in lira_scores)
    member_correct = member_proba.argmax(axis=1) == member_labels
    nonmember_correct = nonmember_proba.argmax(axis=1) == nonmember_labels

    def group(member_mask: np.ndarray, nonmember_mask: np.ndarray) -> dict | None:
        if not member_mask.any() or not nonmember_mask.any():
            return None
        return {name: attack_metrics(m[member_mask], n[nonmember_mask], seed=seed) for name, (m, n) in scores.items()}

    everyone_m, everyone_n = np.ones(member_labels.size, bool), np.ones(nonmember_labels.size, bool)
    per_class = {names[c]: group(member_labels == c, nonmember_labels == c) for c in range(num_classes)}
    by_correctness = {
        "correct": group(member_correct, nonmember_correct),
        "misclassified": group(~member_correct, ~nonmember_correct),
    }
    return {
        "overall": group(everyone_m, everyone_n),
        "per_class": {k: v for k, v in per_class.items() if v is not None},
        "by_correctness": {k: v for k, v in by_correctness.items() if v is not None},
        "train_accuracy": float(member_correct.mean()),
        "heldout_accuracy": float(nonmember_correct.mean()),
        "scores": scores,
    }
