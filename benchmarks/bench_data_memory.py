"""Peak memory of loading a full-size CIFAR-10 (60,000 images) with ``cifar_lab.data.load_cifar10``.

Builds a fake archive in a temporary directory, laid out and pickled exactly like the official one
(5 training batches and a test batch of 10,000 random images each), then loads it in fresh
interpreters, once from the ``.tar.gz`` and once from the extracted directory, and prints for each:

- tracemalloc peak: the most memory Python and numpy had allocated at once during the load;
- RSS peak above start: the process's peak resident size minus its size just before the load.

The budget (issue 2) is about twice the uint8 data, 2 x 184,320,000 bytes, above the interpreter.
For comparison it also measures the usual way of reading the batches (a list of per-batch arrays,
then ``np.concatenate``, as Keras's ``load_data`` does, here without its fixed 10,000-image batches).

Run: ``.venv/bin/python benchmarks/bench_data_memory.py`` (about a minute; needs ~400 MB of disk).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import QuietMonitor  # noqa: E402

UINT8_BYTES = 60_000 * 32 * 32 * 3


def status_bytes(field: str) -> int:
    """A size from /proc/self/status (Linux). VmHWM is this process's own peak RSS; getrusage's
    ru_maxrss would not do, as a child inherits its parent's peak across fork and exec."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024  # reported in kB


def measure(path: str, way: str) -> dict:
    """Load ``path`` in this (fresh) process the given way and return the measured figures."""
    import numpy as np

    from cifar_lab.data import load_cifar10
    from cifar_lab.data.archive import TEST_BATCH, TRAIN_BATCHES
    from cifar_lab.data.safe_pickle import load_batch_pickle

    def concatenate_batches():
        def read(name):
            with open(Path(path) / "cifar-10-batches-py" / name, "rb") as file:
                batch = load_batch_pickle(file, name=name)
            return batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.asarray(batch[b"labels"])

        train = [read(name) for name in TRAIN_BATCHES]
        x_train = np.concatenate([x for x, _ in train])
        y_train = np.concatenate([y for _, y in train])
        del train
        return x_train, y_train, *read(TEST_BATCH)

    before = status_bytes("VmRSS")
    tracemalloc.start()
    start = time.perf_counter()
    if way == "load_cifar10":
        data = load_cifar10(path)
        arrays = (data.x_train, data.y_train, data.x_test, data.y_test)
    else:
        arrays = concatenate_batches()
    seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = status_bytes("VmHWM")
    return {
        "images": sum(len(a) for a in arrays[::2]),
        "seconds": seconds,
        "tracemalloc_peak": traced_peak,
        "rss_peak_above_start": peak_rss - before,
    }


def build_fake_cifar(root: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_cifar import write_fake_cifar

    return write_fake_cifar(root, train_sizes=(10_000,) * 5, n_test=10_000).archive  # its arrays are dropped


def main() -> None:
    with QuietMonitor("bench_data_memory"), tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        archive = build_fake_cifar(Path(tmp))
        print(
            f"built a full-size fake CIFAR-10 in {time.perf_counter() - started:.0f} s: "
            f"{archive.stat().st_size:,} bytes"
        )
        print(f"uint8 images: {UINT8_BYTES:,} bytes; budget (2x): {2 * UINT8_BYTES:,} bytes\n")
        print(f"{'what':<44} {'seconds':>8} {'tracemalloc peak':>18} {'RSS peak above start':>22}")
        cases = [
            ("load_cifar10(archive .tar.gz)", archive, "load_cifar10"),
            ("load_cifar10(directory)", archive.parent, "load_cifar10"),
            ("list of batches + np.concatenate (directory)", archive.parent, "concatenate"),
        ]
        for label, path, way in cases:
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), way], capture_output=True, text=True, check=True
            ).stdout
            r = json.loads(out)
            assert r["images"] == 60_000
            print(
                f"{label:<44} {r['seconds']:>8.2f} {r['tracemalloc_peak']:>12,} "
                f"({r['tracemalloc_peak'] / UINT8_BYTES:.2f}x)"
                f" {r['rss_peak_above_start']:>14,} ({r['rss_peak_above_start'] / UINT8_BYTES:.2f}x)"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
    else:
        main()
