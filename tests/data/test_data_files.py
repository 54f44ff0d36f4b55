"""Reading CIFAR-10 files: every layout, batches of any size, and a clear error for each kind of bad file."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest
from fake_cifar import BATCH_DIR, batch_dict, official_pickle

from cifar_lab.data import CLASS_NAMES, load_cifar10
from cifar_lab.data.archive import CifarFormatError
from cifar_lab.data.safe_pickle import UnsafePickleError, load_batch_pickle


def assert_same_arrays(data, fake) -> None:
    for name in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(data, name), getattr(fake, name), err_msg=name)


def test_archive_loads_with_official_shapes_dtypes_and_order(fake_cifar):
    data = load_cifar10(fake_cifar.archive)
    assert data.x_train.shape == (29, 32, 32, 3) and data.x_train.dtype == np.uint8
    assert data.y_train.shape == (29,) and data.y_train.dtype == np.int64
    assert data.x_test.shape == (9, 32, 32, 3)
    assert_same_arrays(data, fake_cifar)  # batches 1..5 in order, although the archive holds them shuffled


def test_images_are_decoded_channels_last_from_channel_major_rows(fake_cifar):
    row = pickle.loads((fake_cifar.batch_dir / "test_batch").read_bytes(), encoding="bytes")[b"data"][0]
    image = load_cifar10(fake_cifar.archive).x_test[0]
    assert image[0, 1, 0] == row[1]  # red plane first
    assert image[0, 0, 1] == row[1024]  # then green
    assert image[1, 0, 2] == row[2048 + 32]  # then blue, row by row


def test_batch_directory_loads(fake_cifar):
    assert_same_arrays(load_cifar10(fake_cifar.batch_dir), fake_cifar)


def test_directory_holding_the_batch_directory_loads(fake_cifar):
    assert_same_arrays(load_cifar10(fake_cifar.batch_dir.parent), fake_cifar)


def test_directory_holding_only_the_archive_loads(fake_cifar, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(fake_cifar.archive, home / "cifar-10-python.tar.gz")
    assert_same_arrays(load_cifar10(home), fake_cifar)


def test_class_names_come_from_batches_meta(fake_cifar):
    assert load_cifar10(fake_cifar.archive).class_names == CLASS_NAMES


def test_copy_without_batches_meta_uses_the_standard_class_names(fake_cifar):
    (fake_cifar.batch_dir / "batches.meta").unlink()
    assert load_cifar10(fake_cifar.batch_dir).class_names == CLASS_NAMES


def test_real_data_is_labelled_real_with_its_path(fake_cifar):
    data = load_cifar10(fake_cifar.archive)
    assert (data.synthetic, data.warning, data.source) == (False, None, str(fake_cifar.archive))
    assert "SYNTHETIC" not in repr(data)


def test_batches_pickled_by_python3_also_load(fake_cifar):
    path = fake_cifar.batch_dir / "data_batch_2"
    official = pickle.loads(path.read_bytes(), encoding="bytes")
    path.write_bytes(pickle.dumps(official, protocol=2))  # bytes become _codecs.encode calls
    assert_same_arrays(load_cifar10(fake_cifar.batch_dir), fake_cifar)


def test_loading_keeps_one_copy_of_the_images(fake_cifar):
    data = load_cifar10(fake_cifar.archive)
    assert data.x_train.flags.owndata and data.x_train.base is None
    assert data.x_train.flags.c_contiguous


def test_missing_batch_is_named_with_the_fix(fake_cifar):
    (fake_cifar.batch_dir / "data_batch_3").unlink()
    with pytest.raises(CifarFormatError, match=r"Missing CIFAR-10 batch file\(s\) data_batch_3.*Download"):
        load_cifar10(fake_cifar.batch_dir)


def test_truncated_batch_says_truncated_with_expected_and_actual_sizes(fake_cifar):
    path = fake_cifar.batch_dir / "data_batch_1"
    whole = path.read_bytes()
    path.write_bytes(whole[:15000])  # cut inside the image data
    with pytest.raises(CifarFormatError) as error:
        load_cifar10(fake_cifar.batch_dir)
    message = str(error.value)
    assert "data_batch_1 is truncated" in message
    assert "15,000 bytes" in message
    needed = int(message.split("needs at least ")[1].split(" ")[0].replace(",", ""))
    assert 7 * 3072 < needed <= len(whole)  # the declared image data, which the cut file lacks


def test_wrong_image_shape_is_explained(fake_cifar):
    bad = batch_dict(fake_cifar.x_test, fake_cifar.y_test, "test_batch")
    bad[b"data"] = bad[b"data"].reshape(9, 3, 1024)
    (fake_cifar.batch_dir / "test_batch").write_bytes(official_pickle(bad))
    with pytest.raises(CifarFormatError, match=r"test_batch has image data of the wrong shape.*\(9, 3, 1024\)"):
        load_cifar10(fake_cifar.batch_dir)


def test_label_count_not_matching_images_is_explained(fake_cifar):
    bad = batch_dict(fake_cifar.x_test, fake_cifar.y_test, "test_batch")
    bad[b"labels"] = bad[b"labels"][:-1]
    (fake_cifar.batch_dir / "test_batch").write_bytes(official_pickle(bad))
    with pytest.raises(CifarFormatError, match=r"test_batch has 8 labels .* for 9 images"):
        load_cifar10(fake_cifar.batch_dir)


def test_labels_outside_0_to_9_are_refused(fake_cifar):
    labels = fake_cifar.y_test.copy()
    labels[4] = 10
    (fake_cifar.batch_dir / "test_batch").write_bytes(official_pickle(batch_dict(fake_cifar.x_test, labels, "t")))
    with pytest.raises(CifarFormatError, match=r"test_batch has labels outside 0..9 \(e.g. 10"):
        load_cifar10(fake_cifar.batch_dir)


class _RunsShellCommand:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_crafted_pickle_is_refused_and_runs_nothing(fake_cifar, tmp_path):
    marker = tmp_path / "pwned"
    (fake_cifar.batch_dir / "data_batch_1").write_bytes(
        pickle.dumps({b"data": _RunsShellCommand(marker), b"labels": []}, protocol=2)
    )
    with pytest.raises(UnsafePickleError, match=r"data_batch_1 is not a CIFAR-10 batch file.*(posix|os)\.system"):
        load_cifar10(fake_cifar.batch_dir)
    assert not marker.exists()


def test_crafted_pickle_cannot_use_codecs_beyond_latin1():
    blob = pickle.dumps(b"x", protocol=2).replace(b"latin1", b"base64")
    with pytest.raises(pickle.UnpicklingError, match="codec 'base64' is not allowed"):
        load_batch_pickle(io.BytesIO(blob), name="f")


def _archive_with(tmp_path: Path, fake_cifar, extra: tarfile.TarInfo, content: bytes = b"") -> Path:
    archive = tmp_path / "odd.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(fake_cifar.batch_dir, arcname=BATCH_DIR)
        tar.addfile(extra, io.BytesIO(content) if content else None)
    return archive


def test_archive_member_escaping_the_directory_is_refused(fake_cifar, tmp_path):
    member = tarfile.TarInfo("../../evil.sh")
    member.size = 4
    archive = _archive_with(tmp_path, fake_cifar, member, b"boom")
    with pytest.raises(CifarFormatError, match=r"Refusing .*'../../evil.sh' points outside"):
        load_cifar10(archive)


def test_archive_symlink_member_is_refused(fake_cifar, tmp_path):
    member = tarfile.TarInfo(f"{BATCH_DIR}/link")
    member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
    with pytest.raises(CifarFormatError, match=r"'cifar-10-batches-py/link' is a link to '/etc/passwd'"):
        load_cifar10(_archive_with(tmp_path, fake_cifar, member))


def test_archive_hard_link_member_is_refused(fake_cifar, tmp_path):
    member = tarfile.TarInfo(f"{BATCH_DIR}/hard")
    member.type, member.linkname = tarfile.LNKTYPE, f"{BATCH_DIR}/test_batch"
    with pytest.raises(CifarFormatError, match="is a link to"):
        load_cifar10(_archive_with(tmp_path, fake_cifar, member))


def test_truncated_archive_is_explained(fake_cifar, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(fake_cifar.archive.read_bytes()[:20000])
    with pytest.raises(CifarFormatError, match=r"cut.tar.gz is (damaged or truncated|not a readable tar archive)"):
        load_cifar10(cut)


def test_path_that_does_not_exist_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No CIFAR-10 data at .*nowhere.*does not exist"):
        load_cifar10(tmp_path / "nowhere")


def test_directory_without_batches_is_explained(tmp_path):
    with pytest.raises(CifarFormatError, match="No CIFAR-10 batch files in"):
        load_cifar10(tmp_path)
