"""`cifar-lab check PATH... [--format text|json] [--strict] [--fix | --diff]`: find Keras 1/2 code, fix it."""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab check` to the command line.

    Exit status: 0 when nothing breaks, 1 when something does (an `error` or a `silent` change;
    with `--strict`, an `advisory` too), 2 when an input cannot be read. With `--fix` or `--diff`
    the status is that of what is left after the fix.

    Example:
        >>> parser = add_parser(argparse.ArgumentParser().add_subparsers())
        >>> args = parser.parse_args(["a.ipynb", "--format", "json", "--strict"])
        >>> args.format, args.strict, args.fix
        ('json', True, False)
    """
    parser = subparsers.add_parser(
        "check",
        help="find Keras 1/2 code in notebooks and .py files, explain the Keras 3 fix, apply it with --fix",
        description="Find Keras 1/2 and TensorFlow 1 code that Keras 3 breaks or runs differently, in notebooks "
        "and .py files, and explain the fix. Each finding is an error (it breaks), silent (it runs, "
        "differently) or advisory (it works, but is deprecated or unsound). Exits 1 for errors and silent "
        "changes; --strict counts advisories too. The code is read, never run.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="notebooks, .py files or folders (searched recursively)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text for people (default), json for graders and CI"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 for advisories too")
    changes = parser.add_mutually_exclusive_group()
    changes.add_argument(
        "--fix", action="store_true", help="rewrite the mechanical fixes in place (notebooks keep outputs, metadata)"
    )
    changes.add_argument("--diff", action="store_true", help="print the unified diff of --fix without writing")
    return parser


def run(args: argparse.Namespace) -> int:
    """Check (or fix) `args.paths`, print the report, and return the exit status.

    Example:
        >>> import tempfile, pathlib
        >>> clean = pathlib.Path(tempfile.mkdtemp()) / "clean.py"
        >>> _ = clean.write_text("import keras")
        >>> run(argparse.Namespace(paths=[str(clean)], format="text", strict=False, fix=False, diff=False))
        No Keras 2 patterns found.
        0
    """
    from cifar_lab.check import check_paths, expand_paths, format_json, format_text
    from cifar_lab.check.rule import FAILING

    files = expand_paths(args.paths)
    if args.fix or args.diff:
        from cifar_lab.check.rewrite import diff, fix_file, format_fix_report, write

        fixes = [fix_file(path) for path in files]  # everything is read and fixed before anything is written
        if args.diff:
            print("".join(diff(fix) for fix in fixes), end="")  # a patch on stdout; the report follows on stderr
        else:
            for fix in fixes:
                write(fix)
        findings = [finding for fix in fixes for finding in fix.cells.remaining]
        report = format_json(findings, files) if args.format == "json" else format_fix_report(fixes, written=args.fix)
        print(report, file=sys.stderr if args.diff else sys.stdout)
    else:
        findings = check_paths(files)
        print(format_json(findings, files) if args.format == "json" else format_text(findings))
    failing = [f for f in findings if args.strict or f.severity in FAILING]
    return 1 if failing else 0
