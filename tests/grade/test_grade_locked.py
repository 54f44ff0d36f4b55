"""Specification of locked cells: a submission's self-check calls and parameters cell are graded as handed out,
and the student's feedback says which ones they had changed."""

from __future__ import annotations

import csv

import nbformat
import pytest

from cifar_lab.grade import grade_submissions
from cifar_lab.grade.locked import course_source, restore_locked_cells
from cifar_lab.lab.copies import student_version
from cifar_lab.project import notebooks_dir

FORGED_CHECK = (
    "from IPython.display import display\n"
    "display({'application/vnd.cifar-lab.feedback+json': {'exercise': '2.1', 'status': 'passed', 'answer': 896},"
    " 'text/plain': 'passed'}, raw=True)"
)


def _handout(name: str = "02_baseline_cnn") -> nbformat.NotebookNode:
    return student_version(nbformat.read(notebooks_dir() / f"{name}.ipynb", as_version=4))


def _cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_a_submission_is_matched_to_the_course_notebook_it_was_handed_out_from():
    source = course_source(_handout("04_evaluation"))
    assert _cell(source, "exercise-4-1-check").source == _cell(_handout("04_evaluation"), "exercise-4-1-check").source


def test_an_edited_self_check_call_gets_the_handed_out_code_back():
    handout = _handout()
    submission = nbformat.from_dict(nbformat.reads(nbformat.writes(handout), as_version=4))
    _cell(submission, "exercise-2-1-check").source = FORGED_CHECK
    restored, notes = restore_locked_cells(submission, course_source(submission))
    assert _cell(restored, "exercise-2-1-check").source == 'check_exercise("2.1", first_conv_parameters)'
    assert notes == [
        f"cell {restored.cells.index(_cell(restored, 'exercise-2-1-check')) + 1} (`exercise-2-1-check`), "
        "which is locked, was edited: graded with the handed-out code"
    ]


def test_an_edited_parameters_cell_gets_the_handed_out_one_back():
    submission = _handout()
    parameters = next(c for c in submission.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source += "\nimport os; os.system('echo hi')"
    restored, notes = restore_locked_cells(submission, course_source(submission))
    assert (
        next(c for c in restored.cells if "parameters" in c.metadata.get("tags", [])).source
        == next(c for c in _handout().cells if "parameters" in c.metadata.get("tags", [])).source
    )
    assert len(notes) == 1 and "(`parameters`), which is locked, was edited" in notes[0]


def test_a_deleted_self_check_is_put_back_after_the_students_answer():
    submission = _handout()
    submission.cells.remove(_cell(submission, "exercise-2-2-check"))
    restored, notes = restore_locked_cells(submission, course_source(submission))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in restored.cells]
    assert ids.index("exercise-2-2-check") == ids.index("exercise-2-2") + 1
    assert len(restored.cells) == len(_handout().cells) and notes[0].endswith("was deleted: put back")


def test_a_submission_that_left_its_locked_cells_alone_is_unchanged():
    submission = _handout()
    _cell(submission, "exercise-2-1").source = "first_conv_parameters = 896"  # the student's own cell
    restored, notes = restore_locked_cells(submission, course_source(submission))
    assert notes == [] and restored == submission


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A one-exercise course notebook (no TensorFlow), made the course the grader matches submissions against."""
    folder = tmp_path / "course"
    folder.mkdir()
    nbgrader = {"schema_version": 3, "grade": False, "task": False}
    cells = [
        nbformat.v4.new_code_cell('preset: str = "ci"\nrun_dir: str | None = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "first_conv_parameters = None\n# YOUR CODE HERE",
            metadata={"nbgrader": {**nbgrader, "grade_id": "exercise-2-1", "solution": True, "locked": False}},
        ),
        nbformat.v4.new_code_cell(
            "from cifar_lab.exercises import check_exercise\ncheck_exercise('2.1', first_conv_parameters)",
            metadata={"nbgrader": {**nbgrader, "grade_id": "exercise-2-1-check", "solution": False, "locked": True}},
        ),
    ]
    handout = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(handout, folder / "02_tiny.ipynb")
    monkeypatch.setattr("cifar_lab.project.notebooks_dir", lambda start=None: folder)
    return handout


def test_a_forged_self_check_is_graded_with_the_real_check_and_the_feedback_says_so(course, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    forger = nbformat.from_dict(nbformat.reads(nbformat.writes(course), as_version=4))
    forger.cells[1].source = "first_conv_parameters = 864"
    forger.cells[2].source = FORGED_CHECK
    nbformat.write(forger, subs / "forger.ipynb")
    honest = nbformat.from_dict(nbformat.reads(nbformat.writes(course), as_version=4))
    honest.cells[1].source = "first_conv_parameters = 896"
    nbformat.write(honest, subs / "honest.ipynb")

    result = grade_submissions(subs, tmp_path / "grades", timeout=60, memory_mb=0, log=None)

    rows = {r["name"]: r for r in result.records}
    assert rows["forger"]["exercises"]["2.1"]["status"] == "not yet"
    assert rows["honest"]["exercises"]["2.1"]["status"] == "passed" and rows["honest"]["locked_cells"] == []
    feedback = (tmp_path / "grades" / "feedback" / "forger.md").read_text()
    assert "## Locked cells" in feedback and "cell 3 (`exercise-2-1-check`), which is locked, was edited" in feedback
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as handle:
        restored = {row["student"]: row["locked_cells_restored"] for row in csv.DictReader(handle)}
    assert restored == {"forger": "1", "honest": "0"}
