"""The package's shape: subpackages with a public face, readable modules, one error base, tests that mirror it."""

from __future__ import annotations

import ast
import builtins
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "cifar_lab"
SUBPACKAGES = sorted(p.parent.name for p in PACKAGE_DIR.glob("*/__init__.py"))
MODULE_LINES = 300
FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function, its docstring (which holds the example) not counted."""
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines -= first.end_lineno - first.lineno + 1
    return lines


def test_the_subpackages_a_newcomer_expects_exist():
    assert {"data", "models", "train", "augment", "evaluate", "ethics", "runner", "check", "cli"} <= set(SUBPACKAGES)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_has_a_documented_public_face(name):
    package = importlib.import_module(f"cifar_lab.{name}")
    assert package.__doc__ and "Example" in package.__doc__
    if name != "cli":  # the command line's face is main()
        missing = [symbol for symbol in package.__all__ if not hasattr(package, symbol)]
        assert package.__all__ and missing == []


def test_modules_are_readable_in_one_sitting():
    long = {str(p.relative_to(ROOT)): n for p in modules() if (n := len(p.read_text().splitlines())) > MODULE_LINES}
    assert long == {}, f"modules over {MODULE_LINES} lines: split them by concern"


def test_functions_are_short():
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and code_lines(node) > FUNCTION_LINES:
                long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({code_lines(node)} lines)")
    assert long == [], f"functions over {FUNCTION_LINES} lines (docstrings not counted)"


def test_every_error_raised_on_purpose_derives_from_cifar_lab_error():
    builtin_exceptions = {
        name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
    }
    allowed = {"KeyboardInterrupt", "SystemExit", "StopIteration", "NotImplementedError", "AttributeError"}
    offenders = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
                name = node.exc.func.id
                if name in builtin_exceptions - allowed:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} raise {name}(...)")
    assert offenders == [], "raise a cifar_lab.errors.CifarLabError subclass instead"


def test_no_linter_markers_for_linters_that_are_not_configured():
    markers = ("# type: ignore", "# pylint:", "# mypy:")
    found = [f"{p.relative_to(ROOT)}: {m}" for p in modules() for m in markers if m in p.read_text()]
    assert found == []


def test_no_path_on_one_machine_is_cited():
    found = [str(p.relative_to(ROOT)) for p in modules() if "/work/" in p.read_text() or "/home/" in p.read_text()]
    assert found == []


@pytest.mark.parametrize("name", [n for n in SUBPACKAGES if n != "cli"])
def test_tests_mirror_the_package(name):
    assert list((ROOT / "tests" / name).glob(f"test_{name}*.py")), f"tests/{name}/test_{name}_*.py"
