"""Specification of cifar_lab.lab.kernel and .server: one kernel for every entry point, a local-only server."""

from __future__ import annotations

import json
import sys

from cifar_lab.lab import install_kernelspec, kernel_spec, lab_command
from cifar_lab.runner.execution import CurrentPythonKernelManager


def test_the_kernel_keeps_cpp_logging_out_of_the_cells_and_runs_this_python():
    spec = kernel_spec()
    assert spec["argv"][0] == sys.executable and "--IPKernelApp.capture_fd_output=False" in spec["argv"]


def test_the_runner_starts_exactly_the_kernel_jupyterlab_gets(tmp_path):
    installed = json.loads((install_kernelspec(tmp_path) / "kernel.json").read_text())
    runner = CurrentPythonKernelManager().kernel_spec
    assert (runner.argv, runner.env) == (installed["argv"], installed["env"])


def test_installing_twice_updates_the_kernel_in_place(tmp_path):
    first = install_kernelspec(tmp_path)
    assert install_kernelspec(tmp_path) == first and sorted(p.name for p in first.iterdir()) == ["kernel.json"]


def test_jupyterlab_listens_on_this_machine_only_with_a_token_and_opens_the_first_notebook(tmp_path):
    command = lab_command(tmp_path, port=8123, token="t0ken", open_browser=False)
    assert "--ServerApp.ip=127.0.0.1" in command and "--IdentityProvider.token=t0ken" in command
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in command
    assert "--LabApp.default_url=/lab/tree/01_data.ipynb" in command and "--ServerApp.open_browser=False" in command


def test_the_news_popup_is_turned_off_without_losing_other_settings(tmp_path):
    from cifar_lab.lab import install_lab_settings

    overrides = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True)
    overrides.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    settings = json.loads(install_lab_settings(tmp_path).read_text())
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false"}
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
