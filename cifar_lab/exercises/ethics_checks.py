"""The self-checks of `05_ethics_report`: an attack's AUC by hand, and whether its interval shows real leakage.

Example:
    >>> import numpy as np
    >>> check_attack_auc(0.75, member_losses=np.array([0.1, 0.2, 0.7]), nonmember_losses=np.array([0.9, 0.2]))[0]
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cifar_lab.exercises.registry import Exercise, register


def check_attack_auc(
    answer: Any, *, member_losses: np.ndarray, nonmember_losses: np.ndarray
) -> tuple[bool, str, str | None]:
    """Exercise 5.1: `attack_auc`, the share of (member, non-member) pairs where the member has the lower loss.

    Checked against the library's rank AUC (`cifar_lab.ethics.privacy.roc_auc`).

    Example:
        >>> losses = {"member_losses": np.array([0.1, 0.2, 0.7]), "nonmember_losses": np.array([0.9, 0.2])}
        >>> check_attack_auc(0.25, **losses)[1][:16]
        'That is 1 - AUC:'
    """
    from cifar_lab.ethics.privacy import roc_auc  # cifar_lab.ethics imports TensorFlow; the exercises must not

    expected = roc_auc(-np.asarray(member_losses, float), -np.asarray(nonmember_losses, float))
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return False, f"Give one number between 0 and 1, not {type(answer).__name__}.", None
    measured = f"{got:.4f} against the library's {expected:.4f}"
    if abs(got - expected) < 1e-6:
        return True, f"AUC {expected:.3f}: the attack ranks a random member above a random non-member that often.", None
    if abs(got - (1 - expected)) < 1e-6:
        return (
            False,
            "That is 1 - AUC: a member is *more* likely to have the *lower* loss, so count pairs where member loss "
            "< non-member loss.",
            measured,
        )
    return False, "Not the AUC yet: count pairs with member loss below non-member loss, ties as one half.", measured


def check_leakage_verdict(answer: Any, *, metrics: dict) -> tuple[bool, str, str | None]:
    """Exercise 5.2: `leakage_is_real`, True exactly when the AUC's 95% interval lies wholly above 0.5.

    Example:
        >>> check_leakage_verdict(False, metrics={"auc": 0.52, "auc_low": 0.48, "auc_high": 0.56})[0]
        True
    """
    real = bool(metrics["auc_low"] > 0.5)
    interval = f"AUC {metrics['auc']:.3f}, 95% interval {metrics['auc_low']:.3f} to {metrics['auc_high']:.3f}"
    if not isinstance(answer, (bool, np.bool_)):
        return False, "Answer True or False.", None
    if bool(answer) == real:
        why = "the whole interval lies above 0.5" if real else "the interval includes 0.5 (guessing)"
        return True, f"Right: {interval}; {why}.", None
    if real:
        return False, f"{interval}: even its lower end is above 0.5, so chance alone does not explain it.", None
    return False, f"{interval}: the interval includes 0.5, so this sample cannot tell it from guessing.", None


register(
    Exercise(
        "5.1",
        "05_ethics_report",
        "The attack's AUC by hand",
        "attack_auc",
        "Compare every member loss with every non-member loss (NumPy broadcasting: m[:, None] < n[None, :]); "
        "the AUC is the share of pairs where the member's loss is lower, a tie counting one half.",
        check_attack_auc,
    )
)
register(
    Exercise(
        "5.2",
        "05_ethics_report",
        "Is the leakage real?",
        "leakage_is_real",
        "Look at the interval, not the AUC alone: the leakage is real when even the interval's lower end is above 0.5.",
        check_leakage_verdict,
    )
)
