"""Training benchmarks on real CIFAR-10 data: the original recipe vs the stronger one, and throughput.

Two parts, each measured side by side in one run (interleaved per seed / per repetition):

1. Recipes (``--seeds`` seeds; median and min-max spread). Both train on the same images, the
   training set less its last 20% (the original's validation hold-out), and are tested on the test set.
   * original: ``build_model("original")``, 20 epochs, batch 128, no augmentation, validated on the
     hold-out each epoch (part of its recipe and of its wall time);
   * stronger: ``build_model("fast_cnn")`` with its registered recipe (epochs, batch,
     augmentation, flip TTA). Its test accuracy is also measured after every epoch, off the clock, to
     find the training time at which it first reaches the original's final test accuracy.
   With ``--short-epochs N`` it also runs the stronger recipe with an N-epoch schedule: a one-cycle
   schedule only reaches its accuracy at its end, so a short run reaches a given accuracy sooner than
   the middle of a long one.
   With ``--bfloat16`` the stronger recipe is run a second time under ``precision="mixed_bfloat16"``
   (the accuracy check before anyone makes bfloat16 a default).
2. Throughput of the original model (images/s over whole epochs after the first, which includes
   tracing): the original notebook's way (``model.fit`` on float32 arrays), ``train_model``'s uint8
   ``tf.data`` pipeline, and the pipeline with ``mixed_bfloat16``; also as a share of the CPU's
   theoretical peak (``machine.theoretical_peak``; never printed above 100%), counting 3x the forward
   FLOPs per training image, beside the matmul peak measured in the same run (``bench_matmul.py``).
The machine's quietness before and after is recorded (``machine.QuietMonitor``).

Run (about 15 minutes on a quiet 2-core machine; knobs: --seeds, --epochs, --skip-recipes, ...):

    CIFAR_LAB_DATA=/path/to/cifar-10-python.tar.gz .venv/bin/python benchmarks/bench_training.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import keras

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_matmul import peak
from machine import QuietMonitor, share_of_peak, theoretical_peak

from cifar_lab.augment import build_augmenter
from cifar_lab.data import load_cifar10, split_validation
from cifar_lab.evaluate import accuracy, predict_proba
from cifar_lab.models import MODELS, build_model
from cifar_lab.train import set_seed, train_model


def forward_flops(model: keras.Model) -> int:
    """Multiply-adds x 2 of the convolutions and dense layers for one image."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            kh, kw, cin, cout = layer.kernel.shape
            _, h, w, _ = layer.output.shape
            total += 2 * h * w * kh * kw * cin * cout
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
    return total


class TestAccuracyClock(keras.callbacks.Callback):
    """After each epoch: test accuracy and training seconds so far, the evaluation kept off the clock."""

    def __init__(self, x_test, y_test, tta: bool, start: float):
        super().__init__()
        self.x_test, self.y_test, self.tta, self.start = x_test, y_test, tta, start
        self.excluded = 0.0
        self.curve: list[tuple[float, float]] = []

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        proba = predict_proba(self.model, self.x_test, tta=self.tta)
        self.curve.append((now - self.start - self.excluded, accuracy(self.y_test, proba.argmax(1))))
        self.excluded += time.perf_counter() - now


def run_original(data, split, seed: int, epochs: int) -> dict:
    x_train, y_train, x_val, y_val = split
    model = build_model("original", seed=seed)
    start = time.perf_counter()
    train_model(
        model, x_train, y_train, validation=(x_val, y_val), epochs=epochs, batch_size=128, seed=seed, verbose="silent"
    )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "accuracy": accuracy(data.y_test, predict_proba(model, data.x_test).argmax(1))}


def run_stronger(data, split, seed: int, epochs: int, precision: str) -> dict:
    x_train, y_train, _, _ = split
    defaults = MODELS["fast_cnn"].recipe
    model = build_model("fast_cnn", seed=seed, precision=precision)
    augment = build_augmenter(defaults["augmentation"], seed=seed)
    start = time.perf_counter()
    clock = TestAccuracyClock(data.x_test, data.y_test, defaults["tta"], start)
    train_model(
        model,
        x_train,
        y_train,
        epochs=epochs,
        batch_size=defaults["batch_size"],
        seed=seed,
        augment=augment,
        verbose="silent",
        callbacks=[clock],
    )
    return {"seconds": clock.curve[-1][0], "accuracy": clock.curve[-1][1], "curve": clock.curve}


def spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} (min {format(min(values), fmt)}, max {format(max(values), fmt)})"


