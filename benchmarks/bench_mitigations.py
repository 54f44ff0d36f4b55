"""Benchmark: what DP-SGD and early stopping do to a membership attack and to accuracy, on the real mini set.

Trains the original CNN three ways on the same members (the training images less a validation part):
plainly for ``--epochs`` epochs (the leaky baseline), the same with early stopping on the validation
loss (patience ``--patience``, best weights restored), and with DP-SGD (``cifar_lab.ethics.dp_sgd``:
per-example clipping to ``--l2-norm-clip``, noise ``--noise-multiplier`` times that, batch
``--dp-batch-size``, ``--dp-epochs`` epochs; its epsilon at delta ``--delta`` from the RDP accountant).
Each is attacked with the loss-threshold attack on the same 1,000 members and 1,000 test images, and
its TPR at 1% FPR and AUC (95% bootstrap intervals), train and test accuracy are printed side by side.

The machine's load is recorded (``benchmarks/machine.py``): on a shared machine the times are upper
bounds; the privacy and accuracy figures do not depend on it. Results go to
``benchmarks/results/mitigations.txt`` (or ``--out``), written when the run is done.

Usage:
    CIFAR_LAB_DATA=/path/to/cifar-10-python.tar.gz .venv/bin/python benchmarks/bench_mitigations.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import keras
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import QuietMonitor, Transcript

from cifar_lab.data import load_cifar10, split_validation
from cifar_lab.ethics.dp_sgd import dp_sgd_epsilon, dp_sgd_model
from cifar_lab.ethics.membership import membership_inference
from cifar_lab.ethics.privacy import balanced_indices
from cifar_lab.evaluate import predict_proba
from cifar_lab.models import build_model
from cifar_lab.train import train_model

RESULTS = Path(__file__).resolve().parent / "results" / "mitigations.txt"


def _attack(model, x_members, y_members, x_test, y_test, seed: int) -> dict:
    members, nonmembers = balanced_indices(len(y_members), len(y_test), max_per_side=1000, seed=seed)
    mia = membership_inference(
        predict_proba(model, x_members[members]), y_members[members],
        predict_proba(model, x_test[nonmembers]), y_test[nonmembers], seed=seed,
    )  # fmt: skip
    test_accuracy = float((predict_proba(model, x_test).argmax(axis=1) == y_test).mean())
    return {**mia["overall"]["loss_threshold"], "train_accuracy": mia["train_accuracy"], "test": test_accuracy}


def _line(name: str, r: dict, seconds: float, extra: str = "") -> str:
    return (
        f"  {name:<15} test acc {r['test']:.3f}  train acc {r['train_accuracy']:.3f}  "
        f"TPR@1%FPR {r['tpr_at_0.01_fpr']:.3f} [{r['tpr_at_0.01_fpr_low']:.3f}, {r['tpr_at_0.01_fpr_high']:.3f}]  "
        f"AUC {r['auc']:.3f} [{r['auc_low']:.3f}, {r['auc_high']:.3f}]  {seconds:.0f} s{extra}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CIFAR_LAB_DATA"), help="CIFAR-10 archive or directory")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch_size", type=int, default=128)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--dp-epochs", type=int, default=15)
    parser.add_argument("--dp-batch-size", type=int, default=64)
    parser.add_argument("--l2-norm-clip", type=float, default=1.0)
    parser.add_argument("--noise-multiplier", type=float, default=1.0)
    parser.add_argument("--delta", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("no data: set CIFAR_LAB_DATA or pass --data PATH (real CIFAR-10 files)")
    transcript = Transcript()
    say = transcript.say

    with QuietMonitor("bench_mitigations", print_fn=say):
        data = load_cifar10(args.data)
        x_fit, y_fit, x_val, y_val = split_validation(data.x_train, data.y_train, 0.1, seed=args.seed, stratify=True)
        y_test = np.asarray(data.y_test).astype(np.int64)
        say(f"data: {data.source}: {len(y_fit)} members, {len(y_val)} validation (early stopping), {len(y_test)} test")
        runs = {
            "baseline": (build_model("original", seed=args.seed), args.epochs, args.batch_size, []),
            "early stopping": (
                build_model("original", seed=args.seed), args.epochs, args.batch_size,
                [keras.callbacks.EarlyStopping(patience=args.patience, restore_best_weights=True)],
            ),
            "DP-SGD": (
                dp_sgd_model(
                    build_model("original", seed=args.seed), l2_norm_clip=args.l2_norm_clip,
                    noise_multiplier=args.noise_multiplier, seed=args.seed,
                ),
                args.dp_epochs, args.dp_batch_size, [],
            ),
        }  # fmt: skip
        say(f"loss-threshold attack, 1,000 members against 1,000 test images; the original CNN, seed {args.seed}:")
        for name, (model, epochs, batch_size, callbacks) in runs.items():
            started = time.perf_counter()
            result = train_model(
                model, x_fit, y_fit, validation=(x_val, y_val), epochs=epochs, batch_size=batch_size,
                seed=args.seed, verbose="silent", callbacks=callbacks,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            extra = f"  ({len(result.history['loss'])} epochs of {epochs}, batch {batch_size})"
            if name == "DP-SGD":
                eps = dp_sgd_epsilon(
                    n_train=len(y_fit), batch_size=batch_size, epochs=epochs,
                    noise_multiplier=args.noise_multiplier, delta=args.delta,
                )  # fmt: skip
                extra += f"  C={args.l2_norm_clip:g}, sigma={args.noise_multiplier:g}: "
                extra += f"epsilon {eps:.2f} at delta {args.delta:g}"
            say(_line(name, _attack(model, x_fit, y_fit, data.x_test, y_test, args.seed), seconds, extra))
    transcript.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
