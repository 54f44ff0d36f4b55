"""`cifar-lab student OUT_DIR [--refresh]`: write the student versions of the notebooks (no solutions)."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab student` to the command line.

    Example:
        >>> add_parser(argparse.ArgumentParser().add_subparsers()).parse_args(["out", "--refresh"]).refresh
        True
    """
    parser = subparsers.add_parser(
        "student",
        help="write student versions of the notebooks (reference solutions removed)",
        description="Write each course notebook into OUT_DIR with its reference solutions removed (between "
        "nbgrader's ### BEGIN SOLUTION and ### END SOLUTION markers), ready to hand out. A copy already in "
        "OUT_DIR is never overwritten; --refresh updates the copies nobody edited and writes the new version "
        "beside an edited one as NAME.updated.ipynb.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="where the student versions go")
    parser.add_argument("--refresh", action="store_true", help="bring unedited copies up to date")
    parser.add_argument(
        "--notebooks-dir", default=None, help="the source notebooks (default: the project's notebooks/)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the student versions and say what happened to each notebook.

    Example:
        >>> import tempfile
        >>> run(argparse.Namespace(out_dir=tempfile.mkdtemp(), refresh=False, notebooks_dir=None))  # doctest: +ELLIPSIS
        created ...01_data.ipynb
        ...
        0
    """
    from cifar_lab.lab import write_student_versions

    for outcome in write_student_versions(args.out_dir, args.notebooks_dir, refresh=args.refresh):
        print(f"{outcome.action:<18} {outcome.notebook}")
    return 0
