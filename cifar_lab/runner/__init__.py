"""Running the course notebooks headless with papermill: `cifar-lab run` and `cifar-lab grid`.

What instructors and the command line use is re-exported here; the modules below may change freely:

- `run`: `run_notebooks` (plan, execute in order, resume, summarise) and `execute_plan`;
- `plan`: `plan_run`, which validates every parameter against the notebooks before anything runs;
- `grid`: parameter sweeps (`run_grid`) with their results table and plot (`sweep_results`);
- plumbing: `parameters` (reading a notebook's parameters cell), `execution` (one notebook on this
  Python, with a cell timeout and an atomic result), `executors` (local processes or Dask).

Example:
    >>> from cifar_lab.runner import plan_run
    >>> [job.stem for job in plan_run("ci", notebooks="01").notebooks]
    ['01_data']
"""

from cifar_lab.runner.grid import run_grid
from cifar_lab.runner.parameters import ParameterError, read_parameters
from cifar_lab.runner.plan import RunPlan, plan_run
from cifar_lab.runner.run import RunResult, execute_plan, format_summary, run_notebooks
from cifar_lab.runner.sweep import load_sweep, plan_sweep

__all__ = [
    "ParameterError",
    "RunPlan",
    "RunResult",
    "execute_plan",
    "format_summary",
    "load_sweep",
    "plan_run",
    "plan_sweep",
    "read_parameters",
    "run_grid",
    "run_notebooks",
]
