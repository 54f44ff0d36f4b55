"""Specification of cifar_lab.figures: every course figure shows exactly once in a Jupyter kernel, as a PNG."""

from __future__ import annotations

import base64

import nbformat
import pytest
from nbclient import NotebookClient

from cifar_lab.figures import hidden, new_figure, png_bytes, save_figure
from cifar_lab.runner.execution import CurrentPythonKernelManager

SETUP = """
import numpy as np
from cifar_lab.data import make_synthetic, plot_sample_grid
from cifar_lab.evaluate import plot_learning_curves
from cifar_lab.figures import hidden, new_figure
data = make_synthetic(n_train=50, n_test=10)
history = {"loss": [2.0, 1.5], "val_loss": [2.1, 1.8]}
"""
CELLS = {
    "assigned": "fig = plot_sample_grid(data.x_train, data.y_train)",
    "last_expression": "plot_learning_curves(history, metrics=['loss'])",
    "shown_again": "fig",
    "changed_after_creation": "late = new_figure(figsize=(2, 2))\nlate.suptitle('titled later')",
    "hidden": "with hidden():\n    unseen = plot_learning_curves(history, metrics=['loss'])",
    "printed_before": "print('before')\nplot_learning_curves(history, metrics=['loss']);",
}


@pytest.fixture(scope="module")
def outputs() -> dict[str, list]:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(SETUP)] + [nbformat.v4.new_code_cell(src) for src in CELLS.values()]
    )
    NotebookClient(notebook, kernel_manager_class=CurrentPythonKernelManager, timeout=300).execute()
    return {name: cell.outputs for name, cell in zip(CELLS, notebook.cells[1:])}


def images(outputs: list) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in outputs if "image/png" in o.get("data", {})]


@pytest.mark.parametrize("cell", ["assigned", "last_expression", "shown_again", "changed_after_creation"])
def test_a_figure_shows_once_as_a_png_whether_assigned_or_not(outputs, cell):
    shown = images(outputs[cell])
    assert len(shown) == 1 and shown[0].startswith(b"\x89PNG")


def test_no_figure_is_ever_shown_as_text(outputs):
    text = str(outputs)
    assert "<Figure size" not in text and "Figure object" not in text


def test_a_figure_shows_as_it_is_at_the_end_of_the_cell(outputs):
    (shown,) = [o for o in outputs["changed_after_creation"] if "image/png" in o.get("data", {})]
    assert shown["data"]["text/plain"] == "[titled later]"


def test_figures_made_inside_hidden_are_not_shown(outputs):
    assert images(outputs["hidden"]) == []


def test_a_figure_follows_the_text_its_cell_printed(outputs):
    assert [o["output_type"] for o in outputs["printed_before"]] == ["stream", "display_data"]


def test_outside_jupyter_nothing_is_shown_and_a_figure_saves_atomically(tmp_path):
    figure = new_figure(figsize=(2, 2))
    path = save_figure(figure, tmp_path / "figure.png")
    assert path.read_bytes().startswith(b"\x89PNG") and png_bytes(figure).startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png"]


def test_hidden_restores_showing_even_after_an_error():
    with pytest.raises(RuntimeError), hidden():
        raise RuntimeError
    from cifar_lab import figures

    assert figures._state["hidden"] == 0
