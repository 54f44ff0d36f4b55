"""`cifar-lab run`: run the course notebooks headless, in order, into one run directory, resumably."""

from __future__ import annotations

import argparse

from cifar_lab.presets import PRESETS
from cifar_lab.runner.parameters import ParameterError


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab run` to the command line.

    Example:
        >>> parser = add_parser(argparse.ArgumentParser().add_subparsers())
        >>> parser.parse_args(["-p", "epochs", "3"]).param
        [['epochs', '3']]
    """
    parser = subparsers.add_parser(
        "run",
        help="run the course notebooks headless (papermill)",
        description="Run the course notebooks in order with papermill into one run directory, validating "
        "every parameter first; re-running resumes.",
        epilog="example: cifar-lab run --preset quick --notebooks 01,02 -p epochs 3",
    )
    parser.add_argument("--preset", default="quick", help=f"run preset: {', '.join(PRESETS)} (default: quick)")
    parser.add_argument("--data", default=None, help="data source: auto, cifar10, synthetic or a path")
    parser.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter; VALUE becomes the type its parameters cell declares",
    )
    parser.add_argument("--notebooks", default=None, help="which notebooks by number, e.g. 01,03 (default: all)")
    parser.add_argument(
        "--notebooks-dir", default=None, help="directory of NN_name.ipynb notebooks (default: the project's notebooks/)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds one cell may run before the run fails (default: the preset's; 0: none)",
    )
    parser.add_argument(
        "--run-dir",
        default=None,
        help="where results go (default: <project>/runs/<preset>, or $CIFAR_LAB_RUNS/<preset>)",
    )
    parser.add_argument("--force", action="store_true", help="re-run notebooks already completed")
    parser.set_defaults(resume_hint="Completed notebooks are kept; run the same command again to resume.")
    return parser


def parse_param_pairs(pairs: list[list[str]]) -> dict[str, str]:
    """Return `-p NAME VALUE` pairs as a dict, refusing a name given twice.

    Example:
        >>> parse_param_pairs([["epochs", "3"], ["seed", "1"]])
        {'epochs': '3', 'seed': '1'}
    """
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise ParameterError(f"-p {name} is given twice ({values[name]!r} and {value!r}); keep one.")
        values[name] = value
    return values


def run(args: argparse.Namespace) -> int:
    """Run the notebooks `args` select; 0 when every one completed, 1 when one failed.

    Example:
        Not run in the tests: it executes the course notebooks.

        >>> run(build_parser().parse_args(["run", "--preset", "ci"]))  # doctest: +SKIP
    """
    from cifar_lab.runner.run import run_notebooks

    result = run_notebooks(
        args.preset,
        data=args.data,
        params=parse_param_pairs(args.param),
        notebooks=args.notebooks,
        run_dir=args.run_dir,
        notebooks_dir=args.notebooks_dir,
        timeout=args.timeout,
        force=args.force,
    )
    return 0 if result.ok else 1
