"""What a student sees in the executed course notebooks: every promised figure as an image, no log noise,
self-checks that pass on the reference solutions, and student versions that run to the end.

The notebooks are executed once per test session, as `make run` executes them (`ci_run` in conftest.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cifar_lab.exercises import MIME_TYPE, NOT_ATTEMPTED, PASSED
from cifar_lab.lab import write_student_versions

# Figures each notebook promises, as PNG outputs: 01 the sample grid; 02 the learning curves; 03 two
# augmentation previews and the comparison's curves; 04 two confusion matrices and the mistakes grid;
# 05 per-class recall, the attack ROC, the leakage curve, the canary exposure, the reliability diagram and
# the near-duplicate pairs.
EXPECTED_FIGURES = {"01_data": 1, "02_baseline_cnn": 1, "03_augmentation": 3, "04_evaluation": 3, "05_ethics_report": 6}
NOISE = ("<Figure size", "oneDNN", "E0000", "absl::", "I0000", "W0000", "cpu_feature_guard", "rebuild TensorFlow")


def outputs(notebook: nbformat.NotebookNode) -> list:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def feedback(notebook: nbformat.NotebookNode) -> list[dict]:
    return [o["data"][MIME_TYPE] for o in outputs(notebook) if MIME_TYPE in o.get("data", {})]


def executed(run_dir: Path, stem: str) -> nbformat.NotebookNode:
    return nbformat.read(run_dir / "notebooks" / f"{stem}.ipynb", as_version=4)


by_stem = pytest.mark.parametrize("stem", sorted(EXPECTED_FIGURES))


@by_stem
def test_every_promised_figure_is_shown_as_an_image(ci_run, stem):
    images = [o for o in outputs(executed(ci_run, stem)) if "image/png" in o.get("data", {})]
    assert len(images) == EXPECTED_FIGURES[stem]


@by_stem
def test_no_output_is_log_noise_or_a_figure_shown_as_text(ci_run, stem):
    text = json.dumps(outputs(executed(ci_run, stem)))
    assert [word for word in NOISE if word in text] == []
    assert [o for o in outputs(executed(ci_run, stem)) if o.get("name") == "stderr"] == []


@by_stem
def test_every_self_check_passes_on_the_reference_solutions(ci_run, stem):
    verdicts = feedback(executed(ci_run, stem))
    assert all(v["status"] == PASSED for v in verdicts), verdicts


@pytest.fixture(scope="module")
def student_run(ci_run, tmp_path_factory) -> Path:
    """The student versions executed into a copy of the ci run (so its trained models are loaded, not retrained)."""
    root = tmp_path_factory.mktemp("student")
    write_student_versions(root / "copies")
    run_dir = Path(shutil.copytree(ci_run, root / "run"))
    command = [sys.executable, "-m", "cifar_lab.cli", "run", "--preset", "ci", "--notebooks-dir", str(root / "copies")]
    result = subprocess.run([*command, "--run-dir", str(run_dir)], capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, f"a student version failed:\n{result.stdout[-4000:]}\n{result.stderr[-3000:]}"
    return run_dir


@by_stem
def test_student_versions_run_to_the_end_with_every_check_not_attempted_yet(student_run, stem):
    notebook = executed(student_run, stem)
    verdicts = feedback(notebook)
    assert all(v["status"] == NOT_ATTEMPTED for v in verdicts)
    texts = [o["data"]["text/plain"] for o in outputs(notebook) if MIME_TYPE in o.get("data", {})]
    assert all("Hint:" in text for text in texts)


@by_stem
def test_student_versions_hold_no_solution_text(student_run, stem):
    source = json.dumps([cell.source for cell in executed(student_run, stem).cells])
    assert "BEGIN SOLUTION" not in source and "END SOLUTION" not in source
