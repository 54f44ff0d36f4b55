"""One gradebook row: the run's outcome, the exercises, the hidden-set accuracy and the checker's findings.

Example:
    >>> from cifar_lab.grade.submissions import Submission
    >>> row = score_submission(Submission("s1", Path("s1.txt"), name="s1"),
    ...                        {"status": "invalid", "seconds": 0.0, "message": "not a notebook"}, None,
    ...                        JobPaths(Path("/nonexistent"), "s1"), None, "ci")
    >>> row["status"], row["holdout_accuracy"], row["exercises"]
    ('invalid', None, {})
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from cifar_lab.exercises.submission import PREDICTIONS_FILE
from cifar_lab.files import atomic_write_bytes
from cifar_lab.grade.holdout import Holdout
from cifar_lab.grade.jobs import JobPaths
from cifar_lab.grade.notebook import first_error, student_code
from cifar_lab.grade.scoring import expected_exercises, holdout_accuracy, read_predictions, score_exercises
from cifar_lab.grade.submissions import Submission

LOG_BYTES = 2**20


def score_submission(
    submission: Submission,
    outcome: dict[str, Any],
    notebook: nbformat.NotebookNode | None,
    paths: JobPaths,
    holdout: Holdout | None,
    preset: str,
) -> dict[str, Any]:
    """The gradebook row of `submission` after its run (`outcome`, from `cifar_lab.grade.jobs.run_job`).

    `notebook` is the submission as handed in (None when it was invalid); the executed notebook, the
    kernel log and the predictions are read from `paths`.

    Example:
        Not run in the tests: it needs an executed submission (see `tests/grade/`).

        >>> score_submission(job, result)  # doctest: +SKIP
    """
    record: dict[str, Any] = {
        "student": submission.student,
        "assignment": submission.assignment,
        "name": submission.name,
        "submission": str(submission.path),
        **{key: outcome.get(key) for key in ("status", "seconds", "message")},
        "exercises": {},
        "holdout_accuracy": None,
        "holdout_note": "",
        "checker_findings": None,
        "findings": [],
        "error": None,
    }
    if notebook is None:
        return record
    executed = _read_executed(paths.executed)
    record["error"] = first_error(executed) if executed is not None else None
    if record["status"] == "failed" and record["error"]:
        error = record["error"]
        record["message"] = f"cell {error['cell']} ({error['code']}): {error['ename']}: {error['evalue']}"[:500]
    record["exercises"] = score_exercises(
        expected_exercises(notebook), executed, _context(preset, paths.scratch / "run")
    )
    if holdout is not None:
        predicted, why = read_predictions(paths.scratch / PREDICTIONS_FILE)
        record["holdout_accuracy"], record["holdout_note"] = (
            holdout_accuracy(predicted, holdout.y) if predicted is not None else (None, why)
        )
    findings = _findings(submission, notebook)
    record["checker_findings"], record["findings"] = len(findings), findings
    _keep_log(paths)
    return record


def _read_executed(path: Path) -> nbformat.NotebookNode | None:
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # never written (the kernel did not start) or cut off by a kill
        return None


def _context(preset: str, run_dir: Path) -> dict[str, Any]:
    """What the grader itself knows of a run, for the self-checks: each made when first asked for."""
    from functools import cache

    from cifar_lab.presets import PRESETS, resolve_params

    @cache
    def data() -> Any:
        from cifar_lab.data import load_cifar10

        return load_cifar10(PRESETS[preset]["data"])

    @cache
    def comparison() -> Any:  # 3.1's: the validation split and seed the notebook used, without its models
        from cifar_lab.augment.comparison import AugmentationComparison
        from cifar_lab.data.splits import subset_and_split

        params = resolve_params(preset, run_dir=str(run_dir))
        x_val = subset_and_split(
            data().x_train,
            data().y_train,
            n_per_class=params["n_per_class"],
            val_fraction=params["val_fraction"],
            seed=params["seed"],
        )[2]
        return AugmentationComparison([], params["model"], 0, 0, params["seed"], {}, {"x_val": x_val})

    def model_card() -> dict[str, Any] | None:  # the card the run wrote (in its folder: a student could rewrite it)
        import json

        found = sorted(run_dir.rglob("model_card.json")) if run_dir.is_dir() else []
        try:
            return json.loads(found[0].read_text(encoding="utf-8")) if found else None
        except (OSError, ValueError):
            return None

    return {"data": data, "comparison": comparison, "model_card": model_card}


def _findings(submission: Submission, notebook: nbformat.NotebookNode) -> list[str]:
    from cifar_lab.check.findings import check_cells

    found = check_cells(submission.path.name, student_code(notebook))
    return [f"cell {f.cell}, line {f.line}: {f.rule} {f.title}. Fix: {f.fix}" for f in found]


def _keep_log(paths: JobPaths) -> None:
    log = paths.scratch / "kernel.log"
    if log.is_file():  # its first MiB: a kernel may have written a gigabyte of it
        with open(log, "rb") as handle:
            atomic_write_bytes(paths.log, handle.read(LOG_BYTES))
