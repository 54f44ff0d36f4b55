"""papermill, as the grader runs it: a time limit for the whole notebook, and a cap on what it may print.

nbclient knows only a per-cell timeout; `timeout_func` gives each cell what is left of the notebook's
budget instead. A notebook that prints megabytes would make the executed notebook (and the grader's
memory) as large; past `max_output_bytes` further outputs are dropped and one line says so.

Example:
    >>> deadline_timeout(time.monotonic() + 30)(None) in (29, 30)
    True
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import nbformat
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from traitlets import Integer

ENGINE_NAME = "cifar-lab-grade"


def deadline_timeout(deadline: float) -> Callable[[Any], int]:
    """A `timeout_func` giving each cell the seconds left until `deadline` (`time.monotonic()`), at least 1.

    Example:
        >>> deadline_timeout(0.0)(None)
        1
    """
    return lambda cell: max(1, int(deadline - time.monotonic()))


class CappedNotebookClient(PapermillNotebookClient):
    """papermill's client, keeping at most `max_output_bytes` of outputs in the whole notebook."""

    max_output_bytes = Integer(8 * 1024 * 1024).tag(config=True)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        used = getattr(self, "_output_bytes", 0)
        if used > self.max_output_bytes:
            return None
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            self._output_bytes = used + len(json.dumps(out))
            if self._output_bytes > self.max_output_bytes:
                outs[-1] = nbformat.v4.new_output(
                    "stream",
                    name="stderr",
                    text=f"[cifar-lab grade: output capped at {self.max_output_bytes / 2**20:g} MiB; rest dropped]\n",
                )
        return out


class CappedEngine(NBClientEngine):
    """`NBClientEngine` with `CappedNotebookClient`."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        execution_timeout = kwargs.pop("execution_timeout", None)
        start_timeout = kwargs.pop("start_timeout", 60)
        for unused in ("input_path", "timeout", "startup_timeout"):
            kwargs.pop(unused, None)
        client = CappedNotebookClient(
            nb_man,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            **kwargs,
        )
        return client.execute()


def register_engine() -> str:
    """Register `CappedEngine` with papermill (once) and return its name.

    Example:
        >>> register_engine()
        'cifar-lab-grade'
    """
    papermill_engines.register(ENGINE_NAME, CappedEngine)
    return ENGINE_NAME
