"""Specification of cifar_lab.course: the split, the saved models and the metrics the notebooks share."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cifar_lab.course import load_splits, train_or_load
from cifar_lab.presets import resolve_params
from cifar_lab.rundir import read_metrics, write_metrics


def test_write_metrics_writes_plain_json_named_after_the_notebook(tmp_path):
    path = write_metrics(
        tmp_path,
        "02_baseline_cnn.ipynb",
        {"test_accuracy": np.float32(0.5), "epochs": np.int64(3), "model": "original", "synthetic": True},
    )
    assert path == tmp_path / "metrics" / "02_baseline_cnn.json"
    assert json.loads(path.read_text()) == {"test_accuracy": 0.5, "epochs": 3, "model": "original", "synthetic": True}


def test_read_metrics_returns_what_write_metrics_wrote(tmp_path):
    write_metrics(tmp_path, "01_data", {"train_images": 400})
    assert read_metrics(tmp_path, "01_data") == {"train_images": 400}


def test_write_metrics_replaces_the_previous_file_and_leaves_no_temporary_file(tmp_path):
    write_metrics(tmp_path, "01_data", {"train_images": 400})
    write_metrics(tmp_path, "01_data", {"train_images": 800})
    assert read_metrics(tmp_path, "01_data") == {"train_images": 800}
    assert [p.name for p in (tmp_path / "metrics").iterdir()] == ["01_data.json"]


@pytest.mark.parametrize("value, problem", [(np.arange(3), "ndarray"), ({"a": 1}, "dict"), (float("nan"), "nan")])
def test_write_metrics_refuses_a_value_that_is_not_one_number_or_string_and_writes_nothing(tmp_path, value, problem):
    with pytest.raises((TypeError, ValueError), match=problem):
        write_metrics(tmp_path, "01_data", {"x": value})
    assert not (tmp_path / "metrics").exists() or not any((tmp_path / "metrics").iterdir())


def test_read_metrics_of_a_notebook_not_run_says_how_to_run_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="cifar-lab run --notebooks 04"):
        read_metrics(tmp_path, "04_evaluation")


def test_load_splits_takes_n_per_class_and_holds_out_val_fraction_of_each_class():
    splits = load_splits({"data": "synthetic", "n_per_class": 20, "val_fraction": 0.25, "seed": 0})
    assert splits.x_train.shape == (150, 32, 32, 3) and splits.x_val.shape == (50, 32, 32, 3)
    assert np.bincount(splits.y_train).tolist() == [15] * 10
    assert np.bincount(splits.y_val).tolist() == [5] * 10
    assert len(splits.y_test) == len(splits.data.y_test)


def test_load_splits_is_the_same_for_the_same_parameters():
    params = {"data": "synthetic", "n_per_class": 10, "val_fraction": 0.2, "seed": 3}
    first, second = load_splits(params), load_splits(params)
    assert np.array_equal(first.x_train, second.x_train) and np.array_equal(first.y_val, second.y_val)


def test_training_data_is_the_data_with_the_training_split_as_its_training_set():
    splits = load_splits({"data": "synthetic", "n_per_class": 10, "val_fraction": 0.2, "seed": 0})
    data = splits.training_data()
    assert np.array_equal(data.x_train, splits.x_train) and np.array_equal(data.x_test, splits.x_test)
    assert data.synthetic and data.source == splits.data.source


def test_load_splits_asking_for_more_images_than_a_class_has_uses_the_smallest_class_and_warns():
    everything = np.bincount(
        load_splits({"data": "synthetic", "n_per_class": None, "val_fraction": 0.2, "seed": 0}).data.y_train
    )
    with pytest.warns(
        UserWarning, match=rf"so {everything.min()} images per class are used.*-p n_per_class {everything.min()}"
    ):
        splits = load_splits({"data": "synthetic", "n_per_class": 100_000, "val_fraction": 0.2, "seed": 0})
    per_class = np.bincount(np.concatenate([splits.y_train, splits.y_val]))
    assert (per_class == everything.min()).all()


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    params = resolve_params("ci", n_per_class=4, epochs=1, batch_size=20, run_dir=str(tmp_path_factory.mktemp("run")))
    splits = load_splits(params)
    return params, splits, train_or_load(params, splits)


@pytest.mark.slow
def test_train_or_load_saves_the_model_in_the_original_formats_and_natively(tiny_run):
    _, _, trained = tiny_run
    assert not trained.loaded and len(trained.history["loss"]) == 1
    names = {p.name for p in trained.directory.iterdir()}
    assert {"model.json", "model.weights.h5", "model.keras", "history.json", "params.json"} <= names


@pytest.mark.slow
def test_train_or_load_removes_its_checkpoints_once_the_model_is_saved(tiny_run):
    _, _, trained = tiny_run
    assert not (trained.directory / "checkpoints").exists()


@pytest.mark.slow
def test_train_or_load_loads_the_model_saved_with_the_same_parameters(tiny_run):
    params, splits, trained = tiny_run
    again = train_or_load(params, splits)
    assert again.loaded and again.history == trained.history
    np.testing.assert_array_equal(
        again.model.predict(splits.x_val[:8] / 255.0, verbose=0),
        trained.model.predict(splits.x_val[:8] / 255.0, verbose=0),
    )


@pytest.mark.slow
def test_train_or_load_trains_again_when_a_training_parameter_changed(tiny_run):
    params, splits, _ = tiny_run
    first = train_or_load(params, splits).model.get_weights()
    retrained = train_or_load({**params, "seed": params["seed"] + 1}, splits)
    assert not retrained.loaded
    assert not all(np.array_equal(a, b) for a, b in zip(first, retrained.model.get_weights()))


@pytest.mark.slow
def test_train_or_load_trains_another_model_with_its_own_recipes_batch_size(tiny_run):
    from cifar_lab.models import MODELS

    params, splits, _ = tiny_run
    stronger = train_or_load(params, splits, model="fast_cnn", augmentation="recommended")
    recorded = json.loads((stronger.directory / "params.json").read_text())
    assert stronger.directory.name == "fast_cnn-recommended"
    assert recorded["batch_size"] == MODELS["fast_cnn"].recipe["batch_size"] != params["batch_size"]


@pytest.mark.slow
def test_train_or_load_records_a_training_resumed_from_its_checkpoint(tiny_run, monkeypatch):
    from cifar_lab.models import saving

    params, splits, trained = tiny_run
    assert trained.resumed_after_epochs == 0
    changed = {**params, "seed": params["seed"] + 7}
    real_save = saving.save_model

    def killed_while_saving(*args, **kwargs):
        raise KeyboardInterrupt  # the checkpoint of the last epoch is on disk, the model is not

    monkeypatch.setattr(saving, "save_model", killed_while_saving)
    with pytest.raises(KeyboardInterrupt):
        train_or_load(changed, splits)
    monkeypatch.setattr(saving, "save_model", real_save)
    resumed = train_or_load(changed, splits)
    assert resumed.resumed_after_epochs == params["epochs"]
    assert json.loads((resumed.directory / "training.json").read_text())["resumed_after_epochs"] == params["epochs"]
    assert train_or_load(changed, splits).resumed_after_epochs == params["epochs"], "a loaded model says so too"
