"""Tiny notebooks for the grader's tests: a parameters cell, then the given code cells."""

from __future__ import annotations

from pathlib import Path

import nbformat

PARAMETERS = 'preset: str = "ci"\nrun_dir: str | None = None'


def write_notebook(path: Path, *codes: str, parameters: bool = True) -> Path:
    """Write a notebook of a parameters cell (tagged, unless `parameters` is False) and `codes` to `path`."""
    cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"] if parameters else []})]
    cells += [nbformat.v4.new_code_cell(code) for code in codes]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path
