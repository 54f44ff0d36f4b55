"""The sampling-bias experiment (cifar_lab.ethics.sampling_bias): its data surgery, and one small real run."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.data import make_synthetic
from cifar_lab.ethics.card import format_number, render_markdown, rounded
from cifar_lab.ethics.privacy import attack_metrics
from cifar_lab.ethics.sampling_bias import (
    balancing_class_weights,
    oversample_class,
    sampling_bias_experiment,
    undersample_class,
)


def labelled(n_per_class: int = 50) -> tuple[np.ndarray, np.ndarray]:
    y = np.repeat(np.arange(4), n_per_class)
    return np.arange(y.size).reshape(-1, 1, 1, 1).astype(np.uint8), y


def test_undersampling_keeps_the_fraction_of_one_class_and_all_others():
    x, y = labelled()
    x_cut, y_cut = undersample_class(x, y, 2, 0.1, seed=0)
    assert np.bincount(y_cut).tolist() == [50, 50, 5, 50]
    assert set(x_cut[y_cut == 2].ravel()) <= set(x[y == 2].ravel())


def test_undersampling_keeps_at_least_one_image():
    x, y = labelled(5)
    assert np.bincount(undersample_class(x, y, 0, 0.01)[1]).tolist() == [1, 5, 5, 5]


def test_undersampling_rejects_a_fraction_outside_zero_to_one():
    x, y = labelled()
    with pytest.raises(ValueError, match="0.1 to keep 10%"):
        undersample_class(x, y, 0, 10)


def test_class_weights_are_one_over_the_relative_frequency():
    assert balancing_class_weights(np.array([0] * 50 + [1] * 5 + [2] * 25), 3) == {0: 1.0, 1: 10.0, 2: 2.0}


def test_oversampling_restores_the_class_count_from_its_own_images():
    x, y = labelled()
    x_cut, y_cut = undersample_class(x, y, 1, 0.1, seed=0)
    x_over, y_over = oversample_class(x_cut, y_cut, 1, 50, seed=0)
    assert np.bincount(y_over).tolist() == [50, 50, 50, 50]
    assert set(x_over[y_over == 1].ravel()) == set(x_cut[y_cut == 1].ravel())


def test_unknown_class_and_mitigation_are_rejected_before_any_training():
    data = make_synthetic(20, 10)
    with pytest.raises(ValueError, match="Valid classes: airplane"):
        sampling_bias_experiment(data, cut_class="cats")
    with pytest.raises(ValueError, match="class_weight, oversample"):
        sampling_bias_experiment(data, mitigation="smote")


@pytest.mark.slow
def test_a_small_experiment_reports_three_runs_and_renders_on_the_card():
    # Oversampling differs only in the data it trains on, tested above; one run keeps CI fast.
    data = make_synthetic(300, 100, seed=0)
    result = sampling_bias_experiment(data, cut_class="cat", fraction=0.1, epochs=1, batch_size=64)
    assert set(result["runs"]) == {"baseline", "cut", "mitigated"}
    assert result["n_cut_class_kept"] == round(0.1 * result["n_cut_class_images"])
    assert result["recall_change"] == result["runs"]["cut"]["recall"] - result["runs"]["baseline"]["recall"]
    assert all(entry["increase"] > 0 and entry["class"] != "cat" for entry in result["absorbed_by"])
    section = render_markdown(_card_with(rounded(result))).split("### Sampling-bias experiment")[1]
    assert format_number(rounded(result)["accuracy_change"]) in section and "class_weight" in section


def _card_with(sampling_bias: dict) -> dict:
    """The smallest card render_markdown accepts, with a sampling-bias result in it."""
    per_class = {
        "recall": 0.5,
        "recall_low": 0.1,
        "recall_high": 0.9,
        "precision": 0.5,
        "f1": 0.5,
        "fpr": 0.1,
        "fnr": 0.5,
        "support": 4,
    }
    attack = attack_metrics(np.arange(4.0), np.arange(4.0))
    return {
        "cifar_lab_version": "0",
        "created": "now",
        "synthetic_data": True,
        "data": {
            "source": "synthetic",
            "synthetic": True,
            "warning": None,
            "n_train": 4,
            "train_per_class_min": 4,
            "train_per_class_max": 4,
            "n_test": 4,
            "class_names": ["a"],
        },
        "model_details": {"name": "m", "n_parameters": 1, "framework": "keras"},
        "parameters": {},
        "per_class": {
            "per_class": {"a": per_class},
            "accuracy": 0.5,
            "worst_class": "a",
            "best_class": "a",
            "recall_gap": 0.0,
            "recall_gap_low": 0.0,
            "recall_gap_high": 0.0,
            "gap_within_noise": True,
            "recall_ratio": 1.0,
            "classes_below_accuracy": [],
            "top_confusions": [],
            "statement": "",
        },
        "brightness_analogue": {
            "groups": {},
            "accuracy_gap": 0.0,
            "accuracy_gap_low": 0.0,
            "accuracy_gap_high": 0.0,
            "gap_within_noise": True,
            "best_group": "dark",
            "worst_group": "dark",
            "equalized_odds_difference": 0.0,
            "equalized_odds_class": "a",
            "equalized_odds_rate": "tpr",
            "equalized_odds_noise_95": 0.0,
            "equalized_odds_within_noise": True,
            "statement": "",
        },
        "membership_inference": {
            "overall": {"loss_threshold": attack},
            "per_class": {"a": {"loss_threshold": attack}},
            "by_correctness": {"correct": {"loss_threshold": attack}},
            "train_accuracy": 0.5,
            "heldout_accuracy": 0.5,
            "n_per_side": 4,
            "reference_models": 0,
        },
        "calibration": {"ece": 0.0, "n_bins": 15, "mean_confidence": 0.5, "accuracy": 0.5, "bins": []},
        "canaries": None,
        "sampling_bias": sampling_bias,
        "figures": {"per_class_recall": "r.png", "attack_roc": "a.png", "reliability": "c.png"},
    }
