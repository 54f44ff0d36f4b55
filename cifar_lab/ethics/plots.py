"""The ethics report's figures: per-class recall with intervals, attack ROC curves, canary exposure.

Each function takes the dicts the measuring modules return and gives back a matplotlib `Figure`
built without pyplot, so it never opens a window or touches global state; `save_figure` writes one
atomically.

Example:

    >>> import numpy as np
    >>> fig = plot_exposure_histogram({"exposure_in": np.array([1.0, 5.0]), "exposure_out": np.array([0.5, 1.5]),
    ...                                "max_exposure": 5.6})
    >>> fig.axes[0].get_xlabel()
    'exposure (bits)'
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.ethics.privacy import LOW_FPRS, roc_curve
from cifar_lab.figures import new_figure


def plot_per_class_recall(disparity: dict) -> Figure:
    """Bars of each class's recall with its 95 % Wilson interval, and the overall accuracy as a line.

    `disparity` is the dict from `cifar_lab.ethics.fairness.per_class_disparity`.

    Example:
        >>> from cifar_lab.ethics.fairness import per_class_disparity
        >>> disparity = per_class_disparity(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), ("cat", "dog"))
        >>> fig = plot_per_class_recall(disparity)
        >>> [label.get_text() for label in fig.axes[0].get_xticklabels()], fig.axes[0].get_ylabel()
        (['cat', 'dog'], 'recall (95% Wilson interval)')
    """
    names = list(disparity["per_class"])
    rows = [disparity["per_class"][name] for name in names]
    recall = np.array([r["recall"] for r in rows])
    errors = np.array([[r["recall"] - r["recall_low"] for r in rows], [r["recall_high"] - r["recall"] for r in rows]])
    figure = new_figure(figsize=(8, 3.6))
    axes = figure.subplots()
    colours = ["tab:red" if name == disparity["worst_class"] else "tab:blue" for name in names]
    axes.bar(names, recall, yerr=errors, capsize=3, color=colours)
    axes.axhline(disparity["accuracy"], color="black", linestyle="--", linewidth=1, label="overall accuracy")
    axes.set_ylim(0, 1)
    axes.set_ylabel("recall (95% Wilson interval)")
    axes.set_title("Per-class recall on the test set (worst class in red)")
    axes.tick_params(axis="x", rotation=30)
    axes.legend(loc="best", fontsize="small")
    return figure


def plot_attack_roc(scores: dict[str, tuple[np.ndarray, np.ndarray]]) -> Figure:
    """ROC curves of the membership attacks, on linear and on log-log axes (where low FPR is visible).

    `scores` maps attack name to `(member_scores, nonmember_scores)`, as in the `"scores"` entry of
    `cifar_lab.ethics.membership.membership_inference`.

    Example:
        >>> fig = plot_attack_roc({"loss": (np.array([1.0, 2.0]), np.array([0.0, 1.5]))})
        >>> len(fig.axes)
        2
    """
    figure = new_figure(figsize=(9, 4))
    linear, logarithmic = figure.subplots(1, 2)
    smallest = 1.0
    # Distinct dashes: the attacks often trace the same curve (see the model card's caveats).
    styles = iter([("-", 3.0), ("--", 2.0), (":", 1.5)] * len(scores))
    for name, (members, nonmembers) in scores.items():
        fpr, tpr, _ = roc_curve(members, nonmembers)
        smallest = min(smallest, 1.0 / len(nonmembers))
        style, width = next(styles)
        for axes in (linear, logarithmic):
            axes.plot(fpr, tpr, linestyle=style, linewidth=width, label=name)
    for axes in (linear, logarithmic):
        axes.plot([0, 1], [0, 1], color="grey", linewidth=0.8, label="guessing")
        axes.set_xlabel("false-positive rate (non-members called members)")
        axes.set_ylabel("true-positive rate (members found)")
    logarithmic.set_xscale("log")
    logarithmic.set_yscale("log")
    logarithmic.set_xlim(smallest / 2, 1)
    logarithmic.set_ylim(smallest / 2, 1)
    for rate in LOW_FPRS:
        logarithmic.axvline(rate, color="grey", linewidth=0.5)
    linear.set_title("Membership inference ROC")
    logarithmic.set_title("log-log: the low-FPR region")
    linear.legend(loc="lower right")
    return figure


def plot_exposure_histogram(canary_report: dict) -> Figure:
    """Histograms of exposure for IN (trained-on) and OUT (reference) canaries.

    `canary_report` is the dict from `cifar_lab.ethics.canaries.canary_report`.

    Example:
        >>> fig = plot_exposure_histogram({"exposure_in": np.array([1.0, 5.0]), "exposure_out": np.array([0.5, 1.5]),
        ...                                "max_exposure": 5.6})
        >>> fig.axes[0].get_legend_handles_labels()[1]
        ['OUT (never trained on)', 'IN (trained on)', 'expected without memorisation']
    """
    figure = new_figure(figsize=(6, 3.6))
    axes = figure.subplots()
    bins = np.linspace(0, canary_report["max_exposure"], 16)
    axes.hist(canary_report["exposure_out"], bins=bins, alpha=0.6, label="OUT (never trained on)")
    axes.hist(canary_report["exposure_in"], bins=bins, alpha=0.6, label="IN (trained on)")
    axes.axvline(np.log2(np.e), color="black", linestyle="--", linewidth=1, label="expected without memorisation")
    axes.set_xlabel("exposure (bits)")
    axes.set_ylabel("canaries")
    axes.set_title("Canary exposure")
    axes.legend()
    return figure
