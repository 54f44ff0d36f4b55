"""Specification of leakage against training length: one point per epoch, from one training."""

from __future__ import annotations

import keras
import numpy as np

from cifar_lab.data import make_synthetic
from cifar_lab.ethics.canaries import make_canaries, training_set
from cifar_lab.ethics.leakage_curve import leakage_callback, leakage_point, plot_leakage_curve
from cifar_lab.train import train_model


def test_the_gap_is_train_accuracy_minus_heldout_accuracy():
    members = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]])
    nonmembers = np.array([[0.9, 0.1], [0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    labels = np.array([0, 1, 0, 1])
    point = leakage_point(members, labels, nonmembers, labels)
    assert (point["train_accuracy"], point["heldout_accuracy"], point["gap"]) == (1.0, 0.25, 0.75)


def test_each_figure_comes_with_its_interval():
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(10), 60)
    point = leakage_point(proba[:30], rng.integers(0, 10, 30), proba[30:], rng.integers(0, 10, 30))
    assert point["attack_auc_low"] <= point["attack_auc"] <= point["attack_auc_high"]


def test_without_canaries_the_canary_figures_are_none():
    p = np.array([[0.9, 0.1], [0.2, 0.8]])
    assert leakage_point(p, np.array([0, 1]), p, np.array([1, 0]))["canary_auc"] is None


def test_the_callback_records_one_point_per_epoch_with_the_canaries():
    data = make_synthetic(300, 100, seed=0)
    canaries = make_canaries(data.x_train, data.y_train, 20, seed=0)
    x_fit, y_fit, members = training_set(data.x_train, data.y_train, canaries)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")])
    model.compile("adam", "categorical_crossentropy")
    leakage = leakage_callback(x_fit[:100], y_fit[:100], data.x_test, data.y_test, canaries=canaries)
    train_model(model, x_fit, y_fit, epochs=3, batch_size=64, verbose="silent", callbacks=[leakage])
    assert leakage.curve["epoch"] == [1, 2, 3]
    assert all(value is not None for value in leakage.curve["canary_auc"])


def test_the_figure_draws_the_canary_band_only_when_it_was_measured():
    curve = {"epoch": [1, 2], "train_accuracy": [0.3, 0.6], "heldout_accuracy": [0.3, 0.4]}
    curve |= {"attack_auc": [0.5, 0.6], "attack_auc_low": [0.45, 0.55], "attack_auc_high": [0.55, 0.65]}
    without = plot_leakage_curve({**curve, "canary_auc": [None, None]})
    measured = {"canary_auc": [0.5, 0.7], "canary_auc_low": [0.3, 0.5], "canary_auc_high": [0.7, 0.9]}
    with_canaries = plot_leakage_curve({**curve, **measured})
    assert len(with_canaries.axes[1].lines) == len(without.axes[1].lines) + 1
