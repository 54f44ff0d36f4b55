"""Starting JupyterLab for a student: on this machine only, with a token, opened on their working copies.

Example:
    >>> command = lab_command("my-notebooks", port=8899, token="secret", open_browser=False)
    >>> command[1:3], "--ServerApp.ip=127.0.0.1" in command
    (['-m', 'jupyterlab'], True)
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cifar_lab.errors import CifarLabError
from cifar_lab.files import atomic_write_json
from cifar_lab.lab.copies import write_student_versions
from cifar_lab.lab.kernel import install_kernelspec
from cifar_lab.project import project_root

WORKING_COPIES = "my-notebooks"
FIRST_NOTEBOOK = "01_data.ipynb"


class JupyterLabMissingError(CifarLabError, ImportError):
    """JupyterLab is not installed in this environment."""


def default_working_copies() -> Path:
    """Where a student's working copies live: `<project>/my-notebooks` (git-ignored).

    Example:
        >>> default_working_copies().name
        'my-notebooks'
    """
    return project_root() / WORKING_COPIES


# JupyterLab's default settings for the course: no "Would you like to get notified about Jupyter news?"
# popup, which would cover the first output a student runs, and asks to fetch from the internet.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}


def install_lab_settings(prefix: str | os.PathLike[str] | None = None) -> Path:
    """Set the course's JupyterLab defaults (`LAB_SETTINGS`) in `prefix`'s JupyterLab (default: this environment).

    They go into JupyterLab's `overrides.json`, merged with whatever it holds, so a student's own settings
    still win. Returns the file.

    Example:
        >>> import json, tempfile
        >>> path = install_lab_settings(tempfile.mkdtemp())
        >>> json.loads(path.read_text())["@jupyterlab/apputils-extension:notification"]
        {'fetchNews': 'false'}
    """
    path = Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for plugin, values in LAB_SETTINGS.items():
        current[plugin] = {**current.get(plugin, {}), **values}
    return atomic_write_json(path, current, sort_keys=True)


def lab_command(
    root_dir: str | os.PathLike[str], *, port: int = 8888, token: str, open_browser: bool = True
) -> list[str]:
    """The command that serves `root_dir` with JupyterLab on 127.0.0.1:`port`, opened on the first notebook.

    Only this machine can connect (127.0.0.1), and only with `token`. Run as root (a container), JupyterLab
    refuses to start unless told it may, so that is said for it.

    Example:
        >>> "--IdentityProvider.token=abc" in lab_command(".", token="abc")
        True
    """
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={Path(root_dir).resolve()}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def open_lab(root_dir: str | os.PathLike[str] | None = None, *, port: int = 8888, open_browser: bool = True) -> int:
    """Install the `cifar-lab` kernel, make the working copies that are missing, and run JupyterLab on them.

    Returns JupyterLab's exit status once it is stopped (Ctrl-C in the terminal).

    Raises:
        JupyterLabMissingError: JupyterLab is not installed here.

    Example:
        Not run in the tests: it starts a server and waits for it to stop.

        >>> open_lab()  # doctest: +SKIP
    """
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        raise JupyterLabMissingError(
            "JupyterLab is not installed in this environment. Run `make lab` (it installs it), or "
            "`pip install -e .` in the project."
        ) from None
    root = Path(root_dir) if root_dir is not None else default_working_copies()
    install_kernelspec()
    install_lab_settings()
    for outcome in write_student_versions(root):
        if outcome.action == "created":
            print(f"cifar-lab lab: created your working copy {outcome.notebook}", flush=True)
    token = secrets.token_urlsafe(24)
    print(f"cifar-lab lab: open http://127.0.0.1:{port}/lab/tree/{FIRST_NOTEBOOK}?token={token}", flush=True)
    return subprocess.call(lab_command(root, port=port, token=token, open_browser=open_browser))
