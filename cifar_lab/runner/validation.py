"""Checks on a run's values before anything runs: ranges, the cell timeout, a writable run directory.

A parameters cell says only a value's type; an `epochs` of 0 or a `val_fraction` of 1.5 would pass
that and fail minutes later inside a kernel. `LIMITS` holds what every notebook would insist on.

Example:
    >>> check_ranges({"epochs": 3, "val_fraction": 0.2}, where="the command line")
    >>> check_ranges({"epochs": 0}, where="the command line")
    Traceback (most recent call last):
    ...
    cifar_lab.runner.parameters.ParameterError: epochs must be at least 1, but the command line gives 0. ...
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cifar_lab.runner.parameters import ParameterError

# name -> (the rule in words, the test, a valid example); None always passes (it means "the preset's").
LIMITS: dict[str, tuple[str, Callable[[Any], bool], str]] = {
    "epochs": ("at least 1", lambda v: v >= 1, "3"),
    "batch_size": ("at least 1", lambda v: v >= 1, "128"),
    "n_per_class": ("at least 1", lambda v: v >= 1, "1000"),
    "seed": ("between 0 and 2**32 - 1 (NumPy's seed range)", lambda v: 0 <= v < 2**32, "0"),
    "val_fraction": ("between 0 and 1, both excluded", lambda v: 0 < v < 1, "0.2"),
    "learning_rate": ("above 0", lambda v: v > 0, "0.001"),
    "canaries": ("at least 0", lambda v: v >= 0, "100"),
}


def check_ranges(values: dict[str, Any], *, where: str) -> None:
    """Raise `ParameterError` for the first value outside its `LIMITS`, or a float that is nan or infinite.

    Example:
        >>> check_ranges({"learning_rate": float("nan")}, where="sweep.yaml")
        Traceback (most recent call last):
        ...
        cifar_lab.runner.parameters.ParameterError: learning_rate must be a finite number, but sweep.yaml ...
    """
    for name, value in values.items():
        if value is None or isinstance(value, (bool, str)):
            continue
        rule, test, example = LIMITS.get(name, ("a finite number", math.isfinite, "1"))
        if not math.isfinite(value):
            raise ParameterError(
                f"{name} must be a finite number, but {where} gives {value}. Pass e.g. -p {name} {example}."
            )
        if not test(value):
            raise ParameterError(f"{name} must be {rule}, but {where} gives {value!r}. Pass e.g. -p {name} {example}.")


def check_timeout(timeout: Any) -> int | None:
    """Return the cell timeout as whole seconds (rounded up), `None` for 0 (no timeout); refuse anything else.

    Papermill takes whole seconds; -1, nan, infinity or a string are mistakes, not "no timeout".

    Example:
        >>> check_timeout(2.5), check_timeout(0), check_timeout(600)
        (3, None, 600)
        >>> check_timeout(-1)
        Traceback (most recent call last):
        ...
        cifar_lab.runner.parameters.ParameterError: The cell timeout must be 0 (none) or a positive number ...
    """
    number = isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
    if not number or not math.isfinite(timeout) or timeout < 0:
        raise ParameterError(
            f"The cell timeout must be 0 (none) or a positive number of seconds, got {timeout!r}. "
            "Pass e.g. --timeout 600, or --timeout 0 to wait forever."
        )
    return math.ceil(timeout) if timeout else None


def check_run_dir(run_dir: Path) -> None:
    """Raise `ParameterError` unless `run_dir` is, or can be made, a folder this process can write to.

    Nothing is created: the nearest existing folder is probed with a temporary file, which catches
    read-only mounts too (a permission check alone would pass for root).

    Example:
        >>> check_run_dir(Path("runs/ci"))
        >>> _ = Path("notes.txt").write_text("a file")
        >>> check_run_dir(Path("notes.txt"))
        Traceback (most recent call last):
        ...
        cifar_lab.runner.parameters.ParameterError: The run directory notes.txt is a file, not a folder. ...
    """
    existing = run_dir
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # dangling
            break
        existing = existing.parent
    if not existing.is_dir():
        what = (
            "is a file, not a folder" if existing == run_dir else f"would be inside {existing}, which is not a folder"
        )
        raise ParameterError(f"The run directory {run_dir} {what}. Pass another --run-dir, or move the file away.")
    try:
        probe = existing / f".cifar-lab-write-test-{os.getpid()}"
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as error:
        raise ParameterError(
            f"Cannot write to the run directory {run_dir}: {existing} is not writable ({error.strerror}). "
            "Pass a --run-dir you can write to."
        ) from None
