"""The run directory: where one run of the course keeps everything, and the one place that names its parts.

    run_dir/
      notebooks/01_data.ipynb ...  executed copies (02_x.failed.ipynb when a notebook failed)
      metrics/01_data.json ...     each notebook's headline figures (`write_metrics`)
      models/<key>/                trained models: model.keras, model.json + model.weights.h5,
                                   history.json, params.json (see `cifar_lab.course.train_or_load`)
      ethics/                      the ethics report: model card (Markdown and JSON) and its figures
      previews/                    augmentation previews saved as PNG files
      logs/01_data.log ...         the kernels' own output (TensorFlow's C++ log lines)
      run_state.json               what completed with which inputs: `cifar-lab run`'s resume record

Notebooks, the runner and the grader all reach these paths through `RunDir`, so the layout is
written down once.

Example:
    >>> layout = RunDir("runs/ci")
    >>> layout.metrics_file("02_baseline_cnn.ipynb").as_posix()
    'runs/ci/metrics/02_baseline_cnn.json'
"""

from __future__ import annotations

import json
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cifar_lab.errors import CifarLabError, MissingFileError
from cifar_lab.files import atomic_write_json

STATE_FILE = "run_state.json"


def notebook_stem(notebook: str | os.PathLike[str]) -> str:
    """The stem that names a notebook's files: `"02_baseline_cnn"` for `notebooks/02_baseline_cnn.ipynb`.

    Example:
        >>> notebook_stem("notebooks/02_baseline_cnn.ipynb")
        '02_baseline_cnn'
    """
    name = Path(notebook).name
    return name[: -len(".ipynb")] if name.endswith(".ipynb") else name


@dataclass(frozen=True)
class RunDir:
    """The parts of one run directory, by name (see the module docstring for the tree).

    Example:
        >>> RunDir("runs/quick").model_dir("fast_cnn-recommended").as_posix()
        'runs/quick/models/fast_cnn-recommended'
    """

    root: Path

    def __init__(self, root: str | os.PathLike[str]) -> None:
        object.__setattr__(self, "root", Path(root))

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def ethics(self) -> Path:
        return self.root / "ethics"

    @property
    def previews(self) -> Path:
        return self.root / "previews"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def state_file(self) -> Path:
        return self.root / STATE_FILE

    def notebook_file(self, notebook: str | os.PathLike[str]) -> Path:
        """Where the executed copy of `notebook` goes."""
        return self.notebooks / f"{notebook_stem(notebook)}.ipynb"

    def metrics_file(self, notebook: str | os.PathLike[str]) -> Path:
        """Where `notebook`'s headline figures go."""
        return self.metrics / f"{notebook_stem(notebook)}.json"

    def log_file(self, notebook: str | os.PathLike[str]) -> Path:
        """Where the kernel's own output for `notebook` goes."""
        return self.logs / f"{notebook_stem(notebook)}.log"

    def model_dir(self, key: str) -> Path:
        """Where the trained model named `key` (e.g. `original` or `fast_cnn-recommended`) is saved."""
        return self.models / key


class MetricError(CifarLabError, ValueError):
    """A metric is not a single finite number, string, bool or None."""


def _plain(name: str, value: Any) -> float | int | str | bool | None:
    """`value` as a JSON scalar, or a clear error when a metric is not a single number or string."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # a numpy scalar
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise MetricError(f"Metric {name!r} is {value}; write only finite numbers (check the run).")
        return float(value)
    raise MetricError(
        f"Metric {name!r} is a {type(value).__name__}; metrics files hold one number or string per name. "
        "Write a summary figure (e.g. the mean or the worst class) instead of an array or a dict."
    )


def write_metrics(run_dir: str | os.PathLike[str], notebook: str | os.PathLike[str], metrics: dict[str, Any]) -> Path:
    """Write a notebook's headline figures to `run_dir/metrics/<notebook stem>.json`, atomically.

    `metrics` is a flat dict of name -> number, string, bool or None (numpy scalars are converted).
    `cifar-lab run` and `cifar-lab grid` collect these files for their summaries. Returns the path.

    Raises:
        MetricError: a value is an array, a dict, NaN or infinite.

    Example:
        >>> import tempfile
        >>> run_dir = tempfile.mkdtemp()
        >>> write_metrics(run_dir, "02_baseline_cnn", {"test_accuracy": 0.52}).name
        '02_baseline_cnn.json'
    """
    plain = {str(name): _plain(str(name), value) for name, value in metrics.items()}
    return atomic_write_json(RunDir(run_dir).metrics_file(notebook), plain, sort_keys=True)


def read_metrics(run_dir: str | os.PathLike[str], notebook: str | os.PathLike[str]) -> dict[str, Any]:
    """Read the headline figures a notebook wrote with `write_metrics`.

    Raises:
        MissingFileError: the notebook has not written them (it has not run into this run directory).

    Example:
        >>> import tempfile
        >>> run_dir = tempfile.mkdtemp()
        >>> _ = write_metrics(run_dir, "02_baseline_cnn", {"test_accuracy": 0.52})
        >>> read_metrics(run_dir, "02_baseline_cnn")
        {'test_accuracy': 0.52}
    """
    path = RunDir(run_dir).metrics_file(notebook)
    stem = notebook_stem(notebook)
    if not path.is_file():
        raise MissingFileError(
            f"No metrics at {path}. Run the notebook {stem} with run_dir={str(run_dir)!r} first "
            f"(for example: cifar-lab run --notebooks {stem[:2]} --run-dir {run_dir})."
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MetricError(
            f"{path} is not a metrics file ({error}). Delete it and run the notebook {stem} again."
        ) from None
