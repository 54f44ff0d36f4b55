"""Hostile and odd CIFAR-10 files: each refused with one error naming the file and the fix, cheaply, or read as it is.

Every file here is small; the ones that claim to be huge would, without the checks, allocate or read
what they claim.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import struct
import tarfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from fake_cifar import BATCH_DIR, LABEL_NAMES, batch_dict, official_pickle

from cifar_lab.data import load_cifar10
from cifar_lab.data.archive import CifarFormatError
from cifar_lab.data.members import MAX_MEMBERS
from cifar_lab.data.safe_pickle import UnsafePickleError, load_batch_pickle


class _StrideZero:
    """Pickles as numpy.ndarray((100_000, 3072), uint8, buffer=3 KB, strides=(0, 1)): 3 KB seen as 300 MB."""

    def __reduce__(self):
        return np.ndarray, ((100_000, 3072), np.dtype(np.uint8), bytes(3072), 0, (0, 1))


def test_an_array_with_strides_of_its_own_is_refused(fake_cifar):
    (fake_cifar.batch_dir / "test_batch").write_bytes(pickle.dumps({b"data": _StrideZero(), b"labels": []}, 2))
    with pytest.raises(UnsafePickleError, match=r"test_batch is not a CIFAR-10 batch file: it calls numpy.ndarray"):
        load_cifar10(fake_cifar.batch_dir)


def test_a_protocol_2_batch_holding_empty_bytes_loads(fake_cifar):
    batch = batch_dict(fake_cifar.x_test, fake_cifar.y_test, "test_batch")
    batch[b"batch_label"] = b""  # Python 3 pickles b"" at protocol 2 as a call of bytes()
    (fake_cifar.batch_dir / "test_batch").write_bytes(pickle.dumps(batch, protocol=2))
    np.testing.assert_array_equal(load_cifar10(fake_cifar.batch_dir).x_test, fake_cifar.x_test)


def test_bytes_called_with_a_size_is_refused():
    blob = b"\x80\x02c__builtin__\nbytes\nJ\x00\xca\x9a;\x85R."  # bytes(1_000_000_000)
    with pytest.raises(UnsafePickleError, match=r"batch is not a CIFAR-10 batch file: it calls bytes\(\) with"):
        load_batch_pickle(io.BytesIO(blob), name="batch")


def test_a_declared_length_beyond_memory_is_a_clean_error(fake_cifar):
    (fake_cifar.batch_dir / "test_batch").write_bytes(b"\x80\x04\x8e" + struct.pack("<Q", 2**60) + b"x")
    with pytest.raises(CifarFormatError, match=r"test_batch declares an object larger than this machine's memory"):
        load_cifar10(fake_cifar.batch_dir)


def test_labels_that_are_not_integers_are_refused_before_numpy_expands_them(fake_cifar):
    batch = batch_dict(fake_cifar.x_test, fake_cifar.y_test, "test_batch")
    row = np.zeros((2_000, 3072), np.uint8)  # pickled once, referenced nine times
    batch[b"labels"] = [row] * len(fake_cifar.y_test)
    path = fake_cifar.batch_dir / "test_batch"
    path.write_bytes(pickle.dumps(batch, protocol=2))
    tracemalloc.start()
    try:
        with pytest.raises(CifarFormatError, match=r"test_batch has a list for 9 images, where CIFAR-10 has one"):
            load_cifar10(fake_cifar.batch_dir)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * path.stat().st_size  # the nine references did not become nine copies


def _meta(names: list) -> bytes:
    return official_pickle({b"label_names": names, b"num_vis": 3072})


def test_class_names_that_are_not_utf8_name_the_file_and_the_fix(fake_cifar):
    (fake_cifar.batch_dir / "batches.meta").write_bytes(_meta([b"\xff\xfe", *map(str.encode, LABEL_NAMES[1:])]))
    with pytest.raises(CifarFormatError, match=r"batches.meta has a class name that is not UTF-8 .*Delete batches"):
        load_cifar10(fake_cifar.batch_dir)


@pytest.mark.parametrize(
    "first", [b"cat", b"", b"air\nplane", 3], ids=["a-duplicate", "empty", "a-newline", "not-text"]
)
def test_class_names_must_be_distinct_short_printable_text(fake_cifar, first):
    (fake_cifar.batch_dir / "batches.meta").write_bytes(_meta([first, *map(str.encode, LABEL_NAMES[1:])]))
    with pytest.raises(CifarFormatError, match=r"batches.meta (names two classes alike|has class names that are)"):
        load_cifar10(fake_cifar.batch_dir)


def test_a_batch_that_is_a_link_to_a_device_is_refused_not_read(fake_cifar):
    (fake_cifar.batch_dir / "data_batch_2").unlink()
    (fake_cifar.batch_dir / "data_batch_2").symlink_to("/dev/zero")
    with pytest.raises(CifarFormatError, match=r"data_batch_2 is not a regular file \(a FIFO, device or folder\)"):
        load_cifar10(fake_cifar.batch_dir)


def test_a_batch_that_is_a_fifo_is_refused_without_waiting_for_a_writer(fake_cifar):
    (fake_cifar.batch_dir / "test_batch").unlink()
    os.mkfifo(fake_cifar.batch_dir / "test_batch")
    with pytest.raises(CifarFormatError, match=r"test_batch is not a regular file"):
        load_cifar10(fake_cifar.batch_dir)


def _gnu_sparse_header(name: str, claimed: int) -> bytes:
    """A GNU sparse member's header: it claims `claimed` bytes unpacked, and stores none."""
    header = bytearray(tarfile.TarInfo(name).tobuf(format=tarfile.GNU_FORMAT))
    header[156:157] = tarfile.GNUTYPE_SPARSE
    header[483:495] = b"\x80" + claimed.to_bytes(11, "big")  # the unpacked size, base-256 as GNU tar writes it
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header[:512])
    return bytes(header)


