"""Per-class disparity with intervals (cifar_lab.ethics.fairness), cross-checked with sklearn/scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import multilabel_confusion_matrix, precision_recall_fscore_support

from cifar_lab.ethics.fairness import (
    absorbed_by,
    change_interval,
    difference_interval,
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


def test_per_class_precision_and_recall_match_sklearn():
    y_true, y_pred = noisy_predictions()
    report = per_class_disparity(y_true, y_pred, NAMES)
    precision, recall, _, support = precision_recall_fscore_support(y_true, y_pred, labels=range(4), zero_division=0)
    for c, name in enumerate(NAMES):
        row = report["per_class"][name]
        assert (row["precision"], row["recall"], row["support"]) == pytest.approx((precision[c], recall[c], support[c]))


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


def test_mismatched_label_arrays_are_rejected_with_the_fix():
    with pytest.raises(ValueError, match="same length"):
        per_class_disparity(np.array([0, 1]), np.array([0]), ("a", "b"))


def test_wilson_interval_holds_the_observed_proportion_exactly_at_zero_and_one():
    n = np.arange(1, 2000)
    for successes in (np.zeros_like(n), n):
        low, high = wilson_interval(successes, n)
        assert np.all(low <= successes / n) and np.all(successes / n <= high)


def test_every_per_class_rate_has_a_wilson_interval_that_holds_it():
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    rows = per_class_disparity(y_true, y_pred, ("a", "b", "c", "d"))["per_class"].values()
    for row in rows:
        for rate in ("recall", "precision", "fpr", "fnr"):
            assert row[f"{rate}_low"] <= row[rate] <= row[f"{rate}_high"], rate


def test_a_class_with_few_test_images_is_flagged_small():
    y_true = np.r_[np.zeros(100, int), np.ones(5, int)]
    rows = per_class_disparity(y_true, y_true, ("many", "few"))["per_class"]
    assert (rows["many"]["small"], rows["few"]["small"]) == (False, True)


def test_overall_accuracy_has_a_wilson_interval():
    d = per_class_disparity(np.array([0, 1] * 20), np.array([0, 0] * 20), ("a", "b"))
    assert d["accuracy_low"] < d["accuracy"] == 0.5 < d["accuracy_high"]


def test_the_change_between_two_identical_runs_has_an_interval_around_zero():
    y = np.repeat(np.arange(2), 20)
    low, high = change_interval(y, y, y, 0, "recall")
    assert low < 0.0 < high


def test_a_class_that_loses_every_image_has_a_recall_change_interval_below_zero():
    y = np.repeat(np.arange(2), 20)
    low, high = change_interval(y, np.ones_like(y), y, 0, "recall")
    assert low <= -0.5 and high < 0.0


def test_the_classes_that_absorb_a_cut_class_are_listed_most_first():
    y = np.zeros(6, int)
    absorbers = absorbed_by(y, np.array([1, 2, 2, 2, 0, 0]), y, 0, ("a", "b", "c"))
    assert [(a["class"], a["increase"]) for a in absorbers] == [("c", 3), ("b", 1)]
