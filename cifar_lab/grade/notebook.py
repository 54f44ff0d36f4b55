"""Reading a submission before anything runs: is it a notebook the grader can run, and is it the student's?

Refused (status `invalid`, nothing executed): a file that is not `.ipynb`, not JSON, not a valid notebook,
without a cell tagged `parameters` (where the grader injects the preset), or an instructor's source
version that still holds the reference solutions (`### BEGIN SOLUTION`).

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.ipynb"
    >>> _ = path.write_text("{not json")
    >>> read_submission(path)
    Traceback (most recent call last):
    ...
    cifar_lab.grade.notebook.InvalidSubmission: s.ipynb is not valid JSON (line 1, column 2): ...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from cifar_lab.errors import CifarLabError
from cifar_lab.lab.copies import BEGIN_SOLUTION

MAX_SUBMISSION_BYTES = 64 * 1024 * 1024


class InvalidSubmission(CifarLabError, ValueError):
    """A submission the grader cannot or must not run; the message says why and what to hand in instead."""


def read_submission(path: str | Path) -> nbformat.NotebookNode:
    """Read and check the notebook at `path`.

    Raises:
        InvalidSubmission: see the module docstring.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "s.txt"
        >>> _ = path.write_text("hello")
        >>> read_submission(path)
        Traceback (most recent call last):
        ...
        cifar_lab.grade.notebook.InvalidSubmission: s.txt is not a notebook (.ipynb): hand in the notebook file ...
    """
    path = Path(path)
    if path.suffix != ".ipynb":
        raise InvalidSubmission(f"{path.name} is not a notebook (.ipynb): hand in the notebook file itself.")
    if path.stat().st_size > MAX_SUBMISSION_BYTES:
        raise InvalidSubmission(
            f"{path.name} is {path.stat().st_size / 2**20:.0f} MiB: clear its outputs and hand it in again."
        )
    try:
        text = path.read_bytes().decode("utf-8")
        json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise InvalidSubmission(
            f"{path.name} is not valid JSON{where}: the file is damaged; save it again in JupyterLab and re-submit."
        ) from None
    try:
        notebook = nbformat.reads(text, as_version=4)  # joins each cell's lines into one source string
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several types for a JSON file that is not a notebook
        reason = str(error).split("\n")[0][:200]
        raise InvalidSubmission(f"{path.name} is JSON but not a Jupyter notebook ({reason}).") from None
    _check_runnable(path.name, notebook)
    return notebook


def _check_runnable(name: str, notebook: nbformat.NotebookNode) -> None:
    code = [(number, cell) for number, cell in enumerate(notebook.cells, 1) if cell.cell_type == "code"]
    if not any("parameters" in cell.get("metadata", {}).get("tags", []) for _, cell in code):
        raise InvalidSubmission(
            f"{name} has no cell tagged `parameters`, where the grader sets the preset: start again from the "
            "student version handed out, which has it (or tag the cell of parameters `parameters`)."
        )
    for number, cell in code:
        if BEGIN_SOLUTION in (line.strip() for line in cell.source.split("\n")):
            raise InvalidSubmission(
                f"{name} is an instructor's source version: cell {number} still holds a reference solution "
                f"({BEGIN_SOLUTION}). Not graded; students hand in the student version (`cifar-lab student`)."
            )


def student_code(notebook: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """The `(cell number, source)` of the cells the student wrote: nbgrader's solution cells when the notebook
    marks any, else every code cell.

    Example:
        >>> cell = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"solution": True}})
        >>> student_code(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("y"), cell]))
        [(2, 'x = 1')]
    """
    code = [(number, cell) for number, cell in enumerate(notebook.cells, 1) if cell.cell_type == "code"]
    marked = [(n, c.source) for n, c in code if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    return marked or [(n, c.source) for n, c in code]


def first_error(notebook: nbformat.NotebookNode) -> dict[str, Any] | None:
    """The first error output of an executed notebook: its cell number, name, value and the cell's first line.

    Example:
        >>> error = nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])
        >>> cell = nbformat.v4.new_code_cell("1 / 0", outputs=[error])
        >>> first_error(nbformat.v4.new_notebook(cells=[cell]))["cell"]
        1
    """
    ours = ("injected-parameters", "papermill-error-cell-tag")  # cells papermill added: not the student's numbering
    cells = [c for c in notebook.cells if not set(ours) & set(c.get("metadata", {}).get("tags", []))]
    for number, cell in enumerate(cells, 1):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                first_line = next((line for line in cell.source.split("\n") if line.strip()), "")
                return {"cell": number, "ename": output.ename, "evalue": output.evalue[:500], "code": first_line[:120]}
    return None
