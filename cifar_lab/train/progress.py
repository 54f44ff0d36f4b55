"""How training reports progress: a live bar for a person watching, one line per epoch for logs.

Example:
    >>> progress_mode("epoch")
    'epoch'
"""

from __future__ import annotations

import sys
import time

import keras

from cifar_lab.errors import UsageError


def _in_interactive_kernel() -> bool:
    # A notebook a person runs, not one run headless. IPython imported alone (e.g. by a test plugin)
    # is not enough: a running kernel shell has a `kernel`. Headless clients (papermill, nbclient,
    # nbconvert) refuse input requests, which the kernel records per cell in `_allow_stdin`
    # (ipykernel has no public getter); Jupyter's own front ends allow input.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return bool(getattr(getattr(shell, "kernel", None), "_allow_stdin", False))


def progress_mode(verbose: str | int = "auto") -> str:
    """Return how training reports progress: `"bar"`, `"epoch"` (one line each) or `"silent"`.

    `verbose="auto"` picks the bar at a terminal or in an interactive notebook and one line per
    epoch elsewhere (papermill, CI, output piped to a file), where a bar's redraws would flood the
    output. `1`/`"bar"`, `2`/`"epoch"` and `0`/`"silent"` force a mode.

    Example:
        >>> progress_mode("epoch")
        'epoch'
    """
    forced = {1: "bar", 2: "epoch", 0: "silent", "bar": "bar", "epoch": "epoch", "silent": "silent"}
    if verbose in forced:
        return forced[verbose]
    if verbose != "auto":
        raise UsageError(f"Unknown verbose={verbose!r}. Use 'auto', 'bar' (1), 'epoch' (2) or 'silent' (0).")
    return "bar" if (sys.stdout.isatty() or _in_interactive_kernel()) else "epoch"


class EpochLine(keras.callbacks.Callback):
    """Prints one line per epoch: epoch number, metrics to 4 decimals and whole seconds."""

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        metrics = " - ".join(f"{key}: {value:.4f}" for key, value in sorted((logs or {}).items()))
        seconds = time.perf_counter() - self.start
        print(f"epoch {epoch + 1}/{self.epochs} - {metrics} - {seconds:.0f}s", flush=True)
