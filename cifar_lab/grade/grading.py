"""`cifar-lab grade`: every submission run headless and sandboxed, scored, reported; resumable after a kill.

For each submission (`cifar_lab.grade.submissions`): refuse it as `invalid` if it is not a runnable
student notebook (`cifar_lab.grade.notebook`); else write the hidden images (never the labels) into its
scratch folder, execute it in a process of its own (`cifar_lab.grade.jobs`) with the preset's parameters,
and score what it left (`cifar_lab.grade.scoring`). One submission's failure is its own row. After each
one the resume record (`grade_state.json`), the gradebook and that student's feedback are rewritten, so
a killed grade run loses at most the submissions in flight: run the same command again to resume.

Example:
    Not run in the tests: it executes notebooks (see `tests/grade/`).

    >>> result = grade_submissions("submissions", "grades", preset="ci", holdout="hidden.npz")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.files import atomic_write_bytes, atomic_write_json
from cifar_lab.grade.holdout import Holdout, load_holdout
from cifar_lab.grade.jobs import JobPaths, run_job
from cifar_lab.grade.locked import course_source, restore_locked_cells
from cifar_lab.grade.notebook import InvalidSubmission, read_submission
from cifar_lab.grade.record import score_submission
from cifar_lab.grade.reports import write_feedback, write_gradebook, write_summary
from cifar_lab.grade.submissions import Submission, discover_submissions
from cifar_lab.presets import CELL_TIMEOUT_S, PRESETS, check_preset

STATE_FILE = "grade_state.json"
IMAGES_FILE = "holdout_images.npy"


@dataclass(frozen=True)
class GradeSettings:
    """How every submission is run: preset, limits, where the hidden set is."""

    preset: str = "ci"
    timeout: float = 600.0
    memory_mb: int = 4096
    max_output_mb: int = 8
    namespaces: bool | None = None

    def key(self) -> str:
        return f"{self.preset}|{self.timeout:g}|{self.memory_mb}|{self.max_output_mb}"


@dataclass(frozen=True)
class GradeResult:
    """Every row of the gradebook, in order, and where the reports are."""

    out: Path
    records: tuple[dict[str, Any], ...]


def grade_submissions(
    submissions: str | Path,
    out: str | Path,
    *,
    preset: str = "ci",
    holdout: str | Path | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    timeout: float | None = None,
    memory_mb: int = 4096,
    namespaces: bool | None = None,
    log: Callable[[str], None] | None = print,
) -> GradeResult:
    """Grade every submission in `submissions` into `out`; see the module docstring.

    Args:
        submissions: a folder of `<student>.ipynb`, or nbgrader's course folder (or its `submitted/`).
        out: where the gradebook, summary, feedback and executed notebooks go.
        preset: the run preset whose parameters each notebook gets.
        holdout: the labelled hidden set (`cifar_lab.grade.holdout`); without it, no hidden-set accuracy.
        jobs: submissions run at once on this machine; `scheduler`: a Dask scheduler's address instead
            (`out` must then be on a filesystem the workers share).
        timeout: seconds each notebook may run, start to end (default: the preset's cell timeout).
        memory_mb: each kernel's address-space limit (TensorFlow alone reserves about 2.5 GiB).
        namespaces: confine kernels with Linux namespaces; default: where this machine allows it.
        log: receives one line per submission; `None` for silence.

    Raises:
        UsageError: a bad preset, number of jobs, limit, or a submissions folder without submissions.
        HoldoutError: the hold-out file is not a labelled CIFAR-10 set.

    Example:
        Not run in the tests: it executes notebooks (see `tests/grade/`).

        >>> grade_submissions("submissions", "grades", preset="ci")  # doctest: +SKIP
    """
    check_preset(preset)
    if memory_mb < 0 or (timeout is not None and timeout <= 0):
        raise UsageError("--timeout must be above 0 seconds and --memory-mb 0 (no limit) or more.")
    settings = GradeSettings(preset, float(timeout or CELL_TIMEOUT_S[preset]), memory_mb, namespaces=namespaces)
    found = discover_submissions(submissions)
    hidden_set = load_holdout(holdout) if holdout is not None else None
    from cifar_lab.runner.executors import make_executor

    executor = make_executor(jobs=jobs, scheduler=scheduler)  # checks --jobs before anything is written
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    say = log or (lambda line: None)
    state = _read_state(out)
    context = _Context(
        out, settings, hidden_set, Path(submissions).resolve(), Path(holdout).resolve() if holdout else None
    )
    pending = _prepare(found, state, context, say)
    if pending:
        say(
            f"cifar-lab grade: {len(pending)} submission(s) on {executor.description}, preset {preset}, "
            f"{settings.timeout:g} s and {memory_mb} MiB each, {context.isolation()}"
        )
    for index, outcome in executor.map_unordered(run_job, [job for *_, job in pending]):
        submission, fingerprint, notebook, locked, _ = pending[index]
        if isinstance(outcome, BaseException):
            outcome = {"status": "failed", "seconds": 0.0, "message": f"the grader lost this run: {outcome}"}
        record = context.finish(state, submission, fingerprint, outcome, notebook, locked)
        say(
            f"{submission.name}: {record['status']} in {record['seconds']:.0f} s, "
            f"hidden-set accuracy {record['holdout_accuracy'] if record['holdout_accuracy'] is not None else '-'}"
            + context.isolation_note(outcome)
        )
    records = tuple(state[s.name] for s in found if s.name in state)
    write_summary(out, records, settings.preset)
    return GradeResult(out, records)


def _read_state(out: Path) -> dict[str, Any]:
    import json

    path = out / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        return {}  # a damaged record: grade everything again rather than trust it


@dataclass
class _Context:
    out: Path
    settings: GradeSettings
    holdout: Holdout | None
    submissions_root: Path
    holdout_path: Path | None

    def isolation(self) -> str:
        from cifar_lab.sandbox import namespaces_available

        on = self.settings.namespaces if self.settings.namespaces is not None else namespaces_available()
        return (
            "namespaces on (no network, read-only filesystem)"
            if on
            else (
                "WARNING: namespaces unavailable here, kernels confined by limits and environment only "
                "(see the instructor guide's threat model)"
            )
        )

    def isolation_note(self, outcome: dict[str, Any]) -> str:
        """A warning when a submission's kernel ran without the namespaces the run's first line announced
        (a Dask worker that does not allow them), else ''."""
        from cifar_lab.sandbox import namespaces_available

        announced = self.settings.namespaces if self.settings.namespaces is not None else namespaces_available()
        if announced and outcome.get("namespaces") is False:
            return "; WARNING: its kernel ran without namespaces (its worker does not allow them)"
        return ""

    def fingerprint(self, submission: Submission) -> str:
        from cifar_lab.runner.plan import library_digest

        digest = hashlib.sha256(submission.path.read_bytes() if submission.path.is_file() else b"")
        digest.update(self.settings.key().encode())
        digest.update(library_digest().encode())
        if self.holdout is not None:
            digest.update(self.holdout.x.tobytes() + self.holdout.y.tobytes())
        return digest.hexdigest()

    def job(self, submission: Submission, notebook: Any) -> dict[str, Any]:
        import nbformat

        paths = JobPaths(self.out, submission.name)
        shutil.rmtree(paths.scratch, ignore_errors=True)  # left by a killed run
        paths.scratch.mkdir(parents=True)
        paths.private.mkdir(parents=True, exist_ok=True)
        paths.executed.parent.mkdir(parents=True, exist_ok=True)
        paths.log.parent.mkdir(parents=True, exist_ok=True)
        source = atomic_write_bytes(paths.private / "submission.ipynb", nbformat.writes(notebook).encode("utf-8"))
        env = {}
        if self.holdout is not None:
            buffer = io.BytesIO()
            np.save(buffer, self.holdout.x, allow_pickle=False)
            env["CIFAR_LAB_HOLDOUT_IMAGES"] = str(atomic_write_bytes(paths.scratch / IMAGES_FILE, buffer.getvalue()))
        hidden = [str(self.out), str(self.submissions_root)] + ([str(self.holdout_path)] if self.holdout_path else [])
        return {
            "name": submission.name,
            "notebook": str(source),
            "executed": str(paths.executed),
            "scratch": str(paths.scratch),
            "config_path": str(paths.private / "sandbox.json"),
            "result_path": str(paths.private / "result.json"),
            "log_path": str(paths.scratch / "kernel.log"),
            "parameters": _parameters(self.settings.preset, paths.scratch),
            "timeout": self.settings.timeout,
            "memory_mb": self.settings.memory_mb,
            "max_output_mb": self.settings.max_output_mb,
            "namespaces": self.settings.namespaces,
            "hidden": hidden,
            "env": env,
        }

    def finish(
        self, state: dict, submission: Submission, fingerprint: str, outcome: dict, notebook: Any, locked: list[str]
    ) -> dict:
        paths = JobPaths(self.out, submission.name)
        record = score_submission(submission, outcome, notebook, paths, self.holdout, self.settings.preset)
        record["locked_cells"], record["namespaces"] = locked, outcome.get("namespaces")
        record["fingerprint"] = fingerprint
        state[submission.name] = record
        write_feedback(self.out, record)
        atomic_write_json(self.out / STATE_FILE, state, sort_keys=True)
        write_gradebook(self.out, [state[name] for name in sorted(state)])
        shutil.rmtree(paths.scratch, ignore_errors=True)
        return record


def _prepare(found: list[Submission], state: dict[str, Any], context: _Context, say: Callable[[str], None]) -> list:
    """The submissions to run, their locked cells restored, with their jobs; the graded ones skipped, the invalid
    ones recorded as such."""
    pending = []
    for submission in found:
        fingerprint = context.fingerprint(submission)
        if state.get(submission.name, {}).get("fingerprint") == fingerprint:
            say(f"{submission.name}: already graded ({state[submission.name]['status']}), skipped")
            continue
        try:
            notebook = read_submission(submission.path)
        except InvalidSubmission as error:
            invalid = {"status": "invalid", "seconds": 0.0, "message": str(error)}
            context.finish(state, submission, fingerprint, invalid, None, [])
            say(f"{submission.name}: invalid: {error}")
            continue
        source = course_source(notebook)
        notebook, locked = restore_locked_cells(notebook, source) if source is not None else (notebook, [])
        pending.append((submission, fingerprint, notebook, locked, context.job(submission, notebook)))
    return pending


def _parameters(preset: str, scratch: Path) -> dict[str, Any]:
    """The preset and a run directory inside the scratch folder; real CIFAR-10's path when the grader has it."""
    from cifar_lab.data.loading import locate_cifar10

    values: dict[str, Any] = {"preset": preset, "run_dir": str(scratch / "run")}
    if PRESETS[preset]["data"] != "synthetic":
        located = locate_cifar10(PRESETS[preset]["data"])
        values["data"] = str(located.resolve()) if located is not None else "synthetic"
    return values
