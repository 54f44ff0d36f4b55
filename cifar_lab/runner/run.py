"""`cifar-lab run`: execute the course notebooks headless with papermill, resumably.

A run is first planned and validated against the selected notebooks' parameters cells
(`cifar_lab.runner.plan`), so nothing executes with a bad value; then the notebooks run in order
into one run directory (its layout: `cifar_lab.rundir`).

Re-running the same command skips the notebooks already completed with the same parameters, the
same notebook source and the same `cifar_lab` code; once one notebook runs again, every later one
runs again too, because later notebooks read what earlier ones saved. A summary table of the
headline figures ends the run.

Example:
    From the command line, `cifar-lab run --preset ci --notebooks 01,02 -p epochs 1`; from Python
    (Not run in the tests: it executes notebooks for a minute.)

    >>> result = run_notebooks("ci", params={"epochs": 1}, notebooks="01,02")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cifar_lab.errors import CifarLabError, MissingFileError
from cifar_lab.files import remove_stale_temporaries
from cifar_lab.rundir import RunDir, read_metrics
from cifar_lab.runner.datasource import prepare_data
from cifar_lab.runner.plan import NotebookJob, RunPlan, plan_run
from cifar_lab.runner.state import RunDirError, lock_run_dir, read_state, record_notebook


@dataclass(frozen=True)
class NotebookOutcome:
    """What happened to one notebook: `done`, `skipped` (already done), `failed` or `not run`."""

    stem: str
    status: str
    seconds: float
    metrics: dict[str, Any]
    error: str | None = None


@dataclass(frozen=True)
class RunResult:
    """Every notebook's outcome, in order; `ok` when none failed or was left unrun. `data` is what the run
    asked for (`"synthetic"` on purpose, or `"auto"`, which may have fallen back to it); `resumed` maps
    each saved model whose training was resumed from a checkpoint to the epochs done before the resume."""

    run_dir: Path
    outcomes: tuple[NotebookOutcome, ...]
    data: str = "auto"
    resumed: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(o.status in ("done", "skipped") for o in self.outcomes)

    @property
    def error(self) -> str | None:
        """The first failure's message, or `None`."""
        return next((o.error for o in self.outcomes if o.error), None)


def execute_plan(
    plan: RunPlan, *, force: bool = False, progress: bool = True, log: Callable[[str], None] | None = print
) -> RunResult:
    """Run `plan`'s notebooks in order, skipping those already completed with the same inputs.

    A failed notebook stops the run (later notebooks need its outputs); Ctrl-C stops it too, leaving
    the completed notebooks and the resume record intact.

    Args:
        plan: from `cifar_lab.runner.plan.plan_run`.
        force: run every notebook even if the resume record says it is done.
        progress: show a bar of executed cells per notebook.
        log: receives one line per notebook started and finished; `None` for silence.

    Example:
        Not run in the tests: it executes the notebooks (minutes).

        >>> result = execute_plan(plan_run("ci"))  # doctest: +SKIP
        >>> result.ok  # doctest: +SKIP
        True
    """
    with _locked(plan.run_dir):
        return _execute_locked(plan, force, progress, log or (lambda line: None))


@contextlib.contextmanager
def _locked(run_dir: Path) -> Iterator[None]:
    """Hold the run directory's lock; a file-system error inside becomes one line (`RunDirError`)."""
    try:
        with lock_run_dir(run_dir):
            yield
    except OSError as error:
        if isinstance(error, CifarLabError):
            raise
        raise RunDirError.from_os_error(run_dir, error) from None


def _execute_locked(plan: RunPlan, force: bool, progress: bool, say: Callable[[str], None]) -> RunResult:
    """`execute_plan`, the lock held: sweep what killed runs left, then run the notebooks in order."""
    from cifar_lab.runner.execution import sweep_kernel_leftovers

    sweep_kernel_leftovers()
    for folder, _, _ in os.walk(plan.run_dir):  # links to folders are not followed
        remove_stale_temporaries(folder)  # a killed run's half-written models, metrics, notebooks
    outcomes = _execute_in_order(plan, read_state(plan.run_dir, force=force, say=say), force, progress, say)
    return RunResult(plan.run_dir, tuple(outcomes), plan.data, _resumed_models(plan.run_dir))


def _execute_in_order(
    plan: RunPlan, state: dict[str, Any], force: bool, progress: bool, say: Callable[[str], None]
) -> list[NotebookOutcome]:
    """Run the plan's notebooks in order under the run directory's lock, recording each as it ends."""
    from cifar_lab.runner.execution import partial_path

    layout = RunDir(plan.run_dir)
    outcomes: list[NotebookOutcome] = []
    rerun_rest = force
    total = len(plan.notebooks)
    for index, job in enumerate(plan.notebooks, 1):
        output = layout.notebook_file(job.source)
        partial_path(output).unlink(missing_ok=True)  # left by a killed run
        if outcomes and outcomes[-1].status in ("failed", "not run"):
            outcomes.append(NotebookOutcome(job.stem, "not run", 0.0, {}))
            continue
        record = state["notebooks"].get(job.stem, {})
        done = record.get("status") == "done" and record.get("fingerprint") == job.fingerprint() and output.exists()
        if done and not rerun_rest:
            say(f"[{index}/{total}] {job.stem}: already done with these parameters, skipped")
            outcomes.append(NotebookOutcome(job.stem, "skipped", record["seconds"], _metrics(plan.run_dir, job.stem)))
            continue
        rerun_rest = True
        say(f"[{index}/{total}] {job.stem}: running")
        outcome, record = _execute(job, plan, layout, progress)
        record_notebook(plan.run_dir, job.stem, record)
        verdict = (
            f"done in {outcome.seconds:.1f} s" if outcome.status == "done" else f"FAILED after {outcome.seconds:.1f} s"
        )
        say(f"[{index}/{total}] {job.stem}: {verdict}")
        outcomes.append(outcome)
    return outcomes