def recipes(data, args) -> None:
    split = split_validation(data.x_train, data.y_train, 0.2)
    stronger_epochs = args.stronger_epochs or MODELS["fast_cnn"].recipe["epochs"]
    precisions = ["float32"] + (["mixed_bfloat16"] if args.bfloat16 else [])
    rows: dict[str, list[dict]] = {"original": [], **{f"stronger {p}": [] for p in precisions}}
    shorts = [f"short {p}" for p in precisions] if args.short_epochs else []
    rows.update({name: [] for name in shorts})
    for seed in range(args.seeds):
        rows["original"].append(run_original(data, split, seed, args.epochs))
        for precision in precisions:
            rows[f"stronger {precision}"].append(run_stronger(data, split, seed, stronger_epochs, precision))
        for name in shorts:
            rows[name].append(run_stronger(data, split, seed, args.short_epochs, name.split()[1]))
        print(
            f"  seed {seed}: "
            + "; ".join(f"{name} {r[-1]['accuracy']:.4f} in {r[-1]['seconds']:.1f}s" for name, r in rows.items()),
            flush=True,
        )

    print(
        f"\nRecipes: trained on {len(split[0])} images, tested on {len(data.y_test)}, "
        f"median of {args.seeds} seed(s) (min, max)"
    )
    print(
        f"  original, {args.epochs} epochs: test accuracy {spread([r['accuracy'] for r in rows['original']], '.4f')}, "
        f"wall {spread([r['seconds'] for r in rows['original']], '.1f')} s"
    )
    for precision in precisions:
        runs = rows[f"stronger {precision}"]
        print(
            f"  stronger fast_cnn {precision}, {stronger_epochs} epochs: test accuracy "
            f"{spread([r['accuracy'] for r in runs], '.4f')}, training {spread([r['seconds'] for r in runs], '.1f')} s"
        )
        budget_ratio = [r["seconds"] / o["seconds"] for r, o in zip(runs, rows["original"])]
        print(f"    its training time / the original's (same seed): {spread(budget_ratio, '.2f')}")
        reach = []
        for run, original in zip(runs, rows["original"]):
            hit = next((s for s, acc in run["curve"] if acc >= original["accuracy"]), None)
            reach.append(float("nan") if hit is None else hit / original["seconds"])
        print(
            f"    time to first reach the original's final test accuracy, / the original's time: "
            f"{spread(reach, '.3f')} (nan = never)"
        )
        for seed, run in enumerate(runs):
            print(f"    seed {seed} curve (s, test acc): " + " ".join(f"{s:.0f}:{acc:.3f}" for s, acc in run["curve"]))
    for name in shorts:
        runs = rows[name]
        print(
            f"  stronger fast_cnn {name.split()[1]}, a short {args.short_epochs}-epoch schedule: test accuracy "
            f"{spread([r['accuracy'] for r in runs], '.4f')}, training {spread([r['seconds'] for r in runs], '.1f')} s"
        )
        reach = [
            r["seconds"] / o["seconds"] if r["accuracy"] >= o["accuracy"] else float("nan")
            for r, o in zip(runs, rows["original"])
        ]
        print(
            f"    reaches the original's final test accuracy (same seed) in this / the original's time: "
            f"{spread(reach, '.3f')} (nan = does not reach it)"
        )


def throughput(data, args) -> None:
    x, y = data.x_train, data.y_train
    fwd = forward_flops(build_model("original"))
    peaks = {"float32": peak("float32"), "bfloat16": peak("bfloat16")}
    theory = {dtype: theoretical_peak(dtype) for dtype in peaks}
    print(
        f"\nThroughput of the original model on {len(x)} images x {args.throughput_epochs} epochs, "
        f"batch 128, images/s over the epochs after the first; {fwd / 1e6:.2f} MFLOP forward per image; "
        f"matmul peak measured just now: float32 {peaks['float32']:.0f}, bfloat16 {peaks['bfloat16']:.0f} GFLOP/s"
    )
    for dtype in peaks:
        print(f"  {theory[dtype].describe()}")

    class EpochTimes(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times, self.last = [], time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            self.times.append(now - self.last)
            self.last = now

    def original_way(precision: str) -> list[float]:
        set_seed(0)
        model = build_model("original", precision=precision)
        timer = EpochTimes()
        # The assignment's way: the whole set as float32 in memory, one-hot labels, model.fit.
        model.fit(
            x.astype("float32") / 255,
            keras.utils.to_categorical(y, 10),
            batch_size=128,
            epochs=args.throughput_epochs,
            verbose=0,
            callbacks=[timer],
        )
        return timer.times

    def pipeline(precision: str) -> list[float]:
        model = build_model("original", precision=precision)
        timer = EpochTimes()
        train_model(model, x, y, epochs=args.throughput_epochs, batch_size=128, verbose="silent", callbacks=[timer])
        return timer.times

    ways = {
        "original way float32": (original_way, "float32"),
        "pipeline float32": (pipeline, "float32"),
        "original way mixed_bfloat16": (original_way, "mixed_bfloat16"),
        "pipeline mixed_bfloat16": (pipeline, "mixed_bfloat16"),
    }
    rates: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.repeats):
        for name, (way, precision) in ways.items():
            rates[name].append(len(x) / statistics.median(way(precision)[1:]))
    base = statistics.median(rates["original way float32"])
    for name, values in rates.items():
        rate = statistics.median(values)
        dtype = "bfloat16" if "bfloat16" in name else "float32"
        share = share_of_peak(rate * 3 * fwd / 1e9, theory[dtype])
        print(f"  {name:<28} {spread(values, '.0f')} images/s = {rate / base:.2f}x the original way, {share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default=os.environ.get("CIFAR_LAB_DATA"),
        help="CIFAR-10 python archive or directory (default: $CIFAR_LAB_DATA)",
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20, help="epochs of the original recipe")
    parser.add_argument("--stronger-epochs", type=int, default=None, help="default: the registry's")
    parser.add_argument(
        "--short-epochs",
        type=int,
        default=7,
        help="also run the stronger recipe with this shorter schedule (time to target; 0: off)",
    )
    parser.add_argument("--bfloat16", action="store_true", help="also run the stronger recipe in mixed_bfloat16")
    parser.add_argument("--throughput-epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="repetitions of each throughput way")
    parser.add_argument("--skip-recipes", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--require-quiet", action="store_true", help="refuse to run on a loaded machine")
    args = parser.parse_args()
    if not args.data:
        parser.error("no data: pass --data /path/to/cifar-10-python.tar.gz or set CIFAR_LAB_DATA")
    data = load_cifar10(args.data)
    with QuietMonitor("bench_training", require_quiet=args.require_quiet):
        print(f"data: {data.source} ({len(data.y_train)} train, {len(data.y_test)} test)")
        if not args.skip_recipes:
            recipes(data, args)
        if not args.skip_throughput:
            throughput(data, args)


if __name__ == "__main__":
    main()
