"""The first code run in a sandboxed kernel's process: confine it, then become the kernel.

Run as `python -m cifar_lab.sandbox.inside CONFIG -- KERNEL_ARGV...` (`Sandbox.command` builds it),
inside new user, mount, network and process namespaces when the configuration says so. In order:

1. Hide the `hidden` paths (an empty read-only tmpfs over a folder, `/dev/null` over a file), keeping the
   scratch folder visible even when it sits inside a hidden one.
2. Make every mount read-only, then the scratch folder writable again, and `/dev/shm` a private tmpfs.
3. Drop every capability (the namespace's root could otherwise remount), and forbid gaining any back.
4. Set the limits, move into the scratch folder and `exec` the kernel with the scrubbed environment.

Without namespaces only step 4 happens. Either way the kernel dies with the process that started it
(`die_with_parent`, run by the kernel manager between fork and exec).

Example:
    Not run in the tests: it replaces the current process. `tests/grade/` runs it in kernels.

    >>> main(["inside", "/tmp/config.json", "--", "python", "-m", "ipykernel_launcher"])  # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
from pathlib import Path
from typing import Any

from cifar_lab.errors import CifarLabError

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
_SYS_MOUNT_SETATTR, _AT_RECURSIVE, _MOUNT_ATTR_RDONLY = 442, 0x8000, 1  # the same number on x86-64 and arm64
_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(CifarLabError, OSError):
    """The sandbox could not be set up; the kernel does not start rather than start unconfined."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"sandbox: {what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda text: text.encode() if text is not None else None  # noqa: E731
    result = _libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data))
    _check(result, f"mount {source} on {target}")


def hide(paths: list[str], scratch: str) -> None:
    """Cover each of `paths`; when one holds `scratch`, bind `scratch` back in (from a descriptor held open).

    Example:
        Not run in the tests: it changes the calling process for good; `tests/grade/` runs it inside kernels.

        >>> hide(["/grader/out"], scratch="/scratch")  # doctest: +SKIP
    """
    keep = os.open(scratch, os.O_PATH | os.O_DIRECTORY)
    for path in sorted(paths, key=len):
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        elif os.path.exists(path):
            _mount("/dev/null", path, None, MS_BIND)
    if not os.path.isdir(scratch):  # it was inside a hidden folder
        os.makedirs(scratch)
        _mount(f"/proc/self/fd/{keep}", scratch, None, MS_BIND | MS_REC)
    os.close(keep)


def read_only_except(scratch: str) -> None:
    """Make every mount read-only, then `scratch` writable again (a bind mount of its own).

    Example:
        Not run in the tests: it changes the calling process for good; `tests/grade/` runs it inside kernels.

        >>> read_only_except("/scratch")  # doctest: +SKIP
    """

    class MountAttr(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint64) for name in ("set", "clr", "prop", "userns")]

    _mount(scratch, scratch, None, MS_BIND | MS_REC)
    attr = MountAttr(_MOUNT_ATTR_RDONLY, 0, 0, 0)
    result = _libc.syscall(_SYS_MOUNT_SETATTR, -100, b"/", _AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr))
    _check(result, "making the filesystem read-only")
    kept = os.statvfs(scratch).f_flag & (os.ST_NOSUID | os.ST_NODEV | os.ST_NOEXEC)  # flags a remount must keep
    flags = {os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: 8}
    extra = sum(flag for st, flag in flags.items() if kept & st)
    _mount(None, scratch, None, MS_REMOUNT | MS_BIND | extra)
    if os.path.isdir("/dev/shm"):  # a private one: multiprocessing's semaphores (joblib, in sklearn) live there
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")


def drop_capabilities() -> None:
    """Empty the bounding set (so `exec` grants nothing) and forbid gaining privileges again.

    Example:
        Not run in the tests: it changes the calling process for good; `tests/grade/` runs it inside kernels.

        >>> drop_capabilities()  # doctest: +SKIP
    """
    cap = 0
    while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def die_with_parent() -> None:
    """Have the kernel get SIGKILL when the process that started it ends (Linux; elsewhere nothing).

    Example:
        Not run in the tests: it changes the calling process for good; `tests/grade/` runs it inside kernels.

        >>> die_with_parent()  # doctest: +SKIP
    """
    if sys.platform.startswith("linux"):
        _libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)


def set_limits(config: dict[str, Any]) -> None:
    """Address space, CPU time, file size and core dumps.

    Example:
        Not run in the tests: it changes the calling process for good; `tests/grade/` runs it inside kernels.

        >>> set_limits(config)  # doctest: +SKIP
    """
    mib = 1024 * 1024
    if config["memory_mb"]:
        resource.setrlimit(resource.RLIMIT_AS, (config["memory_mb"] * mib,) * 2)
    if config["cpu_seconds"]:
        resource.setrlimit(resource.RLIMIT_CPU, (config["cpu_seconds"], config["cpu_seconds"] + 5))
    if config["file_mb"]:
        resource.setrlimit(resource.RLIMIT_FSIZE, (config["file_mb"] * mib,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> None:
    """Confine this process as `argv[1]` (a JSON `Sandbox.config()`) says, then exec `argv` after `--`.

    Example:
        Not run in the tests: it changes the calling process for good; `tests/grade/` runs it inside kernels.

        >>> main(["inside", "/tmp/config.json", "--", "python", "-m", "ipykernel_launcher"])  # doctest: +SKIP
    """
    config = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    kernel = argv[argv.index("--") + 1 :]
    scratch = config["scratch"]
    if config["namespaces"]:
        hide(config["hidden"], scratch)
        read_only_except(scratch)
        drop_capabilities()
    for folder in ("TMPDIR", "MPLCONFIGDIR", "KERAS_HOME"):
        os.makedirs(config["env"][folder], exist_ok=True)
    set_limits(config)
    os.chdir(scratch)
    os.execve(kernel[0], kernel, config["env"])


if __name__ == "__main__":
    main(sys.argv)
