"""The course's Jupyter kernel, `cifar-lab`: this Python, with TensorFlow's C++ logging kept out of the cells.

TensorFlow's C++ code writes straight to the process's standard error (file descriptor 2): an absl
start-up warning, oneDNN notices and, from tf.data, `E0000 ... use_unbounded_threadpool` lines. ipykernel
normally copies whatever reaches that descriptor into the running cell, where a student sees red boxes
that say nothing about their code. The `cifar-lab` kernel turns that copying off
(`--IPKernelApp.capture_fd_output=False`), so those lines go to the terminal that started JupyterLab (or
`cifar-lab run`'s log files) instead. Python's own warnings still appear in the cell, as they should.

The same specification is installed for JupyterLab (`install_kernelspec`, done by `make lab`) and used by
`cifar-lab run`, the nbval goldens and the grader, so every entry point sees the same outputs.

Example:
    >>> spec = kernel_spec()
    >>> spec["argv"][-1], spec["env"]["TF_CPP_MIN_LOG_LEVEL"]
    ('--IPKernelApp.capture_fd_output=False', '2')
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from cifar_lab.files import atomic_write_json

KERNEL_NAME = "cifar-lab"
KERNEL_ENV = {
    # INFO and WARNING lines of TensorFlow's C++ code stay out of the terminal too (errors still show there).
    "TF_CPP_MIN_LOG_LEVEL": "2",
    # Figures show inline in every front end, whatever MPLBACKEND the shell that started Jupyter had.
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}


def kernel_spec(python: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The `kernel.json` of the `cifar-lab` kernel for `python` (default: this interpreter).

    Example:
        >>> kernel_spec("/usr/bin/python3")["argv"][:3]
        ['/usr/bin/python3', '-m', 'ipykernel_launcher']
    """
    interpreter = str(python or sys.executable)
    return {
        "argv": [
            interpreter,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.capture_fd_output=False",
        ],
        "display_name": f"cifar-lab (Python {sys.version_info.major}.{sys.version_info.minor})",
        "language": "python",
        "env": dict(KERNEL_ENV),
        "metadata": {"debugger": True},
    }


def install_kernelspec(prefix: str | os.PathLike[str] | None = None) -> Path:
    """Install the `cifar-lab` kernel into `prefix` (default: this environment, `sys.prefix`); return its folder.

    Installing into the environment, not the user's home, keeps it with the Python it runs and leaves
    other Jupyter installations alone. Running it again updates it.

    Example:
        >>> import json, tempfile
        >>> folder = install_kernelspec(tempfile.mkdtemp())
        >>> folder.name, json.loads((folder / "kernel.json").read_text())["language"]
        ('cifar-lab', 'python')
    """
    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    atomic_write_json(folder / "kernel.json", kernel_spec())
    return folder
