"""``cifar-lab run``: execute the course notebooks headless with papermill, resumably.

A run is first planned and validated against the selected notebooks' parameters cells
(:mod:`cifar_lab.run_plan`), so nothing executes with a bad value; then the notebooks run in order
into one run directory::

    run_dir/
      notebooks/01_data.ipynb ...   executed copies (02_x.failed.ipynb when a notebook failed)
      metrics/01_data.json ...      headline figures, written by each notebook
      run_state.json                what completed with which parameters: the resume record
      logs/01_data.log ...          the kernels' own output (TensorFlow's C++ log lines)
      ...                           figures, models: whatever the notebooks save

Re-running the same command skips the notebooks already completed with the same parameters, the
same notebook source and the same ``cifar_lab`` code; once one notebook runs again, every later one
runs again too, because later notebooks read what earlier ones saved. A summary table of the
headline figures ends the run.

Example::

    $ cifar-lab run --preset ci --notebooks 01,02 -p epochs 1
    >>> result = run_notebooks("ci", params={"epochs": 1}, notebooks="01,02")  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from cifar_lab.notebook_params import ParameterError
from cifar_lab.presets import PRESETS
from cifar_lab.run_plan import RunPlan, plan_run

STATE_FILE = "run_state.json"


@dataclass(frozen=True)
class NotebookOutcome:
    """What happened to one notebook: ``done``, ``skipped`` (already done), ``failed`` or ``not run``."""

    stem: str
    status: str
    seconds: float
    metrics: dict[str, Any]
    error: str | None = None


@dataclass(frozen=True)
class RunResult:
    """Every notebook's outcome, in order; ``ok`` when none failed or was left unrun."""

    run_dir: Path
    outcomes: tuple[NotebookOutcome, ...]

    @property
    def ok(self) -> bool:
        return all(o.status in ("done", "skipped") for o in self.outcomes)

    @property
    def error(self) -> str | None:
        """The first failure's message, or ``None``."""
        return next((o.error for o in self.outcomes if o.error), None)


