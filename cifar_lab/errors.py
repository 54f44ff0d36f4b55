"""The errors cifar-lab raises on purpose, all under one base class, `CifarLabError`.

Every message names the problem and the fix, so the `cifar-lab` command prints it as one line
(`cifar-lab <command>: error: <message>`) instead of a traceback; a traceback means a real bug.
Each subpackage keeps its specific errors next to the code that raises them (for example
`cifar_lab.data.archive.CifarFormatError`); all of them derive from `CifarLabError`, and several
also from the built-in exception callers already expect (`ValueError`, `OSError`, ...).

Example:
    >>> try:
    ...     raise UsageError("epochs must be at least 1, got 0. Pass -p epochs 1 or more.")
    ... except CifarLabError as error:
    ...     print(error)
    epochs must be at least 1, got 0. Pass -p epochs 1 or more.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CifarLabError(Exception):
    """Base class of every error cifar-lab raises on purpose; its message says how to fix it."""


class UsageError(CifarLabError, ValueError):
    """A name or value given by the user is not valid: a parameter, an option, a preset, a model name.

    The command line reports these with exit status 2, like argparse's own usage errors.
    """


class WrongTypeError(UsageError, TypeError):
    """A value given by the user has the wrong type (an array of floats where labels are integers, ...)."""


class MissingFileError(CifarLabError, FileNotFoundError):
    """A file that a step needs is not there; the message says which step makes it."""


def did_you_mean(name: object, valid: Iterable[str]) -> str:
    """Return `" Did you mean 'x'?"` for the valid name closest to `name`, or `""` when none is close.

    Example:
        >>> did_you_mean("epoch", ["epochs", "seed"])
        " Did you mean 'epochs'?"
        >>> did_you_mean("zzz", ["epochs"])
        ''
    """
    match = difflib.get_close_matches(str(name), list(valid), n=1)
    return f" Did you mean {match[0]!r}?" if match else ""
