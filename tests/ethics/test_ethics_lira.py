"""Offline LiRA (cifar_lab.ethics.lira) on simulated scores whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.ethics.lira import offline_lira_scores, reference_splits
from cifar_lab.ethics.privacy import attack_metrics


def test_every_image_is_left_out_of_half_the_reference_models():
    included = reference_splits(1000, 4, seed=0)
    assert included.shape == (4, 1000)
    assert set(included.sum(axis=0)) == {2}


def test_reference_splits_are_seeded():
    assert np.array_equal(reference_splits(50, 4, seed=3), reference_splits(50, 4, seed=3))
    assert not np.array_equal(reference_splits(50, 4, seed=3), reference_splits(50, 4, seed=4))


def test_one_reference_model_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="reference_models=0 to skip LiRA"):
        reference_splits(10, 1)


def test_the_score_is_the_distance_from_the_out_mean_in_pooled_standard_deviations():
    included = np.array([[True, False], [False, True], [False, False], [False, False]])
    reference = np.array([[9.0, 1.0], [1.0, 9.0], [3.0, 2.0], [5.0, 3.0]])
    # OUT scores: image 0 -> 1, 3, 5 (mean 3); image 1 -> 1, 2, 3 (mean 2); pooled sd sqrt((8 + 2) / 4)
    expected = (np.array([4.0, 4.0]) - np.array([3.0, 2.0])) / np.sqrt(10 / 4)
    np.testing.assert_allclose(offline_lira_scores(np.array([4.0, 4.0]), reference, included), expected)


def test_with_many_reference_models_each_image_gets_its_own_standard_deviation():
    rng = np.random.default_rng(0)
    included = np.zeros((64, 2), dtype=bool)
    reference = np.c_[rng.normal(0, 1, 64), rng.normal(0, 4, 64)]
    scores = offline_lira_scores(np.array([1.0, 1.0]), reference, included)
    expected = (1.0 - reference.mean(axis=0)) / reference.std(axis=0, ddof=1)
    np.testing.assert_allclose(scores, expected)


def test_an_image_in_every_reference_model_is_refused():
    with pytest.raises(ValueError, match="OUT of at least one model"):
        offline_lira_scores(np.array([1.0]), np.array([[1.0]]), np.array([[True]]))


def test_lira_finds_members_among_images_of_unequal_difficulty_where_a_global_threshold_cannot():
    # Each image has its own difficulty; training on it raises its score by 1. A global threshold sees
    # mostly the difficulty, the per-image test sees the rise.
    rng = np.random.default_rng(1)
    n, models = 2000, 8
    difficulty = rng.normal(0, 3, n)
    is_member = np.arange(n) < n // 2
    included = reference_splits(n, models, seed=2)
    reference = difficulty + included * 1.0 + rng.normal(0, 0.3, (models, n))
    target = difficulty + is_member * 1.0 + rng.normal(0, 0.3, n)
    lira = offline_lira_scores(target, reference, included)
    with_lira = attack_metrics(lira[is_member], lira[~is_member])
    global_threshold = attack_metrics(target[is_member], target[~is_member])
    assert with_lira["tpr_at_0.01_fpr_low"] > 4 * global_threshold["tpr_at_0.01_fpr_high"]
    assert with_lira["auc_low"] > global_threshold["auc_high"]
