"""The card's privacy sentences follow the figures and their intervals (cifar_lab.ethics.card_privacy)."""

from __future__ import annotations

import numpy as np

from cifar_lab.ethics.card_privacy import canary_statement, membership_section, membership_statement
from cifar_lab.ethics.privacy import attack_metrics

rng = np.random.default_rng(0)
SAME = rng.normal(0, 1, 150)
ALIKE = attack_metrics(SAME, SAME)
APART = attack_metrics(rng.normal(1, 1, 150), rng.normal(0, 1, 150))


def mia(overall: dict, reference_models: int = 4) -> dict:
    return {
        "overall": overall,
        "per_class": {"cat": overall},
        "by_correctness": {"misclassified": {k: attack_metrics(np.arange(3.0), np.arange(5.0)) for k in overall}},
        "train_accuracy": 0.9,
        "heldout_accuracy": 0.5,
        "n_per_side": 150,
        "reference_models": reference_models,
    }


def test_an_auc_interval_covering_one_half_reads_no_leakage_detectable():
    assert ALIKE["auc_low"] < 0.5 < ALIKE["auc_high"]
    text = membership_statement(mia({"loss_threshold": ALIKE, "offline_lira": ALIKE}))
    assert "No leakage is detectable at this sample size" in text and "tells members" not in text


def test_an_auc_interval_above_one_half_reads_as_leakage():
    text = membership_statement(mia({"loss_threshold": ALIKE, "offline_lira": APART}))
    assert "The offline LiRA attack tells members from non-members" in text


def test_without_reference_models_the_card_says_lira_was_not_run():
    assert membership_statement(mia({"loss_threshold": APART}, 0)).startswith("Offline LiRA was not run")


def test_the_single_threshold_attack_appears_once_as_the_loss_threshold():
    table = "\n".join(membership_section(mia({"loss_threshold": APART, "offline_lira": APART}), "roc.png")[:8])
    assert table.count("| loss threshold |") == 1
    assert "confidence" not in table and "logit |" not in table


def test_a_tpr_at_an_fpr_the_non_members_cannot_resolve_is_not_printed_as_one():
    lines = membership_section(mia({"loss_threshold": APART}), "roc.png")
    row = next(line for line in "\n".join(lines).splitlines() if line.startswith("| loss threshold |"))
    assert "needs more non-members" in row  # TPR at 0.1% FPR with 150 non-members


def test_a_misclassified_group_of_three_members_is_flagged_small():
    text = "\n".join(membership_section(mia({"loss_threshold": APART}), "roc.png"))
    assert "small group (under 30 a side)" in text


def test_canaries_without_a_detectable_difference_do_not_read_as_memorisation():
    c = {"auc": 0.47, "auc_low": 0.3, "auc_high": 0.64, "n_in": 10, "n_out": 10, "share_in_at_cap": 0.0}
    assert canary_statement({**c, "max_exposure": 3.46}).startswith("No memorisation is detectable with 20 canaries")


def test_canaries_at_exposures_cap_are_said_to_have_saturated_the_measurement():
    c = {"auc": 0.9, "auc_low": 0.8, "auc_high": 0.97, "n_in": 50, "n_out": 50, "share_in_at_cap": 0.5}
    text = canary_statement({**c, "max_exposure": 5.67})
    assert "it has memorised" in text and "saturated" in text
