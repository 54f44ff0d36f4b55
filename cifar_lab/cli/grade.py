"""`cifar-lab grade SUBMISSIONS --out DIR`: run a class's notebooks sandboxed and score them on a hidden set."""

from __future__ import annotations

import argparse

from cifar_lab.presets import PRESETS


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab grade` to the command line.

    Example:
        >>> parser = add_parser(argparse.ArgumentParser().add_subparsers())
        >>> parser.parse_args(["subs", "--out", "grades", "--jobs", "2"]).jobs
        2
    """
    parser = subparsers.add_parser(
        "grade",
        help="grade students' notebooks: run each sandboxed, score it on a hidden set",
        description="Run every submission headless with papermill, each in its own process and scratch folder "
        "with time and memory limits, a scrubbed environment and no network; re-check its exercises, score its "
        "predictions on the hidden set and count `cifar-lab check` findings. Writes gradebook.csv, summary.md/"
        ".html and feedback/<student>.md into --out; running the same command again resumes.",
        epilog="example: cifar-lab grade submitted/ --out grades --preset ci --holdout hidden.npz --jobs 2",
    )
    parser.add_argument(
        "submissions", metavar="SUBMISSIONS", help="a folder of <student>.ipynb, or nbgrader's submitted/ layout"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="where the gradebook and feedback go")
    parser.add_argument(
        "--preset", default="ci", help=f"run preset for every notebook: {', '.join(PRESETS)} (default: ci)"
    )
    parser.add_argument(
        "--holdout", default=None, metavar="PATH", help="the labelled hidden set: .npz (x, y) or a CIFAR batch"
    )
    parser.add_argument("--jobs", type=int, default=1, help="submissions run at once (default: 1)")
    parser.add_argument("--scheduler", default=None, metavar="ADDR", help="a Dask scheduler to run them on instead")
    parser.add_argument(
        "--timeout", type=float, default=None, metavar="S", help="seconds per notebook (default: the preset's)"
    )
    parser.add_argument(
        "--memory-mb", type=int, default=4096, metavar="M", help="each kernel's memory limit (default: 4096)"
    )
    parser.set_defaults(resume_hint="Graded submissions are kept; run the same command again to resume.")
    return parser


def run(args: argparse.Namespace) -> int:
    """Grade the submissions; 0 when the run finished (whatever the submissions' statuses).

    Example:
        Not run in the tests: it executes notebooks (see `tests/grade/`).

        >>> run(build_parser().parse_args(["grade", "subs", "--out", "grades"]))  # doctest: +SKIP
    """
    from cifar_lab.grade import grade_submissions

    result = grade_submissions(
        args.submissions,
        args.out,
        preset=args.preset,
        holdout=args.holdout,
        jobs=args.jobs,
        scheduler=args.scheduler,
        timeout=args.timeout,
        memory_mb=args.memory_mb,
    )
    print(f"gradebook: {result.out / 'gradebook.csv'}; summary: {result.out / 'summary.md'}")
    return 0
