"""Execute one notebook with papermill the safe way: this Python, a cell timeout, an atomic result.

Three papermill traps are handled here:

- Kernel names: papermill starts whatever kernelspec the notebook's metadata names, which on another
  machine may be missing or point at a different Python (without TensorFlow, or an older cifar_lab).
  `CurrentPythonKernelManager` always starts `ipykernel` on `sys.executable`.
- Port races: jupyter_client picks "free" TCP ports by binding and releasing them, so kernels starting at
  the same moment (`cifar-lab grid --jobs 2`) can pick the same port. On POSIX the kernel talks over
  Unix sockets in a private directory instead: no ports at all. (ZeroMQ has no such sockets on
  Windows; there kernels keep TCP and the rare race remains.)
- No timeout: papermill waits forever on a hung cell; here every cell gets `timeout` seconds.

The executed notebook is written next to its final path under a temporary name while it runs and moved
into place only when every cell succeeded, so an interrupted or killed run never leaves a half-executed
notebook where a completed one belongs. A failed notebook is kept as `<stem>.failed.ipynb` to debug.

Example:
    Not run in the tests: it starts a kernel and executes a notebook.

    >>> execute_notebook("notebooks/01_data.ipynb", "runs/ci/notebooks/01_data.ipynb",
    ...                  {"preset": "ci"}, timeout=600)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import papermill
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from cifar_lab.errors import CifarLabError
from cifar_lab.files import move_into_place, process_running
from cifar_lab.lab.kernel import KERNEL_NAME, kernel_spec

_KERNEL_DIR_PREFIX = "cifar-lab-kernel-"


class _UnknownParameterWarnings(logging.Filter):
    """Drops papermill's "Passed unknown parameter" warnings: its parser misses `X | None`
    annotations, and the runner has already checked every name against the parameters cell."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


_QUIET_PAPERMILL = _UnknownParameterWarnings()


class NotebookFailed(CifarLabError, RuntimeError):
    """A notebook stopped with an error; the message names the cell, the error and the saved notebook."""


