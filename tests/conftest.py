"""Shared test fixtures: fake CIFAR-10 files, real-data location, and an isolated data environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Keep TensorFlow's C++ start-up chatter out of test output; set before any test imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from fake_cifar import FakeCifar, write_fake_cifar


@pytest.fixture
def fake_cifar(tmp_path: Path) -> FakeCifar:
    """A small fake CIFAR-10 (batches of 7, 5, 6, 7, 4 images; 9 test images) as directory and archive,
    pickled exactly like the official files, with the arrays a correct loader must return."""
    return write_fake_cifar(tmp_path / "fake")


@pytest.fixture
def real_data_path() -> Path:
    """The real CIFAR-10 files named by ``CIFAR_LAB_DATA``; skips the test when it is not set."""
    configured = os.environ.get("CIFAR_LAB_DATA")
    if not configured:
        pytest.skip("set CIFAR_LAB_DATA to a CIFAR-10 archive or directory to run real-data tests")
    return Path(configured)


@pytest.fixture
def isolated_data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CIFAR_LAB_DATA, an empty Keras cache and data home under ``tmp_path``, no proxies.

    Returns the directory that stands in for the home directory (``~``)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("CIFAR_LAB_DATA", "CIFAR_LAB_HOME", "KERAS_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def ci_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five course notebooks executed once with `cifar-lab run --preset ci`, as an instructor or
    `make run` executes them; returns the run directory (notebooks/, metrics/, models/ ...).

    Shared by the tests of what the executed notebooks show (figures, clean outputs, exercises) and the
    documentation site, which renders them."""
    import subprocess
    import sys

    runs = tmp_path_factory.mktemp("ci-run")
    env = {**os.environ, "CIFAR_LAB_RUNS": str(runs)}
    command = [sys.executable, "-m", "cifar_lab.cli", "run", "--preset", "ci"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, (
        f"cifar-lab run --preset ci failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return runs / "ci"