def _execute(job: NotebookJob, plan: RunPlan, layout: RunDir, progress: bool) -> tuple[NotebookOutcome, dict[str, Any]]:
    """Run one notebook; return its outcome and its resume record."""
    from cifar_lab.runner.execution import NotebookFailed, execute_notebook

    started = time.perf_counter()
    record = {"fingerprint": job.fingerprint(), "parameters": job.parameters}
    try:
        execute_notebook(
            job.source,
            layout.notebook_file(job.source),
            job.parameters,
            timeout=plan.timeout,
            progress=progress,
            kernel_log=layout.log_file(job.stem),
        )
    except NotebookFailed as error:
        seconds = time.perf_counter() - started
        record.update(status="failed", seconds=seconds, error=str(error))
        return NotebookOutcome(job.stem, "failed", seconds, {}, str(error)), record
    seconds = time.perf_counter() - started
    record.update(status="done", seconds=seconds)
    return NotebookOutcome(job.stem, "done", seconds, _metrics(plan.run_dir, job.stem)), record


def _resumed_models(run_dir: Path) -> dict[str, int]:
    """The saved models whose `training.json` says their training resumed (`cifar_lab.course.train_or_load`)."""
    resumed = {}
    for record in sorted(RunDir(run_dir).models.glob("*/training.json")):
        try:
            epochs = json.loads(record.read_text(encoding="utf-8")).get("resumed_after_epochs", 0)
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            continue  # the summary only reports; the notebook that reads the model says what is wrong
        if isinstance(epochs, int) and epochs > 0:
            resumed[record.parent.name] = epochs
    return resumed


def _metrics(run_dir: Path, stem: str) -> dict[str, Any]:
    try:
        return read_metrics(run_dir, stem)
    except MissingFileError:  # a notebook that reports no figures
        return {}


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def format_summary(result: RunResult) -> str:
    """Return a plain-text table: one row per notebook and headline figure.

    Example:
        >>> outcome = NotebookOutcome("01_data", "done", 1.5, {"n_train": 400})
        >>> print(format_summary(RunResult(Path("runs/ci"), (outcome,))))
        notebook  status  seconds  figure   value
        01_data   done    1.5      n_train  400
        run directory: runs/ci
    """
    rows = [("notebook", "status", "seconds", "figure", "value")]
    for o in result.outcomes:
        figures = list(o.metrics.items()) or [("", "")]
        for i, (name, value) in enumerate(figures):
            first = (o.stem, o.status, f"{o.seconds:.1f}") if i == 0 else ("", "", "")
            rows.append((*first, name, _cell(value)))
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"run directory: {result.run_dir}")
    if result.data != "synthetic" and any(o.metrics.get("synthetic") is True for o in result.outcomes):
        # An offline `make run` falls back to synthetic data; its figures must not pass for CIFAR-10's.
        lines.append(
            "WARNING: this run used SYNTHETIC data, so its figures say nothing about CIFAR-10. "
            "See 01_data's output for why; set CIFAR_LAB_DATA or pass --data PATH to use CIFAR-10 "
            "(the notebooks run on synthetic data then run again)."
        )
    for model, epochs in result.resumed.items():
        lines.append(
            f"note: model {model} was resumed from its checkpoint after epoch {epochs}; it is close to, not "
            "bit-for-bit, the model an uninterrupted run trains (delete its folder under models/ to train it afresh)."
        )
    if result.error:
        lines.append(f"error: {result.error}")
    return "\n".join(lines)


def run_notebooks(
    preset: str = "quick",
    *,
    data: str | None = None,
    params: dict[str, Any] | None = None,
    notebooks: str | list[str] | None = None,
    run_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    timeout: float | None = None,
    force: bool = False,
    progress: bool = True,
) -> RunResult:
    """Validate, run the notebooks in order, print the summary table and return the result.

    Arguments are those of `cifar_lab.runner.plan.plan_run` and `execute_plan`.
    Validation errors raise `cifar_lab.runner.parameters.ParameterError` before anything
    runs; a failing notebook does not raise: see `result.ok` and `result.error`.

    Example:
        Not run in the tests: it executes the notebooks (a minute).

        >>> result = run_notebooks("ci", data="synthetic", notebooks="01,02")  # doctest: +SKIP
        >>> result.ok  # doctest: +SKIP
        True
    """
    plan = plan_run(
        preset,
        data=data,
        params=params,
        notebooks=notebooks,
        run_dir=run_dir,
        notebooks_dir=notebooks_dir,
        timeout=timeout,
    )

    def say(line: str) -> None:
        print(line, flush=True)

    count = f"{len(plan.notebooks)} notebook{'s' if len(plan.notebooks) != 1 else ''}"
    say(
        f"cifar-lab run: preset {plan.preset}, {count} into {plan.run_dir}"
        f" (cell timeout {f'{plan.timeout:g} s' if plan.timeout else 'none'})"
    )
    with _locked(plan.run_dir):  # before the data: a second run stops at once, not after a download
        prepare_data(plan.data, say=say)
        result = _execute_locked(plan, force, progress, say)
    say(format_summary(result))
    return result
