"""`cifar-lab check PATH... [--format text|json]`: find Keras 2 code and explain the Keras 3 fix."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab check` to the command line.

    Exit status: 0 when nothing is found, 1 when something is, 2 when an input cannot be read.

    Example:
        >>> parser = add_parser(argparse.ArgumentParser().add_subparsers())
        >>> parser.parse_args(["a.ipynb", "--format", "json"]).format
        'json'
    """
    parser = subparsers.add_parser(
        "check",
        help="find Keras 2 code in notebooks and .py files and explain the Keras 3 fix",
        description="Find Keras 2 patterns (removed APIs, silent behaviour changes, disabled TLS "
        "checks, test-set validation) in notebooks and .py files. Exits 1 when anything is found.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="notebooks, .py files or folders (searched recursively)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text for people (default), json for graders and CI"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Check `args.paths` and print the report; 1 when anything was found.

    Example:
        >>> import tempfile, pathlib
        >>> clean = pathlib.Path(tempfile.mkdtemp()) / "clean.py"
        >>> _ = clean.write_text("import keras")
        >>> run(argparse.Namespace(paths=[str(clean)], format="text"))
        No Keras 2 patterns found.
        0
    """
    from cifar_lab.check import check_paths, expand_paths, format_json, format_text

    files = expand_paths(args.paths)
    findings = check_paths(files)
    print(format_json(findings, files) if args.format == "json" else format_text(findings))
    return 1 if findings else 0
