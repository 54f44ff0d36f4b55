"""Benchmark: does augmentation help the original CNN on real CIFAR-10, and what does it cost per epoch?

Needs real CIFAR-10 (``CIFAR_LAB_DATA`` or ``--data``). Two measurements, printed and written to
``benchmarks/results/augment.txt`` or ``--out`` (atomically, when the run is done):

1. Accuracy: ``compare_augmentations`` for each seed -- the original CNN from the same initial
   weights, the same epochs, each augmentation; validation on a held-out 20% of the training
   images, the test set once at the end. Mean, standard deviation and range over the seeds. For
   the first seed also: the no-augmentation model's accuracy on augmented validation images, and
   the original's continuation (RMSprop state reset vs kept).
2. Overhead: seconds per training epoch with and without augmentation, measured side by side
   (interleaved rounds, one model per setting, after a warm-up epoch), median over the rounds.

Usage:
    CIFAR_LAB_DATA=/path/to/cifar-10-python.tar.gz .venv/bin/python benchmarks/bench_augment.py
    .venv/bin/python benchmarks/bench_augment.py --epochs 25 --seeds 0 1 2 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import QuietMonitor

from cifar_lab.augment import (
    accuracy_under_augmentation,
    build_augmenter,
    compare_augmentations,
    continue_with_augmentation,
)
from cifar_lab.data import load_cifar10
from cifar_lab.files import atomic_write_text
from cifar_lab.models import build_model
from cifar_lab.train import set_seed
from cifar_lab.train.pipeline import make_dataset

RESULTS = Path(__file__).resolve().parent / "results" / "augment.txt"
AUGMENTATIONS = {
    "none": {"augmentation": "none"},
    "original": {"augmentation": "original"},
    "recommended": {"augmentation": "recommended"},
    "recommended+cutout8": {"augmentation": "recommended", "cutout_size": 8},
}


def say(lines: list[str], text: str = "") -> None:
    print(text, flush=True)
    lines.append(text)


def accuracy_section(data, args, lines: list[str]) -> None:
    say(
        lines,
        f"== Test accuracy at an equal budget: original CNN, {args.epochs} epochs, batch 128, seeds {args.seeds} ==",
    )
    chosen = {name: AUGMENTATIONS[name] for name in args.augmentations}
    tests: dict[str, list[float]] = {name: [] for name in chosen}
    first = None
    for seed in args.seeds:
        comparison = compare_augmentations(
            data,
            augmentations=chosen,
            model="original",
            epochs=args.epochs,
            batch_size=128,
            seed=seed,
            verbose="silent",
        )
        say(lines, f"-- seed {seed}\n{comparison.to_text()}")
        for run in comparison.runs:
            tests[run.name].append(run.test_accuracy)
        if first is None:
            first = comparison
    say(lines, "\nTest accuracy over seeds (mean +- standard deviation, [min, max]):")
    for name, values in tests.items():
        spread = statistics.stdev(values) if len(values) > 1 else float("nan")
        say(
            lines,
            f"  {name:<22}{100 * np.mean(values):6.2f}% +- {100 * spread:4.2f}  "
            f"[{100 * min(values):.2f}, {100 * max(values):.2f}]  per seed: "
            + ", ".join(f"{100 * v:.2f}" for v in values),
        )
    if {"none", "recommended"} <= set(tests):
        gains = np.subtract(tests["recommended"], tests["none"])
        say(
            lines,
            f"  recommended - none, per seed: {', '.join(f'{100 * g:+.2f}' for g in gains)} points "
            f"(mean {100 * gains.mean():+.2f})",
        )
    if "none" not in tests:
        return

    model, s = first.run("none").model, first.splits
    say(lines, f"\nDistortion (seed {first.seed}): the no-augmentation model's accuracy on validation images")
    say(lines, f"  clean: {100 * accuracy_under_augmentation(model, s['x_val'], s['y_val'], 'none'):.1f}%")
    for name in ("original", "recommended"):  # cheap: one pass over the validation images each
        value = accuracy_under_augmentation(model, s["x_val"], s["y_val"], name, seed=first.seed)
        say(lines, f"  augmented with {name!r}: {100 * value:.1f}%")

    if args.continue_epochs:
        say(lines, f"\nThe original's second phase (seed {first.seed}):")
        continuation = continue_with_augmentation(
            first, start="none", augmentation="original", epochs=args.continue_epochs, verbose="silent"
        )
        say(lines, continuation.to_text())


def epoch_seconds(model, dataset) -> float:
    started = time.perf_counter()
    model.fit(dataset, epochs=1, verbose=0, shuffle=False)  # the dataset shuffles itself
    return time.perf_counter() - started


def overhead_section(data, args, lines: list[str]) -> None:
    repeats = max(1, round(args.overhead_images / len(data.x_train)))
    x = np.concatenate([data.x_train] * repeats)
    y = np.concatenate([data.y_train] * repeats)
    say(
        lines,
        f"\n== Time per training epoch, {len(x)} images ({repeats}x the training set), batch 128, "
        f"{args.rounds} interleaved rounds after a warm-up epoch ==",
    )
    set_seed(0)  # op determinism on, as train_model runs
    settings = {name: build_augmenter(name, seed=0) for name in ("none", "recommended", "original")}
    models = {name: build_model("original", seed=0) for name in settings}
    datasets = {
        name: make_dataset(x, y, batch_size=128, shuffle=True, seed=0, augment=augmenter)
        for name, augmenter in settings.items()
    }
    for name in settings:
        epoch_seconds(models[name], datasets[name])  # traces the train step
    times: dict[str, list[float]] = {name: [] for name in settings}
    for _ in range(args.rounds):
        for name in settings:
            times[name].append(epoch_seconds(models[name], datasets[name]))
    base = statistics.median(times["none"])
    for name, values in times.items():
        median = statistics.median(values)
        say(
            lines,
            f"  {name:<12} median {median:6.2f} s/epoch ({len(x) / median:6.0f} images/s), "
            f"{median / base:.3f}x none; rounds: {', '.join(f'{v:.2f}' for v in values)}",
        )

    say(lines, "\nInput pipeline alone (no model), images/s, best of 3 passes:")
    for name, augmenter in settings.items():
        dataset = make_dataset(x, y, batch_size=128, shuffle=True, seed=0, augment=augmenter)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for _batch in dataset:
                pass
            best = min(best, time.perf_counter() - started)
        say(lines, f"  {name:<12} {len(x) / best:8.0f} images/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=os.environ.get("CIFAR_LAB_DATA"), help="real CIFAR-10 (default: $CIFAR_LAB_DATA)"
    )
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument(
        "--augmentations",
        nargs="+",
        choices=list(AUGMENTATIONS),
        default=["none", "original", "recommended"],
        help="which to train (every one starts from the same weights per seed, so "
        "runs from separate invocations compare)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--continue-epochs", type=int, default=5, help="0 skips the continuation")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--overhead-images", type=int, default=12000)
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default: {RESULTS})")
    parser.add_argument("--skip", choices=("accuracy", "overhead"), action="append", default=[])
    args = parser.parse_args(argv)
    if not args.data:
        parser.error(
            "no real CIFAR-10: set CIFAR_LAB_DATA or pass --data PATH (the benchmark never "
            "falls back to synthetic images)."
        )
    data = load_cifar10(args.data)
    if data.synthetic:
        parser.error(f"{args.data} did not load as real CIFAR-10 ({data.warning}); pass a real copy.")
    lines: list[str] = []
    started = time.perf_counter()
    say(lines, f"bench_augment.py on {platform.node()}, {time.strftime('%Y-%m-%d %H:%M')}")
    with QuietMonitor("bench_augment", print_fn=lambda text: say(lines, text)):
        say(lines, f"data: {data.source}: {len(data.x_train)} training / {len(data.x_test)} test images")
        if "accuracy" not in args.skip:
            accuracy_section(data, args, lines)
        if "overhead" not in args.skip:
            overhead_section(data, args, lines)
    say(
        lines,
        f"\ntotal {time.perf_counter() - started:.0f} s; command: python benchmarks/bench_augment.py "
        + " ".join(sys.argv[1:]),
    )
    atomic_write_text(args.out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
