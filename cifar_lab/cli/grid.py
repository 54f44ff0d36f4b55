"""`cifar-lab grid SWEEP.yaml`: a parameter sweep over the course notebooks, for instructors."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab grid` to the command line.

    Example:
        >>> add_parser(argparse.ArgumentParser().add_subparsers()).parse_args(["s.yaml", "--jobs", "2"]).jobs
        2
    """
    from cifar_lab.runner import grid

    parser = subparsers.add_parser(
        "grid",
        help="run a parameter sweep over the notebooks",
        description=grid.__doc__.split("Example:")[0].replace("`", "").replace("`", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sweep", help="the sweep file (YAML)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="combinations run at once in local processes (default 1; not with --scheduler)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="send combinations to this Dask scheduler instead (needs cifar-lab[dask])",
    )
    parser.add_argument(
        "--notebooks-dir", default=None, help="directory of NN_name.ipynb notebooks (default: the project's notebooks/)"
    )
    parser.add_argument("--run-dir", default=None, help="where results go (default: the sweep's run_dir)")
    parser.add_argument("--force", action="store_true", help="re-run combinations already completed")
    parser.add_argument(
        "--max-combinations",
        type=int,
        default=grid.MAX_COMBINATIONS,
        metavar="N",
        help=f"refuse a grid of more than N combinations (default {grid.MAX_COMBINATIONS})",
    )
    parser.set_defaults(resume_hint="Completed combinations are kept; run the same command again to resume.")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the sweep; 0 when every combination completed, 1 when one failed.

    Example:
        Not run in the tests: it executes every combination's notebooks.

        >>> run(build_parser().parse_args(["grid", "sweep.yaml"]))  # doctest: +SKIP
    """
    from cifar_lab.runner.grid import run_grid

    result = run_grid(
        args.sweep,
        jobs=args.jobs,
        scheduler=args.scheduler,
        notebooks_dir=args.notebooks_dir,
        run_dir=args.run_dir,
        force=args.force,
        max_combinations=args.max_combinations,
    )
    return 0 if result.ok else 1
