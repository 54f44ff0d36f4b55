"""`cifar-lab lab`: open the course in JupyterLab on the student's working copies (what `make lab` runs)."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab lab` to the command line.

    Example:
        >>> add_parser(argparse.ArgumentParser().add_subparsers()).parse_args(["--port", "9000"]).port
        9000
    """
    parser = subparsers.add_parser(
        "lab",
        help="open the course in JupyterLab (127.0.0.1, with a token) on your working copies",
        description="Install the cifar-lab kernel, create your working copies of the notebooks the first "
        "time (in <project>/my-notebooks, never overwritten afterwards), and start JupyterLab on them.",
    )
    parser.add_argument("--dir", default=None, help="the working copies' folder (default: <project>/my-notebooks)")
    parser.add_argument("--port", type=int, default=8888, help="the port on 127.0.0.1 (default: 8888)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    return parser


def run(args: argparse.Namespace) -> int:
    """Start JupyterLab and return its exit status once it is stopped.

    Example:
        Not run in the tests: it starts a server and waits until it is stopped.

        >>> run(argparse.Namespace(dir=None, port=8888, no_browser=True))  # doctest: +SKIP
    """
    from cifar_lab.lab import open_lab

    return open_lab(args.dir, port=args.port, open_browser=not args.no_browser)