def _archive(tmp_path: Path, fake_cifar, skip: str = "", extra: bytes = b"") -> Path:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for path in sorted(fake_cifar.batch_dir.iterdir()):
            if path.name != skip:
                tar.add(path, arcname=f"{BATCH_DIR}/{path.name}")
        tar.fileobj.write(extra)
        tar.offset += len(extra)
    archive = tmp_path / "odd.tar.gz"
    archive.write_bytes(gzip.compress(raw.getvalue()))
    return archive


def test_a_small_sparse_archive_claiming_64_gib_is_refused_before_anything_is_allocated(fake_cifar, tmp_path):
    archive = _archive(tmp_path, fake_cifar, "data_batch_3", _gnu_sparse_header(f"{BATCH_DIR}/data_batch_3", 2**36))
    assert archive.stat().st_size < 100_000
    with pytest.raises(CifarFormatError, match=r"'cifar-10-batches-py/data_batch_3' claims 64.0 GiB, more than"):
        load_cifar10(archive)


def test_a_sparse_member_is_refused(fake_cifar, tmp_path):
    archive = _archive(tmp_path, fake_cifar, "data_batch_3", _gnu_sparse_header(f"{BATCH_DIR}/data_batch_3", 5000))
    with pytest.raises(CifarFormatError, match=r"'cifar-10-batches-py/data_batch_3' is a sparse file"):
        load_cifar10(archive)


def test_a_device_member_is_refused(fake_cifar, tmp_path):
    device = tarfile.TarInfo(f"{BATCH_DIR}/zero")
    device.type, device.devmajor, device.devminor = tarfile.CHRTYPE, 1, 5
    with pytest.raises(CifarFormatError, match=r"'cifar-10-batches-py/zero' is a device or other special file"):
        load_cifar10(_archive(tmp_path, fake_cifar, extra=device.tobuf(format=tarfile.GNU_FORMAT)))


def test_an_archive_with_more_members_than_cifar10_could_have_is_refused(fake_cifar, tmp_path):
    headers = b"".join(tarfile.TarInfo(f"{BATCH_DIR}/empty_{i}").tobuf() for i in range(MAX_MEMBERS))
    with pytest.raises(CifarFormatError, match=rf"more than {MAX_MEMBERS} members, where the official"):
        load_cifar10(_archive(tmp_path, fake_cifar, extra=headers))


def test_a_batch_pickled_at_protocol_5_loads(fake_cifar):
    batch = batch_dict(fake_cifar.x_test, fake_cifar.y_test, "test_batch")
    (fake_cifar.batch_dir / "test_batch").write_bytes(pickle.dumps(batch, protocol=5))  # numpy's _frombuffer
    np.testing.assert_array_equal(load_cifar10(fake_cifar.batch_dir).x_test, fake_cifar.x_test)


class _FromBufferOfNone:
    def __reduce__(self):
        frombuffer = np.zeros(3, np.uint8).__reduce_ex__(5)[0]  # numpy's own, as protocol 5 names it
        return frombuffer, (None, np.dtype(np.uint8), (3,), "C")


def test_frombuffer_is_refused_for_anything_but_an_arrays_bytes():
    blob = pickle.dumps(_FromBufferOfNone(), protocol=2)
    with pytest.raises(UnsafePickleError, match=r"x is not a CIFAR-10 batch file: it calls numpy's _frombuffer"):
        load_batch_pickle(io.BytesIO(blob), name="x")


def test_data_naming_a_device_is_refused_not_read():
    with pytest.raises(CifarFormatError, match=r"/dev/zero is neither a file nor a folder \(a FIFO or a device\)"):
        load_cifar10("/dev/zero")
