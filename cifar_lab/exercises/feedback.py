"""What a self-check says: passed, not yet (what is wrong, a hint, the measured figure against the target),
or not attempted yet.

A `Feedback` shows itself in a notebook as a coloured box, as plain text elsewhere, and carries a
machine-readable copy (`application/vnd.cifar-lab.feedback+json`) of the exercise, the answer checked,
the check's inputs when they are plain data (a confusion matrix, losses, metrics) and the verdict, which
the grader (`cifar-lab grade`) reads back from the executed notebook to check the answer again itself.

Example:
    >>> print(Feedback("1.1", "Images per class", NOT_ATTEMPTED, "train_counts is still None.", hint="Count labels."))
    Exercise 1.1 (Images per class): not attempted yet. train_counts is still None.
    Hint: Count labels.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PASSED, NOT_YET, NOT_ATTEMPTED = "passed", "not yet", "not attempted yet"
MIME_TYPE = "application/vnd.cifar-lab.feedback+json"
# Answers longer than this (as JSON) are left out of the machine-readable copy; the grader takes such a
# verdict as recorded instead of checking the answer again.
MAX_ANSWER_CHARS = 20_000
_COLOURS = {PASSED: "#e6f4ea", NOT_YET: "#fdecea", NOT_ATTEMPTED: "#f1f3f4"}
_MARKS = {PASSED: "\u2714", NOT_YET: "\u2718", NOT_ATTEMPTED: "\u2026"}


def plain(value: Any) -> Any:
    """`value` as JSON: numpy arrays and scalars become lists and numbers, tuples lists, anything else its repr.

    Example:
        >>> plain({"a": np.arange(3), "b": (np.float32(0.5), "x")})
        {'a': [0, 1, 2], 'b': [0.5, 'x']}
    """
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _is_data(value: Any) -> bool:
    """Whether `value` is numbers, strings, booleans and arrays all the way down (what `plain` keeps exactly)."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufU"
    if isinstance(value, dict):
        return all(_is_data(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_is_data(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str, np.generic))


@dataclass(frozen=True)
class Feedback:
    """The verdict of one self-check.

    Attributes:
        exercise: the exercise's number, e.g. `"1.1"`.
        title: its short name.
        status: `PASSED`, `NOT_YET` or `NOT_ATTEMPTED`.
        message: what was found: what is right or what is wrong.
        hint: what to try next (for `NOT_YET` and `NOT_ATTEMPTED`).
        measured: the measured figure against its target, when the check measures something.
        answer: the student's answer as checked, in JSON form (for the grader).
        inputs: what the check compared the answer with (its keyword arguments), for the grader.

    Example:
        >>> Feedback("2.1", "First convolution", PASSED, "896 parameters.").passed
        True
    """

    exercise: str
    title: str
    status: str
    message: str
    hint: str | None = None
    measured: str | None = None
    answer: Any = field(default=None, repr=False)
    inputs: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        lines = [f"Exercise {self.exercise} ({self.title}): {self.status}. {self.message}"]
        if self.measured:
            lines.append(f"Measured: {self.measured}")
        if self.hint and not self.passed:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The machine-readable copy the grader reads: the inputs only those that are plain data, within the
        same size limit as the answer (a model, a dataset or a long array is left out).

        Example:
            >>> Feedback("4.1", "t", PASSED, "ok", answer=[1.0], inputs={"confusion": np.eye(1, dtype=int)}).to_json()
            {'exercise': '4.1', 'status': 'passed', 'answer': [1.0], 'inputs': {'confusion': [[1]]}}
        """
        answer = plain(self.answer)
        if len(json.dumps(answer)) > MAX_ANSWER_CHARS:  # a batch of images would make every executed notebook MBs
            shape = list(np.shape(self.answer)) if isinstance(self.answer, np.ndarray) else None
            answer = {"omitted": f"over {MAX_ANSWER_CHARS:,} characters", "shape": shape}
        inputs = {name: plain(value) for name, value in self.inputs.items() if _is_data(value)}
        inputs = {name: value for name, value in inputs.items() if len(json.dumps(value)) <= MAX_ANSWER_CHARS}
        bundle = {"exercise": self.exercise, "status": self.status, "answer": answer}
        return {**bundle, "inputs": inputs} if inputs else bundle

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        lines = str(self).split("\n")
        body = "<br>".join(html.escape(line) for line in lines[1:])
        box = (
            f'<div style="background:{_COLOURS[self.status]};padding:0.6em 0.9em;border-radius:4px">'
            f"<b>{_MARKS[self.status]} {html.escape(lines[0])}</b>" + (f"<br>{body}" if body else "") + "</div>"
        )
        return {"text/plain": str(self), "text/html": box, MIME_TYPE: json.loads(json.dumps(self.to_json()))}

    def __repr__(self) -> str:
        return str(self)
