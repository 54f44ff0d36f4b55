"""Regenerate the golden executed notebooks that the nbval regression test compares against.

Usage (from the repository root; ``make goldens`` runs it for every notebook)::

    .venv/bin/python tests/notebooks/make_goldens.py [NN ...]   # e.g. 03 05: only those notebooks

Every notebook in ``notebooks/`` is executed in order with papermill and ``preset = "ci"`` injected,
on this Python, in the course's `cifar-lab` kernel, with `CIFAR_LAB_RUNS` pointing into one scratch
directory: later notebooks load what earlier ones saved, exactly as they do when nbval re-executes the
goldens (`tests/test_notebooks.py` does that in a scratch directory too, so nothing is ever written into
the repository). Volatile metadata (timings, versions) and the
PNG images (which nbval never compares) are stripped; the metrics each notebook wrote are kept in
``tests/notebooks/metrics/`` for the numeric comparison, and what the printed numbers depend on (library
versions, CPU features, core count) in ``tests/notebooks/environment.json``, so that a failing comparison
on another machine can say why.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill

from cifar_lab.files import atomic_write_text
from cifar_lab.lab.kernel import KERNEL_NAME
from cifar_lab.models.hardware import cpu_flags
from cifar_lab.runner.execution import CurrentPythonKernelManager

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "notebooks"
GOLDENS = ROOT / "tests" / "notebooks"
PARAMETERS = {"preset": "ci"}
KEPT_NOTEBOOK_METADATA = ("kernelspec",)
ENVIRONMENT = GOLDENS / "environment.json"
# The CPU features that select oneDNN's kernels (and whether fast_cnn computes in bfloat16).
NUMERIC_CPU_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16")


def _version(*distributions: str) -> str | None:
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def numerics_environment() -> dict[str, object]:
    """What the numbers the notebooks print depend on, besides the code: library versions and the CPU.

    Training on the same code gives identical outputs only where all of these agree.
    """
    return {
        "tensorflow": _version("tensorflow-cpu", "tensorflow"),
        "keras": _version("keras"),
        "numpy": _version("numpy"),
        "cpu_flags": sorted(set(NUMERIC_CPU_FLAGS) & cpu_flags()),
        "cpu_count": os.cpu_count(),
    }


def kernel_environment(scratch: Path) -> dict[str, str]:
    """The environment the golden kernels run in, used identically when nbval re-executes them.

    The kernel itself is the course's `cifar-lab` kernel (`cifar_lab.lab.kernel`), as in JupyterLab; only
    where the runs go differs: into `scratch`, never into the repository.
    """
    return {"CIFAR_LAB_RUNS": str(scratch / "runs")}


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes on every execution without changing the result: timings, versions, images."""
    notebook.metadata = {k: v for k, v in notebook.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill draws a random id on every run
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("image/png", None)
            output.get("metadata", {}).pop("image/png", None)
    return notebook


def make_goldens(selected: list[str] | None = None) -> list[Path]:
    """Execute the course notebooks (those whose number is in ``selected``; default all) with the ci
    preset and write their golden copies and metrics; return the paths of the goldens.

    A notebook run alone builds what earlier notebooks would have saved, with the same result, so a
    selection gives the same goldens as a full run.
    """
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.ipynb"))
    if selected:
        unknown = set(selected) - {source.name[:2] for source in sources}
        if unknown:
            raise SystemExit(f"No notebook numbered {', '.join(sorted(unknown))} in {SOURCES}.")
        sources = [source for source in sources if source.name[:2] in selected]
    written = []
    with tempfile.TemporaryDirectory(prefix="cifar-lab-goldens-") as scratch:
        os.environ.update(kernel_environment(Path(scratch)))
        for source in sources:
            print(f"executing {source.name} ...", flush=True)
            executed = papermill.execute_notebook(
                str(source),
                None,
                parameters=PARAMETERS,
                cwd=scratch,
                kernel_name=KERNEL_NAME,
                kernel_manager_class=CurrentPythonKernelManager,
                progress_bar=False,
            )
            golden = GOLDENS / source.name
            atomic_write_text(golden, nbformat.writes(strip_volatile(executed)) + "\n")
            written.append(golden)
            metrics = Path(scratch) / "runs" / "ci" / "metrics" / f"{source.stem}.json"
            (GOLDENS / "metrics").mkdir(exist_ok=True)
            atomic_write_text(GOLDENS / "metrics" / metrics.name, metrics.read_text(encoding="utf-8"))
    atomic_write_text(ENVIRONMENT, json.dumps(numerics_environment(), indent=1) + "\n")
    return written


if __name__ == "__main__":
    for path in make_goldens(sys.argv[1:]):
        print("wrote", path.relative_to(ROOT))
    sys.exit(0)
