"""Expected calibration error and the reliability diagram (cifar_lab.ethics.calibration)."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.ethics.calibration import calibration, plot_reliability_diagram


def test_ece_matches_a_hand_computation():
    # Top confidences 0.95 (right), 0.95 (wrong), 0.55 (right), 0.8 (wrong), in 4 bins of 0.25:
    # bin (0.75, 1]: confidence (0.95 + 0.95 + 0.8) / 3, accuracy 1/3; bin (0.5, 0.75]: 0.55, accuracy 1.
    proba = np.array([[0.95, 0.05], [0.95, 0.05], [0.55, 0.45], [0.2, 0.8]])
    labels = np.array([0, 1, 0, 0])
    expected = 3 / 4 * abs(1 / 3 - (0.95 + 0.95 + 0.8) / 3) + 1 / 4 * abs(1.0 - 0.55)
    assert calibration(proba, labels, n_bins=4)["ece"] == pytest.approx(expected)


def test_a_model_right_exactly_as_often_as_it_is_sure_has_an_ece_near_zero():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0.5, 1.0, 20000)
    proba = np.c_[confidence, 1 - confidence]
    labels = (rng.random(20000) >= confidence).astype(int)  # class 0 with probability `confidence`
    assert calibration(proba, labels)["ece"] < 0.02


def test_bin_counts_cover_every_image_and_a_confidence_of_one_lands_in_the_last_bin():
    proba = np.array([[1.0, 0.0], [0.5, 0.5], [0.7, 0.3]])
    result = calibration(proba, np.array([0, 0, 1]), n_bins=5)
    assert sum(b["count"] for b in result["bins"]) == 3
    assert result["bins"][-1]["high"] == 1.0 and result["bins"][-1]["confidence"] == 1.0


def test_probabilities_for_other_images_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="predicted probabilities on the test images"):
        calibration(np.ones((3, 2)) / 2, np.array([0, 1]))


def test_the_reliability_diagram_has_a_bar_per_non_empty_bin_and_the_diagonal():
    result = calibration(np.array([[0.9, 0.1], [0.6, 0.4]]), np.array([0, 1]), n_bins=10)
    axes = plot_reliability_diagram(result).axes[0]
    assert len(axes.patches) == 2 * len(result["bins"])
    assert axes.get_lines()[0].get_label() == "perfectly calibrated"


def test_the_ece_has_a_bootstrap_interval_that_holds_it():
    rng = np.random.default_rng(1)
    proba = rng.dirichlet(np.ones(3) * 0.5, 300)
    result = calibration(proba, rng.integers(0, 3, 300))
    assert result["ece_low"] < result["ece"] < result["ece_high"]
