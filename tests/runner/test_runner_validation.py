"""Specification of the checks a run passes before anything runs: value ranges, the timeout, the run directory."""

import os
import stat

import pytest

from cifar_lab.cli import main
from cifar_lab.runner.parameters import ParameterError
from cifar_lab.runner.plan import plan_run


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("epochs", "0", "epochs must be at least 1, but the value for 02_baseline_cnn gives 0"),
        ("batch_size", "0", "batch_size must be at least 1"),
        ("val_fraction", "1.5", "val_fraction must be between 0 and 1, both excluded"),
        ("n_per_class", "-1", "n_per_class must be at least 1"),
        ("seed", "-1", "seed must be between 0 and 2**32 - 1"),
        ("learning_rate", "0", "learning_rate must be above 0"),
        ("learning_rate", "nan", "learning_rate must be a finite number"),
        ("canaries", "-5", "canaries must be at least 0"),
    ],
)
def test_a_value_out_of_range_stops_the_cli_before_anything_runs(tmp_path, capsys, name, value, message):
    run_dir = tmp_path / "run"
    assert main(["run", "--preset", "ci", "--run-dir", str(run_dir), "-p", name, value]) == 2
    error = capsys.readouterr().err
    assert message in error and f"-p {name} " in error and len(error.strip().splitlines()) == 1
    assert not run_dir.exists()


@pytest.mark.parametrize("timeout", ["-1", "nan", "inf", "-0.5"])
def test_a_negative_or_non_finite_timeout_is_refused_not_taken_as_none(tmp_path, capsys, timeout):
    assert main(["run", "--preset", "ci", "--run-dir", str(tmp_path / "run"), "--timeout", timeout]) == 2
    assert "The cell timeout must be 0 (none) or a positive number of seconds" in capsys.readouterr().err


def test_a_fractional_timeout_is_rounded_up_to_whole_seconds_for_papermill(tmp_path):
    assert plan_run("ci", run_dir=tmp_path, timeout=0.2).timeout == 1


def test_a_run_dir_that_is_a_file_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    with pytest.raises(ParameterError, match="run directory .*taken is a file, not a folder"):
        plan_run("ci", run_dir=tmp_path / "taken")
    with pytest.raises(ParameterError, match="would be inside .*taken, which is not a folder"):
        plan_run("ci", run_dir=tmp_path / "taken" / "ci")


@pytest.mark.skipif(not os.path.isdir("/proc/sys/fs"), reason="uses Linux's read-only /proc/sys/fs")
def test_a_run_dir_on_a_read_only_file_system_is_refused(tmp_path):
    # /proc/sys/fs is not writable even for root: the probe, not a permission bit, decides.
    with pytest.raises(ParameterError, match="Cannot write to the run directory"):
        plan_run("ci", run_dir="/proc/sys/fs/cifar-lab-run")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_a_run_dir_without_write_permission_is_refused(tmp_path):
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(ParameterError, match="Cannot write to the run directory"):
            plan_run("ci", run_dir=tmp_path / "run")
    finally:
        tmp_path.chmod(stat.S_IRWXU)
