"""The course as a student lives it: the `cifar-lab` kernel, working copies without solutions, JupyterLab.

- `kernel`: the `cifar-lab` Jupyter kernel (this Python, TensorFlow's C++ logging kept out of the cells),
  used by JupyterLab, `cifar-lab run`, the nbval goldens and the grader alike;
- `copies`: student versions of the notebooks (reference solutions stripped, nbgrader's markers) and a
  student's working copies, never overwritten;
- `server`: starting JupyterLab on 127.0.0.1 with a token, opened on those copies (`make lab`).

Example:
    >>> from cifar_lab.lab import strip_solutions
    >>> strip_solutions("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION")
    '# YOUR CODE HERE'
"""

from cifar_lab.lab.copies import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    CopyOutcome,
    SolutionMarkerError,
    has_solutions,
    strip_solutions,
    student_version,
    write_student_versions,
)
from cifar_lab.lab.kernel import KERNEL_NAME, install_kernelspec, kernel_spec
from cifar_lab.lab.server import default_working_copies, install_lab_settings, lab_command, open_lab

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "KERNEL_NAME",
    "CopyOutcome",
    "SolutionMarkerError",
    "default_working_copies",
    "has_solutions",
    "install_kernelspec",
    "install_lab_settings",
    "kernel_spec",
    "lab_command",
    "open_lab",
    "strip_solutions",
    "student_version",
    "write_student_versions",
]
