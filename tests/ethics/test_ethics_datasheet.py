"""Specification of the datasheet: near-duplicates between training and test, label errors, provenance."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.data import make_synthetic
from cifar_lab.errors import UsageError
from cifar_lab.ethics.card_data import datasheet_section
from cifar_lab.ethics.datasheet import datasheet, label_issues, near_duplicates, provenance

RNG = np.random.default_rng(0)
TRAIN = RNG.integers(0, 256, (30, 32, 32, 3), dtype=np.uint8)
OTHERS = RNG.integers(0, 256, (5, 32, 32, 3), dtype=np.uint8)


def test_an_exact_copy_of_a_training_image_is_a_near_duplicate():
    pairs = near_duplicates(TRAIN, np.concatenate([OTHERS, TRAIN[7:8]]))["pairs"]
    assert [(p["test"], p["train"]) for p in pairs] == [(5, 7)]


def test_a_darker_lower_contrast_copy_is_still_a_near_duplicate():
    copy = (TRAIN[3:4].astype(np.float64) * 0.6 + 10).astype(np.uint8)
    assert near_duplicates(TRAIN, copy)["n_test_with_duplicate"] == 1


def test_unrelated_images_are_not_near_duplicates():
    assert near_duplicates(TRAIN, OTHERS)["pairs"] == []


def test_a_threshold_outside_zero_to_one_is_refused_with_the_fix():
    with pytest.raises(UsageError, match="0.955"):
        near_duplicates(TRAIN, OTHERS, threshold=1.5)


def test_a_flipped_label_is_a_candidate_label_error():
    labels = np.tile(np.arange(3), 20)
    proba = np.full((60, 3), 0.05)
    proba[np.arange(60), labels] = 0.9
    flipped = labels.copy()
    flipped[11] = (labels[11] + 1) % 3
    assert label_issues(flipped, proba)["indices"] == [11]


def test_provenance_counts_only_the_members_of_each_class():
    data = make_synthetic(n_train=40, n_test=10)
    counts = provenance(data, np.flatnonzero(data.y_train == 0))["train_per_class"]
    assert (
        counts[data.class_names[0]] == np.sum(data.y_train == 0) and sum(counts.values()) == counts[data.class_names[0]]
    )


def test_near_duplicate_pairs_name_positions_in_the_whole_training_set():
    data = make_synthetic(n_train=40, n_test=10)
    data.x_test[0] = data.x_train[25]
    sheet = datasheet(data, np.arange(20, 40))
    assert (sheet["near_duplicates"]["pairs"][0]["test"], sheet["near_duplicates"]["pairs"][0]["train"]) == (0, 25)


def _sheet_with_issues(out_of_sample_accuracy: float) -> dict:
    data = make_synthetic(n_train=40, n_test=10)
    sheet = datasheet(data, np.arange(40))
    sheet["label_issues"] = {"n_issues": 3, "share": 0.06, "out_of_sample_accuracy": out_of_sample_accuracy}
    sheet["label_issues"]["where"] = [{"split": "train", "index": 4}]
    return sheet


def test_the_card_says_weak_reference_models_cannot_judge_labels():
    text = " ".join(datasheet_section(_sheet_with_issues(0.4)))
    assert "too weak to judge labels" in text


def test_the_card_lists_label_error_candidates_from_accurate_models_as_candidates():
    text = " ".join(datasheet_section(_sheet_with_issues(0.95)))
    assert "too weak" not in text and "train 4" in text
