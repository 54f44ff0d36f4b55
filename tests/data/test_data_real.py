"""Real CIFAR-10 files (CI points CIFAR_LAB_DATA at the shared mini set: 5 x 813 training images, 1,017 test)."""

from __future__ import annotations

import tarfile

import numpy as np
import pytest

from cifar_lab.data import CLASS_NAMES, load_cifar10

pytestmark = pytest.mark.realdata

MINI_TEST_LABELS_START = [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]  # the official test set's first labels


def is_mini_set(data) -> bool:
    return len(data.x_train) == 5 * 813


def test_real_files_load_as_cifar10(real_data_path):
    data = load_cifar10(real_data_path)
    assert not data.synthetic and data.warning is None
    assert data.class_names == CLASS_NAMES
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert data.x_test.shape[1:] == (32, 32, 3)
    assert set(np.unique(data.y_train)) == set(range(10))


def test_mini_set_has_its_documented_shapes(real_data_path):
    data = load_cifar10(real_data_path)
    if not is_mini_set(data):
        pytest.skip("CIFAR_LAB_DATA is not the 813-per-batch mini set")
    assert data.x_train.shape == (4065, 32, 32, 3) and data.y_train.shape == (4065,)
    assert data.x_test.shape == (1017, 32, 32, 3) and data.y_test.shape == (1017,)


def test_test_labels_begin_like_the_official_test_set(real_data_path):
    assert load_cifar10(real_data_path).y_test[:10].tolist() == MINI_TEST_LABELS_START


def test_images_match_keras_own_batch_reader(real_data_path, tmp_path):
    from keras.src.datasets.cifar import load_batch

    data = load_cifar10(real_data_path)
    if real_data_path.is_dir():
        batch_dir = real_data_path / "cifar-10-batches-py"
        batch_dir = batch_dir if batch_dir.is_dir() else real_data_path
    else:
        with tarfile.open(real_data_path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("/test_batch"))
            (tmp_path / "test_batch").write_bytes(archive.extractfile(member).read())
        batch_dir = tmp_path
    keras_x, keras_y = load_batch(batch_dir / "test_batch")
    np.testing.assert_array_equal(data.x_test, keras_x.transpose(0, 2, 3, 1))  # as keras's load_data does
    np.testing.assert_array_equal(data.y_test, keras_y)


def test_auto_uses_cifar_lab_data(real_data_path, monkeypatch):
    monkeypatch.setenv("CIFAR_LAB_DATA", str(real_data_path))
    data = load_cifar10("auto")
    assert data.source == str(real_data_path) and not data.synthetic
