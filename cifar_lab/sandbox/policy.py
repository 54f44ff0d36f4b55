"""What one sandboxed kernel may do (`Sandbox`), and the command line that starts it so confined.

Example:
    >>> command = Sandbox(scratch="/tmp/s", memory_mb=1024, namespaces=False).command(["python", "-V"], "/tmp/c")
    >>> command[1:4]
    ['-m', 'cifar_lab.sandbox.inside', '/tmp/c']
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from cifar_lab.lab.kernel import KERNEL_ENV

# unshare(1) flags: a user namespace (we are its root, so we may mount), and new mount, network and process
# namespaces; --fork so the kernel is the first process of the new tree, --kill-child so it dies with unshare.
UNSHARE_FLAGS = ("--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--mount-proc", "--kill-child")


@functools.cache
def namespaces_available() -> bool:
    """Whether this machine lets an ordinary process make the namespaces `Sandbox` uses (checked once).

    Containers often forbid it (Docker's default seccomp profile, `kernel.unprivileged_userns_clone=0`);
    the grader then confines kernels by limits and environment only, and says so.

    Example:
        >>> isinstance(namespaces_available(), bool)
        True
    """
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return False
    try:
        probe = subprocess.run([unshare, *UNSHARE_FLAGS, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def library_env() -> dict[str, str]:
    """`PYTHONPATH` naming the folder this `cifar_lab` was imported from, unless that is a `site-packages`.

    A kernel or worker started with a scrubbed environment from another folder would otherwise import
    whatever `cifar_lab` its Python finds (another checkout's editable install), not the grader's.

    Example:
        >>> env = library_env()
        >>> env == {} or os.path.isdir(os.path.join(env["PYTHONPATH"], "cifar_lab"))
        True
    """
    import cifar_lab

    folder = os.path.dirname(os.path.dirname(os.path.abspath(cifar_lab.__file__)))
    installed = {os.path.abspath(path) for path in site.getsitepackages() + [site.getusersitepackages()]}
    return {} if folder in installed else {"PYTHONPATH": folder}


@dataclass(frozen=True)
class Sandbox:
    """The confinement of one kernel.

    Attributes:
        scratch: the only folder the kernel may write (its working directory and `HOME`).
        memory_mb: the kernel's address-space limit in MiB (`RLIMIT_AS`); 0: none.
        cpu_seconds: CPU time after which the kernel is killed (a backstop behind the wall-clock limit); 0: none.
        file_mb: the largest file the kernel may write, in MiB (its log included).
        hidden: paths the kernel must not see: folders are covered by an empty read-only folder, files by
            an empty file (with namespaces only).
        namespaces: use Linux namespaces (default: when `namespaces_available()`).
        extra_env: variables added to the kernel's scrubbed environment.

    Example:
        >>> Sandbox(scratch="/tmp/s", memory_mb=512).memory_mb
        512
    """

    scratch: str
    memory_mb: int = 0
    cpu_seconds: int = 0
    file_mb: int = 1024
    hidden: tuple[str, ...] = ()
    namespaces: bool | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def uses_namespaces(self) -> bool:
        """Whether this sandbox's kernel runs in its own namespaces.

        Example:
            >>> Sandbox(scratch="/tmp/s", namespaces=False).uses_namespaces()
            False
        """
        return namespaces_available() if self.namespaces is None else self.namespaces

    def kernel_env(self) -> dict[str, str]:
        """The kernel's whole environment: what Python, TensorFlow and matplotlib need, nothing of the grader's.

        Example:
            >>> Sandbox(scratch="/tmp/s").kernel_env()["HOME"]
            '/tmp/s'
        """
        env = {
            "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": self.scratch,
            "TMPDIR": os.path.join(self.scratch, ".tmp"),
            "MPLCONFIGDIR": os.path.join(self.scratch, ".config", "matplotlib"),
            "KERAS_HOME": os.path.join(self.scratch, ".keras"),
            "LANG": "C.UTF-8",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            **KERNEL_ENV,
            **library_env(),
        }
        env.update(self.extra_env)
        return env

    def config(self) -> dict[str, Any]:
        """What `cifar_lab.sandbox.inside` reads: this sandbox with its environment resolved.

        Example:
            >>> Sandbox(scratch="/tmp/s", namespaces=False).config()["namespaces"]
            False
        """
        config = asdict(self)
        namespaces = self.uses_namespaces()
        # Without namespaces nothing can be hidden, and the kernel could read this file: it must not name them.
        config.update(namespaces=namespaces, env=self.kernel_env(), hidden=list(self.hidden) if namespaces else [])
        return config

    def command(self, kernel_argv: list[str], config_path: str) -> list[str]:
        """The command that starts `kernel_argv` inside this sandbox, reading its settings from `config_path`.

        Example:
            >>> Sandbox(scratch="/tmp/s", namespaces=True).command(["k"], "/tmp/c")[:2] == ["unshare", "--user"]
            True
        """
        inside = [sys.executable, "-m", "cifar_lab.sandbox.inside", config_path, "--", *kernel_argv]
        return ["unshare", *UNSHARE_FLAGS, *inside] if self.uses_namespaces() else inside
