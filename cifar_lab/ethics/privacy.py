"""Membership inference: does the model give away which images it was trained on?

A membership inference attack (Shokri et al. 2017) looks at a model's output for one image and guesses
whether that image was in the training set. Each attack computes a score per image (higher = "more
likely a member") and the attacker picks a threshold. Two attacks are run:

- the **loss threshold** attack (Yeom et al. 2018): one global threshold on the model's loss. Any
  monotone transform of the loss (the confidence p_y, the logit of p_y) ranks images identically, so
  it is one attack however it is written;
- **offline LiRA** (Carlini et al. 2022), in `cifar_lab.ethics.lira`: a per-image test against
  reference models trained without the image, which finds far more members at a low FPR.

Their strength is summarised over all thresholds by:

- **AUC**: the probability that a random member scores higher than a random non-member (ties count
  one half), computed from ranks (the Mann-Whitney U statistic); 0.5 = guessing.
- **TPR at a low FPR** (1 %, 0.1 %): how many members the attacker finds while almost never accusing a
  non-member, the headline Carlini et al. 2022 argue matters for privacy; reported only where the
  non-members allow one false positive at that rate (`cifar_lab.ethics.intervals.supports_fpr`).
- **attacker advantage**: `max |TPR - FPR|` over thresholds (Yeom et al. 2018's membership
  advantage); 0 = guessing, 1 = perfect. The threshold is chosen on the very scores it is measured
  on, so the figure is optimistic: the card does not report it.

Each figure carries a 95% stratified-bootstrap interval (`cifar_lab.ethics.intervals`). Pure numpy.

Example:

    >>> import numpy as np
    >>> round(roc_auc(np.array([0.9, 0.8, 0.3]), np.array([0.1, 0.8])), 3)
    0.75
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.ethics.intervals import SMALL_GROUP, bootstrap_values, supports_fpr

# The model's probabilities are clipped here before taking logs: a float32 softmax can return exactly
# 0 or 1, and log(0) would turn a perfectly memorised image into -inf instead of a very high score.
PROBABILITY_FLOOR = 1e-12

# The low false-positive rates reported for every attack, after Carlini et al. 2022.
LOW_FPRS = (0.01, 0.001)


def _check_scores(members: np.ndarray, nonmembers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    members = np.asarray(members, dtype=np.float64).ravel()
    nonmembers = np.asarray(nonmembers, dtype=np.float64).ravel()
    if members.size == 0 or nonmembers.size == 0:
        raise UsageError(
            f"Membership metrics need at least one member and one non-member score; got {members.size} "
            f"member and {nonmembers.size} non-member scores. Pass non-empty score arrays."
        )
    if not (np.all(np.isfinite(members)) and np.all(np.isfinite(nonmembers))):
        raise UsageError(
            "Membership scores contain NaN or infinity. Clip probabilities before taking logs "
            "(attack_scores does this) or drop the non-finite entries."
        )
    return members, nonmembers


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of `values` in ascending order, tied values sharing the average of their ranks.

    Example:
        >>> average_ranks(np.array([10.0, 20.0, 10.0, 30.0])).tolist()
        [1.5, 3.0, 1.5, 4.0]
    """
    values = np.asarray(values).ravel()
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    # Each run of equal values gets the mean of the 1-based positions it spans.
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], values.size]
    run_ranks = (starts + 1 + ends) / 2.0
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(run_ranks, ends - starts)
    return ranks


def roc_auc(member_scores: np.ndarray, nonmember_scores: np.ndarray) -> float:
    """Area under the ROC curve of "member" vs "non-member", from ranks (ties count one half).

    Example:
        >>> roc_auc(np.array([3.0, 4.0]), np.array([1.0, 2.0]))
        1.0
    """
    members, nonmembers = _check_scores(member_scores, nonmember_scores)
    ranks = average_ranks(np.concatenate([members, nonmembers]))
    n_members, n_nonmembers = members.size, nonmembers.size
    u_statistic = ranks[:n_members].sum() - n_members * (n_members + 1) / 2.0
    return float(u_statistic / (n_members * n_nonmembers))


