"""Benchmark: grading a class of `ci`-preset submissions with `cifar-lab grade --jobs 2`, against one notebook alone.

Makes N copies of the student version of `02_baseline_cnn` (a class that handed in the notebook
untouched: each trains the ci model and hands in its predictions), times one of them run alone with
`cifar-lab run`'s executor (papermill, no sandbox, no scoring), then grades all N with a hidden set of
synthetic images. Prints the seconds per submission (the run's wall time divided by N), the mean time
each notebook took inside the grader, and their ratios to the notebook alone, side by side in one run.

How quiet the machine was is recorded around both measurements (`machine.QuietMonitor`: the load average
before and after, the share of the machine other processes used, and a NOT QUIET mark when that is not
small): on a shared machine the times are upper bounds, and only the ratios measured side by side compare.
Results are printed and written to `benchmarks/results/grade.txt` (or `--out`) when the run is done.

Usage:
    .venv/bin/python benchmarks/bench_grade.py --submissions 30 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import QuietMonitor

from cifar_lab.data import make_synthetic
from cifar_lab.files import atomic_write_text
from cifar_lab.grade import grade_submissions
from cifar_lab.lab import write_student_versions
from cifar_lab.runner.execution import execute_notebook

RESULTS = Path(__file__).resolve().parent / "results" / "grade.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    write_student_versions(work / "handout")
    notebook = work / "handout" / "02_baseline_cnn.ipynb"
    subs = work / "submissions"
    subs.mkdir()
    for i in range(1, args.submissions + 1):
        shutil.copy(notebook, subs / f"student{i:02d}.ipynb")
    hidden = make_synthetic(n_train=0, n_test=200, seed=7)
    np.savez(work / "hidden.npz", x=hidden.x_test, y=hidden.y_test)
    quietness: list[str] = []
    with QuietMonitor("bench_grade", print_fn=quietness.append):
        started = time.perf_counter()
        params = {"preset": "ci", "run_dir": str(work / "alone-run")}
        execute_notebook(notebook, work / "alone" / "02.ipynb", params, timeout=600, progress=False)
        alone = time.perf_counter() - started

        started = time.perf_counter()
        result = grade_submissions(
            subs, work / "grades", preset="ci", holdout=work / "hidden.npz", jobs=args.jobs, timeout=600, log=None
        )
        graded = time.perf_counter() - started

    statuses = sorted({r["status"] for r in result.records})
    inside = sum(r["seconds"] for r in result.records) / len(result.records)
    per_submission = graded / len(result.records)
    lines = [
        f"# cifar-lab grade, {len(result.records)} ci-preset submissions of 02_baseline_cnn, --jobs {args.jobs}",
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
        *(f"# {line}" for line in quietness),
        f"one notebook alone (papermill, no sandbox):     {alone:7.1f} s",
        f"grading, whole run:                             {graded:7.1f} s",
        f"grading, seconds per submission (run / N):      {per_submission:7.1f} s   to alone {per_submission / alone:.2f}",  # noqa: E501
        f"grading, mean seconds of one notebook inside:   {inside:7.1f} s   to alone {inside / alone:.2f}",
        f"statuses: {', '.join(statuses)}; isolation: namespaces {'on' if _namespaces() else 'off'}",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    atomic_write_text(args.out, text)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _namespaces() -> bool:
    from cifar_lab.sandbox import namespaces_available

    return namespaces_available()


if __name__ == "__main__":
    sys.exit(main())
