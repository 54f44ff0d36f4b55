"""Per-class disparity and the brightness analogue (cifar_lab.ethics.fairness), cross-checked with sklearn/scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import multilabel_confusion_matrix, precision_recall_fscore_support

from cifar_lab.ethics.fairness import (
    brightness_analogue,
    brightness_groups,
    difference_interval,
    equalized_odds_difference,
    per_class_disparity,
    top_confusions,
    wilson_interval,
)

NAMES = ("plane", "car", "bird", "cat")


def noisy_predictions(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions where class k is right with probability 0.9 - 0.2 k."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, n)
    right = rng.random(n) < 0.9 - 0.2 * y_true
    y_pred = np.where(right, y_true, (y_true + rng.integers(1, 4, n)) % 4)
    return y_true, y_pred


@pytest.mark.parametrize("successes, n", [(0, 10), (3, 10), (10, 10), (37, 120), (1, 1000)])
def test_wilson_interval_matches_scipy(successes, n):
    expected = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson_interval(successes, n)
    assert (float(low), float(high)) == pytest.approx((expected.low, expected.high), abs=1e-9)


def test_wilson_interval_of_no_data_is_the_whole_unit_interval():
    low, high = wilson_interval(0, 0)
    assert (float(low), float(high)) == (0.0, 1.0)


def test_difference_interval_reproduces_newcombes_worked_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II, example (a), method 10.
    assert difference_interval(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_per_class_precision_recall_f1_match_sklearn():
    y_true, y_pred = noisy_predictions()
    report = per_class_disparity(y_true, y_pred, NAMES)
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=range(4), zero_division=0)
    for c, name in enumerate(NAMES):
        row = report["per_class"][name]
        assert (row["precision"], row["recall"], row["f1"], row["support"]) == pytest.approx(
            (precision[c], recall[c], f1[c], support[c])
        )


def test_per_class_false_positive_and_negative_rates_match_sklearn_one_vs_rest():
    y_true, y_pred = noisy_predictions()
    report = per_class_disparity(y_true, y_pred, NAMES)
    for c, ((tn, fp), (fn, tp)) in enumerate(multilabel_confusion_matrix(y_true, y_pred, labels=range(4))):
        assert report["per_class"][NAMES[c]]["fpr"] == pytest.approx(fp / (fp + tn))
        assert report["per_class"][NAMES[c]]["fnr"] == pytest.approx(fn / (fn + tp))


def test_each_recall_lies_inside_its_interval():
    report = per_class_disparity(*noisy_predictions(), NAMES)
    for row in report["per_class"].values():
        assert row["recall_low"] <= row["recall"] <= row["recall_high"]


def test_a_large_gap_on_many_images_is_reported_as_larger_than_noise():
    report = per_class_disparity(*noisy_predictions(4000), NAMES)
    assert (report["worst_class"], report["best_class"]) == ("cat", "plane")
    assert report["recall_ratio"] == pytest.approx(
        report["per_class"]["cat"]["recall"] / report["per_class"]["plane"]["recall"]
    )
    assert not report["gap_within_noise"] and "larger than noise" in report["statement"]
    assert "cat" in report["classes_below_accuracy"]


def test_a_gap_on_a_handful_of_images_is_reported_as_within_noise():
    y_true = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    y_pred = np.array([0, 0, 0, 1, 1, 1, 0, 0])  # recall 0.75 vs 0.5 on four images each
    report = per_class_disparity(y_true, y_pred, ("a", "b"))
    assert report["recall_gap"] == 0.25
    assert report["gap_within_noise"] and "within noise" in report["statement"]


def test_top_confusions_are_the_largest_off_diagonal_cells_first():
    matrix = np.array([[9, 1, 4], [0, 8, 2], [6, 0, 7]])
    confusions = top_confusions(matrix, ("a", "b", "c"), k=2)
    assert [(c["true"], c["predicted"], c["count"]) for c in confusions] == [("c", "a", 6), ("a", "c", 4)]
    assert confusions[0]["share_of_true"] == pytest.approx(6 / 13)


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


def test_mismatched_label_arrays_are_rejected_with_the_fix():
    with pytest.raises(ValueError, match="same length"):
        per_class_disparity(np.array([0, 1]), np.array([0]), ("a", "b"))


def test_wilson_interval_holds_the_observed_proportion_exactly_at_zero_and_one():
    n = np.arange(1, 2000)
    for successes in (np.zeros_like(n), n):
        low, high = wilson_interval(successes, n)
        assert np.all(low <= successes / n) and np.all(successes / n <= high)


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
