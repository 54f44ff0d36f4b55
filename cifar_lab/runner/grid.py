"""`cifar-lab grid`: a parameter sweep over the course notebooks, for instructors.

A sweep file (YAML) names a preset, fixed parameters and a grid; every combination of the grid's
values runs the notebooks in its own directory:

    # sweep.yaml
    preset: ci               # any run preset
    notebooks: "03"          # optional: which notebooks (quote numbers); all by default
    params:                  # optional: values every combination shares
      n_per_class: 40
    grid:                    # every combination of these values
      optimizer: [adam, rmsprop]
      augmentation: [original, recommended]
      epochs: [1, 2]
    run_dir: runs/sweep      # optional: default <project>/runs/<sweep file name>
    plot_metric: test_accuracy   # optional: default the first figure named like accuracy
    timeout: 600             # optional: seconds per cell, default the preset's

Every combination is validated against the notebooks before any runs. A failed combination is
recorded with its error and the others continue; re-running skips completed combinations (and,
inside an interrupted one, its completed notebooks). The comparison is written to
`run_dir/results.csv`, `results.md` and `results.png`.

`--jobs N` runs N combinations at once in local processes; `--scheduler ADDRESS` sends them to a
Dask cluster instead, whose workers must see the notebooks and the run directory at the same paths
(a shared file system): paths are resolved here before the combinations are sent.

Example:
    From the command line, `cifar-lab grid sweep.yaml --jobs 2`; from Python (Not run in the tests: it
    executes every combination's notebooks):

    >>> result = run_grid("sweep.yaml", jobs=2)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cifar_lab.files import atomic_write_json
from cifar_lab.runner.run import execute_plan
from cifar_lab.runner.sweep import MAX_COMBINATIONS, Combination, load_sweep, plan_sweep
from cifar_lab.runner.sweep_results import write_results

RESULT_FILE = "result.json"


@dataclass(frozen=True)
class GridResult:
    """Each combination's recorded result (as in its `result.json`) and the files written."""

    run_dir: Path
    results: tuple[dict[str, Any], ...]
    files: tuple[Path, ...]

    @property
    def ok(self) -> bool:
        return all(r["status"] == "done" for r in self.results)


def run_combination(combination: Combination, progress: bool = False, force: bool = False) -> dict[str, Any]:
    """Run one combination's notebooks and record the outcome in its `result.json`; never raises.

    Runs in a worker (a local process or a Dask worker), so everything it returns is plain data.
    It prints a line as each notebook starts and ends (in the worker's output); `progress` adds
    a bar of executed cells, readable only when combinations run one at a time; `force` runs
    notebooks the combination already completed again.

    Example:
        Not run in the tests: it executes the combination's notebooks.

        >>> run_combination(plan_sweep(load_sweep("sweep.yaml"))[0])["status"]  # doctest: +SKIP
        'done'
    """
    started = time.perf_counter()
    try:
        run = execute_plan(
            combination.plan,
            force=force,
            progress=progress,
            log=lambda line: print(f"  {combination.name} {line}", flush=True),
        )
        status, error = ("done", None) if run.ok else ("failed", run.error)
        metrics = {o.stem: o.metrics for o in run.outcomes if o.metrics}
    except Exception as exception:  # anything at all: recorded, and the other combinations go on
        status, error, metrics = "failed", f"{type(exception).__name__}: {exception}", {}
    result = {
        "combination": combination.values,
        "name": combination.name,
        "status": status,
        "error": error,
        "seconds": round(time.perf_counter() - started, 2),
        "metrics": metrics,
        "fingerprint": combination.fingerprint(),
    }
    atomic_write_json(combination.plan.run_dir / RESULT_FILE, result, sort_keys=True)
    return result


def _recorded(combination: Combination) -> dict[str, Any] | None:
    """The combination's result if it completed with the same notebooks and parameters, else None."""
    path = combination.plan.run_dir / RESULT_FILE
    if not path.exists():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    done = result.get("status") == "done" and result.get("fingerprint") == combination.fingerprint()
    return result if done else None


def run_grid(
    sweep_path: str | Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    notebooks_dir: str | Path | None = None,
    run_dir: str | Path | None = None,
    force: bool = False,
    max_combinations: int = MAX_COMBINATIONS,
) -> GridResult:
    """Run every combination of a sweep file, then write the comparison table and plot.

    Args:
        sweep_path: the YAML sweep file (format in this module's docstring).
        jobs: combinations run at once in local processes.
        scheduler: a Dask scheduler address; combinations go to that cluster instead.
        notebooks_dir: the directory of `NN_name.ipynb` notebooks; default the project's own.
        run_dir: overrides the sweep file's `run_dir`.
        force: run combinations already completed again.
        max_combinations: refuse a grid with more combinations than this (a typo's safety net).

    With `jobs` above 1, call it from a script under `if __name__ == "__main__":`: worker
    processes are started with `spawn`, which imports the calling script again.

    Raises:
        ParameterError: the sweep file or any combination is invalid (before anything runs).

    Example:
        Not run in the tests: it executes every combination's notebooks.

        >>> run_grid("sweep.yaml", jobs=2).ok  # doctest: +SKIP
        True
    """
    from cifar_lab.runner.executors import make_executor

    sweep = load_sweep(sweep_path)
    if run_dir is not None:
        sweep["run_dir"] = Path(run_dir)
    combinations = plan_sweep(sweep, notebooks_dir, max_combinations)
    results: dict[int, dict[str, Any]] = {}
    if not force:
        results = {i: r for i, c in enumerate(combinations) if (r := _recorded(c)) is not None}
    pending = [i for i in range(len(combinations)) if i not in results]
    executor = make_executor(jobs, scheduler)
    print(
        f"cifar-lab grid: {len(combinations)} combinations into {Path(sweep['run_dir']).resolve()}, "
        f"{len(results)} already done, {len(pending)} to run on {executor.description}",
        flush=True,
    )
    finished = len(results)
    work = functools.partial(run_combination, progress=jobs == 1 and not scheduler, force=force)
    for position, result in executor.map_unordered(work, [combinations[i] for i in pending]):
        index = pending[position]
        if isinstance(result, BaseException):  # the worker itself was lost
            lost = combinations[index]
            result = {
                "combination": lost.values,
                "name": lost.name,
                "status": "failed",
                "error": f"{type(result).__name__}: {result}",
                "seconds": 0.0,
                "metrics": {},
            }
        results[index] = result
        finished += 1
        done = result["status"] == "done"
        outcome = f"done in {result['seconds']:.1f} s" if done else f"FAILED: {result['error']}"
        print(f"[{finished}/{len(combinations)}] {result['name']}: {outcome}", flush=True)
    ordered = tuple(results[i] for i in range(len(combinations)))
    files = write_results(ordered, sweep["run_dir"], list(sweep["grid"]), sweep["plot_metric"])
    print("written: " + ", ".join(str(f) for f in files), flush=True)
    return GridResult(Path(sweep["run_dir"]), ordered, files)
