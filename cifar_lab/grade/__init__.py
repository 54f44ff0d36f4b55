"""Grading a class: `cifar-lab grade` runs every submission headless and sandboxed, and scores it on data the
students never saw.

What instructors and the command line use is re-exported here; the modules below may change freely:

- `grading`: `grade_submissions`, the whole run (resumable); `jobs`: one submission's files and process;
  `worker`: what runs in that process (papermill with `engine`'s time budget and output cap, in a
  `cifar_lab.sandbox` kernel);
- `submissions`: finding them (flat or nbgrader layout); `notebook`: refusing what cannot or must not run;
  `locked`: the locked cells (self-checks, parameters) a student changed, put back as handed out;
- `holdout`: the labelled hidden set; `scoring` and `record`: self-checks re-checked, hidden-set accuracy,
  checker findings; `reports`: gradebook, summary and feedback.

Example:
    >>> from cifar_lab.grade import discover_submissions
    >>> discover_submissions("no-such-folder")
    Traceback (most recent call last):
    ...
    cifar_lab.errors.MissingFileError: No submissions folder at no-such-folder: give the folder holding ...
"""

from cifar_lab.grade.grading import GradeResult, grade_submissions
from cifar_lab.grade.holdout import Holdout, HoldoutError, load_holdout
from cifar_lab.grade.notebook import InvalidSubmission, read_submission
from cifar_lab.grade.submissions import NoSubmissionsError, Submission, discover_submissions

__all__ = [
    "GradeResult",
    "Holdout",
    "HoldoutError",
    "InvalidSubmission",
    "NoSubmissionsError",
    "Submission",
    "discover_submissions",
    "grade_submissions",
    "load_holdout",
    "read_submission",
]
