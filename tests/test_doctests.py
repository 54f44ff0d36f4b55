"""The library's docstring examples run and show what they claim.

Every module's examples are executed with `doctest`, in a scratch folder laid out like a checkout of the
project (its `notebooks/` are the course's), so examples may name `notebooks/01_data.ipynb` and write files
without touching the repository. An example that needs real training (minutes) is marked
`# doctest: +SKIP`, and its docstring says why, in a sentence starting "Not run in the tests:".
"""

from __future__ import annotations

import doctest
import importlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "cifar_lab"
MODULES = sorted(
    ".".join(("cifar_lab", *path.relative_to(PACKAGE_DIR).with_suffix("").parts)).removesuffix(".__init__")
    for path in PACKAGE_DIR.rglob("*.py")
    if path.name != "__main__.py"
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in finder.find(module, name):
        runner.run(test, out=lambda text: None)
    failures = runner.summarize(verbose=False).failed
    assert failures == 0, f"{failures} docstring example(s) of {name} failed: python -m doctest -v {module.__file__}"


def test_every_skipped_example_says_why():
    offenders = []
    for name in MODULES:
        module = importlib.import_module(name)
        for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
            skipped = any(example.options.get(doctest.SKIP) for example in test.examples)
            if skipped and "Not run in the tests:" not in (test.docstring or ""):
                offenders.append(test.name)
    assert offenders == [], "examples marked +SKIP without a 'Not run in the tests: <why>.' sentence"


def test_cheap_examples_run_most_are_not_skipped():
    examples = skipped = 0
    for name in MODULES:
        module = importlib.import_module(name)
        for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
            examples += len(test.examples)
            skipped += sum(bool(example.options.get(doctest.SKIP)) for example in test.examples)
    assert examples > 300 and skipped < examples / 5, (examples, skipped, os.getcwd())
