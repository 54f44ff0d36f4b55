"""Specification of a sandbox's settings: what its kernel's environment holds, and how it is started.
(The confinement itself is exercised by real kernels in tests/grade/test_grade_class.py.)"""

from __future__ import annotations

import sys

from cifar_lab.sandbox import Sandbox, SandboxedKernelManager


def test_the_kernel_environment_holds_none_of_the_graders_variables(monkeypatch):
    monkeypatch.setenv("CIFAR_LAB_DATA", "/secret/data.tar.gz")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "xyz")
    env = Sandbox(scratch="/tmp/s", extra_env={"CIFAR_LAB_HOLDOUT_IMAGES": "/tmp/s/h.npy"}).kernel_env()
    assert "CIFAR_LAB_DATA" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["HOME"] == "/tmp/s" and env["CIFAR_LAB_HOLDOUT_IMAGES"] == "/tmp/s/h.npy"


def test_with_namespaces_the_kernel_starts_under_unshare_with_a_new_network_and_process_tree():
    command = Sandbox(scratch="/tmp/s", namespaces=True).command(["python", "-m", "ipykernel_launcher"], "/tmp/c")
    assert command[0] == "unshare" and {"--net", "--pid", "--mount", "--user"} <= set(command)
    assert command[-3:] == ["python", "-m", "ipykernel_launcher"]


def test_without_namespaces_the_settings_name_no_hidden_path():
    config = Sandbox(scratch="/tmp/s", hidden=("/instructor/hidden.npz",), namespaces=False).config()
    assert config["hidden"] == [] and "/instructor/hidden.npz" not in str(config)


def test_the_kernel_runs_on_this_interpreter_through_the_confining_step():
    command = Sandbox(scratch="/tmp/s", namespaces=False).command(["k"], "/tmp/c")
    assert command[:3] == [sys.executable, "-m", "cifar_lab.sandbox.inside"]


def test_the_kernel_talks_to_the_grader_over_unix_sockets_in_its_scratch_folder(tmp_path):
    manager = SandboxedKernelManager.for_sandbox(Sandbox(scratch=str(tmp_path), namespaces=True), "/tmp/c")()
    assert manager.transport == "ipc" and manager.ip.startswith(str(tmp_path))  # no TCP: no loopback needed
