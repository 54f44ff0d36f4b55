"""`cifar-lab check` reads regular files of a sane size only, and turns unreadable code into a finding.

The cases that used to hang or exhaust the memory (a link to /dev/zero, a FIFO, a huge file) run
the command line in a child process with a time and memory limit, so that without the guards the
test fails (a timeout, a MemoryError traceback) instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cifar_lab.check import CheckInputError, check_paths, check_source, expand_paths
from cifar_lab.check.findings import MAX_DEPTH
from cifar_lab.check.inputs import MAX_CODE_BYTES, read_python_file
from cifar_lab.cli import main

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 1_500 * 2**20  # enough for the interpreter; far below what reading /dev/zero would take


def run_check(*paths: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`cifar-lab check PATH...` in a child process limited in time and memory."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    code = "import sys; from cifar_lab.cli import main; sys.exit(main(['check', *sys.argv[1:]]))"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit_memory,
    )


def test_a_link_to_dev_zero_is_refused_not_read(tmp_path):
    link = tmp_path / "train.py"
    link.symlink_to("/dev/zero")
    result = run_check(link)
    assert result.returncode == 2, result.stderr[-500:]
    assert "is a device, not a file saved on disk" in result.stderr


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "notebook.ipynb"
    os.mkfifo(fifo)
    result = run_check(fifo, timeout=30)
    assert result.returncode == 2 and "is a FIFO (named pipe)" in result.stderr


def test_a_folder_walk_skips_fifos_and_links_to_devices(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "train.py").write_text("model.fit_generator(gen)\n")
    assert expand_paths([tmp_path]) == [tmp_path / "train.py"]


def test_a_huge_python_file_is_refused_with_its_size(tmp_path):
    script = tmp_path / "generated.py"
    with open(script, "w") as file:
        file.truncate(48 * 2**20)  # 48 MB of code once used 3 GB
    result = run_check(script)
    assert result.returncode == 2, result.stderr[-500:]
    assert "generated.py is 48.0 MB; the checker reads a Python file of up to 1 MB" in result.stderr


def test_a_notebook_with_too_much_code_is_refused(tmp_path):
    path = tmp_path / "big.ipynb"
    cell = nbformat.v4.new_code_cell("x = 1\n" * (MAX_CODE_BYTES // 6 + 1))
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    with pytest.raises(CheckInputError, match="MB of code; the checker reads up to 1 MB"):
        check_paths([path])


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "train.py"
    path.write_text("x = 1\n" * 100)
    monkeypatch.setattr("cifar_lab.check.inputs.MAX_CODE_BYTES", 100)
    monkeypatch.setattr("cifar_lab.check.inputs._check_file", lambda path: None)  # as if it grew after the check
    with pytest.raises(CheckInputError, match="the checker reads a Python file of up to"):
        read_python_file(path)


@pytest.mark.parametrize(
    "code",
    [
        "x = " + "-" * 100_000 + "1",  # MemoryError in the parser
        "x = " + "1 + " * 5_000 + "1",  # RecursionError while the parser builds the tree
        "x = " + "1 + " * (MAX_DEPTH + 100) + "1",  # parses, but too deep to walk safely
        "x = " + "(" * 300 + ")" * 300,  # SyntaxError: too many nested parentheses
    ],
    ids=["memory", "recursion", "too-deep-to-walk", "nested-parentheses"],
)
def test_deeply_nested_code_is_a_finding_not_a_traceback(code):
    findings = check_source(code + "\nmodel.fit_generator(gen)\n")
    assert [f.rule for f in findings] == ["K3000"] and "Python says:" in findings[0].message


def test_a_notebook_cell_too_deep_to_read_does_not_stop_the_other_cells(tmp_path, capsys):
    path = tmp_path / "deep.ipynb"
    cells = [
        nbformat.v4.new_code_cell("x = " + "1 + " * 5_000 + "1"),
        nbformat.v4.new_code_cell("model.fit_generator(g)"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "cell 1, line 1, col 1: K3000" in out and "cell 2, line 1, col 1: K3003" in out


def _notebook_json(**changes) -> dict:
    cell = {"cell_type": "code", "source": "model.fit_generator(g)", "metadata": {}, "outputs": []}
    cell.update(execution_count=None, id="a")
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}
    for key, value in changes.items():
        (cell if key == "source" else notebook["metadata"])[key] = value
    return notebook


@pytest.mark.parametrize(
    ("notebook", "problem"),
    [
        (_notebook_json(source=None), "cell 1's source is not text but NoneType"),
        (_notebook_json(source=5), "cell 1's source is not text but int"),
        (_notebook_json(kernelspec=["python"]), "its kernelspec is not a mapping"),
        (
            {
                "nbformat": 3,
                "nbformat_minor": 0,
                "metadata": {},
                "worksheets": [{"cells": [{"cell_type": "code", "input": 5, "outputs": []}]}],
            },  # fmt: skip
            "cell 1's source is not text but int",
        ),
    ],
    ids=["source-null", "source-number", "kernelspec-list", "format-3-input-number"],
)
def test_a_notebook_of_the_wrong_shape_is_one_clear_error_not_a_traceback(tmp_path, capsys, notebook, problem):
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps(notebook))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cifar-lab check: error: {path} is not a readable Jupyter notebook ({problem})")
