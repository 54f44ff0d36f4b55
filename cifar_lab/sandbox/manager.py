"""The kernel manager papermill uses for a sandboxed kernel.

Example:
    >>> manager = SandboxedKernelManager.for_sandbox(Sandbox(scratch="/tmp/s", namespaces=False), "/tmp/c.json")
    >>> manager.sandbox.scratch
    '/tmp/s'
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from cifar_lab.runner.execution import CurrentPythonKernelManager
from cifar_lab.sandbox.inside import die_with_parent
from cifar_lab.sandbox.policy import Sandbox


class SandboxedKernelManager(CurrentPythonKernelManager):
    """Starts the `cifar-lab` kernel inside `sandbox`, its sockets and connection file in the scratch folder.

    The sockets must be there: with namespaces, the scratch folder is the only one the kernel can write,
    and a Unix socket is a file. Make a subclass per kernel with `for_sandbox`.
    """

    sandbox: ClassVar[Sandbox]
    config_path: ClassVar[str]

    @classmethod
    def for_sandbox(
        cls, sandbox: Sandbox, config_path: str, *, kernel_log: str | None = None
    ) -> type[SandboxedKernelManager]:
        """A manager class whose kernels run in `sandbox`, configured by the JSON file at `config_path`.

        Example:
            >>> Sandbox  # see the module's example
            <class 'cifar_lab.sandbox.policy.Sandbox'>
        """
        attributes = {"sandbox": sandbox, "config_path": config_path, "kernel_log": kernel_log}
        return type("ConfinedKernelManager", (cls,), attributes)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        sockets = os.path.join(self.sandbox.scratch, ".kernel")
        os.makedirs(sockets, exist_ok=True)
        self.transport, self.ip = "ipc", os.path.join(sockets, "k")
        self.connection_file = os.path.join(sockets, "connection.json")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        kw["env"] = self.sandbox.kernel_env()  # not the grader's environment, not even for unshare
        kw["cwd"] = self.sandbox.scratch
        kw["preexec_fn"] = die_with_parent  # the kernel gets a session of its own: a killed grader must not orphan it
        return await super()._async_launch_kernel(self.sandbox.command(kernel_cmd, self.config_path), **kw)
