"""After `cifar-lab check --fix`, real Keras 1/2 files build their models under Keras 3, with the original architecture.

Six corpus files (Keras 1.2 and 2.2 examples, two course notebooks) are fixed in memory and run in a
child process by `build_fixed.py`, which explains what it stubs (no download, no training: each file
runs up to its first `compile`) and what it skips (statements that still need a hand edit, used only
after `compile`). Each model must have the parameter count of the original Keras 1/2 model: for the
notebooks the count their own saved `model.summary()` output printed, for the scripts the count
worked out below from the layers. The unfixed files must fail the same build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "check" / "corpus" / "files"
# file: (parameters of the original model, statements skipped as (cell, line))
EXPECTED = {
    # conv 3x3x1x32+32 = 320, conv 3x3x32x32+32 = 9,248, dense 12*12*32*128+128 = 589,952, dense 128*10+10
    "k1_mnist_cnn.py": (600_810, []),
    # convs 896 + 9,248 + 18,496 + 36,928, dense 6*6*64*512+512 = 1,180,160, dense 5,130; ImageDataGenerator skipped
    "k1_cifar10_cnn.py": (1_250_858, [[None, 12]]),
    "k2_cifar10_cnn.py": (1_250_858, [[None, 10]]),
    # dense 784*256+256 = 200,960, dense 512*256+256 = 131,328 (Antirectifier doubles the width), dense 5,130
    "k1_antirectifier.py": (337_418, []),
    "udacity_cifar10_cnn.ipynb": (528_054, []),  # "Total params: 528,054" in the notebook's output
    "udacity_mnist_mlp.ipynb": (669_706, []),  # "Total params: 669,706"
}


def run_builds(*flags: str) -> dict[str, dict]:
    command = [sys.executable, str(ROOT / "tests" / "check" / "build_fixed.py"), *flags]
    command += [str(CORPUS / name) for name in EXPECTED]
    env = {**os.environ, "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {Path(report["file"]).name: report for report in reports}


@pytest.fixture(scope="module")
def fixed_builds():
    return run_builds()


@pytest.mark.parametrize("name", EXPECTED)
def test_the_fixed_file_builds_its_model_with_the_original_parameter_count(fixed_builds, name):
    parameters, skipped = EXPECTED[name]
    report = fixed_builds[name]
    assert "error" not in report, report
    assert report["models"] == {"model": parameters} and report["skipped"] == skipped


def test_the_unfixed_files_fail_the_same_build():
    reports = run_builds("--unfixed")
    for name, (_, skipped) in EXPECTED.items():
        assert "error" in reports[name] and reports[name]["skipped"] == skipped, reports[name]
