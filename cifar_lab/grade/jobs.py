"""One submission's job: its files in the output folder, and the process that executes it.

    OUT/notebooks/<name>.ipynb        the executed notebook (also when it failed)
    OUT/logs/<name>.log               the kernel's own output (first MiB)
    OUT/.grading/jobs/<name>/         the grader's private files: job, sandbox settings, result
    OUT/.grading/scratch/<name>/      the kernel's working folder: the only place it may write; the
                                      hidden images, the predictions; removed once scored

With namespaces, the kernel sees none of OUT but its own scratch folder.

Example:
    >>> paths = JobPaths(Path("out"), "student01")
    >>> paths.scratch.as_posix()
    'out/.grading/scratch/student01'
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cifar_lab.files import atomic_write_json
from cifar_lab.sandbox.policy import library_env

# Beyond the notebook's own limit: the kernel's start-up (TensorFlow on a busy machine) and papermill's exit.
GRACE_S = 180


@dataclass(frozen=True)
class JobPaths:
    """Where one submission's files go in the output folder `out` (see the module docstring)."""

    out: Path
    name: str

    @property
    def private(self) -> Path:
        return self.out / ".grading" / "jobs" / self.name

    @property
    def scratch(self) -> Path:
        return self.out / ".grading" / "scratch" / self.name

    @property
    def executed(self) -> Path:
        return self.out / "notebooks" / f"{self.name}.ipynb"

    @property
    def log(self) -> Path:
        return self.out / "logs" / f"{self.name}.log"


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Execute `job` in a fresh process (`cifar_lab.grade.worker`) with a scrubbed environment; return its result.

    The process is killed, with everything it started, when it outlives the notebook's limit plus
    `GRACE_S`; a process that dies without a result counts as `failed`.

    Example:
        Not run in the tests: it executes a notebook (see `tests/grade/`).

        >>> run_job(job)["status"]  # doctest: +SKIP
        'ok'
    """
    private = Path(job["config_path"]).parent
    private.mkdir(parents=True, exist_ok=True)
    job_file = atomic_write_json(private / "job.json", job)
    Path(job["result_path"]).unlink(missing_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(private), **library_env()}
    with open(private / "worker.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cifar_lab.grade.worker", str(job_file)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=job["timeout"] + GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            message = f"still running {job['timeout'] + GRACE_S:g} s after it started; stopped"
            return {"status": "timeout", "seconds": job["timeout"], "message": message}
        except BaseException:  # Ctrl-C: leave no kernel behind
            os.killpg(process.pid, signal.SIGKILL)
            raise
    try:
        return json.loads(Path(job["result_path"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tail = (private / "worker.log").read_bytes()[-300:].decode("utf-8", "replace").strip()
        return {
            "status": "failed",
            "seconds": 0.0,
            "message": f"the grader's worker died (exit {process.returncode}): {tail}",
        }
