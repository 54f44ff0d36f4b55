"""What a submission earns, computed by the grader: self-checks re-checked, hidden-set accuracy, checker findings.

Self-checks. Each check cell's output carries the exercise, the student's answer and the verdict
(`application/vnd.cifar-lab.feedback+json`). The grader ignores the verdict and checks the answer again
itself when it can rebuild what the check needs: exercises whose check needs only the answer (2.1, 2.2)
and those that need only the data (1.1; the grader reloads the same data). Those are `recomputed`: a
forged verdict changes nothing, though a student can still hand in a right answer they did not compute.
An answer too large to record (1.2's batch of images, see `MAX_ANSWER_CHARS`) is left out of the bundle,
so 1.2 counts as `recorded`.
The checks of 3.1, 4.1 and 4.2 need the student's own trained models; their verdict is taken as
`recorded`, which a student can forge (by displaying a made-up feedback bundle).

Hidden-set accuracy: the predictions `submit_predictions` left in the scratch folder, scored against
the labels, which only the grader's process holds. Checker findings: `cifar-lab check` on the student's
cells of the submitted notebook (nbgrader's solution cells when marked).

Example:
    >>> import numpy as np
    >>> holdout_accuracy(np.array([1, 2, 3]), np.array([1, 2, 0]))
    (0.6667, 'predictions for 3 hidden images: 2 right')
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from cifar_lab.exercises import EXERCISES, MIME_TYPE

RECOMPUTED, RECORDED, MISSING = "recomputed", "recorded", "missing"
_CHECK_CALL = re.compile(r"check_exercise\(\s*[\"'](\d+\.\d+)[\"']")
_GRADE_ID = re.compile(r"^exercise-(\d+)-(\d+)")


def expected_exercises(notebook: nbformat.NotebookNode) -> list[str]:
    """The exercises a notebook poses: its nbgrader `exercise-N-M` cells and its `check_exercise` calls.

    Example:
        >>> cell = nbformat.v4.new_code_cell('check_exercise("2.1", x)')
        >>> expected_exercises(nbformat.v4.new_notebook(cells=[cell]))
        ['2.1']
    """
    found = set()
    for cell in notebook.cells:
        grade_id = _GRADE_ID.match(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        if grade_id:
            found.add(f"{grade_id[1]}.{grade_id[2]}")
        if cell.cell_type == "code":
            found.update(_CHECK_CALL.findall(cell.source))
    return sorted((e for e in found if e in EXERCISES), key=lambda e: tuple(map(int, e.split("."))))


def recorded_feedback(executed: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """The last feedback bundle each exercise left in the executed notebook's outputs.

    Example:
        >>> out = nbformat.v4.new_output("display_data", data={MIME_TYPE: {"exercise": "2.1", "status": "passed"}})
        >>> recorded_feedback(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[out])]))
        {'2.1': {'exercise': '2.1', 'status': 'passed'}}
    """
    bundles = {}
    for cell in executed.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            bundle = output.get("data", {}).get(MIME_TYPE)
            if isinstance(bundle, dict) and bundle.get("exercise") in EXERCISES:
                bundles[bundle["exercise"]] = dict(bundle)
    return bundles


def score_exercises(
    expected: list[str], executed: nbformat.NotebookNode | None, context: dict[str, Callable[[], Any]]
) -> dict[str, dict[str, Any]]:
    """Each expected exercise's verdict: `status`, `message`, `hint` and how it was obtained (`how`).

    `context` maps the names a check may need (e.g. `data`) to functions producing them in the grader.

    Example:
        >>> out = nbformat.v4.new_output("display_data", data={MIME_TYPE: {"exercise": "2.1", "answer": 864}})
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[out])])
        >>> verdict = score_exercises(["2.1"], nb, {})["2.1"]
        >>> verdict["status"], verdict["how"]
        ('not yet', 'recomputed')
    """
    bundles = recorded_feedback(executed) if executed is not None else {}
    verdicts = {}
    for exercise_id in expected:
        exercise, bundle = EXERCISES[exercise_id], bundles.get(exercise_id)
        if bundle is None:
            message = "its check never ran (the notebook stopped before it, or its check cell was removed)"
            verdicts[exercise_id] = {"status": MISSING, "message": message, "hint": exercise.hint, "how": MISSING}
            continue
        needs = [p.name for p in inspect.signature(exercise.check).parameters.values() if p.kind == p.KEYWORD_ONLY]
        omitted = isinstance(bundle.get("answer"), dict) and "omitted" in bundle["answer"]
        if all(name in context for name in needs) and not omitted:
            try:
                feedback = exercise.feedback(bundle.get("answer"), **{name: context[name]() for name in needs})
                status, message = feedback.status, feedback.message
            except Exception as error:  # a malformed answer the check itself cannot read
                status, message = "not yet", f"the answer could not be checked ({type(error).__name__}: {error})"
            verdicts[exercise_id] = {"status": status, "message": message, "hint": exercise.hint, "how": RECOMPUTED}
        else:
            status = str(bundle.get("status", MISSING))
            verdicts[exercise_id] = {
                "status": status,
                "message": "as the notebook's own check reported it",
                "hint": exercise.hint,
                "how": RECORDED,
            }
    return verdicts


def holdout_accuracy(predicted: Any, labels: np.ndarray) -> tuple[float | None, str]:
    """Accuracy of `predicted` against `labels` (rounded to 4 places), or `None` with why it cannot be scored.

    Example:
        >>> holdout_accuracy(np.array([1.5]), np.array([1]))
        (None, 'predictions must be one class number (0 to 9) per hidden image: got float64 of shape (1,)')
    """
    from cifar_lab.evaluate.metrics import accuracy

    predicted = np.asarray(predicted)
    if predicted.shape != labels.shape or not np.issubdtype(predicted.dtype, np.integer):
        return None, (
            "predictions must be one class number (0 to 9) per hidden image: "
            f"got {predicted.dtype} of shape {predicted.shape}"
        )
    right = int((predicted == labels).sum())
    return round(accuracy(labels, predicted), 4), f"predictions for {len(labels):,} hidden images: {right:,} right"


def read_predictions(path: Path) -> tuple[Any, str]:
    """The predictions file a notebook left, or `None` and why there is none.

    Example:
        >>> read_predictions(Path("no-such.npy"))
        (None, 'no predictions handed in: the notebook never called submit_predictions(model), or stopped before it')
    """
    if not path.is_file():
        return (
            None,
            "no predictions handed in: the notebook never called submit_predictions(model), or stopped before it",
        )
    try:
        return np.load(path, allow_pickle=False), ""
    except Exception as error:  # a student may have written anything there
        return None, f"the predictions file is unreadable ({type(error).__name__})"
