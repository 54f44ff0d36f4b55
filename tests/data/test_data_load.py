"""Where ``load_cifar10`` finds data: each value of ``data``, the "auto" search order, fallback, and the CLI."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import warnings

import numpy as np
import pytest

from cifar_lab.cli import main
from cifar_lab.data import CifarData, SyntheticFallbackWarning, default_data_home, load_cifar10, make_synthetic
from cifar_lab.data.download import DownloadError, RemoteFile


@pytest.fixture
def offline_remote() -> RemoteFile:
    """A remote file on a local port nobody listens on: the download is refused at once, as offline."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return RemoteFile("cifar-10-python.tar.gz", f"https://127.0.0.1:{port}/cifar-10-python.tar.gz", "0" * 64)


def test_synthetic_source_is_labelled_synthetic_everywhere():
    data = load_cifar10("synthetic")
    assert (data.synthetic, data.source, data.warning) == (True, "synthetic", None)
    assert "SYNTHETIC" in repr(data) and "SYNTHETIC" in data.summary()
    assert data.x_train.shape == (5000, 32, 32, 3) and data.x_test.shape == (1000, 32, 32, 3)


def test_unknown_data_name_lists_the_valid_values():
    with pytest.raises(ValueError, match=r"Unknown data='cifar'.*auto, cifar10, synthetic"):
        load_cifar10("cifar")


def test_auto_uses_the_path_in_cifar_lab_data_first(isolated_data_env, fake_cifar, monkeypatch, offline_remote):
    monkeypatch.setenv("CIFAR_LAB_DATA", str(fake_cifar.archive))
    data = load_cifar10("auto", remote=offline_remote)
    assert data.source == str(fake_cifar.archive) and not data.synthetic


def test_auto_with_a_broken_cifar_lab_data_path_raises_instead_of_falling_back(
    isolated_data_env, monkeypatch, tmp_path, offline_remote
):
    monkeypatch.setenv("CIFAR_LAB_DATA", str(tmp_path / "moved-away.tar.gz"))
    with pytest.raises(FileNotFoundError, match=r"CIFAR_LAB_DATA is set to .*moved-away.tar.gz, which does not exist"):
        load_cifar10("auto", remote=offline_remote)


def test_auto_finds_the_keras3_cache(isolated_data_env, fake_cifar, offline_remote):
    target = isolated_data_env / ".keras" / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    shutil.copytree(fake_cifar.batch_dir, target)
    data = load_cifar10("auto", remote=offline_remote)
    assert data.source == str(target)
    np.testing.assert_array_equal(data.y_train, fake_cifar.y_train)


def test_auto_finds_the_keras2_cache(isolated_data_env, fake_cifar, offline_remote):
    target = isolated_data_env / ".keras" / "datasets" / "cifar-10-batches-py"
    shutil.copytree(fake_cifar.batch_dir, target)
    assert load_cifar10("auto", remote=offline_remote).source == str(target)


def test_auto_honours_keras_home(isolated_data_env, fake_cifar, monkeypatch, tmp_path, offline_remote):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    target = tmp_path / "keras-home" / "datasets" / "cifar-10-batches-py"
    shutil.copytree(fake_cifar.batch_dir, target)
    assert load_cifar10("auto", remote=offline_remote).source == str(target)


def test_auto_finds_the_archive_in_the_data_home_from_the_environment(
    isolated_data_env, fake_cifar, monkeypatch, tmp_path, offline_remote
):
    home = tmp_path / "cifar-home"
    home.mkdir()
    shutil.copy(fake_cifar.archive, home / "cifar-10-python.tar.gz")
    monkeypatch.setenv("CIFAR_LAB_HOME", str(home))
    assert load_cifar10("auto", remote=offline_remote).source == str(home / "cifar-10-python.tar.gz")


def test_data_home_argument_beats_the_environment(isolated_data_env, monkeypatch, tmp_path):
    monkeypatch.setenv("CIFAR_LAB_HOME", str(tmp_path / "env"))
    assert default_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert default_data_home() == tmp_path / "env"


def test_default_data_home_is_in_the_user_cache(isolated_data_env):
    assert default_data_home() == isolated_data_env / ".cache" / "cifar-lab"


def test_auto_offline_falls_back_to_synthetic_with_a_warning_that_says_why_and_how_to_fix(
    isolated_data_env, tmp_path, offline_remote
):
    with pytest.warns(SyntheticFallbackWarning) as caught:
        data = load_cifar10("auto", data_home=tmp_path / "home", remote=offline_remote)
    assert data.synthetic and data.source == "synthetic"
    assert data.warning == str(caught[0].message)
    assert "Could not download https://127.0.0.1" in data.warning  # the reason
    assert "CIFAR_LAB_DATA" in data.warning and "data='synthetic'" in data.warning  # the fixes
    assert "WARNING" in repr(data) and f"WARNING: {data.warning}" in data.summary()
    assert not list((tmp_path / "home").iterdir())


def test_cifar10_offline_raises_instead_of_falling_back(isolated_data_env, tmp_path, offline_remote):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntheticFallbackWarning)
        with pytest.raises(DownloadError, match="HTTPS_PROXY.*by hand"):
            load_cifar10("cifar10", data_home=tmp_path / "home", remote=offline_remote)


def test_cifar10_uses_the_same_search_as_auto(isolated_data_env, fake_cifar, monkeypatch, offline_remote):
    monkeypatch.setenv("CIFAR_LAB_DATA", str(fake_cifar.batch_dir))
    assert load_cifar10("cifar10", remote=offline_remote).source == str(fake_cifar.batch_dir)


def test_container_is_documented_and_immutable():
    data = make_synthetic(10, 10)
    assert "where the images came from" in CifarData.__doc__
    with pytest.raises(AttributeError):
        data.source = "elsewhere"


def test_cli_data_prints_a_summary_with_class_counts(fake_cifar, capsys):
    assert main(["data", "--data", str(fake_cifar.archive)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"CIFAR-10, source: {fake_cifar.archive}")
    assert "train: x (29, 32, 32, 3) uint8" in out
    counts = np.bincount(fake_cifar.y_train, minlength=10)
    assert f"{'airplane':<10}  {counts[0]:>7}" in out


def test_cli_data_reports_the_fallback_warning(isolated_data_env, tmp_path, capsys, monkeypatch):
    def offline(remote, directory):
        raise DownloadError(f"Could not download {remote.url} (no network in this test).")

    monkeypatch.setattr("cifar_lab.data.loading.download", offline)
    assert main(["data", "--data-home", str(tmp_path / "home")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SYNTHETIC data (not CIFAR-10)") and "\nWARNING: CIFAR-10 is not available here" in out


def test_cli_data_error_is_one_clear_line(tmp_path, capsys):
    assert main(["data", "--data", str(tmp_path / "missing.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cifar-lab data: error: No CIFAR-10 data at") and "Traceback" not in err


def test_importing_the_data_layer_does_not_import_tensorflow():
    code = "import cifar_lab.data, cifar_lab.cli, sys; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
