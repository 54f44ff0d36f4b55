"""Specification of the self-checks the grader runs again: on its own inputs where it has them (3.1's split),
on the notebook's recorded inputs checked against the run (4.1, 4.2, 5.2), or on recorded inputs alone (5.1)."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from cifar_lab.exercises import MIME_TYPE, check_exercise
from cifar_lab.grade.record import _context
from cifar_lab.grade.scoring import ON_RECORD, ON_RUN, RECOMPUTED, score_exercises


def _executed(*bundles: dict) -> nbformat.NotebookNode:
    outputs = [nbformat.v4.new_output("display_data", data={MIME_TYPE: bundle}) for bundle in bundles]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=outputs)])


@pytest.fixture(scope="module")
def grader(tmp_path_factory):
    """The grader's context for a ci-preset run, and a confusion matrix that counts that run's test images."""
    context = _context("ci", tmp_path_factory.mktemp("run"))
    data = context["data"]()
    rng = np.random.default_rng(0)
    predicted = np.where(rng.random(len(data.y_test)) < 0.6, data.y_test, rng.integers(0, 10, len(data.y_test)))
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (data.y_test, predicted), 1)
    return context, confusion


def _verdict(exercise: str, bundle: dict, context: dict) -> dict:
    return score_exercises([exercise], _executed({"exercise": exercise, **bundle}), context)[exercise]


def test_a_forged_recall_is_checked_again_on_the_runs_confusion_matrix(grader):
    context, confusion = grader
    bundle = {"status": "passed", "answer": [1.0] * 10, "inputs": {"confusion": confusion.tolist()}}
    verdict = _verdict("4.1", bundle, context)
    assert (verdict["status"], verdict["how"]) == ("not yet", ON_RUN)


def test_a_right_recall_on_the_runs_confusion_matrix_passes(grader):
    context, confusion = grader
    recall = (np.diag(confusion) / confusion.sum(axis=1)).tolist()
    bundle = {"status": "not yet", "answer": recall, "inputs": {"confusion": confusion.tolist()}}
    assert _verdict("4.1", bundle, context)["status"] == "passed"


def test_a_made_up_confusion_matrix_that_does_not_count_the_test_set_fails(grader):
    context, _ = grader
    bundle = {"status": "passed", "answer": [1.0] * 10, "inputs": {"confusion": np.eye(10, dtype=int).tolist()}}
    verdict = _verdict("4.1", bundle, context)
    assert verdict["status"] == "not yet" and "does not count this run's test images" in verdict["message"]


def test_the_worst_class_is_checked_against_the_datas_class_names(grader):
    context, confusion = grader
    inputs = {"confusion": confusion.tolist(), "class_names": [f"class{i}" for i in range(10)]}
    verdict = _verdict("4.2", {"status": "passed", "answer": ["class0", "class1"], "inputs": inputs}, context)
    assert verdict["status"] == "not yet" and "not the data's" in verdict["message"]


def test_the_leakage_verdict_is_checked_against_the_model_card_the_run_wrote(tmp_path):
    card = {"membership_inference": {"overall": {"loss_threshold": {"auc": 0.62, "auc_low": 0.55, "auc_high": 0.69}}}}
    (tmp_path / "ethics").mkdir()
    (tmp_path / "ethics" / "model_card.json").write_text(json.dumps(card))
    context = _context("ci", tmp_path)
    made_up = {"auc": 0.52, "auc_low": 0.45, "auc_high": 0.59}
    verdict = _verdict("5.2", {"status": "passed", "answer": False, "inputs": {"metrics": made_up}}, context)
    assert verdict["status"] == "not yet" and "model card" in verdict["message"]
    real = card["membership_inference"]["overall"]["loss_threshold"]
    verdict = _verdict("5.2", {"status": "not yet", "answer": True, "inputs": {"metrics": real}}, context)
    assert (verdict["status"], verdict["how"]) == ("passed", ON_RUN)


def test_the_attack_auc_is_recomputed_on_the_recorded_losses(tmp_path):
    losses = {"member_losses": [0.1, 0.2, 0.7], "nonmember_losses": [0.9, 0.2]}
    verdict = _verdict("5.1", {"status": "passed", "answer": 0.25, "inputs": losses}, _context("ci", tmp_path))
    assert (verdict["status"], verdict["how"]) == ("not yet", ON_RECORD)


def test_an_augmentation_is_checked_again_on_the_graders_own_split(grader):
    context, _ = grader
    original = _verdict("3.1", {"status": "passed", "answer": {"augmentation": "original"}}, context)
    gentle = _verdict(
        "3.1",
        {
            "status": "not yet",
            "answer": {
                "augmentation": "original",
                "zoom_range": 0.0,
                "rotation_range": 5.0,
                "width_shift_range": 0.05,
                "height_shift_range": 0.05,
            },
        },
        context,
    )
    assert (original["status"], original["how"]) == ("not yet", RECOMPUTED)
    assert gentle["status"] == "passed"


def test_a_self_check_records_its_plain_data_inputs_and_leaves_out_the_rest():
    feedback = check_exercise("4.2", ("a", "b"), confusion=np.array([[2, 0], [1, 1]]), class_names=["a", "b"])
    assert feedback.to_json()["inputs"] == {"confusion": [[2, 0], [1, 1]], "class_names": ["a", "b"]}
    assert "inputs" not in check_exercise("3.1", {"rotation_range": 500}, comparison=object()).to_json()
