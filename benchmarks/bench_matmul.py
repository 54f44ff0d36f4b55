"""This machine's matrix-multiply peak in TensorFlow, float32 and bfloat16 (GFLOP/s).

The peak is the yardstick for training throughput: ``bench_training.py`` reports the original CNN's
training speed as a fraction of it. Square matmuls of size ``--size`` run inside one ``tf.function``
(``--repeats`` chained products, so Python overhead is negligible); each figure is the median of
``--trials`` timings, with the min-max spread. A matmul of two n x n matrices is 2 n^3 FLOP.

Run: ``.venv/bin/python benchmarks/bench_matmul.py`` (about half a minute). The numbers depend on the
load: on a shared machine run it when others are idle, and compare figures measured in one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import tensorflow as tf


def measure_gflops(dtype: tf.DType, size: int, repeats: int, trials: int) -> list[float]:
    """GFLOP/s of ``repeats`` chained ``size`` x ``size`` matmuls in ``dtype``, once per trial."""
    a = tf.random.stateless_uniform((size, size), seed=(1, 2), dtype=tf.float32)
    b = tf.random.stateless_uniform((size, size), seed=(3, 4), dtype=tf.float32) / size
    a, b = tf.cast(a, dtype), tf.cast(b, dtype)

    @tf.function
    def chain(x):
        for _ in range(repeats):
            x = tf.matmul(x, b)
        return tf.reduce_sum(tf.cast(x, tf.float32))

    chain(a).numpy()  # trace and warm up
    results = []
    for _ in range(trials):
        start = time.perf_counter()
        chain(a).numpy()
        seconds = time.perf_counter() - start
        results.append(2 * size**3 * repeats / seconds / 1e9)
    return results


def peak(dtype: str, size: int = 1024, repeats: int = 8, trials: int = 5) -> float:
    """Median GFLOP/s for ``dtype`` ("float32" or "bfloat16"), for use by other benchmarks."""
    return statistics.median(measure_gflops(tf.as_dtype(dtype), size, repeats, trials))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    print(f"matmul {args.size}x{args.size}, {args.repeats} chained per call, {args.trials} trials")
    for dtype in (tf.float32, tf.bfloat16):
        values = measure_gflops(dtype, args.size, args.repeats, args.trials)
        print(
            f"{dtype.name:>9}: median {statistics.median(values):7.1f} GFLOP/s "
            f"(min {min(values):.1f}, max {max(values):.1f})"
        )


if __name__ == "__main__":
    main()
