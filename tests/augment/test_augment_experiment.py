"""Specification of cifar_lab.augment.experiment and .diagnosis on a tiny synthetic set (seconds, not accuracy)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

import cifar_lab.augment.diagnosis as diagnosis
import cifar_lab.augment.experiment as experiment
from cifar_lab.augment import (
    accuracy_under_augmentation,
    compare_augmentations,
    continue_with_augmentation,
    original_drop_numbers,
    plot_augmentation_comparison,
)
from cifar_lab.data import make_synthetic
from cifar_lab.evaluate import predict_proba

EPOCHS = 2
AUGMENTATIONS = {
    "none": {"augmentation": "none"},
    "original": {"augmentation": "original"},
    "cutout": {"augmentation": "recommended", "cutout_size": 8},
}


@pytest.fixture(scope="module")
def data():
    return make_synthetic(n_train=200, n_test=60, seed=0)


@pytest.fixture(scope="module")
def recorded(data):
    """The comparison, plus what each call of train_model received when it started."""
    calls = []
    real_train_model = experiment.train_model

    def recording_train_model(model, x, y, **kwargs):
        calls.append(
            {
                "weights": [w.copy() for w in model.get_weights()],
                "optimizer": [v.numpy() for v in model.optimizer.variables],
                "x": x,
                "validation": kwargs["validation"],
                "augment": kwargs["augment"],
            }
        )
        return real_train_model(model, x, y, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(experiment, "train_model", recording_train_model)
    patch.setattr(diagnosis, "train_model", recording_train_model)
    comparison = compare_augmentations(
        data, augmentations=AUGMENTATIONS, epochs=EPOCHS, batch_size=32, seed=0, n_per_class=10, verbose="silent"
    )
    continuation = continue_with_augmentation(
        comparison, start="none", augmentation="original", epochs=1, verbose="silent"
    )
    patch.undo()
    return comparison, continuation, calls


def test_one_run_per_augmentation_in_order_each_for_the_same_number_of_epochs(recorded):
    comparison, _, _ = recorded
    assert [run.name for run in comparison.runs] == list(AUGMENTATIONS)
    for run in comparison.runs:
        assert len(run.history["val_accuracy"]) == EPOCHS == len(run.history["accuracy"])


def test_every_run_starts_from_the_same_initial_weights(recorded):
    _, _, calls = recorded
    first = calls[0]["weights"]
    for call in calls[1:3]:
        assert all(np.array_equal(a, b) for a, b in zip(first, call["weights"]))


def test_each_run_trains_with_its_own_augmentation_and_none_without(recorded):
    _, _, calls = recorded
    assert calls[0]["augment"] is None
    assert calls[1]["augment"] is not None and calls[2]["augment"] is not None
    assert calls[1]["augment"] is not calls[2]["augment"]


def test_validation_is_held_out_training_data_never_the_test_set(recorded, data):
    comparison, _, calls = recorded
    training_images = {image.tobytes() for image in data.x_train}
    test_images = {image.tobytes() for image in data.x_test} - training_images
    x_val, _ = calls[0]["validation"]
    assert len(x_val) == comparison.sizes["val"] == 20  # 20% of 10 per class
    assert all(image.tobytes() in training_images for image in x_val)
    assert not any(image.tobytes() in test_images for image in x_val)
    fit = {image.tobytes() for image in calls[0]["x"]}
    assert not any(image.tobytes() in fit for image in x_val)


def test_test_accuracy_is_the_final_model_on_the_test_set_cross_checked_with_sklearn(recorded, data):
    comparison, _, _ = recorded
    for run in comparison.runs:
        predicted = predict_proba(run.model, data.x_test).argmax(axis=1)
        assert run.test_accuracy == pytest.approx(accuracy_score(data.y_test, predicted))


def test_train_accuracy_is_measured_on_the_clean_training_images(recorded):
    comparison, _, _ = recorded
    x_fit, y_fit = comparison.splits["x_fit"], comparison.splits["y_fit"]
    for run in comparison.runs:
        predicted = predict_proba(run.model, x_fit).argmax(axis=1)
        assert run.train_accuracy == pytest.approx(accuracy_score(y_fit, predicted))


def test_table_and_text_report_every_run(recorded):
    comparison, _, _ = recorded
    rows = comparison.table()
    assert [row["augmentation"] for row in rows] == list(AUGMENTATIONS)
    for row, run in zip(rows, comparison.runs):
        assert row["train_test_gap"] == pytest.approx(run.train_accuracy - run.test_accuracy)
        assert row["val_accuracy"] == run.history["val_accuracy"][-1]
        assert 1 <= row["best_val_epoch"] <= EPOCHS
    text = comparison.to_text()
    assert all(name in text for name in AUGMENTATIONS)
    assert f"{100 * comparison.runs[0].test_accuracy:.1f}%" in text


def test_learning_curves_plot_validation_and_training_for_each_run(recorded):
    comparison, _, _ = recorded
    figure = plot_augmentation_comparison(comparison)
    accuracy_ax, loss_ax = figure.axes
    assert len(accuracy_ax.lines) == len(loss_ax.lines) == 2 * len(AUGMENTATIONS)
    np.testing.assert_allclose(accuracy_ax.lines[0].get_ydata(), comparison.runs[0].history["val_accuracy"])


def test_unknown_augmentation_fails_before_any_training(data, monkeypatch):
    monkeypatch.setattr(experiment, "train_model", lambda *a, **k: pytest.fail("trained anyway"))
    with pytest.raises(ValueError, match="Unknown augmentation 'strong'"):
        compare_augmentations(data, augmentations=("none", "strong"), epochs=1)
    with pytest.raises(ValueError, match="Unknown augmentation parameter"):
        compare_augmentations(data, augmentations={"x": {"augmentation": "none", "shear": 1}}, epochs=1)


def test_continuation_reset_starts_from_a_fresh_optimizer_and_kept_from_the_trained_state(recorded):
    comparison, continuation, calls = recorded
    reset_call, kept_call = calls[3], calls[4]
    trained = comparison.run("none").model
    # Fresh: step 0 and no running averages yet (RMSprop creates them at zero on its first step).
    assert len(reset_call["optimizer"]) == 2 and reset_call["optimizer"][0] == 0  # iteration, learning rate
    trained_state = [v.numpy() for v in trained.optimizer.variables]
    assert len(kept_call["optimizer"]) == len(trained_state) > 1
    assert all(np.array_equal(a, b) for a, b in zip(kept_call["optimizer"], trained_state))
    for call in (reset_call, kept_call):
        assert all(np.array_equal(a, b) for a, b in zip(call["weights"], trained.get_weights()))
    assert set(continuation.runs) == {"reset", "kept"}


def test_continuation_reports_accuracy_before_and_after_cross_checked_with_sklearn(recorded):
    comparison, continuation, _ = recorded
    s = comparison.splits
    before = predict_proba(comparison.run("none").model, s["x_test"]).argmax(axis=1)
    assert continuation.before["test_accuracy"] == pytest.approx(accuracy_score(s["y_test"], before))
    for run in continuation.runs.values():
        assert len(run["history"]["val_accuracy"]) == 1
    assert "reset" in continuation.to_text() and "kept" in continuation.to_text()


def test_accuracy_under_no_augmentation_is_the_clean_accuracy(recorded):
    comparison, _, _ = recorded
    model, x, y = comparison.run("none").model, comparison.splits["x_val"], comparison.splits["y_val"]
    clean = accuracy_score(y, predict_proba(model, x).argmax(axis=1))
    assert accuracy_under_augmentation(model, x, y, "none") == pytest.approx(clean)


def test_accuracy_under_augmentation_is_seeded(recorded):
    comparison, _, _ = recorded
    model, x, y = comparison.run("none").model, comparison.splits["x_test"], comparison.splits["y_test"]
    first = accuracy_under_augmentation(model, x, y, "original", seed=5)
    assert first == accuracy_under_augmentation(model, x, y, "original", seed=5)


def test_original_drop_numbers_gathers_the_measured_figures(recorded):
    comparison, continuation, _ = recorded
    # the fixture's third run is "cutout", not "recommended", so no recommended figures appear
    numbers = original_drop_numbers(comparison, continuation)
    model, s = comparison.run("none").model, comparison.splits
    assert numbers["test_none"] == comparison.run("none").test_accuracy
    assert numbers["test_original"] == comparison.run("original").test_accuracy
    assert numbers["val_augmented_original"] == accuracy_under_augmentation(
        model, s["x_val"], s["y_val"], "original", seed=comparison.seed
    )
    assert numbers["best_val_epoch_original"] == comparison.run("original").best_val_epoch
    assert numbers["test_after_reset"] == continuation.runs["reset"]["test_accuracy"]
    assert "test_recommended" not in numbers


def test_original_drop_numbers_needs_none_and_original_runs(recorded):
    comparison, _, _ = recorded
    partial = experiment.AugmentationComparison(
        comparison.runs[2:], comparison.model, EPOCHS, 32, 0, comparison.hparams, comparison.splits
    )
    with pytest.raises(ValueError, match="needs runs named 'none' and 'original'"):
        original_drop_numbers(partial)
