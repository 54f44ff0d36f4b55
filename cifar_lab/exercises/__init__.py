"""The course's exercises and their self-checks, which give specific feedback rather than only pass or fail.

Each notebook ends with one to three exercises: a cell for the student's code, then a self-check,

    check_exercise("1.1", train_counts, data=data)

which says what is right, what is wrong and what to try, with the measured figure against its target
where there is one, or that the exercise was not attempted yet. The reference solutions sit in the
instructor's version of the notebooks between nbgrader's solution markers (see `cifar_lab.lab.copies`).

Modules: `registry` (every exercise: number, notebook, hint, check), `feedback` (what a check shows),
and one module of checks per notebook (`data_checks`, `model_checks`, `augment_checks`,
`evaluation_checks`, `ethics_checks`); `submission` (`submit_predictions`, the model's answers on the grader's
hidden images).

Example:
    >>> from cifar_lab.exercises import EXERCISES, check_exercise
    >>> check_exercise("2.1", None).status
    'not attempted yet'
"""

from cifar_lab.exercises import augment_checks, data_checks, ethics_checks, evaluation_checks, model_checks  # noqa: F401
from cifar_lab.exercises.feedback import MIME_TYPE, NOT_ATTEMPTED, NOT_YET, PASSED, Feedback
from cifar_lab.exercises.registry import EXERCISES, Exercise, check_exercise
from cifar_lab.exercises.submission import submit_predictions

__all__ = [
    "EXERCISES",
    "MIME_TYPE",
    "NOT_ATTEMPTED",
    "NOT_YET",
    "PASSED",
    "Exercise",
    "Feedback",
    "check_exercise",
    "submit_predictions",
]
