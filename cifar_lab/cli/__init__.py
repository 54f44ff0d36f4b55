"""The `cifar-lab` command line: one module per subcommand, and one way to report errors.

Each module in `COMMANDS` defines `add_parser(subparsers)`, which adds its subcommand, and `run(args)`,
which carries it out and returns the exit status. The modules import the library only inside
`run`, so building the parser (and `cifar-lab --help`) never starts TensorFlow.

Every error the library raises on purpose (`cifar_lab.errors.CifarLabError`) ends as one line,
`cifar-lab <command>: error: <message>`, with exit status 2 for a usage error (a bad name or value)
and 1 otherwise; Ctrl-C or SIGTERM exits 130 after saying how to resume. A traceback means a bug.

Example:
    >>> build_parser().parse_args(["run", "--preset", "ci"]).preset
    'ci'
"""

from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys

from cifar_lab import __version__
from cifar_lab.errors import CifarLabError, UsageError

COMMANDS = ("data", "run", "grid", "check", "student", "lab", "grade")


def build_parser() -> argparse.ArgumentParser:
    """Return the `cifar-lab` argument parser with every subcommand.

    Example:
        >>> build_parser().prog
        'cifar-lab'
    """
    parser = argparse.ArgumentParser(
        prog="cifar-lab",
        description="The CIFAR-10 course: inspect the data, run the notebooks headless, sweep parameters, "
        "check code for Keras 2 patterns.",
    )
    parser.add_argument("--version", action="version", version=f"cifar-lab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        command = importlib.import_module(f"cifar_lab.cli.{name}")
        command.add_parser(subparsers).set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run `cifar-lab` with `argv` (default: `sys.argv[1:]`) and return the exit status.

    Example:
        >>> main(["data", "--data", "no-such-source"])
        2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return int(args.run(args) or 0)
    except UsageError as error:
        _say_error(args.command, error)
        return 2
    except CifarLabError as error:
        _say_error(args.command, error)
        return 1
    except KeyboardInterrupt:
        print(f"\ncifar-lab {args.command}: interrupted. {getattr(args, 'resume_hint', '')}".rstrip(), file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if argv is None:  # this is the program, and it ends now
            _skip_the_final_collection()


def _skip_the_final_collection() -> None:
    # Python's last act at exit is a full garbage collection over everything papermill, nbformat and
    # Jupyter loaded (about 1,000 modules). It is CPU-bound: on a 2-core machine at load 12-15 it kept
    # `cifar-lab run` alive 7-25 s after Ctrl-C had stopped the kernel and the message was printed
    # (3 s for the imports alone; 0.16 s frozen). Nothing is left to clean up by then.
    gc.freeze()


def _say_error(command: str, error: CifarLabError) -> None:
    print(f"cifar-lab {command}: error: {error}", file=sys.stderr)


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM (a scheduler stopping the job, `kill`) is handled like Ctrl-C: clean up, keep what finished.
    raise KeyboardInterrupt
