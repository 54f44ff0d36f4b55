"""Every exercise of the course, in one place: its number, notebook, title, hint and self-check.

Example:
    >>> [exercise.id for exercise in EXERCISES.values() if exercise.notebook == "01_data"]
    ['1.1', '1.2']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cifar_lab.errors import UsageError, did_you_mean
from cifar_lab.exercises.feedback import NOT_ATTEMPTED, NOT_YET, PASSED, Feedback


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks for, and how its answer is checked.

    Attributes:
        id: its number, `"<notebook>.<n>"`, e.g. `"1.2"`.
        notebook: the notebook's stem, e.g. `"01_data"`.
        title: a short name.
        answer: the name of the variable the student's cell sets.
        hint: where to start, shown until the check passes.
        check: `check(answer, **context) -> (passed, message, measured)`; the context names are the
            objects the notebook already has (e.g. `data`).
    """

    id: str
    notebook: str
    title: str
    answer: str
    hint: str
    check: Callable[..., tuple[bool, str, str | None]]

    def feedback(self, answer: Any, **context: Any) -> Feedback:
        """Check `answer` and say what is right, what is wrong, or that nothing was tried yet.

        Example:
            >>> EXERCISES["2.1"].feedback(None).status
            'not attempted yet'
        """
        if answer is None:
            message = f"`{self.answer}` is still None: write your code where the cell says # YOUR CODE HERE."
            return Feedback(self.id, self.title, NOT_ATTEMPTED, message, hint=self.hint)
        passed, message, measured = self.check(answer, **context)
        status = PASSED if passed else NOT_YET
        return Feedback(
            self.id, self.title, status, message, hint=self.hint, measured=measured, answer=answer, inputs=context
        )


EXERCISES: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add `exercise` to `EXERCISES` (each notebook's module of checks registers its own).

    Example:
        >>> register(EXERCISES["1.1"]) is EXERCISES["1.1"]
        True
    """
    EXERCISES[exercise.id] = exercise
    return exercise


def check_exercise(exercise_id: str, answer: Any, **context: Any) -> Feedback:
    """The self-check a notebook calls after the student's cell: `check_exercise("1.1", train_counts, data=data)`.

    Raises:
        UsageError: no exercise has that number.

    Example:
        >>> print(check_exercise("2.1", 896))
        Exercise 2.1 (Parameters of the first convolution): passed. 896 = 3 x 3 x 3 x 32 weights + 32 biases.
    """
    if exercise_id not in EXERCISES:
        raise UsageError(
            f"No exercise {exercise_id!r}.{did_you_mean(exercise_id, EXERCISES)} Exercises: {', '.join(EXERCISES)}."
        )
    return EXERCISES[exercise_id].feedback(answer, **context)
