"""Specification of how a run settles its data first: resume keys on the files used, a fallback is said at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cifar_lab.data.download import DownloadError, StorageError
from cifar_lab.runner.datasource import prepare_data
from cifar_lab.runner.run import run_notebooks

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.fixture
def offline(monkeypatch, isolated_data_env):
    def no_network(remote, directory):
        raise DownloadError(f"Could not download {remote.url} (no network in this test).")

    monkeypatch.setattr("cifar_lab.runner.datasource.download", no_network)
    return isolated_data_env


def run(run_dir, **kwargs):
    return run_notebooks("quick", data="auto", run_dir=run_dir, notebooks_dir=FIXTURES, progress=False, **kwargs)


def test_a_run_on_the_synthetic_fallback_runs_again_once_cifar10_is_configured(
    offline, fake_cifar, tmp_path, monkeypatch
):
    assert [o.status for o in run(tmp_path / "run").outcomes] == ["done", "done"]
    monkeypatch.setenv("CIFAR_LAB_DATA", str(fake_cifar.archive))
    assert [o.status for o in run(tmp_path / "run").outcomes] == ["done", "done"]
    assert [o.status for o in run(tmp_path / "run").outcomes] == ["skipped", "skipped"]


def test_replacing_the_data_files_runs_the_notebooks_again(fake_cifar, tmp_path, monkeypatch):
    monkeypatch.setenv("CIFAR_LAB_DATA", str(fake_cifar.archive))
    run(tmp_path / "run")
    fake_cifar.archive.write_bytes(fake_cifar.archive.read_bytes() + b"\0")  # another copy of the data
    assert [o.status for o in run(tmp_path / "run").outcomes] == ["done", "done"]


def test_the_fallback_is_announced_in_the_first_lines_with_the_fix(offline, tmp_path, capsys):
    run(tmp_path / "run")
    first_lines = capsys.readouterr().out.splitlines()[:3]
    warning = next(line for line in first_lines if line.startswith("WARNING: this run will use SYNTHETIC data"))
    assert "CIFAR_LAB_DATA=" in warning and "no network in this test" in warning


def test_asking_for_cifar10_when_it_cannot_be_had_fails_before_any_notebook_runs(offline, tmp_path):
    with pytest.raises(DownloadError):
        run_notebooks("quick", data="cifar10", run_dir=tmp_path, notebooks_dir=FIXTURES, progress=False)
    assert not (tmp_path / "notebooks").exists()


def test_the_files_found_are_named(fake_cifar, capsys):
    prepare_data(str(fake_cifar.archive), say=print)
    assert capsys.readouterr().out == f"data: {fake_cifar.archive}\n"


def test_a_full_disk_stops_the_run_instead_of_falling_back_to_synthetic(isolated_data_env, monkeypatch, tmp_path):
    def disk_full(remote, directory):
        raise StorageError(f"Could not save {remote.name}: disk full: free 42.0 MB at {directory} and try again.")

    monkeypatch.setattr("cifar_lab.runner.datasource.download", disk_full)
    with pytest.raises(StorageError, match="disk full"):
        run(tmp_path / "run")
    assert not (tmp_path / "run" / "notebooks").exists()
