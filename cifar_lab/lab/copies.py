"""Student versions of the course notebooks: the reference solutions taken out, nbgrader's way.

The committed notebooks are the instructor's source versions: each exercise's reference solution sits
between `### BEGIN SOLUTION` and `### END SOLUTION` lines in a cell marked as a solution cell in its
nbgrader metadata, so an instructor who uses nbgrader can import them unchanged. A student version
replaces every such region with `# YOUR CODE HERE` (nbgrader would add `raise NotImplementedError()`;
here the exercise's answer variable keeps the `None` it was given before the region, so the notebook
runs to the end and each self-check says "not attempted yet" with its hint).

`write_student_versions` makes a student's working copies: it never overwrites a notebook the student
may have edited. With `refresh=True` it replaces the copies the student has not touched with the current
version, and puts the current version beside any copy they changed (`01_data.updated.ipynb`).

Example:
    >>> print(strip_solutions("answer = None\\n### BEGIN SOLUTION\\nanswer = 42\\n### END SOLUTION\\ncheck(answer)"))
    answer = None
    # YOUR CODE HERE
    check(answer)
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cifar_lab.errors import CifarLabError
from cifar_lab.files import atomic_write_json, atomic_write_text
from cifar_lab.project import notebooks_dir as project_notebooks_dir

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STUB = "# YOUR CODE HERE"
MANIFEST = ".cifar-lab-copies.json"


class SolutionMarkerError(CifarLabError, ValueError):
    """A notebook's solution markers do not pair up: a region is nested, or never closed or opened."""


def strip_solutions(source: str, *, where: str = "a cell") -> str:
    """Return `source` with every solution region replaced by `# YOUR CODE HERE`, at the region's indent.

    Raises:
        SolutionMarkerError: a nested region, an end without a beginning or a beginning without an end.

    Example:
        >>> print(strip_solutions("for x in xs:\\n    ### BEGIN SOLUTION\\n    total += x\\n    ### END SOLUTION"))
        for x in xs:
            # YOUR CODE HERE
    """
    kept, inside = [], False
    for line in source.split("\n"):
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if inside:
                raise SolutionMarkerError(f"{where} opens a solution region inside another; close the first one.")
            inside = True
            kept.append(line[: line.index(BEGIN_SOLUTION)] + STUB)
        elif marker == END_SOLUTION:
            if not inside:
                raise SolutionMarkerError(f"{where} ends a solution region it never began; add {BEGIN_SOLUTION!r}.")
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise SolutionMarkerError(f"{where} begins a solution region it never ends; add {END_SOLUTION!r}.")
    return "\n".join(kept)


def has_solutions(notebook: nbformat.NotebookNode) -> bool:
    """Whether any code cell of `notebook` still holds a solution region (an instructor's source version).

    Example:
        >>> has_solutions(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BEGIN_SOLUTION)]))
        True
    """
    return any(
        BEGIN_SOLUTION in (line.strip() for line in cell.source.split("\n"))
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def student_version(notebook: nbformat.NotebookNode, *, name: str = "the notebook") -> nbformat.NotebookNode:
    """A copy of `notebook` with its solutions stripped and its outputs cleared.

    Example:
        >>> cell = nbformat.v4.new_code_cell(f"a = None\\n{BEGIN_SOLUTION}\\na = 1\\n{END_SOLUTION}")
        >>> student_version(nbformat.v4.new_notebook(cells=[cell])).cells[0].source
        'a = None\\n# YOUR CODE HERE'
    """
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for index, cell in enumerate(copy.cells):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where=f"cell {index + 1} of {name}")
            cell.outputs, cell.execution_count = [], None
    return copy


@dataclass(frozen=True)
class CopyOutcome:
    """What `write_student_versions` did with one notebook: `created`, `kept`, `updated`, `up to date`
    or `new version beside` (the student's edited copy kept, the current version written next to it)."""

    notebook: Path
    action: str


def write_student_versions(
    out_dir: str | os.PathLike[str], notebooks_dir: str | os.PathLike[str] | None = None, *, refresh: bool = False
) -> list[CopyOutcome]:
    """Write the student version of every course notebook into `out_dir`, never overwriting an edited copy.

    Without `refresh`, only notebooks not yet in `out_dir` are written. With it, copies the student has
    not changed since they were written are brought up to date, and for a changed copy the current
    version is written beside it as `<name>.updated.ipynb`.

    Example:
        >>> import tempfile
        >>> outcomes = write_student_versions(tempfile.mkdtemp())
        >>> [outcome.action for outcome in outcomes][:2]
        ['created', 'created']
    """
    out_dir = Path(out_dir)
    manifest_path = out_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    source_dir = Path(notebooks_dir) if notebooks_dir is not None else project_notebooks_dir()
    outcomes = []
    for source in sorted(source_dir.glob("[0-9][0-9]_*.ipynb")):
        text = nbformat.writes(student_version(nbformat.read(source, as_version=4), name=source.name)) + "\n"
        action = _place(out_dir / source.name, text, manifest, refresh)
        if action in ("created", "updated"):
            manifest[source.name] = _digest(text)
        outcomes.append(CopyOutcome(out_dir / source.name, action))
    atomic_write_json(manifest_path, manifest, sort_keys=True)
    return outcomes


def _place(target: Path, text: str, manifest: dict[str, str], refresh: bool) -> str:
    if not target.exists():
        atomic_write_text(target, text)
        return "created"
    current, fresh = _digest(target.read_text(encoding="utf-8")), _digest(text)
    if current == fresh:
        return "up to date"
    if not refresh or manifest.get(target.name) == fresh:
        return "kept"  # the differences are the student's own work
    if manifest.get(target.name) == current:
        atomic_write_text(target, text)  # the student never changed it: nothing of theirs is lost
        return "updated"
    atomic_write_text(target.with_name(f"{target.stem}.updated.ipynb"), text)
    return "new version beside"


def _digest(text: str) -> str:
    # The cells only: JupyterLab rewrites a notebook's metadata (kernel display name, language_info) when it
    # merely opens and saves it, which must not count as the student's edit.
    cells = [(cell.get("cell_type"), cell.get("source")) for cell in json.loads(text).get("cells", [])]
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()
