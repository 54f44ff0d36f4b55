"""Membership-inference metrics (cifar_lab.ethics.privacy) on score sets whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.metrics import roc_curve as sklearn_roc_curve

from cifar_lab.ethics.membership import membership_inference
from cifar_lab.ethics.privacy import (
    attack_metrics,
    attacker_advantage,
    average_ranks,
    balanced_indices,
    logit_score,
    loss_score,
    roc_auc,
    roc_curve,
    tpr_at_fpr,
)


def labelled(members: np.ndarray, nonmembers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.r_[np.ones(len(members)), np.zeros(len(nonmembers))], np.r_[members, nonmembers]


def test_average_ranks_match_scipy_with_ties():
    values = np.random.default_rng(0).integers(0, 6, size=200).astype(float)
    np.testing.assert_allclose(average_ranks(values), rankdata(values, method="average"))


def test_auc_is_one_when_every_member_scores_higher():
    assert roc_auc(np.array([5.0, 6.0, 7.0]), np.array([1.0, 2.0])) == 1.0


def test_auc_is_zero_when_every_member_scores_lower():
    assert roc_auc(np.array([1.0, 2.0]), np.array([5.0, 6.0, 7.0])) == 0.0


def test_auc_is_one_half_when_all_scores_tie():
    assert roc_auc(np.full(7, 0.3), np.full(4, 0.3)) == 0.5


def test_auc_is_near_one_half_for_identical_distributions():
    rng = np.random.default_rng(1)
    assert abs(roc_auc(rng.normal(size=5000), rng.normal(size=5000)) - 0.5) < 0.03


def test_auc_counts_a_tie_as_one_half_in_a_hand_computed_case():
    # pairs (member, non-member): (.9,.1) 1, (.9,.8) 1, (.8,.1) 1, (.8,.8) 1/2, (.3,.1) 1, (.3,.8) 0 -> 4.5/6
    assert roc_auc(np.array([0.9, 0.8, 0.3]), np.array([0.1, 0.8])) == pytest.approx(0.75)


def test_auc_matches_sklearn_on_tied_scores():
    rng = np.random.default_rng(2)
    members, nonmembers = rng.integers(0, 8, 300).astype(float) + 0.5, rng.integers(0, 8, 200).astype(float)
    assert roc_auc(members, nonmembers) == pytest.approx(roc_auc_score(*labelled(members, nonmembers)))


def test_roc_curve_matches_sklearn_without_dropped_points():
    rng = np.random.default_rng(3)
    members, nonmembers = rng.integers(0, 10, 80).astype(float), rng.integers(0, 10, 50).astype(float)
    fpr, tpr, _ = roc_curve(members, nonmembers)
    expected_fpr, expected_tpr, _ = sklearn_roc_curve(*labelled(members, nonmembers), drop_intermediate=False)
    np.testing.assert_allclose(fpr, expected_fpr)
    np.testing.assert_allclose(tpr, expected_tpr)


def test_advantage_is_one_for_a_perfect_attack_and_zero_for_identical_scores():
    assert attacker_advantage(np.array([2.0, 3.0]), np.array([0.0, 1.0])) == 1.0
    assert attacker_advantage(np.full(5, 1.0), np.full(5, 1.0)) == 0.0


def test_advantage_in_a_hand_computed_case():
    # thresholds: .9 -> (tpr .5, fpr 0), .5 -> (.5, .5), .4 -> (1, .5): max |tpr - fpr| = 0.5
    assert attacker_advantage(np.array([0.9, 0.4]), np.array([0.5, 0.1])) == 0.5


def test_advantage_counts_an_attack_that_works_upside_down():
    assert attacker_advantage(np.array([0.0, 1.0]), np.array([2.0, 3.0])) == 1.0


def test_tpr_at_fpr_in_a_hand_computed_case():
    members, nonmembers = np.array([0.9, 0.8, 0.3]), np.array([0.85, 0.1])
    # thresholds: .9 -> (tpr 1/3, fpr 0), .85 -> (1/3, 1/2), .8 -> (2/3, 1/2), .3 -> (1, 1/2), .1 -> (1, 1)
    assert tpr_at_fpr(members, nonmembers, 0.0) == pytest.approx(1 / 3)
    assert tpr_at_fpr(members, nonmembers, 0.49) == pytest.approx(1 / 3)
    assert tpr_at_fpr(members, nonmembers, 0.5) == 1.0


def test_tpr_at_one_percent_fpr_allows_exactly_one_false_positive_in_a_hundred():
    nonmembers = np.arange(100, dtype=float)  # the highest non-member scores 99
    members = np.array([99.5, 98.5, 97.5, 10.0])  # 99.5 beats all; 98.5 needs fpr 1/100; 97.5 needs 2/100
    assert tpr_at_fpr(members, nonmembers, 0.01) == 0.5
    assert tpr_at_fpr(members, nonmembers, 0.001) == 0.25


def test_tpr_at_fpr_rejects_a_rate_given_in_percent():
    with pytest.raises(ValueError, match="0.01 for 1%"):
        tpr_at_fpr(np.array([1.0]), np.array([0.0]), 1.5)


def test_metrics_reject_an_empty_group_and_say_what_to_pass():
    with pytest.raises(ValueError, match="non-empty"):
        attack_metrics(np.array([]), np.array([1.0]))


def test_metrics_reject_non_finite_scores():
    with pytest.raises(ValueError, match="NaN or infinity"):
        roc_auc(np.array([np.nan, 1.0]), np.array([0.0]))


def test_loss_score_is_minus_the_cross_entropy_of_each_image():
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    labels = np.array([0, 1])
    expected = [-log_loss([label], [row], labels=[0, 1, 2]) for label, row in zip(labels, proba)]
    np.testing.assert_allclose(loss_score(proba, labels), expected)


def test_logit_score_is_log_odds_of_the_true_class():
    np.testing.assert_allclose(logit_score(np.array([[0.2, 0.5, 0.3]]), np.array([1])), [np.log(0.5 / 0.5)])
    np.testing.assert_allclose(logit_score(np.array([[0.9, 0.05, 0.05]]), np.array([0])), [np.log(0.9 / 0.1)])


def test_scores_stay_finite_when_the_model_outputs_exact_zeros_and_ones():
    proba, labels = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    for score in (loss_score, logit_score):
        assert np.all(np.isfinite(score(proba, labels)))


def test_balanced_indices_are_equal_sized_distinct_and_seeded():
    members, nonmembers = balanced_indices(500, 120, seed=4)
    assert len(members) == len(nonmembers) == 120
    assert len(np.unique(members)) == 120 and members.max() < 500
    again = balanced_indices(500, 120, seed=4)
    assert np.array_equal(members, again[0]) and np.array_equal(nonmembers, again[1])


def test_balanced_indices_respect_the_cap():
    members, nonmembers = balanced_indices(500, 400, max_per_side=50, seed=0)
    assert len(members) == len(nonmembers) == 50


def test_membership_inference_reports_overall_per_class_and_by_correctness():
    rng = np.random.default_rng(5)
    labels = np.repeat(np.arange(3), 40)

    # Members get their true class with probability 0.9, non-members a flatter 0.5: a clear signal.
    def proba(confidence: float) -> np.ndarray:
        p = np.full((labels.size, 3), (1 - confidence) / 2)
        p[np.arange(labels.size), labels] = confidence
        return p + rng.uniform(0, 1e-3, p.shape)

    result = membership_inference(proba(0.9), labels, proba(0.5), labels, class_names=("a", "b", "c"))
    assert set(result["overall"]) == {"loss_threshold"}
    assert result["overall"]["loss_threshold"]["auc"] == 1.0
    assert set(result["per_class"]) == {"a", "b", "c"}
    assert result["per_class"]["b"]["loss_threshold"]["n_members"] == 40
    assert set(result["by_correctness"]) == {"correct"}  # nobody is misclassified: that group is left out
    assert result["train_accuracy"] == result["heldout_accuracy"] == 1.0


def test_membership_inference_adds_offline_lira_when_given_its_scores():
    labels = np.repeat(np.arange(2), 50)
    proba = np.full((100, 2), 0.5)
    lira = (np.linspace(1, 2, 100), np.linspace(0, 1, 100) - 0.5)
    result = membership_inference(proba, labels, proba, labels, lira_scores=lira)
    assert result["overall"]["offline_lira"]["auc"] == roc_auc(*lira)
    assert result["overall"]["loss_threshold"]["auc"] == 0.5


def test_metrics_auc_from_the_curve_matches_sklearn_on_tied_scores():
    rng = np.random.default_rng(6)
    members, nonmembers = rng.integers(0, 5, 150).astype(float) + 0.5, rng.integers(0, 6, 120).astype(float)
    assert attack_metrics(members, nonmembers)["auc"] == pytest.approx(roc_auc_score(*labelled(members, nonmembers)))


def test_auc_interval_agrees_with_the_hanley_mcneil_standard_error():
    rng = np.random.default_rng(7)
    members, nonmembers = rng.normal(0.5, 1, 1000), rng.normal(0, 1, 1000)
    metrics = attack_metrics(members, nonmembers)
    auc, n = metrics["auc"], 1000
    # Hanley & McNeil (1982), equal group sizes: the analytic standard error of an AUC.
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    se = np.sqrt((auc * (1 - auc) + (n - 1) * (q1 - auc**2) + (n - 1) * (q2 - auc**2)) / n**2)
    assert metrics["auc_low"] < auc < metrics["auc_high"]
    assert metrics["auc_high"] - metrics["auc_low"] == pytest.approx(2 * 1.96 * se, rel=0.15)


def test_an_auc_interval_covers_one_half_when_members_and_non_members_are_alike():
    rng = np.random.default_rng(8)
    metrics = attack_metrics(rng.normal(size=200), rng.normal(size=200))
    assert metrics["auc_low"] < 0.5 < metrics["auc_high"]


def test_tpr_at_a_rate_the_non_members_cannot_resolve_is_not_reported():
    rng = np.random.default_rng(9)
    metrics = attack_metrics(rng.normal(1, 1, 999), rng.normal(0, 1, 999))
    assert metrics["tpr_at_0.01_fpr"] is not None and metrics["tpr_at_0.001_fpr"] is None
    members, nonmembers = rng.normal(1, 1, 1000), rng.normal(0, 1, 1000)
    assert attack_metrics(members, nonmembers)["tpr_at_0.001_fpr"] == tpr_at_fpr(members, nonmembers, 0.001)


def test_a_group_smaller_than_thirty_per_side_is_flagged_small():
    assert attack_metrics(np.arange(29.0), np.arange(100.0))["small"]
    assert not attack_metrics(np.arange(30.0), np.arange(30.0))["small"]
