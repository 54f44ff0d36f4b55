"""``cifar-lab run``: execute the course notebooks headless with papermill, resumably.

A run validates every parameter against the selected notebooks' parameters cells before anything
executes, then runs the notebooks in order into one run directory::

    run_dir/
      notebooks/01_data.ipynb ...   executed copies (02_x.failed.ipynb when a notebook failed)
      metrics/01_data.json ...      headline figures, written by each notebook
      run_state.json                what completed with which parameters: the resume record
      logs/01_data.log ...          the kernels' own output (TensorFlow's C++ log lines)
      ...                           figures, models: whatever the notebooks save

Re-running the same command skips the notebooks already completed with the same parameters and the
same notebook source; once one notebook runs again, every later one runs again too, because later
notebooks read what earlier ones saved. A summary table of the headline figures ends the run.

Example::

    $ cifar-lab run --preset ci --notebooks 01,02 -p epochs 1
    >>> result = run_notebooks("ci", params={"epochs": 1}, notebooks="01,02")  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from cifar_lab.notebook_params import ParameterError, check_names, coerce, read_parameters
from cifar_lab.presets import CELL_TIMEOUT_S, PRESETS, check_preset, resolve_params

STATE_FILE = "run_state.json"
# Every notebook must declare these: the runner passes the preset and one shared run directory.
REQUIRED_PARAMETERS = ("preset", "run_dir")
# Values of ``data`` that name a source rather than a path (cifar_lab.data.load_cifar10).
DATA_SOURCES = ("auto", "cifar10", "synthetic")


@dataclass(frozen=True)
class NotebookJob:
    """One notebook of a run and the parameter values it will be given (already type-checked)."""

    source: Path
    parameters: dict[str, Any]

    @property
    def stem(self) -> str:
        """The notebook's file name without ``.ipynb``, e.g. ``01_data``."""
        return self.source.stem

    def fingerprint(self) -> str:
        """A digest of the notebook's source and its parameters: equal digests mean the same work.

        ``run_dir`` is left out so a run directory can be moved or copied and still resume.
        """
        digest = hashlib.sha256(self.source.read_bytes())
        values = {k: v for k, v in self.parameters.items() if k != "run_dir"}
        digest.update(json.dumps(values, sort_keys=True).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class RunPlan:
    """A validated run: where it writes, which notebooks with which values, the per-cell timeout."""

    preset: str
    run_dir: Path
    notebooks: tuple[NotebookJob, ...]
    timeout: float | None


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


def find_notebooks(notebooks_dir: str | Path = "notebooks", selection: str | list[str] | None = None) -> list[Path]:
    """Return the ``NN_name.ipynb`` notebooks in ``notebooks_dir``, in order, optionally selected.

    ``selection`` is ``"01,03"`` or ``["01", "03"]``: each item picks the notebook whose name starts
    with it (``"03"`` or ``"03_augmentation"``).

    Example:
        >>> [p.name for p in find_notebooks("notebooks", "01,03")]  # doctest: +SKIP
        ['01_data.ipynb', '03_augmentation.ipynb']
    """
    directory = Path(notebooks_dir)
    available = sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))
    if not available:
        raise ParameterError(
            f"No course notebooks (NN_name.ipynb) in {directory.resolve()}. Run from the cifar-lab "
            "checkout, or pass the notebooks directory with --notebooks-dir."
        )
    if selection is None:
        return available
    wanted = [s.strip() for s in selection.split(",")] if isinstance(selection, str) else list(selection)
    chosen = []
    for item in wanted:
        matches = [p for p in available if item and p.stem.startswith(item)]
        if len(matches) != 1:
            raise ParameterError(
                f"--notebooks {item!r} matches {len(matches)} notebooks; give a number prefix that picks "
                f"exactly one of: {', '.join(p.stem for p in available)}."
            )
        chosen.append(matches[0])
    return sorted(set(chosen))