class CurrentPythonKernelManager(AsyncKernelManager):
    """A kernel manager that runs the `cifar-lab` kernel (`cifar_lab.lab.kernel`) on this interpreter,
    over private Unix sockets (POSIX), whatever kernels this machine has installed.

    Example:
        >>> CurrentPythonKernelManager().kernel_spec.argv[0] == sys.executable
        True
    """

    #: File receiving the kernel process's own stdout and stderr (TensorFlow's C++ log lines, which
    #: bypass the notebook's outputs and would interleave with the progress display); None: inherited.
    kernel_log: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._socket_dir: str | None = None
        if os.name == "posix":
            # A short private path: Unix socket paths are limited to about 100 characters. It holds the
            # connection file (with its key) too, and names this process, so that what a killed run leaves
            # is one folder `sweep_kernel_leftovers` can remove.
            self._socket_dir = tempfile.mkdtemp(prefix=f"{_KERNEL_DIR_PREFIX}{os.getpid()}-")
            self.transport = "ipc"
            self.ip = os.path.join(self._socket_dir, "k")
            self.connection_file = os.path.join(self._socket_dir, "kernel.json")

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(**kernel_spec(sys.executable))
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if self.kernel_log is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        with _open_log(self.kernel_log) as log:  # the kernel gets its own copy of the descriptor
            return await super()._async_launch_kernel(kernel_cmd, stdout=log, stderr=log, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._socket_dir and not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


def _open_log(path: str | os.PathLike[str], *, empty: bool = False) -> BinaryIO:
    """Open `path` for appending (emptied first when `empty`); a link planted there is removed, never written
    through, so a shared run directory cannot be used to overwrite another file."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | (os.O_TRUNC if empty else 0)
    return os.fdopen(os.open(path, flags, 0o666), "ab")


def sweep_kernel_leftovers() -> list[Path]:
    """Remove the socket folders (and connection files) of cifar-lab kernels whose runner no longer runs.

    A runner stopped by SIGKILL cannot clean up; the next run does. Returns the folders removed.

    Example:
        >>> leftover = Path(tempfile.mkdtemp(prefix=f"{_KERNEL_DIR_PREFIX}999999999-"))
        >>> leftover in sweep_kernel_leftovers(), leftover.exists()
        (True, False)
    """
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{_KERNEL_DIR_PREFIX}*-*"):
        pid = folder.name[len(_KERNEL_DIR_PREFIX) :].split("-")[0]
        if pid.isdigit() and folder.is_dir() and not folder.is_symlink() and not process_running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def partial_path(output: Path) -> Path:
    """Return where `output` is written while its notebook runs (a hidden file beside it).

    Example:
        >>> partial_path(Path("runs/ci/notebooks/01_data.ipynb")).name
        '.01_data.partial.ipynb'
    """
    return output.with_name(f".{output.stem}.partial.ipynb")


def failed_path(output: Path) -> Path:
    """Return where a failed execution of `output`'s notebook is kept for debugging.

    Example:
        >>> failed_path(Path("runs/ci/notebooks/01_data.ipynb")).name
        '01_data.failed.ipynb'
    """
    return output.with_name(f"{output.stem}.failed.ipynb")


def execute_notebook(
    source: str | Path,
    output: str | Path,
    parameters: dict[str, Any],
    *,
    timeout: float | None,
    progress: bool = True,
    kernel_log: str | Path | None = None,
) -> None:
    """Run `source` with `parameters` on this Python and write the executed copy to `output`.

    Args:
        source: the notebook to run (left untouched).
        output: where the executed notebook goes; written only when every cell succeeded.
        parameters: values papermill injects after the parameters cell (already type-checked).
        timeout: seconds any one cell may run; `None` or 0 waits forever.
        progress: show a bar of executed cells, labelled with the notebook's name.
        kernel_log: a file for the kernel process's own output (C++ library logs); by default it
            goes to this process's terminal.

    Raises:
        NotebookFailed: a cell raised or ran past `timeout`; the executed notebook is kept as
            `<stem>.failed.ipynb` beside `output`.

    Example:
        Not run in the tests: it starts a kernel and executes a notebook.

        >>> execute_notebook("notebooks/01_data.ipynb", "runs/ci/notebooks/01_data.ipynb",
        ...                  {"preset": "ci", "run_dir": "runs/ci"}, timeout=600)  # doctest: +SKIP
    """
    source, output = Path(source), Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(output)
    manager = CurrentPythonKernelManager
    if kernel_log is not None:
        Path(kernel_log).parent.mkdir(parents=True, exist_ok=True)
        # Emptied now, so a notebook whose kernel fails to start shows no older run's log.
        _open_log(kernel_log, empty=True).close()
        manager = type("LoggedKernelManager", (CurrentPythonKernelManager,), {"kernel_log": str(kernel_log)})
    if _QUIET_PAPERMILL not in logging.getLogger("papermill").filters:
        logging.getLogger("papermill").addFilter(_QUIET_PAPERMILL)
    try:
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=parameters,
            kernel_name=KERNEL_NAME,  # labels the output; the manager below starts it on this interpreter
            kernel_manager_class=manager,
            progress_bar={"desc": source.stem, "leave": True} if progress else False,
            execution_timeout=timeout or None,
            start_timeout=120,  # a first TensorFlow-era kernel start on a busy 2-core machine is slow
        )
    except PapermillExecutionError as error:
        raise NotebookFailed(
            f"{source.stem} failed at In [{error.exec_count}]: {error.ename}: {error.evalue}. {_kept(partial, output)}"
        ) from None
    except CellTimeoutError:
        raise NotebookFailed(
            f"{source.stem}: a cell ran longer than the per-cell timeout of {timeout:g} s. If it was "
            f"working, not hung, allow more with --timeout SECONDS. {_kept(partial, output)}"
        ) from None
    except Exception as error:
        log_hint = f" The kernel's own output is in {kernel_log}." if kernel_log else ""
        raise NotebookFailed(
            f"{source.stem} could not run: {type(error).__name__}: {error}. {_kept(partial, output)}{log_hint}"
        ) from error
    except BaseException:  # Ctrl-C: leave only completed notebooks behind
        partial.unlink(missing_ok=True)
        _quiet_the_interrupted_cell()
        raise
    move_into_place(partial, output)
    failed_path(output).unlink(missing_ok=True)


def _quiet_the_interrupted_cell() -> None:
    """Keep the interrupted cell's task from printing a traceback when Python collects it.

    Ctrl-C leaves nbclient's task for the running cell in Jupyter's event loop; it ends with
    `DeadKernelError` once the kernel is stopped, and asyncio reports that as "Task exception was
    never retrieved" with a traceback, after cifar-lab's own one line.
    """
    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    previous = loop.get_exception_handler()

    def handler(loop: Any, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), DeadKernelError):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def _kept(partial: Path, output: Path) -> str:
    """Move the partial notebook to its `.failed.ipynb` name and say where it is."""
    if not partial.exists():
        return "No executed notebook was written."
    move_into_place(partial, failed_path(output))
    return f"The executed notebook with the error is {failed_path(output)}."
