"""Finding a class's submissions: a folder of `<student>.ipynb`, or nbgrader's `submitted/` layout.

    SUBMISSIONS/student01.ipynb              one notebook per student, named by student
    SUBMISSIONS/submitted/<student>/<assignment>/<notebook>.ipynb     nbgrader (SUBMISSIONS may
                                                                      also be the submitted/ folder)

Every other file in a flat folder is a submission too, so a student who handed in a `.txt` or a
`.zip` gets the status `invalid` and a message, instead of vanishing from the gradebook.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "student01.ipynb").write_text("{}")
    >>> [(s.student, s.name) for s in discover_submissions(root)]
    [('student01', 'student01')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cifar_lab.errors import MissingFileError, UsageError

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class NoSubmissionsError(UsageError):
    """The submissions folder holds nothing to grade."""


@dataclass(frozen=True)
class Submission:
    """One notebook to grade: whose, for which assignment (nbgrader only), where.

    `name` is the row's key and the name of its files in the output folder: the student, or
    `student-assignment-notebook` when a student has several notebooks.
    """

    student: str
    path: Path
    assignment: str = ""
    name: str = ""


def safe_name(text: str) -> str:
    """`text` made safe as a file name (letters, digits, `_`, `.`, `-`; at most 60 characters).

    Example:
        >>> safe_name("../Jane Doe")
        'Jane_Doe'
    """
    return _UNSAFE.sub("_", text).strip("._")[:60] or "unnamed"


def discover_submissions(root: str | Path) -> list[Submission]:
    """Every submission under `root`, sorted by student.

    Raises:
        MissingFileError: `root` is not a folder.
        NoSubmissionsError: it holds no submission.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> notebook = root / "submitted" / "ada" / "ps1" / "02_baseline_cnn.ipynb"
        >>> notebook.parent.mkdir(parents=True)
        >>> _ = notebook.write_text("{}")
        >>> [(s.student, s.assignment, s.name) for s in discover_submissions(root)]
        [('ada', 'ps1', 'ada')]
    """
    root = Path(root)
    if not root.is_dir():
        raise MissingFileError(f"No submissions folder at {root}: give the folder holding the students' notebooks.")
    submitted = root / "submitted" if (root / "submitted").is_dir() else root
    nested = sorted(p for p in submitted.glob("*/*/*.ipynb") if not _hidden(p.relative_to(submitted)))
    if nested:
        found = [Submission(p.parts[-3], p, p.parts[-2]) for p in nested]
    else:
        files = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
        found = [Submission(p.stem if p.suffix == ".ipynb" else p.name, p) for p in files]
    if not found:
        raise NoSubmissionsError(
            f"No submissions in {root}: expected <student>.ipynb files, or nbgrader's "
            "submitted/<student>/<assignment>/<notebook>.ipynb."
        )
    return _named(found)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)  # .ipynb_checkpoints and the like


def _named(found: list[Submission]) -> list[Submission]:
    per_student: dict[str, int] = {}
    for submission in found:
        per_student[submission.student] = per_student.get(submission.student, 0) + 1
    named, taken = [], set()
    for s in found:
        base = s.student if per_student[s.student] == 1 else f"{s.student}-{s.assignment}-{s.path.stem}"
        name, n = safe_name(base), 2
        while name in taken:  # two names that differ only in unsafe characters
            name, n = f"{safe_name(base)}-{n}", n + 1
        taken.add(name)
        named.append(Submission(s.student, s.path, s.assignment, name))
    return named
