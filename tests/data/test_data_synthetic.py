"""The synthetic stand-in: deterministic, CIFAR-shaped, fast, and learnable by a small CNN."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.data import make_synthetic, normalize


def test_synthetic_data_is_deterministic_per_seed():
    a, b, c = make_synthetic(200, 50, seed=1), make_synthetic(200, 50, seed=1), make_synthetic(200, 50, seed=2)
    assert a.x_train.tobytes() == b.x_train.tobytes() and a.x_test.tobytes() == b.x_test.tobytes()
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert a.x_train.tobytes() != c.x_train.tobytes()


def test_synthetic_test_set_does_not_depend_on_the_training_size():
    assert make_synthetic(100, 30).x_test.tobytes() == make_synthetic(300, 30).x_test.tobytes()


def test_synthetic_data_has_cifar_shapes_dtypes_and_balanced_classes():
    data = make_synthetic(n_train=300, n_test=100)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert data.x_train.shape == (300, 32, 32, 3) and data.y_test.shape == (100,)
    assert np.bincount(data.y_train).tolist() == [30] * 10
    assert len(data.class_names) == 10


@pytest.mark.slow
def test_a_tiny_cnn_beats_chance_clearly_after_one_epoch():
    import keras

    layers = keras.layers
    keras.utils.set_random_seed(0)
    data = make_synthetic(n_train=2000, n_test=500, seed=0)
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(10, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(normalize(data.x_train), data.y_train, epochs=1, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(normalize(data.x_test), data.y_test, verbose=0)
    assert accuracy > 0.3  # chance is 0.1; this model reaches about 0.5 on held-out images
