"""The brightness-group analogue of group fairness (cifar_lab.ethics.brightness): thirds, equalized odds, noise."""

from __future__ import annotations

import numpy as np

from cifar_lab.ethics.brightness import brightness_analogue, brightness_groups, equalized_odds_difference

NAMES = ("plane", "car", "bird", "cat")


def noisy_predictions(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions where class k is right with probability 0.9 - 0.2 k."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, n)
    right = rng.random(n) < 0.9 - 0.2 * y_true
    y_pred = np.where(right, y_true, (y_true + rng.integers(1, 4, n)) % 4)
    return y_true, y_pred


def test_brightness_groups_are_equal_thirds_ordered_by_mean_brightness():
    rng = np.random.default_rng(1)
    levels = rng.permutation(90)
    x = np.stack([np.full((4, 4, 3), level, np.uint8) for level in levels])
    groups = brightness_groups(x)
    assert np.bincount(groups).tolist() == [30, 30, 30]
    assert np.all(levels[groups == 0] < 30) and np.all(levels[groups == 2] >= 60)


def test_equalized_odds_difference_is_zero_for_perfect_predictions():
    y = np.arange(30) % 3
    assert equalized_odds_difference(y, y, np.arange(30) % 2, 3)["value"] == 0.0


def test_equalized_odds_difference_in_a_hand_computed_case():
    # Group 0 gets every class right; group 1 calls one of its two class-0 images class 1.
    y_true = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    y_pred = np.array([0, 0, 1, 1, 0, 1, 1, 1])
    groups = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    # class 0: TPR 1 vs 1/2 (gap 1/2), FPR 0 vs 0; class 1: TPR 1 vs 1, FPR 0 vs 1/2 (gap 1/2)
    result = equalized_odds_difference(y_true, y_pred, groups, 2)
    assert result == {"value": 0.5, "class": 0, "rate": "tpr"}


def test_brightness_analogue_reports_accuracy_per_third_and_says_it_is_an_analogue():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, (300, 4, 4, 3), dtype=np.uint8)
    y_true = rng.integers(0, 4, 300)
    dark = brightness_groups(x) == 0
    y_pred = np.where(dark, (y_true + 1) % 4, y_true)  # the model fails every dark image
    report = brightness_analogue(x, y_true, y_pred, NAMES)
    assert report["groups"]["dark"]["accuracy"] == 0.0 and report["groups"]["bright"]["accuracy"] == 1.0
    assert report["worst_group"] == "dark" and report["accuracy_gap"] == 1.0
    assert report["equalized_odds_difference"] == 1.0
    assert "analogue, not a demographic measure" in report["statement"]


def test_equalized_odds_of_errors_that_ignore_brightness_is_within_shuffling_noise():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (600, 4, 4, 3), dtype=np.uint8)
    y_true, y_pred = noisy_predictions(600, seed=3)
    report = brightness_analogue(x, y_true, y_pred, NAMES)
    assert report["equalized_odds_difference"] > 0.05  # small groups: a sizeable value from noise alone
    assert report["equalized_odds_within_noise"]


def test_equalized_odds_of_errors_driven_by_brightness_is_larger_than_noise():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, (600, 4, 4, 3), dtype=np.uint8)
    y_true = rng.integers(0, 4, 600)
    y_pred = np.where(brightness_groups(x) == 0, (y_true + 1) % 4, y_true)
    report = brightness_analogue(x, y_true, y_pred, NAMES)
    assert not report["equalized_odds_within_noise"]
    assert report["equalized_odds_difference"] > report["equalized_odds_noise_95"]


def test_the_equalized_odds_difference_has_a_bootstrap_interval():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, (300, 4, 4, 3), dtype=np.uint8)
    y_true, y_pred = rng.integers(0, 3, 300), rng.integers(0, 3, 300)
    result = brightness_analogue(x, y_true, y_pred, ("a", "b", "c"), n_permutations=20, n_bootstrap=50)
    assert result["equalized_odds_difference_low"] < result["equalized_odds_difference_high"]
    assert result["equalized_odds_difference_low"] <= result["equalized_odds_difference"]