def roc_curve(member_scores: np.ndarray, nonmember_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The attack's ROC curve: `(fpr, tpr, thresholds)`, predicting "member" when score >= threshold.

    The first point is `(0, 0)` (threshold +inf); tied scores move the curve in one step.

    Example:
        >>> fpr, tpr, _ = roc_curve(np.array([0.9, 0.4]), np.array([0.5, 0.1]))
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    members, nonmembers = _check_scores(member_scores, nonmember_scores)
    scores = np.concatenate([members, nonmembers])
    is_member = np.r_[np.ones(members.size), np.zeros(nonmembers.size)]
    order = np.argsort(-scores, kind="mergesort")
    scores, is_member = scores[order], is_member[order]
    # Only the last position of each run of equal scores is a reachable operating point.
    last_of_run = np.r_[scores[1:] != scores[:-1], True]
    true_positives = np.cumsum(is_member)[last_of_run]
    false_positives = np.cumsum(1.0 - is_member)[last_of_run]
    tpr = np.r_[0.0, true_positives / members.size]
    fpr = np.r_[0.0, false_positives / nonmembers.size]
    thresholds = np.r_[np.inf, scores[last_of_run]]
    return fpr, tpr, thresholds


def attacker_advantage(member_scores: np.ndarray, nonmember_scores: np.ndarray) -> float:
    """`max |TPR - FPR|` over all thresholds: 0 for guessing, 1 for a perfect attack.

    The absolute value counts an attack that works "upside down" (members score lower) too.

    Example:
        >>> attacker_advantage(np.array([0.9, 0.4]), np.array([0.5, 0.1]))
        0.5
    """
    fpr, tpr, _ = roc_curve(member_scores, nonmember_scores)
    return float(np.max(np.abs(tpr - fpr)))


def tpr_at_fpr(member_scores: np.ndarray, nonmember_scores: np.ndarray, fpr: float) -> float:
    """The highest TPR among thresholds whose false-positive rate is at most `fpr`.

    With `n` non-members the smallest non-zero FPR is `1/n`: below that the figure only counts
    members scoring above every non-member.

    Example:
        >>> tpr_at_fpr(np.array([0.9, 0.8, 0.3]), np.array([0.85, 0.1]), 0.0)
        0.3333333333333333
    """
    if not 0.0 <= fpr <= 1.0:
        raise UsageError(f"fpr must be between 0 and 1; got {fpr}. Pass a rate such as 0.01 for 1%.")
    curve_fpr, curve_tpr, _ = roc_curve(member_scores, nonmember_scores)
    return float(curve_tpr[curve_fpr <= fpr + 1e-12].max())


def _figures(members: np.ndarray, nonmembers: np.ndarray) -> np.ndarray:
    """AUC and the TPR at each of `LOW_FPRS`, from one ROC curve."""
    fpr, tpr, _ = roc_curve(members, nonmembers)
    # The trapezoids under the curve, tie steps included, are the rank AUC with ties counting one half.
    auc = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
    low_fpr = [float(tpr[fpr <= rate + 1e-12].max()) for rate in LOW_FPRS]
    return np.array([auc, *low_fpr])


def attack_metrics(member_scores: np.ndarray, nonmember_scores: np.ndarray, *, seed: int = 0) -> dict:
    """AUC and TPR at each of `LOW_FPRS`, each with its 95% bootstrap interval.

    The attacker advantage is left out: its threshold is chosen on the scores it is measured on, so
    it is optimistic, and a bootstrap of that maximum is biased upward (its interval can miss the
    figure itself). `attacker_advantage` computes it for whoever wants it, labelled as optimistic.

    A TPR at a rate the non-members cannot resolve (fewer than `1/rate` of them) is `None`; `small`
    flags a group with fewer than `SMALL_GROUP` members or non-members.

    Example:
        >>> m = attack_metrics(np.array([2.0, 3.0]), np.array([0.0, 1.0]))
        >>> m["auc"], m["auc_low"], m["tpr_at_0.01_fpr"], m["small"]
        (1.0, 1.0, None, True)
    """
    members, nonmembers = _check_scores(member_scores, nonmember_scores)
    point = _figures(members, nonmembers)
    low, high = np.percentile(bootstrap_values(members, nonmembers, _figures, seed=seed), [2.5, 97.5], axis=0)
    names = ["auc", *(f"tpr_at_{rate:g}_fpr" for rate in LOW_FPRS)]
    metrics: dict = {}
    for i, name in enumerate(names):
        measurable = i == 0 or supports_fpr(nonmembers.size, LOW_FPRS[i - 1])
        metrics[name] = float(point[i]) if measurable else None
        metrics[f"{name}_low"] = float(low[i]) if measurable else None
        metrics[f"{name}_high"] = float(high[i]) if measurable else None
    metrics["n_members"] = int(members.size)
    metrics["n_nonmembers"] = int(nonmembers.size)
    metrics["small"] = bool(min(members.size, nonmembers.size) < SMALL_GROUP)
    return metrics


def _true_class_probability(proba: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    proba = np.asarray(proba, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64).ravel()
    if proba.ndim != 2 or proba.shape[0] != labels.size:
        raise UsageError(
            f"proba must have shape (n_images, n_classes) matching {labels.size} labels; got {proba.shape}. "
            "Pass the model's predicted probabilities (cifar_lab.evaluate.predict_proba) and integer labels."
        )
    proba = np.clip(proba, PROBABILITY_FLOOR, 1.0)
    return proba, proba[np.arange(labels.size), labels]


def loss_score(proba: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Minus the cross-entropy loss of each image: members usually have a lower loss.

    Example:
        >>> loss_score(np.array([[0.5, 0.5]]), np.array([0])).round(3).tolist()
        [-0.693]
    """
    _, p_true = _true_class_probability(proba, labels)
    return np.log(p_true)


def logit_score(proba: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The logit-scaled confidence `log p_y - log sum_{j != y} p_j` of each image's true class.

    Unlike the raw confidence it does not saturate at 1 and is close to Gaussian across models, which
    is what LiRA's per-image test assumes (Carlini et al. 2022, section IV); `cifar_lab.ethics.lira` uses it.

    Example:
        >>> logit_score(np.array([[0.2, 0.8]]), np.array([1])).round(3).tolist()
        [1.386]
    """
    clipped, p_true = _true_class_probability(proba, labels)
    p_rest = np.maximum(clipped.sum(axis=1) - p_true, PROBABILITY_FLOOR)
    return np.log(p_true) - np.log(p_rest)


# The single-threshold attack; offline LiRA's scores come from reference models (cifar_lab.ethics.lira).
ATTACKS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {"loss_threshold": loss_score}


def balanced_indices(
    n_members: int, n_nonmembers: int, *, max_per_side: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Equal-sized random subsets of member and non-member positions (the smaller side sets the size).

    Balancing keeps "members" from winning by sheer number: an AUC of 0.5 then means guessing.

    Example:
        >>> m, n = balanced_indices(100, 30, seed=0)
        >>> len(m), len(n)
        (30, 30)
    """
    size = min(n_members, n_nonmembers)
    if max_per_side is not None:
        size = min(size, int(max_per_side))
    if size < 1:
        raise UsageError(
            f"Cannot balance {n_members} members against {n_nonmembers} non-members: one side is empty. "
            "Pass the training images the model saw and some held-out images."
        )
    rng = np.random.default_rng(seed)
    members = np.sort(rng.choice(n_members, size=size, replace=False))
    nonmembers = np.sort(rng.choice(n_nonmembers, size=size, replace=False))
    return members, nonmembers
