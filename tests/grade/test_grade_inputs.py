"""Specification of what the grader reads before anything runs: the submissions' layout and the hidden set."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from grade_helpers import write_notebook

from cifar_lab.data import UnsafePickleError
from cifar_lab.errors import MissingFileError
from cifar_lab.grade import HoldoutError, NoSubmissionsError, discover_submissions, load_holdout


def test_a_flat_folder_gives_one_submission_per_file_named_by_student(tmp_path):
    write_notebook(tmp_path / "student02.ipynb")
    write_notebook(tmp_path / "student01.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    assert [(s.student, s.name) for s in discover_submissions(tmp_path)] == [
        ("student01", "student01"),
        ("student02", "student02"),
    ]


def test_nbgraders_submitted_layout_is_found_from_the_course_folder(tmp_path):
    for student in ("ada", "bob"):
        folder = tmp_path / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        write_notebook(folder / "02_baseline_cnn.ipynb")
    found = discover_submissions(tmp_path)
    assert [(s.student, s.assignment, s.name) for s in found] == [("ada", "ps1", "ada"), ("bob", "ps1", "bob")]


def test_several_notebooks_of_one_student_get_distinct_names(tmp_path):
    folder = tmp_path / "submitted" / "ada" / "ps1"
    folder.mkdir(parents=True)
    write_notebook(folder / "01_data.ipynb")
    write_notebook(folder / "02_baseline_cnn.ipynb")
    assert [s.name for s in discover_submissions(tmp_path / "submitted")] == [
        "ada-ps1-01_data",
        "ada-ps1-02_baseline_cnn",
    ]


def test_an_empty_folder_is_an_error_naming_the_layouts(tmp_path):
    with pytest.raises(NoSubmissionsError, match="submitted/<student>/<assignment>"):
        discover_submissions(tmp_path)


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(MissingFileError):
        discover_submissions(tmp_path / "nope")


def test_a_holdout_npz_is_read_with_its_labels(tmp_path):
    x, y = np.zeros((3, 32, 32, 3), np.uint8), np.array([4, 5, 6])
    np.savez(tmp_path / "h.npz", x=x, y=y)
    assert load_holdout(tmp_path / "h.npz").y.tolist() == [4, 5, 6]


def test_a_cifar_batch_file_is_a_holdout_channels_last(tmp_path):
    data = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072) % 251
    (tmp_path / "test_batch").write_bytes(pickle.dumps({b"data": data, b"labels": [1, 2]}, protocol=2))
    holdout = load_holdout(tmp_path / "test_batch")
    assert holdout.x.shape == (2, 32, 32, 3) and holdout.x[0, 0, 0, 1] == data[0, 1024]


def test_a_holdout_without_labels_is_refused(tmp_path):
    np.savez(tmp_path / "h.npz", x=np.zeros((3, 32, 32, 3), np.uint8))
    with pytest.raises(HoldoutError, match="not x and y"):
        load_holdout(tmp_path / "h.npz")


def test_a_pickle_that_runs_code_is_refused_as_a_holdout(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    (tmp_path / "evil").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(UnsafePickleError, match="nothing in it was run"):
        load_holdout(tmp_path / "evil")
