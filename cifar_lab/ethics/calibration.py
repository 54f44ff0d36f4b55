"""Calibration: does the model's confidence mean what it says? Expected calibration error and a reliability diagram.

A model is calibrated when, of the images it labels with confidence 0.8, 80% are right. The test
images are put in `n_bins` equal-width bins of confidence (the top predicted probability); each bin's
gap is `|accuracy - mean confidence|`, and the **expected calibration error** (ECE) is the gaps'
average weighted by the share of images in each bin (Guo et al. 2017, after Naeini et al. 2015).
The reliability diagram plots each bin's accuracy against its confidence: a calibrated model lies
on the diagonal, an over-confident one below it. Over-confidence matters for the card's other
figures too: the loss-threshold attack feeds on a model that is surer on its training images.

Example:
    >>> import numpy as np
    >>> proba = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    >>> round(calibration(proba, np.array([0, 1, 0, 1]), n_bins=10)["ece"], 3)
    0.375
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.errors import UsageError
from cifar_lab.ethics.intervals import BOOTSTRAP_RESAMPLES
from cifar_lab.figures import new_figure

# Guo et al. 2017 use 15 bins; fewer would hide over-confidence near 1, more would leave bins empty.
CALIBRATION_BINS = 15


def _ece(confidence: np.ndarray, correct: np.ndarray, which: np.ndarray, n_bins: int) -> float:
    counts = np.bincount(which, minlength=n_bins)
    gaps = np.bincount(which, weights=correct - confidence, minlength=n_bins)
    # |sum of (correct - confidence)| over a bin is its count times |accuracy - mean confidence|.
    return float(np.abs(gaps).sum() / max(counts.sum(), 1))


def _ece_interval(
    confidence: np.ndarray, correct: np.ndarray, which: np.ndarray, n_bins: int, seed: int
) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the ECE, the test images resampled with replacement."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        rows = rng.integers(0, confidence.size, confidence.size)
        values.append(_ece(confidence[rows], correct[rows].astype(np.float64), which[rows], n_bins))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def calibration(proba: np.ndarray, labels: np.ndarray, *, n_bins: int = CALIBRATION_BINS, seed: int = 0) -> dict:
    """ECE (with its 95% bootstrap interval, seeded) and the per-bin confidence, accuracy and count.

    Returns `{"ece", "ece_low", "ece_high", "n_bins", "mean_confidence", "accuracy", "bins": [{"low", "high",
    "confidence", "accuracy", "count"}, ...]}`, empty bins left out. A confidence of exactly 1 falls in the last bin.

    Example:
        >>> r = calibration(np.array([[0.95, 0.05], [0.55, 0.45]]), np.array([0, 1]), n_bins=2)
        >>> [(b["confidence"], b["accuracy"], b["count"]) for b in r["bins"]]
        [(0.75, 0.5, 2)]
    """
    proba = np.asarray(proba, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64).ravel()
    if proba.ndim != 2 or proba.shape[0] != labels.size or labels.size == 0:
        raise UsageError(
            f"proba must have shape (n_images, n_classes) matching {labels.size} labels; got {proba.shape}. "
            "Pass the model's predicted probabilities on the test images and their integer labels."
        )
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    ece_low, ece_high = _ece_interval(confidence, correct, which, n_bins, seed)
    bins, ece = [], 0.0
    for b in range(n_bins):
        in_bin = which == b
        if not in_bin.any():
            continue
        conf, acc = float(confidence[in_bin].mean()), float(correct[in_bin].mean())
        ece += in_bin.mean() * abs(acc - conf)
        bins.append(
            {"low": edges[b], "high": edges[b + 1], "confidence": conf, "accuracy": acc, "count": int(in_bin.sum())}
        )
    return {
        "ece": float(ece),
        "ece_low": ece_low,
        "ece_high": ece_high,
        "n_bins": int(n_bins),
        "mean_confidence": float(confidence.mean()),
        "accuracy": float(correct.mean()),
        "bins": bins,
    }


def plot_reliability_diagram(result: dict) -> Figure:
    """Accuracy against confidence per bin (bars), with the diagonal of perfect calibration.

    `result` is `calibration`'s dict.

    Example:
        >>> r = calibration(np.array([[0.9, 0.1], [0.4, 0.6]]), np.array([0, 0]))
        >>> plot_reliability_diagram(r).axes[0].get_xlabel()
        'confidence (top predicted probability)'
    """
    figure = new_figure(figsize=(5, 4.5))
    ax = figure.subplots()
    width = 1.0 / result["n_bins"]
    for b in result["bins"]:
        ax.bar(b["low"], b["accuracy"], width=width, align="edge", color="tab:blue", edgecolor="white")
        ax.bar(b["low"], b["confidence"] - b["accuracy"], bottom=b["accuracy"], width=width, align="edge",
               color="tab:red", alpha=0.3)  # fmt: skip
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly calibrated")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top predicted probability)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"Reliability diagram: ECE {result['ece']:.3f}")
    ax.legend(loc="upper left")
    return figure
