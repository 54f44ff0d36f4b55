"""`cifar-lab data [--data D] [--data-home DIR]`: load the data and print what it holds."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `cifar-lab data` to the command line.

    Example:
        >>> add_parser(argparse.ArgumentParser().add_subparsers()).prog.endswith("data")
        True
    """
    parser = subparsers.add_parser("data", help="load CIFAR-10 (or synthetic data) and print a summary")
    parser.add_argument("--data", default="auto", help="auto | cifar10 | synthetic | PATH (default: auto)")
    parser.add_argument(
        "--data-home",
        dest="data_home",
        default=None,
        help="download cache (default: $CIFAR_LAB_HOME or ~/.cache/cifar-lab)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Load `args.data` and print its summary; a fallback to synthetic data is printed, not warned.

    Example:
        >>> run(argparse.Namespace(data="synthetic", data_home=None))  # doctest: +ELLIPSIS
        SYNTHETIC data (not CIFAR-10), source: synthetic
        ...
        0
    """
    import warnings

    from cifar_lab.data import SyntheticFallbackWarning, load_cifar10

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntheticFallbackWarning)  # summary() prints it prominently
        data = load_cifar10(args.data, data_home=args.data_home)
    print(data.summary())
    return 0
