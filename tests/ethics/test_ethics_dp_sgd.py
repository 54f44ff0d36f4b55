"""Specification of DP-SGD: per-example clipping bounds each step, noise is seeded, epsilon follows the accountant."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cifar_lab.errors import UsageError
from cifar_lab.ethics.dp_sgd import dp_sgd_epsilon, dp_sgd_model
from cifar_lab.train import train_model

BUDGET = dict(n_train=1000, batch_size=50, delta=1e-5)


def tiny_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((32, 32, 3)), keras.layers.AveragePooling2D(8), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.add(keras.layers.Softmax())
    model.compile(keras.optimizers.SGD(1.0), "categorical_crossentropy")
    return model


def one_step_change(l2_norm_clip: float, noise_multiplier: float, seed: int = 0) -> float:
    """The l2 norm of the weight change after one DP-SGD step of learning rate 1 on 8 images."""
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (8, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 8)
    model = tiny_model()
    before = [w.copy() for w in model.get_weights()]
    private = dp_sgd_model(model, l2_norm_clip=l2_norm_clip, noise_multiplier=noise_multiplier, seed=seed)
    train_model(private, x, y, epochs=1, batch_size=8, verbose="silent")
    return float(np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(model.get_weights(), before))))


def test_without_noise_one_step_moves_the_weights_by_at_most_the_clip_norm():
    change = one_step_change(l2_norm_clip=1e-3, noise_multiplier=0.0)
    assert 0.0 < change <= 1e-3 * (1 + 1e-4)


def test_noise_of_sigma_c_moves_the_weights_further_than_clipping_allows():
    assert one_step_change(l2_norm_clip=1e-3, noise_multiplier=4.0) > 1e-3


def test_the_noise_is_seeded():
    assert one_step_change(1e-3, 1.0, seed=1) == one_step_change(1e-3, 1.0, seed=1)


def test_a_clip_norm_that_is_not_positive_is_refused_with_the_fix():
    with pytest.raises(UsageError, match="l2_norm_clip=1.0"):
        dp_sgd_model(tiny_model(), l2_norm_clip=0.0, noise_multiplier=1.0)


def test_no_noise_spends_an_infinite_budget():
    assert dp_sgd_epsilon(epochs=1, noise_multiplier=0.0, **BUDGET) == float("inf")


def test_more_noise_spends_less_epsilon():
    assert dp_sgd_epsilon(epochs=5, noise_multiplier=2.0, **BUDGET) < dp_sgd_epsilon(
        epochs=5, noise_multiplier=1.0, **BUDGET
    )


def test_more_epochs_spend_more_epsilon():
    assert dp_sgd_epsilon(epochs=10, noise_multiplier=1.0, **BUDGET) > dp_sgd_epsilon(
        epochs=2, noise_multiplier=1.0, **BUDGET
    )
