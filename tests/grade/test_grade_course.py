"""End to end: a ci-preset student version of `02_baseline_cnn`, graded with a hidden set, like a class would be."""

from __future__ import annotations

import csv
import shutil

import nbformat
import numpy as np
import pytest

from cifar_lab.data import make_synthetic
from cifar_lab.grade import grade_submissions
from cifar_lab.grade.scoring import ON_RUN
from cifar_lab.lab import write_student_versions
from cifar_lab.lab.copies import BEGIN_SOLUTION as BEGIN
from cifar_lab.lab.copies import END_SOLUTION as END
from cifar_lab.project import notebooks_dir


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


@pytest.mark.slow
def test_the_reference_solutions_of_04_pass_the_graders_checks_on_the_runs_inputs(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    solved = nbformat.read(notebooks_dir() / "04_evaluation.ipynb", as_version=4)
    for cell in solved.cells:  # a student who wrote the reference solutions: markers gone, code kept
        cell.source = "\n".join(line for line in cell.source.split("\n") if line.strip() not in (BEGIN, END))
    nbformat.write(solved, submissions / "student01.ipynb")

    row = grade_submissions(submissions, tmp_path / "grades", preset="ci", timeout=600, log=None).records[0]

    assert row["status"] == "ok", row["message"]
    assert {e: (v["status"], v["how"]) for e, v in row["exercises"].items()} == {
        "4.1": ("passed", ON_RUN),
        "4.2": ("passed", ON_RUN),
    }
