"""Sweep files: reading one, and planning every combination of its grid before anything runs.

The format is in `cifar_lab.runner.grid` (and `cifar-lab grid -h`).

Example:
    >>> combination_name({"optimizer": "adam", "epochs": 2})
    'optimizer-adam_epochs-2'
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cifar_lab.errors import did_you_mean
from cifar_lab.project import runs_home
from cifar_lab.runner.parameters import ParameterError
from cifar_lab.runner.plan import RunPlan, plan_run
from cifar_lab.runner.validation import check_timeout

SWEEP_KEYS = ("preset", "notebooks", "params", "grid", "run_dir", "plot_metric", "timeout")
# More combinations than a class sweep needs; a typo (a range written out to 10^7 points) stops here.
MAX_COMBINATIONS = 256
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Combination:
    """One point of the grid: its values, its directory name and its validated run plan."""

    values: dict[str, Any]
    name: str
    plan: RunPlan

    def fingerprint(self) -> str:
        """A digest of every notebook's source and parameters: equal means the same work."""
        return hashlib.sha256("".join(job.fingerprint() for job in self.plan.notebooks).encode()).hexdigest()


def load_sweep(path: str | Path) -> dict[str, Any]:
    """Read a sweep file and return its settings with defaults filled in; the run is not planned yet.

    Raises:
        ParameterError: an unknown key (with the closest valid one), an empty or non-list grid
            entry, or a name in both `params` and `grid`.

    Example:
        >>> _ = Path("sweep.yaml").write_text("preset: ci\\ngrid:\\n  optimizer: [adam, rmsprop]\\n  epochs: [1, 2]\\n")
        >>> load_sweep("sweep.yaml")["grid"]
        {'optimizer': ['adam', 'rmsprop'], 'epochs': [1, 2]}
    """
    from cifar_lab.runner.sweep_reader import read_sweep_yaml

    path = Path(path)
    sweep = read_sweep_yaml(path)
    if not isinstance(sweep, dict) or not isinstance(sweep.get("grid"), dict) or not sweep["grid"]:
        raise ParameterError(
            f"{path} needs a `grid:` mapping of parameter names to lists of values (see cifar-lab grid -h)."
        )
    for key in sweep:
        if key not in SWEEP_KEYS:
            raise ParameterError(
                f"Unknown key {key!r} in {path}.{did_you_mean(str(key), SWEEP_KEYS)} "
                f"Valid keys: {', '.join(SWEEP_KEYS)}."
            )
    params = sweep.get("params") or {}
    if not isinstance(params, dict):
        raise ParameterError(
            f"params in {path} must be a mapping of names to values, e.g. params: {{n_per_class: 40}}."
        )
    for name, values in sweep["grid"].items():
        if not isinstance(values, list) or not values:
            raise ParameterError(
                f"grid: {name} in {path} must be a non-empty list, e.g. {name}: [1, 2]; got {values!r}."
            )
        if name in params:
            raise ParameterError(f"{name!r} is in both params and grid of {path}; keep it in one.")
    for name in ("preset", "run_dir"):
        if name in params or name in sweep["grid"]:
            raise ParameterError(
                f"{name} is a top-level key of a sweep file ({name}: ...), not a params or grid entry."
            )
    _check_types(sweep, params, path)
    notebooks = sweep.get("notebooks")
    if isinstance(notebooks, (int, list)):  # YAML reads `02` as the int 2
        items = notebooks if isinstance(notebooks, list) else [notebooks]
        notebooks = [f"{n:02d}" if isinstance(n, int) else str(n) for n in items]
    return {
        "preset": sweep.get("preset", "quick"),
        "notebooks": notebooks,
        "params": params,
        "grid": sweep["grid"],
        "run_dir": Path(sweep.get("run_dir") or runs_home() / path.stem),
        "plot_metric": sweep.get("plot_metric"),
        "timeout": sweep.get("timeout"),
    }


def _check_types(sweep: dict[str, Any], params: dict[str, Any], path: Path) -> None:
    """Refuse values of a type no sweep key takes, before they reach code expecting the right one."""
    for key, example in (("preset", "ci"), ("run_dir", "runs/sweep"), ("plot_metric", "test_accuracy")):
        if key in sweep and not isinstance(sweep[key], str):
            raise ParameterError(f"{key} in {path} must be a single name, e.g. {key}: {example}; got {sweep[key]!r}.")
    if "timeout" in sweep:
        check_timeout(sweep["timeout"])
    notebooks = sweep.get("notebooks")
    items = notebooks if isinstance(notebooks, list) else [notebooks]
    if not all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in items) and notebooks is not None:
        raise ParameterError(f'notebooks in {path} must be "02" or a list like ["01", "03"]; got {notebooks!r}.')
    entries = [(f"params: {k}", v) for k, v in params.items()]
    entries += [(f"grid: {k}", v) for k, values in sweep["grid"].items() for v in values]
    for where, value in entries:
        if not isinstance(value, _SCALARS):
            raise ParameterError(f"{where} in {path} must be a single value (number, name, true/false); got {value!r}.")


def combination_name(values: dict[str, Any]) -> str:
    """Return a directory name for one combination, readable and safe on every file system.

    Example:
        >>> combination_name({"optimizer": "adam", "learning_rate": 0.001})
        'optimizer-adam_learning_rate-0.001'
    """
    text = "_".join(f"{name}-{value}" for name, value in values.items())
    return "".join(c if c.isalnum() or c in "-._" else "-" for c in text)[:120]


def plan_sweep(
    sweep: dict[str, Any], notebooks_dir: str | Path | None = None, max_combinations: int = MAX_COMBINATIONS
) -> list[Combination]:
    """Validate every combination of `sweep` against the notebooks; nothing runs.

    Raises:
        ParameterError: as `cifar_lab.runner.plan.plan_run`, naming the failing combination; or the
            grid has more than `max_combinations` combinations (counted before any is planned).

    Example:
        >>> _ = Path("sweep.yaml").write_text("preset: ci\\ngrid:\\n  optimizer: [adam, rmsprop]\\n  epochs: [1, 2]\\n")
        >>> for combination in plan_sweep(load_sweep("sweep.yaml")):
        ...     print(combination.name)
        optimizer-adam_epochs-1
        optimizer-adam_epochs-2
        optimizer-rmsprop_epochs-1
        optimizer-rmsprop_epochs-2
    """
    names = list(sweep["grid"])
    count = math.prod(len(values) for values in sweep["grid"].values())
    if count > max_combinations:
        raise ParameterError(
            f"The sweep's grid has {count:,} combinations, more than the {max_combinations:,} allowed. "
            f"Shrink the grid, or pass --max-combinations {count} if you mean to run them all."
        )
    combinations = []
    for point in itertools.product(*sweep["grid"].values()):
        values = dict(zip(names, point))
        name = combination_name(values)
        try:
            plan = plan_run(
                sweep["preset"],
                params={**sweep["params"], **values},
                notebooks=sweep["notebooks"],
                run_dir=Path(sweep["run_dir"]) / name,
                notebooks_dir=notebooks_dir,
                timeout=sweep["timeout"],
            )
        except ParameterError as error:
            raise ParameterError(f"Combination {name}: {error}") from None
        combinations.append(Combination(values, name, plan))
    if len({c.name for c in combinations}) != len(combinations):
        raise ParameterError(
            "Two grid combinations map to the same directory name; make the grid values "
            "differ in letters or digits, not only in punctuation."
        )
    return combinations
