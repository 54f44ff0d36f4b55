"""What a submission earns, computed by the grader: self-checks re-checked, hidden-set accuracy, checker findings.

Self-checks. Each check cell's output carries the exercise, the student's answer, the check's inputs
when they are plain data, and the verdict (`application/vnd.cifar-lab.feedback+json`). The grader ignores
the verdict and runs the check again itself, on the best inputs it has (`how`, per exercise):

- `recomputed`: every input is the grader's own. 2.1 and 2.2 need only the answer; 1.1 the data (the
  grader reloads it); 3.1 the validation split and seed (the grader rebuilds the split as the notebook
  does). A forged verdict changes nothing; only a right answer passes.
- `recomputed on the run's inputs`: the inputs the notebook recorded, first checked against what the
  grader knows of the run. 4.1 and 4.2: the confusion matrix must count the grader's own test set (each
  row sums to that class's test images) and the class names be the data's; 5.2: the interval must be
  the one in the model card the run wrote. Inputs that disagree make the exercise `not yet`.
- `recomputed on recorded inputs`: 5.1, whose losses come from the student's model: nothing of the
  grader's can confirm them.
- `recorded`: the verdict as the notebook reported it, when the inputs cannot be had: 1.2, whose answer
  (64 images) is too large to record (see `MAX_ANSWER_CHARS`), and a bundle without inputs.

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
ON_RUN, ON_RECORD = "recomputed on the run's inputs", "recomputed on recorded inputs"
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
        recorded = bundle.get("inputs") if isinstance(bundle.get("inputs"), dict) else {}
        omitted = isinstance(bundle.get("answer"), dict) and "omitted" in bundle["answer"]
        if omitted or not all(name in context or name in recorded for name in needs):
            status = str(bundle.get("status", MISSING))
            message, how = "as the notebook's own check reported it", RECORDED
        else:
            inputs = {name: context[name]() if name in context else recorded[name] for name in needs}
            how, problem = _confirm_inputs([name for name in needs if name not in context], inputs, context)
            status, message = ("not yet", problem) if problem else _recheck(exercise, bundle.get("answer"), inputs)
        verdicts[exercise_id] = {"status": status, "message": message, "hint": exercise.hint, "how": how}
    return verdicts


def _recheck(exercise: Any, answer: Any, inputs: dict[str, Any]) -> tuple[str, str]:
    try:
        feedback = exercise.feedback(answer, **inputs)
    except Exception as error:  # a malformed answer (or recorded input) the check itself cannot read
        return "not yet", f"the answer could not be checked ({type(error).__name__}: {error})"
    return feedback.status, feedback.message


def _confirm_inputs(taken: list[str], inputs: dict[str, Any], context: dict[str, Callable[[], Any]]) -> tuple[str, str]:
    """How the verdict was obtained, given the inputs `taken` from the notebook's record, and what disagrees with
    what the grader knows of the run (the data in `context["data"]`, the run's model card), or ''."""
    if not taken:
        return RECOMPUTED, ""
    confirmed = False
    if "confusion" in taken and "data" in context:
        data = context["data"]()
        counts = np.bincount(data.y_test, minlength=len(data.class_names))
        rows = np.asarray(inputs["confusion"]).sum(axis=1) if np.ndim(inputs["confusion"]) == 2 else None
        if rows is None or rows.shape != counts.shape or not np.array_equal(rows, counts):
            return ON_RUN, "the confusion matrix the check was given does not count this run's test images"
        confirmed = True
    if "class_names" in taken and "data" in context:
        if list(inputs["class_names"]) != list(context["data"]().class_names):
            return ON_RUN, "the class names the check was given are not the data's"
        confirmed = True
    card = context["model_card"]() if "metrics" in taken and "model_card" in context else None
    if card is not None:
        expected = card.get("membership_inference", {}).get("overall", {}).get("loss_threshold", {})
        if any(inputs["metrics"].get(key) != expected.get(key) for key in ("auc", "auc_low", "auc_high")):
            return ON_RUN, "the interval the check was given is not the one in the model card this run wrote"
        confirmed = True
    return (ON_RUN if confirmed else ON_RECORD), ""


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
