"""Running untrusted notebook code: a kernel confined by limits, a scrubbed environment and Linux namespaces.

`cifar-lab grade` runs each student's notebook in a kernel started through `SandboxedKernelManager`.
What the confinement gives and what it does not is the threat model in the instructor guide; in short:

- limits (always): an address-space limit (`RLIMIT_AS`), a CPU-time backstop, a largest-file size,
  no core dumps, and a kernel that dies with the process that started it;
- a scrubbed environment (always): only the variables the kernel needs, none of the grader's;
- namespaces (where unprivileged user namespaces work, `namespaces_available()`): no network at all (a
  new network namespace, loopback down), its own process tree (`/proc` shows only the kernel's
  processes, not the grader's environment or command line), the whole filesystem read-only except the
  submission's scratch folder, the paths given as `hidden` covered (the labelled hold-out file, the
  grader's output folder, the other submissions), and no capabilities left to undo any of it.

Modules: `policy` (`Sandbox`: what one kernel may do, and the command that starts it), `inside`
(run inside the new namespaces, before the kernel: mounts, limits, capabilities), `manager` (the
papermill kernel manager).

Example:
    >>> sandbox = Sandbox(scratch="/tmp/s", memory_mb=2048)
    >>> sorted(sandbox.kernel_env())[:2]
    ['HOME', 'KERAS_HOME']
"""

from cifar_lab.sandbox.manager import SandboxedKernelManager
from cifar_lab.sandbox.policy import Sandbox, namespaces_available

__all__ = ["Sandbox", "SandboxedKernelManager", "namespaces_available"]
