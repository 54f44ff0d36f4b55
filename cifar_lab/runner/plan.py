"""Planning a `cifar-lab run`: which notebooks, with which type-checked values, into which directory.

Everything here happens before any notebook executes, so a typo in a parameter name, a value of the
wrong type, an unknown preset or a notebook whose parameters cell breaks the contract stops the run
with a message and nothing written. `cifar_lab.runner` executes the resulting `RunPlan`.

Example:
    >>> plan = plan_run("ci", params={"epochs": "1"}, notebooks="01,02")
    >>> [job.stem for job in plan.notebooks], plan.notebooks[1].parameters["epochs"]
    (['01_data', '02_baseline_cnn'], 1)
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cifar_lab.data.cifar10 import DATA_SOURCES, check_data
from cifar_lab.data.loading import describe_source
from cifar_lab.errors import CifarLabError
from cifar_lab.presets import CELL_TIMEOUT_S, PRESETS, check_preset, resolve_params
from cifar_lab.project import notebooks_dir as project_notebooks_dir
from cifar_lab.runner.parameters import ParameterError, check_names, coerce, read_parameters
from cifar_lab.runner.validation import check_ranges, check_run_dir, check_timeout

# Every notebook must declare these: the runner passes the preset and one shared run directory.
REQUIRED_PARAMETERS = ("preset", "run_dir")
# Values of `data` that name a source rather than a path (cifar_lab.data.load_cifar10).


def library_digest() -> str:
    """Return a digest of the `cifar_lab` package's Python source as it is on disk now.

    Example:
        >>> len(library_digest())
        64
    """
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class NotebookJob:
    """One notebook of a run and the parameter values it will be given (already type-checked)."""

    source: Path
    parameters: dict[str, Any]
    data: str = "synthetic"  # the data the run uses, given or the preset's: its files are part of the work

    @property
    def stem(self) -> str:
        """The notebook's file name without `.ipynb`, e.g. `01_data`."""
        return self.source.stem

    def fingerprint(self) -> str:
        """A digest of the notebook's source, its parameters, the library's code and the data files: equal
        digests mean the same work, so a result computed by other notebook or library code, or on other
        data (the synthetic fallback before CIFAR_LAB_DATA was set), is never reused.

        `run_dir` is left out so a run directory can be moved or copied and still resume.
        """
        digest = hashlib.sha256(self.source.read_bytes())
        digest.update(library_digest().encode())
        values = {k: v for k, v in self.parameters.items() if k != "run_dir"}
        values["data_source"] = describe_source(self.data)
        digest.update(json.dumps(values, sort_keys=True).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class RunPlan:
    """A validated run: where it writes, which notebooks with which values, the per-cell timeout."""

    preset: str
    run_dir: Path
    notebooks: tuple[NotebookJob, ...]
    timeout: int | None
    data: str = "synthetic"


def find_notebooks(notebooks_dir: str | Path | None = None, selection: str | list[str] | None = None) -> list[Path]:
    """Return the `NN_name.ipynb` notebooks in `notebooks_dir`, in order, optionally selected.

    `selection` is `"01,03"` or `["01", "03"]`: each item picks the notebook whose name starts
    with it (`"03"` or `"03_augmentation"`).

    Example:
        >>> [p.name for p in find_notebooks("notebooks", "01,03")]
        ['01_data.ipynb', '03_augmentation.ipynb']
    """
    directory = Path(notebooks_dir) if notebooks_dir is not None else project_notebooks_dir()
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
    notebooks_dir: str | Path | None = None,
    timeout: float | None = None,
) -> RunPlan:
    """Validate a run against the notebooks' parameters cells and return its plan; nothing runs.

    Args:
        preset: a name in `cifar_lab.presets.PRESETS`.
        data: the `data` parameter (`"auto"`, `"synthetic"`, `"cifar10"` or a path).
        params: more parameter values by name; strings (from `-p NAME VALUE`) are coerced to the
            type each notebook declares, and `None` means "from the preset".
        notebooks: which notebooks, e.g. `"01,03"`; all by default.
        run_dir: where everything goes; default the preset's folder in the project's runs
            (`cifar_lab.project.default_run_dir`).
        notebooks_dir: the directory holding `NN_name.ipynb` notebooks; default the project's own.
        timeout: seconds one cell may run (rounded up to whole seconds); `None` takes the preset's
            from `CELL_TIMEOUT_S`, 0 waits forever.

    Raises:
        ParameterError: unknown preset, notebook or parameter name (with the closest valid one),
            a value of the wrong type or out of range (`cifar_lab.runner.validation`), a bad timeout,
            a run directory that cannot be written, or a notebook whose parameters cell breaks the contract.

    Example:
        >>> plan = plan_run("ci", params={"epochs": "1"}, notebooks="02")
        >>> plan.notebooks[0].parameters["epochs"]
        1
        >>> plan_run("ci", data="cifar-10")
        Traceback (most recent call last):
        ...
        cifar_lab.runner.parameters.ParameterError: data: Unknown data='cifar-10'. Did you mean 'cifar10'? ...
    """
    try:
        check_preset(preset)
    except CifarLabError as error:
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
                f"notebook {' and '.join(REQUIRED_PARAMETERS)}. Declare them there, e.g. "
                '`preset: str = "quick"` and `run_dir: str | None = None`.'
            )
    union = {name: p for names in declared.values() for name, p in names.items()}
    check_names(explicit, union, where="the selected notebooks (" + ", ".join(s.stem for s in sources) + ")")

    directory = Path(run_dir if run_dir is not None else resolve_params(preset)["run_dir"]).resolve()
    run_data = _checked_data(str(explicit["data"])) if explicit.get("data") is not None else PRESETS[preset]["data"]
    jobs = []
    for source, names in declared.items():
        values: dict[str, Any] = {"preset": preset, "run_dir": str(directory)}
        for name, value in explicit.items():
            if name in names:
                values[name] = (
                    run_data if name == "data" else coerce(names[name], value, where=f"the value for {source.stem}")
                )
        check_ranges(values, where=f"the value for {source.stem}")
        jobs.append(NotebookJob(source.resolve(), values, run_data))
    check_run_dir(directory)
    seconds = check_timeout(CELL_TIMEOUT_S[preset] if timeout is None else timeout)
    return RunPlan(preset, directory, tuple(jobs), seconds, run_data)


def _checked_data(data: str) -> str:
    """`data` validated as `load_cifar10` will see it; a path made absolute (a Dask worker may start elsewhere)."""
    try:
        check_data(data)
    except CifarLabError as error:
        raise ParameterError(f"data: {error}") from None
    return data if data in DATA_SOURCES else os.path.abspath(os.path.expanduser(data))