def plan_run(
    preset: str = "quick",
    *,
    data: str | None = None,
    params: dict[str, Any] | None = None,
    notebooks: str | list[str] | None = None,
    run_dir: str | Path | None = None,
    notebooks_dir: str | Path = "notebooks",
    timeout: float | None = None,
) -> RunPlan:
    """Validate a run against the notebooks' parameters cells and return its plan; nothing runs.

    Args:
        preset: a name in :data:`cifar_lab.presets.PRESETS`.
        data: the ``data`` parameter (``"auto"``, ``"synthetic"``, ``"cifar10"`` or a path).
        params: more parameter values by name; strings (from ``-p NAME VALUE``) are coerced to the
            type each notebook declares, and ``None`` means "from the preset".
        notebooks: which notebooks, e.g. ``"01,03"``; all by default.
        run_dir: where everything goes; default ``runs/<preset>`` as in :func:`resolve_params`.
        notebooks_dir: the directory holding ``NN_name.ipynb`` notebooks.
        timeout: seconds one cell may run; ``None`` takes the preset's from ``CELL_TIMEOUT_S``,
            0 waits forever.

    Raises:
        ParameterError: unknown preset, notebook or parameter name (with the closest valid one),
            a value of the wrong type, or a notebook whose parameters cell breaks the contract.

    Example:
        >>> plan = plan_run("ci", params={"epochs": "1"}, notebooks="01")  # doctest: +SKIP
        >>> plan.notebooks[0].parameters["epochs"]  # doctest: +SKIP
        1
    """
    try:
        check_preset(preset)
    except ValueError as error:
        raise ParameterError(str(error)) from None
    explicit = {k: v for k, v in (params or {}).items() if v is not None}
    if data is not None:
        if explicit.get("data", data) != data:
            raise ParameterError(f"data is given twice ({data!r} and {explicit['data']!r}); keep one.")
        explicit["data"] = data
    if "preset" in explicit or "run_dir" in explicit:
        raise ParameterError("Give the preset and the run directory with --preset and --run-dir, not -p.")
    sources = find_notebooks(notebooks_dir, notebooks)
    declared = {source: read_parameters(source) for source in sources}
    for source, names in declared.items():
        missing = [name for name in REQUIRED_PARAMETERS if name not in names]
        if missing:
            raise ParameterError(
                f"The parameters cell of {source} lacks {', '.join(missing)}; the runner passes every "
                f"notebook {' and '.join(REQUIRED_PARAMETERS)}. Declare them there (str | None = None)."
            )
    union = {name: p for names in declared.values() for name, p in names.items()}
    check_names(explicit, union, where="the selected notebooks (" + ", ".join(s.stem for s in sources) + ")")

    directory = Path(run_dir if run_dir is not None else resolve_params(preset)["run_dir"]).resolve()
    jobs = []
    for source, names in declared.items():
        values: dict[str, Any] = {"preset": preset, "run_dir": str(directory)}
        for name, value in explicit.items():
            if name in names:
                values[name] = coerce(names[name], value, where=f"the value for {source.stem}")
        data_value = values.get("data")
        if isinstance(data_value, str) and data_value not in DATA_SOURCES and os.path.exists(data_value):
            values["data"] = os.path.abspath(data_value)  # a Dask worker may start in another directory
        jobs.append(NotebookJob(source.resolve(), values))
    if timeout is None:
        timeout = CELL_TIMEOUT_S[preset]
    return RunPlan(preset, directory, tuple(jobs), float(timeout) if timeout else None)


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
        plan: from :func:`plan_run`.
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
        if not rerun_rest and record.get("fingerprint") == fingerprint and record.get("status") == "done" and output.exists():
            say(f"[{index}/{total}] {job.stem}: already done with these parameters, skipped")
            outcomes.append(NotebookOutcome(job.stem, "skipped", record["seconds"], read_metrics(plan.run_dir, job.stem)))
            continue
        rerun_rest = True
        say(f"[{index}/{total}] {job.stem}: running")
        started = time.perf_counter()
        try:
            execute_notebook(job.source, output, job.parameters, timeout=plan.timeout, progress=progress,
                             kernel_log=plan.run_dir / "logs" / f"{job.stem}.log")
        except NotebookFailed as error:
            seconds = time.perf_counter() - started
            state["notebooks"][job.stem] = {"fingerprint": fingerprint, "status": "failed", "seconds": seconds, "error": str(error)}
            write_json_atomic(state_path, state)
            say(f"[{index}/{total}] {job.stem}: FAILED after {seconds:.1f} s")
            outcomes.append(NotebookOutcome(job.stem, "failed", seconds, {}, str(error)))
            continue
        seconds = time.perf_counter() - started
        state["notebooks"][job.stem] = {"fingerprint": fingerprint, "status": "done", "seconds": seconds}
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
        >>> print(format_summary(RunResult(Path("runs/ci"), (NotebookOutcome("01_data", "done", 1.5, {"n_train": 400}),))))
        notebook  status  seconds  figure   value
        01_data   done    1.5      n_train  400
        run directory: runs/ci
    """
    rows = [("notebook", "status", "seconds", "figure", "value")]
    for o in result.outcomes:
        figures = list(o.metrics.items()) or [("", "")]
        for i, (name, value) in enumerate(figures):
            rows.append((o.stem, o.status, f"{o.seconds:.1f}", name, _cell(value)) if i == 0 else ("", "", "", name, _cell(value)))
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"run directory: {result.run_dir}")
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

    Arguments are those of :func:`plan_run` and :func:`execute_plan`. Validation errors raise
    :class:`~cifar_lab.notebook_params.ParameterError` before anything runs; a failing notebook
    does not raise: see ``result.ok`` and ``result.error``.

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
    parser = subparsers.add_parser("run", help="run the course notebooks headless (papermill)",
                                   description="Run the course notebooks in order with papermill into one run "
                                   "directory, validating every parameter first; re-running resumes.",
                                   epilog="example: cifar-lab run --preset quick --notebooks 01,02 -p epochs 3")
    parser.add_argument("--preset", default="quick", help=f"run preset: {', '.join(PRESETS)} (default: quick)")
    parser.add_argument("--data", default=None, help="data source: auto, cifar10, synthetic or a path")
    parser.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="set a notebook parameter; VALUE is converted to the type its parameters cell declares")
    parser.add_argument("--notebooks", default=None, help="which notebooks, by number: e.g. 01,03 (default: all)")
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
