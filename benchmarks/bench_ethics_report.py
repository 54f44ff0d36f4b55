"""Benchmark: offline LiRA against the loss-threshold attack on the same model, and the ethics report's wall time.

On real CIFAR-10 (the mini set): trains the audited model with canaries, then ``--reference-models``
reference models of the same recipe (offline LiRA, Carlini et al. 2022), and prints both attacks'
TPR at 1% FPR and AUC with their 95% intervals side by side, from one run, on the same members and
non-members.

Trains a model for a few epochs with memorization canaries inserted, then times ``ethics_report``
alone (per-class disparity, brightness analogue, membership attacks, canaries, figures, card). The
target (issue 5) is under two minutes on a 2-core CPU. ``--sampling-bias`` also times the optional
sampling-bias experiment (three more trainings) and prints its figures. Results are printed and
written to ``benchmarks/results/ethics.txt`` (or ``--out``) atomically when the run is done.

The 1-minute load average is printed before and after: on a shared machine the times are upper bounds.

Usage:
    CIFAR_LAB_DATA=/path/to/cifar-10-python.tar.gz .venv/bin/python benchmarks/bench_ethics_report.py
    .venv/bin/python benchmarks/bench_ethics_report.py --data PATH --epochs 3 --sampling-bias
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import QuietMonitor, Transcript

from cifar_lab.data import load_cifar10
from cifar_lab.ethics import ethics_report
from cifar_lab.ethics.canaries import make_canaries, training_set
from cifar_lab.ethics.lira import train_reference_models
from cifar_lab.ethics.sampling_bias import sampling_bias_experiment
from cifar_lab.models import build_model
from cifar_lab.train import train_model

RESULTS = Path(__file__).resolve().parent / "results" / "ethics.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CIFAR_LAB_DATA"), help="CIFAR-10 archive or directory")
    parser.add_argument("--model", default="original")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch_size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--canaries", type=int, default=100, help="canaries drawn (each IN with probability 1/2)")
    parser.add_argument("--reference-models", type=int, default=4, help="offline LiRA's reference models")
    parser.add_argument("--sampling-bias", action="store_true", help="also time the sampling-bias experiment")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("no data: set CIFAR_LAB_DATA or pass --data PATH (real CIFAR-10 files)")

    transcript = Transcript()
    say = transcript.say

    say(f"machine: {platform.platform()}")
    with QuietMonitor("bench_ethics_report", print_fn=say):
        data = load_cifar10(args.data)
        say(f"data: {data.source} ({len(data.x_train)} train, {len(data.x_test)} test, synthetic={data.synthetic})")
        canaries = make_canaries(data.x_train, data.y_train, args.canaries, seed=args.seed)
        x_fit, y_fit, members = training_set(data.x_train, data.y_train, canaries)
        model = build_model(args.model, seed=args.seed)
        trained = train_model(
            model, x_fit, y_fit, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, verbose="silent"
        )
        say(
            f"training: {args.model}, {args.epochs} epochs on {len(x_fit)} images ({canaries.n_in} IN canaries): "
            f"{trained.seconds:.1f} s"
        )

        started = time.perf_counter()
        references = train_reference_models(
            data, members, reference_models=args.reference_models, model=args.model, epochs=args.epochs,
            batch_size=args.batch_size, seed=args.seed, verbose="silent",
        )  # fmt: skip
        say(f"{args.reference_models} reference models trained: {time.perf_counter() - started:.1f} s")

        with tempfile.TemporaryDirectory() as out_dir:
            started = time.perf_counter()
            card = ethics_report(
                model,
                data,
                out_dir,
                member_indices=members,
                canaries=canaries,
                references=references,
                parameters={
                    "model": args.model,
                    "epochs": args.epochs,
                    "batch_size": args.batch_size,
                    "seed": args.seed,
                },
            )
            seconds = time.perf_counter() - started
        say(f"ethics_report wall time (sampling-bias off, reference models already trained): {seconds:.1f} s")

        disparity, mia, canary = card["per_class"], card["membership_inference"], card["canaries"]
        say(
            f"test accuracy {disparity['accuracy']:.3f}; worst class {disparity['worst_class']} "
            f"(recall {disparity['per_class'][disparity['worst_class']]['recall']:.3f}), "
            f"best {disparity['best_class']}; "
            f"gap {disparity['recall_gap']:.3f} [{disparity['recall_gap_low']:.3f}, {disparity['recall_gap_high']:.3f}]"
        )
        analogue = card["brightness_analogue"]
        say(
            "brightness thirds accuracy: "
            + ", ".join(f"{k} {g['accuracy']:.3f}" for k, g in analogue["groups"].items())
            + f"; equalized-odds difference {analogue['equalized_odds_difference']:.3f} (95th percentile with groups "
            f"shuffled: {analogue['equalized_odds_noise_95']:.3f})"
        )
        say(
            f"membership ({mia['n_per_side']} per side; train acc {mia['train_accuracy']:.3f}, held-out "
            f"{mia['heldout_accuracy']:.3f}):"
        )
        for attack, m in mia["overall"].items():
            low_fpr = "n/a" if m["tpr_at_0.001_fpr"] is None else f"{m['tpr_at_0.001_fpr']:.3f}"
            say(
                f"  {attack:<15} TPR@1%FPR {m['tpr_at_0.01_fpr']:.3f} [{m['tpr_at_0.01_fpr_low']:.3f}, "
                f"{m['tpr_at_0.01_fpr_high']:.3f}]  AUC {m['auc']:.3f} [{m['auc_low']:.3f}, {m['auc_high']:.3f}]  "
                f"TPR@0.1%FPR {low_fpr}"
            )
        if "offline_lira" in mia["overall"]:
            lira, loss = mia["overall"]["offline_lira"], mia["overall"]["loss_threshold"]
            ratio = lira["tpr_at_0.01_fpr"] / max(loss["tpr_at_0.01_fpr"], 1e-9)
            say(f"  offline LiRA / loss threshold, TPR@1%FPR: {ratio:.1f}x (same model, same images)")
        say(
            f"canaries: {canary['n_in']} IN / {canary['n_out']} OUT; "
            f"median exposure IN {canary['median_exposure_in']:.2f} "
            f"bits (cap {canary['max_exposure']:.2f}, {canary['share_in_at_cap']:.2f} of IN at the cap); IN-vs-OUT AUC "
            f"{canary['auc']:.3f} [{canary['auc_low']:.3f}, {canary['auc_high']:.3f}]; predicted as canary label IN "
            f"{canary['predicted_as_canary_label_in']:.3f}, OUT {canary['predicted_as_canary_label_out']:.3f}"
        )

        if args.sampling_bias:
            started = time.perf_counter()
            bias = sampling_bias_experiment(
                data, model=args.model, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed
            )
            say(f"sampling-bias experiment (3 trainings): {time.perf_counter() - started:.1f} s")
            say("  " + bias["statement"])
            for run, r in bias["runs"].items():
                say(
                    f"  {run:<9} accuracy {r['accuracy']:.3f}  {bias['cut_class']} recall {r['recall']:.3f}  "
                    f"precision {r['precision']:.3f}"
                )

    transcript.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
