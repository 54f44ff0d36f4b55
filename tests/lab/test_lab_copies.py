"""Specification of cifar_lab.lab.copies: student versions without solutions, working copies never overwritten."""

from __future__ import annotations

import json

import nbformat
import pytest

from cifar_lab.lab import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    SolutionMarkerError,
    has_solutions,
    strip_solutions,
    student_version,
    write_student_versions,
)

SOLVED = f"answer = None\n{BEGIN_SOLUTION}\nanswer = 42\n{END_SOLUTION}\ncheck(answer)"


def course(tmp_path, text=SOLVED):
    folder = tmp_path / "source"
    folder.mkdir(exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])
    nbformat.write(notebook, folder / "01_demo.ipynb")
    return folder


def test_a_solution_region_becomes_the_stub_and_the_rest_stays():
    assert strip_solutions(SOLVED) == "answer = None\n# YOUR CODE HERE\ncheck(answer)"


def test_the_stub_keeps_the_regions_indentation_as_nbgrader_does():
    source = f"if True:\n    {BEGIN_SOLUTION}\n    x = 1\n    {END_SOLUTION}"
    assert strip_solutions(source) == "if True:\n    # YOUR CODE HERE"


@pytest.mark.parametrize(
    "source",
    [f"{BEGIN_SOLUTION}\n{BEGIN_SOLUTION}\n{END_SOLUTION}", f"x\n{END_SOLUTION}", f"{BEGIN_SOLUTION}\nx = 1"],
    ids=["nested", "end-without-begin", "begin-without-end"],
)
def test_unpaired_markers_are_refused_naming_the_cell(source):
    with pytest.raises(SolutionMarkerError, match="cell 3 of x.ipynb"):
        strip_solutions(source, where="cell 3 of x.ipynb")


def test_the_course_notebooks_all_have_solutions_and_their_student_versions_none():
    from cifar_lab.project import notebooks_dir

    for path in sorted(notebooks_dir().glob("0*.ipynb")):
        source = nbformat.read(path, as_version=4)
        student = student_version(source, name=path.name)
        assert has_solutions(source), f"{path.name} has no exercise with a reference solution"
        assert not has_solutions(student)
        assert "### BEGIN SOLUTION" not in json.dumps(student) and "### END SOLUTION" not in json.dumps(student)


def test_solution_cells_carry_nbgrader_metadata_so_nbgrader_can_import_the_notebooks():
    from cifar_lab.project import notebooks_dir

    for path in sorted(notebooks_dir().glob("0*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if BEGIN_SOLUTION in cell.source:
                meta = cell.metadata.get("nbgrader", {})
                assert meta.get("solution") is True and meta.get("grade_id") and meta.get("schema_version") == 3


def test_working_copies_are_created_once_and_never_overwritten(tmp_path):
    source = course(tmp_path)
    out = tmp_path / "mine"
    assert [o.action for o in write_student_versions(out, source)] == ["created"]
    edited = (out / "01_demo.ipynb").read_text().replace("# YOUR CODE HERE", "answer = 41")
    (out / "01_demo.ipynb").write_text(edited)
    course(tmp_path, SOLVED.replace("check(answer)", "check(answer, strict=True)"))
    assert [o.action for o in write_student_versions(out, source)] == ["kept"]
    assert (out / "01_demo.ipynb").read_text() == edited


def test_refresh_updates_untouched_copies(tmp_path):
    source = course(tmp_path)
    out = tmp_path / "mine"
    write_student_versions(out, source)
    course(tmp_path, SOLVED.replace("check(answer)", "check(answer, strict=True)"))
    assert [o.action for o in write_student_versions(out, source, refresh=True)] == ["updated"]
    assert "strict=True" in (out / "01_demo.ipynb").read_text()


def test_refresh_puts_the_new_version_beside_an_edited_copy(tmp_path):
    source = course(tmp_path)
    out = tmp_path / "mine"
    write_student_versions(out, source)
    edited = (out / "01_demo.ipynb").read_text().replace("# YOUR CODE HERE", "answer = 41")
    (out / "01_demo.ipynb").write_text(edited)
    course(tmp_path, SOLVED.replace("check(answer)", "check(answer, strict=True)"))
    assert [o.action for o in write_student_versions(out, source, refresh=True)] == ["new version beside"]
    assert (out / "01_demo.ipynb").read_text() == edited
    assert "strict=True" in (out / "01_demo.updated.ipynb").read_text()


def test_refresh_of_an_edited_copy_when_the_course_did_not_change_keeps_it_alone(tmp_path):
    source = course(tmp_path)
    out = tmp_path / "mine"
    write_student_versions(out, source)
    (out / "01_demo.ipynb").write_text((out / "01_demo.ipynb").read_text().replace("# YOUR CODE HERE", "answer = 1"))
    assert [o.action for o in write_student_versions(out, source, refresh=True)] == ["kept"]
    assert not (out / "01_demo.updated.ipynb").exists()


def test_student_versions_carry_no_outputs(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", text="1")]
    notebook.cells[0].execution_count = 3
    cell = student_version(notebook).cells[0]
    assert cell.outputs == [] and cell.execution_count is None


def test_a_copy_only_opened_and_saved_by_jupyterlab_counts_as_unedited(tmp_path):
    source = course(tmp_path)
    out = tmp_path / "mine"
    write_student_versions(out, source)
    opened = nbformat.read(out / "01_demo.ipynb", as_version=4)
    opened.metadata["kernelspec"] = {"name": "cifar-lab", "display_name": "cifar-lab (Python 3.11)"}
    opened.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(opened, out / "01_demo.ipynb")
    course(tmp_path, SOLVED.replace("check(answer)", "check(answer, strict=True)"))
    assert [o.action for o in write_student_versions(out, source, refresh=True)] == ["updated"]
