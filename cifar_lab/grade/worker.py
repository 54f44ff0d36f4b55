"""One submission, executed in a process of its own: `python -m cifar_lab.grade.worker JOB.json`.

The grader (`cifar_lab.grade.grading`) starts one such process per submission, with a scrubbed
environment and a hard wall-clock limit, so nothing a submission does to its process (or to papermill's
memory) reaches the grader or the other submissions. The process runs the notebook with papermill in a
sandboxed kernel (`cifar_lab.sandbox`), writes the executed notebook, and records its verdict in the job's
result file: status `ok`, `failed`, `timeout` or `memory`, the seconds taken, a message, and whether its
kernel ran in namespaces.

Example:
    Not run in the tests: it executes a notebook. `tests/grade/` runs it.

    >>> main(["worker", "grading/student01/job.json"])  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

from cifar_lab.files import atomic_write_json

_MEMORY_SIGNS = re.compile(r"MemoryError|bad_alloc|Cannot allocate memory|Resource exhausted|OOM", re.I)


def execute_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run the job's notebook in its sandbox; return `{"status", "seconds", "message"}`.

    Example:
        Not run in the tests: it executes a notebook (see `tests/grade/`).

        >>> execute_job(json.loads(Path("job.json").read_text()))["status"]  # doctest: +SKIP
        'ok'
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from cifar_lab.grade.engine import CappedNotebookClient, deadline_timeout, register_engine
    from cifar_lab.lab.kernel import KERNEL_NAME
    from cifar_lab.sandbox import Sandbox, SandboxedKernelManager

    sandbox = Sandbox(
        scratch=job["scratch"],
        memory_mb=job["memory_mb"],
        cpu_seconds=int(job["timeout"] * 2 + 120),  # a backstop: the wall-clock limits act first
        hidden=tuple(job["hidden"]),
        namespaces=job["namespaces"],
        extra_env=job["env"],
    )
    atomic_write_json(job["config_path"], sandbox.config())
    manager = SandboxedKernelManager.for_sandbox(sandbox, job["config_path"], kernel_log=job["log_path"])
    CappedNotebookClient.max_output_bytes = job["max_output_mb"] * 2**20
    logging.getLogger("papermill").setLevel(logging.ERROR)
    started = time.monotonic()
    status, message = "ok", "ran to the end"
    try:
        papermill.execute_notebook(
            job["notebook"],
            job["executed"],
            parameters=job["parameters"],
            engine_name=register_engine(),
            kernel_name=KERNEL_NAME,
            language="python",
            kernel_manager_class=manager,
            progress_bar=False,
            start_timeout=120,
            timeout_func=deadline_timeout(started + job["timeout"]),
        )
    except PapermillExecutionError as error:
        status = "memory" if error.ename == "MemoryError" else "failed"
        message = f"{error.ename}: {error.evalue}"[:500]
    except CellTimeoutError:
        status, message = "timeout", f"still running after the notebook's limit of {job['timeout']:g} s; stopped"
    except DeadKernelError:
        status, message = _dead_kernel(job)
    except Exception as error:
        status, message = "failed", f"could not run: {type(error).__name__}: {error}"[:500]
    seconds = round(time.monotonic() - started, 2)
    # Decided on this machine: on a Dask cluster, a worker may not allow the namespaces the grader's machine does.
    return {"status": status, "seconds": seconds, "message": message, "namespaces": sandbox.uses_namespaces()}


def _dead_kernel(job: dict[str, Any]) -> tuple[str, str]:
    log = Path(job["log_path"])
    tail = log.read_bytes()[-20000:].decode("utf-8", "replace") if log.is_file() else ""
    if _MEMORY_SIGNS.search(tail):
        return "memory", f"the kernel died for want of memory (limit {job['memory_mb']} MiB)"
    return "failed", "the kernel died (killed, or crashed in native code); see its log"


def main(argv: list[str]) -> int:
    """Execute the job in `argv[1]` and write its result file; the exit status is 0 unless the job is unreadable.

    Example:
        Not run in the tests: it executes a notebook (see `tests/grade/`).

        >>> main(["worker", "grading/student01/job.json"])  # doctest: +SKIP
    """
    job = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    atomic_write_json(job["result_path"], execute_job(job))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
