"""Locked cells: what a student may not change is graded as it was handed out, and the feedback says so.

The course's notebooks mark, in nbgrader's metadata, the cells a student must leave alone
(`"locked": true`: each exercise's self-check call), and every notebook has one cell tagged `parameters`,
where the grader injects the preset. A submission is matched to the course notebook it came from (the
one sharing its nbgrader `grade_id`s), and before it runs, as nbgrader's autograder does:

- a locked cell whose code was edited gets the handed-out code back;
- a locked cell that was deleted is put back after the cell that preceded it;
- the parameters cell gets the handed-out one back.

Each restoration is one note in the student's feedback. A submission that matches no course notebook
(no `grade_id`s the course knows) is run as handed in.

Example:
    >>> check = nbformat.v4.new_code_cell('check_exercise("2.1", x)', metadata={"nbgrader": {"grade_id": "c",
    ...                                   "locked": True}})
    >>> edited = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print("passed")', metadata=check.metadata)])
    >>> restored, notes = restore_locked_cells(edited, nbformat.v4.new_notebook(cells=[check]))
    >>> restored.cells[0].source, notes
    ('check_exercise("2.1", x)', ['cell 1 (`c`), which is locked, was edited: graded with the handed-out code'])
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

PARAMETERS = "parameters"


def _key(cell: nbformat.NotebookNode) -> str | None:
    """What identifies a cell across versions: its nbgrader `grade_id`, or `parameters` for the parameters cell."""
    if PARAMETERS in cell.get("metadata", {}).get("tags", []):
        return PARAMETERS
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or None


def _locked(cell: nbformat.NotebookNode) -> bool:
    return _key(cell) == PARAMETERS or bool(cell.get("metadata", {}).get("nbgrader", {}).get("locked"))


def course_source(
    notebook: nbformat.NotebookNode, notebooks_dir: str | Path | None = None
) -> nbformat.NotebookNode | None:
    """The course notebook `notebook` was handed out from: the one sharing most of its `grade_id`s, or None.

    Example:
        >>> course_source(nbformat.v4.new_notebook()) is None
        True
    """
    from cifar_lab.project import notebooks_dir as course_notebooks

    ids = {_key(cell) for cell in notebook.cells} - {None, PARAMETERS}
    best, shared = None, 0
    for path in sorted(Path(notebooks_dir or course_notebooks()).glob("[0-9][0-9]_*.ipynb")):
        source = nbformat.read(path, as_version=4)
        common = len(ids & {_key(cell) for cell in source.cells})
        if common > shared:
            best, shared = source, common
    return best


def restore_locked_cells(
    notebook: nbformat.NotebookNode, source: nbformat.NotebookNode
) -> tuple[nbformat.NotebookNode, list[str]]:
    """A copy of `notebook` with `source`'s locked cells and parameters cell as handed out, and a note per change.

    Cell numbers in the notes are those of the notebook as graded (after any deleted cell was put back).

    Example:
        >>> params = nbformat.v4.new_code_cell('preset = "ci"', metadata={"tags": ["parameters"]})
        >>> handed_in = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
        >>> restored, notes = restore_locked_cells(handed_in, nbformat.v4.new_notebook(cells=[params]))
        >>> [cell.source for cell in restored.cells], notes
        (['preset = "ci"', 'print(1)'], ['cell 1 (`parameters`), which is locked, was deleted: put back'])
    """
    graded = copy.deepcopy(notebook)
    changes: dict[int, str] = {}  # id() of the cell changed: what happened to it
    position = 0  # where a deleted cell goes back: after the last handed-out cell found so far
    for original in source.cells:
        key = _key(original)
        found = next((cell for cell in graded.cells if key is not None and _key(cell) == key), None)
        if found is not None:
            position = graded.cells.index(found) + 1
            if _locked(original) and found.source != original.source:
                found.source = original.source
                changes[id(found)] = "was edited: graded with the handed-out code"
        elif key is not None and _locked(original):
            cell = copy.deepcopy(original)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            graded.cells.insert(position, cell)
            changes[id(cell)] = "was deleted: put back"
            position += 1
    notes = [
        f"cell {number} (`{_key(cell)}`), which is locked, {changes[id(cell)]}"
        for number, cell in enumerate(graded.cells, 1)
        if id(cell) in changes
    ]
    return graded, notes
