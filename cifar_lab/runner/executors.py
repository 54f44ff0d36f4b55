"""Where `cifar-lab grid` and `cifar-lab grade` run their work: this process, local processes, or a Dask cluster.

Every executor has one method, `map_unordered(fn, items)`, yielding `(index, result)` as each
call finishes, where `result` is the exception if the call itself could not complete (a worker
process died, the cluster lost it). `fn` and the items must be picklable: `fn` a module-level
function, the items plain data. Dask is optional (`pip install 'cifar-lab[dask]'`) and imported
only when a scheduler address is given.

Example:
    >>> executor = make_executor(jobs=1)
    >>> sorted(executor.map_unordered(abs, [-1, -2]))
    [(0, 1), (1, 2)]
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from cifar_lab.errors import CifarLabError, UsageError

# How long a Dask scheduler has to answer before `--scheduler` gives up with a one-line error.
CONNECT_TIMEOUT_S = 20.0


class MissingDependencyError(CifarLabError, ImportError):
    """An optional package a feature needs is not installed; the message says how to install it."""


class SchedulerUnreachableError(CifarLabError, ConnectionError):
    """No Dask scheduler answered at the address given."""


class Executor(Protocol):
    """Runs `fn` over items somewhere; `description` says where, for the progress display."""

    description: str

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """Yield `(index, fn(items[index]) or the exception it raised)` in completion order."""
        ...


class SerialExecutor:
    """Runs each call in this process, one after another: the simplest to debug and interrupt.

    Example:
        >>> list(SerialExecutor().map_unordered(abs, [-3]))
        [(0, 3)]
    """

    description = "this process"

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        for index, item in enumerate(items):
            try:
                yield index, fn(item)
            except Exception as error:
                yield index, error


class ProcessExecutor:
    """Runs up to `jobs` calls at once in fresh local processes.

    Processes are started with `spawn`, not `fork`: a forked copy of a parent holding threads
    (progress bars, ZeroMQ) can deadlock.

    Example:
        Not run in the tests: spawning two Python processes takes seconds.

        >>> sorted(ProcessExecutor(2).map_unordered(abs, [-1, -2]))  # doctest: +SKIP
        [(0, 1), (1, 2)]
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.description = f"{jobs} local processes"

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=self.jobs, mp_context=context) as pool:
            futures = {pool.submit(fn, item): index for index, item in enumerate(items)}
            try:
                for future in concurrent.futures.as_completed(futures):
                    error = future.exception()
                    yield futures[future], error if error is not None else future.result()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise


class DaskExecutor:
    """Sends each call to the Dask cluster whose scheduler listens at `address`.

    Raises:
        ImportError: Dask is not installed, naming the extra that installs it.
        SchedulerUnreachableError: no scheduler answers at `address`.
        UsageError: `address` is not an address Dask can read.

    Example:
        Not run in the tests: it needs a running Dask scheduler.

        >>> executor = DaskExecutor("tcp://127.0.0.1:8786")  # doctest: +SKIP
    """

    def __init__(self, address: str, *, connect_timeout_s: float | None = None) -> None:
        connect_timeout_s = CONNECT_TIMEOUT_S if connect_timeout_s is None else connect_timeout_s
        try:
            import distributed
        except ImportError as error:
            raise MissingDependencyError(
                "--scheduler sends the work to a Dask cluster and needs Dask, which is not installed. "
                "Install it with: pip install 'cifar-lab[dask]' (or run without --scheduler)."
            ) from error
        self._distributed = distributed
        try:
            self._client = distributed.Client(address, timeout=f"{connect_timeout_s}s")
        except ValueError as error:  # an address distributed cannot parse: no port, an unknown protocol
            raise UsageError(
                f"--scheduler {address!r} is not a Dask scheduler's address ({error}): give it as tcp://HOST:PORT, "
                "as `dask scheduler` prints it."
            ) from None
        except OSError as error:  # distributed raises OSError (and its TimeoutError) when nobody answers
            raise SchedulerUnreachableError(
                f"No Dask scheduler answered at {address!r} within {connect_timeout_s:g} s "
                f"({str(error).splitlines()[0] if str(error) else type(error).__name__}). "
                "Start one (`dask scheduler`, then `dask worker ADDRESS` on each machine) or fix the address."
            ) from None
        self.description = f"the Dask cluster at {address}"

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        # pure=False: identical items (a re-run) must run again, not be served from Dask's cache.
        futures = {self._client.submit(fn, item, pure=False): index for index, item in enumerate(items)}
        try:
            for future in self._distributed.as_completed(list(futures)):
                try:
                    yield futures[future], future.result()
                except Exception as error:
                    yield futures[future], error
        finally:
            self._client.cancel(list(futures))
            self._client.close()


def make_executor(jobs: int = 1, scheduler: str | None = None) -> Executor:
    """Return the executor for `--jobs` / `--scheduler`: Dask if a scheduler is given, else local.

    Raises:
        ValueError: `jobs` below 1.

    Example:
        >>> make_executor(jobs=1).description
        'this process'
    """
    if scheduler:
        return DaskExecutor(scheduler)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}. Use --jobs 1 to run them one by one.")
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
