"""This machine's matrix-multiply peak in TensorFlow, float32 and bfloat16 (GFLOP/s), against the CPU's theory.

The peak is the yardstick for training throughput. Noise made the old single-size, 5-trial figure swing
between 106 and 191 GFLOP/s a minute apart, so this one is built not to: each dtype is warmed up for a few
seconds, then square matmuls of several sizes run as chained products inside one ``tf.function`` (Python
overhead negligible), each trial long enough (``--seconds``) to average out the scheduler; each size's
figure is the median of ``--trials`` with its min-max spread; the measured peak is the best size's median.
Beside it: the theoretical peak from the CPU's vector width, FMA units, clock and cores
(``machine.theoretical_peak``), and the share, which is never printed above 100%. A matmul of two n x n
matrices is 2 n^3 FLOP. The machine's quietness is recorded before and after (``machine.QuietMonitor``).

Run: ``.venv/bin/python benchmarks/bench_matmul.py`` (about a minute and a half).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import QuietMonitor, share_of_peak, theoretical_peak

SIZES = (512, 1024, 2048)


def _chain(dtype: tf.DType, size: int, repeats: int):
    a = tf.cast(tf.random.stateless_uniform((size, size), seed=(1, 2)), dtype)
    b = tf.cast(tf.random.stateless_uniform((size, size), seed=(3, 4)) / size, dtype)

    @tf.function
    def chain(x):
        for _ in range(repeats):
            x = tf.matmul(x, b)
        return tf.reduce_sum(tf.cast(x, tf.float32))

    return lambda: chain(a).numpy()


def measure_gflops(dtype: tf.DType, size: int, trials: int, seconds: float) -> list[float]:
    """GFLOP/s of chained ``size`` x ``size`` matmuls in ``dtype``, one figure per trial of about ``seconds``."""
    probe = _chain(dtype, size, 1)
    probe()
    start = time.perf_counter()
    probe()
    repeats = max(1, min(64, round(seconds / max(time.perf_counter() - start, 1e-6))))
    run = _chain(dtype, size, repeats)
    run()  # trace
    results = []
    for _ in range(trials):
        start = time.perf_counter()
        run()
        results.append(2 * size**3 * repeats / (time.perf_counter() - start) / 1e9)
    return results


def warm_up(dtype: tf.DType, seconds: float) -> None:
    """Run matmuls for ``seconds`` so clocks, caches and oneDNN's kernels settle before anything is timed."""
    run = _chain(dtype, 1024, 4)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        run()


def peak(dtype: str, trials: int = 5, seconds: float = 0.5) -> float:
    """The best size's median GFLOP/s for ``dtype`` ("float32" or "bfloat16"), warmed up, for other benchmarks."""
    tf_dtype = tf.as_dtype(dtype)
    warm_up(tf_dtype, 2.0)
    return max(statistics.median(measure_gflops(tf_dtype, size, trials, seconds)) for size in SIZES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one trial")
    parser.add_argument("--warm-up", type=float, default=3.0, help="seconds of matmuls before timing, per dtype")
    parser.add_argument("--require-quiet", action="store_true", help="refuse to run on a loaded machine")
    args = parser.parse_args()
    with QuietMonitor("bench_matmul", require_quiet=args.require_quiet):
        print(f"square matmuls of sizes {', '.join(map(str, SIZES))}; {args.trials} trials of ~{args.seconds:g} s each")
        for dtype in (tf.float32, tf.bfloat16):
            warm_up(dtype, args.warm_up)
            theory = theoretical_peak(dtype.name)
            medians = {}
            for size in SIZES:
                values = measure_gflops(dtype, size, args.trials, args.seconds)
                medians[size] = statistics.median(values)
                print(
                    f"  {dtype.name:>8} {size:>4}: median {medians[size]:7.1f} GFLOP/s "
                    f"(min {min(values):.1f}, max {max(values):.1f})"
                )
            best = max(medians, key=medians.get)
            print(
                f"  {dtype.name:>8} peak: {medians[best]:.1f} GFLOP/s at {best}, {share_of_peak(medians[best], theory)}"
            )
            print(f"           {theory.describe()}")


if __name__ == "__main__":
    main()
