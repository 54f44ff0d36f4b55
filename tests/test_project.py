"""Specification of cifar_lab.project: one run directory whatever the entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from cifar_lab.presets import resolve_params
from cifar_lab.project import default_run_dir, notebooks_dir, project_root, runs_home

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_runs_env(monkeypatch):
    monkeypatch.delenv("CIFAR_LAB_RUNS", raising=False)


def test_the_project_is_found_from_any_folder_inside_it(no_runs_env):
    assert project_root(ROOT) == ROOT
    assert project_root(ROOT / "notebooks") == ROOT
    assert project_root(ROOT / "cifar_lab" / "data") == ROOT


def test_make_run_and_a_kernel_in_the_working_copies_share_one_run_directory(no_runs_env, monkeypatch):
    monkeypatch.chdir(ROOT)
    from_the_top = resolve_params("quick")["run_dir"]
    (ROOT / "my-notebooks").mkdir(exist_ok=True)
    monkeypatch.chdir(ROOT / "my-notebooks")
    assert resolve_params("quick")["run_dir"] == from_the_top == str(ROOT / "runs" / "quick")


def test_outside_the_project_the_checkout_cifar_lab_came_from_is_used(no_runs_env, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert project_root() == ROOT  # the tests run on an editable install, as make sets it up
    assert notebooks_dir() == ROOT / "notebooks"


def test_cifar_lab_runs_moves_every_run_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("CIFAR_LAB_RUNS", str(tmp_path / "elsewhere"))
    assert runs_home() == tmp_path / "elsewhere"
    assert default_run_dir("full") == tmp_path / "elsewhere" / "full"


def test_runs_folders_are_ignored_by_git_wherever_they_appear():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "runs/" in ignored and "my-notebooks/" in ignored
