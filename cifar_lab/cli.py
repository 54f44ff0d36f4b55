"""The ``cifar-lab`` command line.

Each subcommand lives with the module it drives: a module in ``COMMAND_MODULES`` exposes
``add_command(subparsers)``, which adds its subparser and sets ``func`` (called with the parsed
arguments, returning the exit status). Modules are imported here, so none of them may import
TensorFlow at module level.

Example::

    $ cifar-lab data --data synthetic
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cifar_lab import __version__

COMMAND_MODULES = (
    "cifar_lab.data",
    "cifar_lab.runner",
    "cifar_lab.grid",
    "cifar_lab.check",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``cifar-lab`` argument parser with every available subcommand.

    Example:
        >>> parser = build_parser()
        >>> parser.prog
        'cifar-lab'
    """
    parser = argparse.ArgumentParser(
        prog="cifar-lab",
        description="The CIFAR-10 course: inspect the data, run the notebooks headless, sweep parameters, "
        "check code for Keras 2 patterns.",
    )
    parser.add_argument("--version", action="version", version=f"cifar-lab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``cifar-lab`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Example:
        >>> main(["--version"])  # doctest: +SKIP
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
