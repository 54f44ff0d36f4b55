"""The one figure convention of cifar-lab: every plotting helper returns a figure made by `new_figure`.

A course figure is a matplotlib `Figure` made without pyplot, so the library never opens a window,
never touches pyplot's global state and never piles up open figures in a long script. In a Jupyter
kernel (JupyterLab, papermill, nbval) it shows itself exactly once, at the end of the cell that made
it, whether the cell assigned it (`fig = plot_sample_grid(...)`) or left it as its last expression;
changes made to it later in the same cell are in the picture. Shown again in a later cell (a cell
holding just `fig`), it is drawn again. Outside Jupyter nothing is shown: save it with `save_figure`.

Figures made only to be written to files are made inside `hidden()`, so a notebook that calls such a
function shows only what it asks for.

How to write a plotting helper:

    def plot_something(values) -> Figure:
        figure = new_figure(figsize=(6, 4))
        ax = figure.subplots()
        ax.plot(values)
        return figure

Example:
    >>> figure = new_figure(figsize=(2, 2))
    >>> _ = figure.subplots().plot([0, 1])
    >>> import tempfile
    >>> save_figure(figure, Path(tempfile.mkdtemp()) / "line.png").suffix
    '.png'
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from cifar_lab.files import atomic_path

# Resolution of figures shown in notebooks and written to files: sharp on a laptop screen and small.
DPI = 110
_state: dict[str, Any] = {"hidden": 0, "pending": [], "hooked": None}


class CourseFigure(Figure):
    """A `Figure` that Jupyter displays as a PNG image through `_ipython_display_`, never as text."""

    def _ipython_display_(self) -> None:
        _display(self)


def new_figure(*, figsize: tuple[float, float], layout: str | None = "constrained") -> Figure:
    """Return an empty figure of `figsize` inches that shows itself at the end of the Jupyter cell.

    `layout="constrained"` keeps titles and labels from overlapping; pass `None` to place axes by hand.

    Example:
        >>> figure = new_figure(figsize=(4, 3))
        >>> figure.get_size_inches().tolist()
        [4.0, 3.0]
    """
    figure = CourseFigure(figsize=figsize, layout=layout, dpi=DPI)
    if not _state["hidden"] and _in_kernel():
        _schedule(figure)
    return figure


@contextlib.contextmanager
def hidden() -> Iterator[None]:
    """Within this block, new figures are not shown in Jupyter (for figures only written to files).

    Example:
        >>> with hidden():
        ...     figure = new_figure(figsize=(1, 1))
    """
    _state["hidden"] += 1
    try:
        yield
    finally:
        _state["hidden"] -= 1


def save_figure(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Write `figure` as a PNG to `path` atomically (see `cifar_lab.files`) and return the path.

    Example:
        >>> import tempfile
        >>> figure = new_figure(figsize=(1, 1))
        >>> save_figure(figure, Path(tempfile.mkdtemp()) / "empty.png").stat().st_size > 0
        True
    """
    path = Path(path)
    with atomic_path(path, suffix=".png") as tmp:
        figure.savefig(tmp, format="png", dpi=DPI, bbox_inches="tight")
    return path


def png_bytes(figure: Figure) -> bytes:
    """Return `figure` rendered as PNG bytes, as notebooks show it.

    Example:
        >>> png_bytes(new_figure(figsize=(1, 1)))[:4]
        b'\\x89PNG'
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _in_kernel() -> bool:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _schedule(figure: Figure) -> None:
    from IPython import get_ipython

    shell = get_ipython()
    if _state["hooked"] is not shell:
        shell.events.register("post_execute", _show_pending)
        _state["hooked"] = shell
    _state["pending"].append(figure)


def _show_pending() -> None:
    pending, _state["pending"] = _state["pending"], []
    for figure in pending:
        _display(figure, pending=False)


def _display(figure: Figure, pending: bool = True) -> None:
    from IPython.display import display

    if pending:
        # Shown now (a cell's last expression), so not again when the cell ends.
        _state["pending"] = [other for other in _state["pending"] if other is not figure]
    title = figure.get_suptitle() or "figure"
    display({"image/png": png_bytes(figure), "text/plain": f"[{title}]"}, raw=True)
