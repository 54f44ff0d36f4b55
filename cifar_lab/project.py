"""Where the course lives on this machine: its folder, its notebooks, and the one place runs go.

Every entry point (`make run` at the project's top, a JupyterLab kernel started in the students'
working folder, an instructor's script elsewhere) must find the same run directory, or nothing one
trains is reused by another. So relative paths are never resolved against the current directory
alone:

- the project is the nearest folder, from the current directory upwards, that holds
  `notebooks/01_data.ipynb` and `pyproject.toml`; failing that, the checkout `cifar_lab` itself was
  installed from (an editable install, as `make` does); failing that, the current directory;
- runs go to `$CIFAR_LAB_RUNS` when set, else `<project>/runs/`.

Example:
    >>> import os, tempfile
    >>> os.environ["CIFAR_LAB_RUNS"] = tempfile.mkdtemp()
    >>> default_run_dir("ci") == Path(os.environ["CIFAR_LAB_RUNS"]) / "ci"
    True
    >>> del os.environ["CIFAR_LAB_RUNS"]
"""

from __future__ import annotations

import os
from pathlib import Path

RUNS_ENV = "CIFAR_LAB_RUNS"
_MARKERS = (Path("notebooks") / "01_data.ipynb", Path("pyproject.toml"))


def _is_project(folder: Path) -> bool:
    return all((folder / marker).is_file() for marker in _MARKERS)


def project_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The course project's folder: the nearest one upwards of `start` (default: the current directory).

    Example:
        >>> (project_root() / "notebooks").name
        'notebooks'
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_project(folder):
            return folder
    installed_from = Path(__file__).resolve().parents[1]
    return installed_from if _is_project(installed_from) else here


def notebooks_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """The course's own notebooks (`<project>/notebooks`), whatever the current directory.

    Example:
        >>> sorted(p.name for p in notebooks_dir().glob("0*.ipynb"))[0]
        '01_data.ipynb'
    """
    return project_root(start) / "notebooks"


def runs_home() -> Path:
    """The folder every run directory goes into: `$CIFAR_LAB_RUNS`, else `<project>/runs`.

    Example:
        >>> runs_home().name in ("runs", os.path.basename(os.environ.get(RUNS_ENV, "")))
        True
    """
    configured = os.environ.get(RUNS_ENV)
    return Path(configured).expanduser().resolve() if configured else project_root() / "runs"


def default_run_dir(preset: str) -> Path:
    """The run directory of `preset` when none is given: `<runs home>/<preset>`.

    Example:
        >>> default_run_dir("quick").name
        'quick'
    """
    return runs_home() / preset