def write_json_atomic(path: str | Path, payload: Any) -> None:
    """Write ``payload`` as JSON to ``path`` through a temporary file and ``os.replace``.

    Example:
        >>> write_json_atomic("runs/ci/run_state.json", {"notebooks": {}})  # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_metrics(run_dir: str | Path, stem: str) -> dict[str, Any]:
    """Return the headline figures ``stem`` wrote to ``run_dir/metrics/<stem>.json`` ({} if none).

    Example:
        >>> read_metrics("runs/ci", "02_baseline_cnn")  # doctest: +SKIP
        {'test_accuracy': 0.14}
    """
    path = Path(run_dir) / "metrics" / f"{stem}.json"
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def execute_plan(
    plan: RunPlan, *, force: bool = False, progress: bool = True, log: Callable[[str], None] | None = print
) -> RunResult:
    """Run ``plan``'s notebooks in order, skipping those already completed with the same inputs.

    A failed notebook stops the run (later notebooks need its outputs); Ctrl-C stops it too, leaving
    the completed notebooks and the resume record intact.

    Args:
        plan: from :func:`cifar_lab.run_plan.plan_run`.
        force: run every notebook even if the resume record says it is done.
        progress: show a bar of executed cells per notebook.
        log: receives one line per notebook started and finished; ``None`` for silence.

    Example:
        >>> result = execute_plan(plan_run("ci"))  # doctest: +SKIP
        >>> result.ok  # doctest: +SKIP
        True
    """
    from cifar_lab.execution import NotebookFailed, execute_notebook, partial_path

    say = log or (lambda line: None)
    state_path = plan.run_dir / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {"notebooks": {}}
    outcomes: list[NotebookOutcome] = []
    rerun_rest = force
    total = len(plan.notebooks)
    for index, job in enumerate(plan.notebooks, 1):
        output = plan.run_dir / "notebooks" / job.source.name
        partial_path(output).unlink(missing_ok=True)  # left by a killed run
        if outcomes and outcomes[-1].status in ("failed", "not run"):
            outcomes.append(NotebookOutcome(job.stem, "not run", 0.0, {}))
            continue
        fingerprint = job.fingerprint()
        record = state["notebooks"].get(job.stem, {})
        done = record.get("status") == "done" and record.get("fingerprint") == fingerprint and output.exists()
        if done and not rerun_rest:
            say(f"[{index}/{total}] {job.stem}: already done with these parameters, skipped")
            metrics = read_metrics(plan.run_dir, job.stem)
            outcomes.append(NotebookOutcome(job.stem, "skipped", record["seconds"], metrics))
            continue
        rerun_rest = True
        say(f"[{index}/{total}] {job.stem}: running")
        started = time.perf_counter()
        try:
            execute_notebook(job.source, output, job.parameters, timeout=plan.timeout, progress=progress,
                             kernel_log=plan.run_dir / "logs" / f"{job.stem}.log")
        except NotebookFailed as error:
            seconds = time.perf_counter() - started
            state["notebooks"][job.stem] = {"fingerprint": fingerprint, "status": "failed",
                                            "seconds": seconds, "parameters": job.parameters, "error": str(error)}
            write_json_atomic(state_path, state)
            say(f"[{index}/{total}] {job.stem}: FAILED after {seconds:.1f} s")
            outcomes.append(NotebookOutcome(job.stem, "failed", seconds, {}, str(error)))
            continue
        seconds = time.perf_counter() - started
        state["notebooks"][job.stem] = {"fingerprint": fingerprint, "status": "done", "seconds": seconds,
                                        "parameters": job.parameters}
        write_json_atomic(state_path, state)
        say(f"[{index}/{total}] {job.stem}: done in {seconds:.1f} s")
        outcomes.append(NotebookOutcome(job.stem, "done", seconds, read_metrics(plan.run_dir, job.stem)))
    return RunResult(plan.run_dir, tuple(outcomes))


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
    if any(o.metrics.get("synthetic") is True for o in result.outcomes):
        # An offline `make run` falls back to synthetic data; its figures must not pass for CIFAR-10's.
        lines.append(
            "WARNING: this run used SYNTHETIC data, so its figures say nothing about CIFAR-10. "
            "See 01_data's output for why; set CIFAR_LAB_DATA or pass --data PATH to use CIFAR-10."
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
    notebooks_dir: str | Path = "notebooks",
    timeout: float | None = None,
    force: bool = False,
    progress: bool = True,
) -> RunResult:
    """Validate, run the notebooks in order, print the summary table and return the result.

    Arguments are those of :func:`cifar_lab.run_plan.plan_run` and :func:`execute_plan`.
    Validation errors raise :class:`~cifar_lab.notebook_params.ParameterError` before anything
    runs; a failing notebook does not raise: see ``result.ok`` and ``result.error``.

    Example:
        >>> result = run_notebooks("ci", data="synthetic", notebooks="01,02")  # doctest: +SKIP
    """
    plan = plan_run(preset, data=data, params=params, notebooks=notebooks, run_dir=run_dir,
                    notebooks_dir=notebooks_dir, timeout=timeout)
    count = f"{len(plan.notebooks)} notebook{'s' if len(plan.notebooks) != 1 else ''}"
    print(f"cifar-lab run: preset {plan.preset}, {count} into {plan.run_dir}"
          f" (cell timeout {f'{plan.timeout:g} s' if plan.timeout else 'none'})", flush=True)
    result = execute_plan(plan, force=force, progress=progress, log=lambda line: print(line, flush=True))
    print(format_summary(result), flush=True)
    return result


def parse_param_pairs(pairs: list[list[str]]) -> dict[str, str]:
    """Return ``-p NAME VALUE`` pairs as a dict, refusing a name given twice.

    Example:
        >>> parse_param_pairs([["epochs", "3"], ["seed", "1"]])
        {'epochs': '3', 'seed': '1'}
    """
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise ParameterError(f"-p {name} is given twice ({values[name]!r} and {value!r}); keep one.")
        values[name] = value
    return values


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``cifar-lab run`` to the CLI.

    Example:
        >>> add_command(argparse.ArgumentParser().add_subparsers())
    """
    parser = subparsers.add_parser(
        "run", help="run the course notebooks headless (papermill)",
        description="Run the course notebooks in order with papermill into one run directory, validating "
        "every parameter first; re-running resumes.",
        epilog="example: cifar-lab run --preset quick --notebooks 01,02 -p epochs 3",
    )
    parser.add_argument("--preset", default="quick", help=f"run preset: {', '.join(PRESETS)} (default: quick)")
    parser.add_argument("--data", default=None, help="data source: auto, cifar10, synthetic or a path")
    parser.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="set a notebook parameter; VALUE becomes the type its parameters cell declares")
    parser.add_argument("--notebooks", default=None, help="which notebooks by number, e.g. 01,03 (default: all)")
    parser.add_argument("--notebooks-dir", default="notebooks", help="directory of NN_name.ipynb notebooks")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds one cell may run before the run fails (default: the preset's; 0: none)")
    parser.add_argument("--run-dir", default=None, help="where results go (default: runs/<preset>)")
    parser.add_argument("--force", action="store_true", help="re-run notebooks already completed")
    parser.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    try:
        result = run_notebooks(
            args.preset, data=args.data, params=parse_param_pairs(args.param),
            notebooks=args.notebooks, run_dir=args.run_dir, notebooks_dir=args.notebooks_dir,
            timeout=args.timeout, force=args.force,
        )
    except ParameterError as error:
        print(f"cifar-lab run: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ncifar-lab run: interrupted. Completed notebooks are kept; run the same command again "
              "to resume.", file=sys.stderr)
        return 130
    return 0 if result.ok else 1
