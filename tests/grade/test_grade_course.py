"""End to end: a ci-preset student version of `02_baseline_cnn`, graded with a hidden set, like a class would be."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

from cifar_lab.data import make_synthetic
from cifar_lab.grade import grade_submissions
from cifar_lab.lab import write_student_versions


@pytest.mark.slow
def test_a_student_version_of_02_trains_hands_in_predictions_and_is_scored(tmp_path):
    write_student_versions(tmp_path / "handout")
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(tmp_path / "handout" / "02_baseline_cnn.ipynb", submissions / "student01.ipynb")
    hidden = make_synthetic(n_train=0, n_test=60, seed=7)
    np.savez(tmp_path / "hidden.npz", x=hidden.x_test, y=hidden.y_test)

    result = grade_submissions(
        submissions, tmp_path / "grades", preset="ci", holdout=tmp_path / "hidden.npz", timeout=600, log=None
    )

    row = result.records[0]
    assert row["status"] == "ok", row["message"]
    assert 0.0 <= row["holdout_accuracy"] <= 1.0 and "60 hidden images" in row["holdout_note"]
    assert {e: v["status"] for e, v in row["exercises"].items()} == {
        "2.1": "not attempted yet",
        "2.2": "not attempted yet",
    }
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:6] == ["student", "status", "seconds", "2.1", "2.2", "holdout_accuracy"]
