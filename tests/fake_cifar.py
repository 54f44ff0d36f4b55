"""Fake CIFAR-10 files pickled byte-for-byte the way the official ones are, for tests and benchmarks.

The official batches were written by Python 2's cPickle at protocol 2: strings as SHORT_BINSTRING /
BINSTRING (bytes keys), numpy arrays through ``numpy.core.multiarray._reconstruct``. Python 3's
pickle writes bytes as ``_codecs.encode(...)`` calls instead, so :func:`official_pickle` uses a
small pickler subclass to reproduce the old opcodes.
"""

from __future__ import annotations

import io
import pickle
import struct
import tarfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

BATCH_DIR = "cifar-10-batches-py"
LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
_RECONSTRUCT = np.ndarray.__reduce__(np.empty(0))[0]


class _Python2StylePickler(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()

    def save_bytes(self, obj: bytes) -> None:
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    def save_global(self, obj, name=None) -> None:
        if obj is _RECONSTRUCT:  # numpy 1.x's module name, as in the official files
            self.write(pickle.GLOBAL + b"numpy.core.multiarray\n_reconstruct\n")
            self.memoize(obj)
        else:
            super().save_global(obj, name)

    dispatch[bytes] = save_bytes


def official_pickle(obj: object) -> bytes:
    """Pickle ``obj`` with the opcodes of the official CIFAR-10 files."""
    out = io.BytesIO()
    _Python2StylePickler(out, protocol=2).dump(obj)
    return out.getvalue()


def batch_dict(images_nhwc: np.ndarray, labels: np.ndarray, name: str) -> dict:
    """The dict of one official batch: channel-major ``data`` rows and a ``labels`` list."""
    data = np.ascontiguousarray(images_nhwc.transpose(0, 3, 1, 2)).reshape(len(images_nhwc), 3072)
    return {b"batch_label": name.encode(), b"labels": [int(v) for v in labels], b"data": data,
            b"filenames": [f"{name}_{i}.png".encode() for i in range(len(labels))]}  # fmt: skip


class FakeCifar(NamedTuple):
    archive: Path  # cifar-10-python.tar.gz
    batch_dir: Path  # .../cifar-10-batches-py
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def write_fake_cifar(root: Path, train_sizes=(7, 5, 6, 7, 4), n_test: int = 9, seed: int = 0) -> FakeCifar:
    """Write random images as ``root/cifar-10-batches-py/`` and ``root/cifar-10-python.tar.gz``."""
    rng = np.random.default_rng(seed)
    batch_dir = root / BATCH_DIR
    batch_dir.mkdir(parents=True)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    arrays = {}
    for name, n in zip(names, [*train_sizes, n_test]):
        x = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
        y = rng.integers(0, 10, size=n)
        arrays[name] = (x, y)
        (batch_dir / name).write_bytes(official_pickle(batch_dict(x, y, name)))
        del x
    meta = {
        b"num_cases_per_batch": max(train_sizes),
        b"label_names": [n.encode() for n in LABEL_NAMES],
        b"num_vis": 3072,
    }
    (batch_dir / "batches.meta").write_bytes(official_pickle(meta))
    archive = root / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        # The official archive's members are not in numeric order; neither are these.
        for name in [
            "data_batch_4",
            "test_batch",
            "batches.meta",
            "data_batch_2",
            "data_batch_1",
            "data_batch_5",
            "data_batch_3",
        ]:
            tar.add(batch_dir / name, arcname=f"{BATCH_DIR}/{name}")
    train = [arrays[n] for n in names[:5]]
    return FakeCifar(
        archive, batch_dir,
        np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train]).astype(np.int64),
        arrays["test_batch"][0], arrays["test_batch"][1].astype(np.int64),
    )  # fmt: skip
