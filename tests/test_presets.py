"""Specification of the run presets and resolve_params."""

import pytest

from cifar_lab.presets import CELL_TIMEOUT_S, PRESETS, resolve_params


def test_every_preset_lists_the_same_parameter_names():
    names = [set(values) for values in PRESETS.values()]
    assert all(n == names[0] for n in names)


def test_presets_are_ci_quick_full_each_with_a_cell_timeout():
    assert list(PRESETS) == ["ci", "quick", "full"]
    assert set(CELL_TIMEOUT_S) == set(PRESETS)


def test_ci_preset_is_offline_small_and_seeded():
    ci = PRESETS["ci"]
    assert ci["data"] == "synthetic"
    assert ci["n_per_class"] <= 100 and ci["epochs"] <= 2
    assert isinstance(ci["seed"], int)


def test_full_preset_is_the_original_assignment():
    full = PRESETS["full"]
    assert (full["n_per_class"], full["epochs"], full["batch_size"], full["val_fraction"]) == (None, 20, 128, 0.2)
    assert full["model"] == "original" and full["data"] == "auto"


def test_explicit_values_override_the_preset_and_none_keeps_it():
    params = resolve_params("quick", epochs=3, data=None, learning_rate=0.01)
    assert params["epochs"] == 3
    assert params["data"] == PRESETS["quick"]["data"]
    assert params["learning_rate"] == 0.01


def test_run_dir_defaults_to_the_presets_folder_in_the_project_runs_unless_given(monkeypatch, tmp_path):
    monkeypatch.setenv("CIFAR_LAB_RUNS", str(tmp_path))
    assert resolve_params("ci")["run_dir"] == str(tmp_path / "ci")
    assert resolve_params("ci", run_dir="/tmp/x")["run_dir"] == "/tmp/x"


def test_resolve_params_does_not_modify_the_presets():
    resolve_params("ci", epochs=7)
    assert PRESETS["ci"]["epochs"] != 7 and PRESETS["ci"]["run_dir"] is None


def test_unknown_preset_error_suggests_the_closest():
    with pytest.raises(ValueError, match=r"Unknown preset 'quik'\. Did you mean 'quick'\?.*ci, quick, full"):
        resolve_params("quik")


def test_unknown_parameter_error_suggests_the_closest():
    with pytest.raises(ValueError, match=r"Unknown parameter 'epoch'\. Did you mean 'epochs'\?"):
        resolve_params("ci", epoch=3)
