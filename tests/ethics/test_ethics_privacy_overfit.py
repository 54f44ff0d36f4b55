"""The membership attacks detect what they should: an overfit model leaks more than a regularised one."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cifar_lab.data import make_synthetic
from cifar_lab.ethics.membership import membership_inference
from cifar_lab.evaluate import predict_proba

N_MEMBERS = 150
STEPS = 150


def train_small_mlp(x: np.ndarray, y: np.ndarray, *, l2: float, dropout: float) -> keras.Model:
    """A 2-layer MLP on 16x16-pooled images, trained full-batch for ``STEPS`` Adam steps."""
    keras.utils.set_random_seed(0)
    regulariser = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.AveragePooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu", kernel_regularizer=regulariser),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(10, activation="softmax", kernel_regularizer=regulariser),
        ]
    )
    model.compile(keras.optimizers.Adam(3e-3), "categorical_crossentropy")
    # One epoch over the set repeated STEPS times: Keras's per-epoch overhead dwarfs a step this small.
    images = np.tile(x.astype("float32") / 255.0, (STEPS, 1, 1, 1))
    labels = np.tile(keras.utils.to_categorical(y, 10), (STEPS, 1))
    model.fit(images, labels, epochs=1, batch_size=len(x), shuffle=False, verbose=0)
    return model


@pytest.mark.slow
def test_an_overfit_model_is_clearly_more_exposed_to_membership_inference_than_a_regularised_one():
    data = make_synthetic(N_MEMBERS, N_MEMBERS, seed=1)
    results = {}
    for name, l2, dropout in (("overfit", 0.0, 0.0), ("regularised", 0.05, 0.5)):
        model = train_small_mlp(data.x_train, data.y_train, l2=l2, dropout=dropout)
        results[name] = membership_inference(
            predict_proba(model, data.x_train), data.y_train, predict_proba(model, data.x_test), data.y_test
        )
    overfit, regularised = results["overfit"], results["regularised"]
    # The premise: the unregularised model fits its training set much better than held-out images.
    assert (
        overfit["train_accuracy"] - overfit["heldout_accuracy"]
        > regularised["train_accuracy"] - regularised["heldout_accuracy"]
    )
    attack = "loss_threshold"
    assert overfit["overall"][attack]["auc"] > 0.62
    assert overfit["overall"][attack]["auc"] > regularised["overall"][attack]["auc"] + 0.1
