"""The two architectures and their optimizers: the assignment's CNN, exactly, and `fast_cnn`.

`cifar_lab.models.registry.MODELS` names them and lists their hyper-parameters; build them with
`cifar_lab.models.build_model`.

Example:
    >>> make_optimizer("nesterov", 0.1).nesterov
    True
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

from cifar_lab.data.cifar10 import IMAGE_SHAPE, NUM_CLASSES
from cifar_lab.errors import UsageError
from cifar_lab.models.precision import layer_policy
from cifar_lab.models.schedules import OneCycle

OPTIMIZERS = ("rmsprop", "adam", "adamw", "sgd", "nesterov")


def make_optimizer(name: str, learning_rate: Any, weight_decay: float | None = None) -> keras.optimizers.Optimizer:
    """Return optimizer `name` (one of `OPTIMIZERS`) with `learning_rate` (a number or a schedule).

    Raises:
        UsageError: an unknown optimizer name.

    Example:
        >>> type(make_optimizer("rmsprop", 0.001)).__name__
        'RMSprop'
    """
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate, weight_decay=weight_decay)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate, weight_decay=weight_decay)
    if name == "adamw":
        return keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay or 0.004)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9, weight_decay=weight_decay)
    if name == "nesterov":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9, nesterov=True, weight_decay=weight_decay)
    raise UsageError(
        f"Unknown optimizer {name!r}. Valid optimizers: {', '.join(OPTIMIZERS)}. "
        f"Pass one of them, e.g. optimizer='rmsprop'."
    )


def build_original(*, learning_rate: float, optimizer: str, precision: str) -> keras.Model:
    """The assignment's CNN, layer for layer, compiled with `optimizer` and categorical cross-entropy.

    Only the classifier layer stays float32 under mixed precision, so the softmax and the loss see
    full-precision logits; the architecture itself never changes.

    Example:
        >>> build_original(learning_rate=0.001, optimizer="rmsprop", precision="float32").count_params()
        1676842
    """
    policy = layer_policy(precision)
    model = keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Conv2D(32, (3, 3), padding="same", activation="relu", dtype=policy),
            layers.Conv2D(32, (3, 3), padding="same", activation="relu", dtype=policy),
            layers.MaxPooling2D(pool_size=(2, 2), dtype=policy),
            layers.Dropout(0.25, dtype=policy),
            layers.Conv2D(64, (3, 3), padding="same", activation="relu", dtype=policy),
            layers.Conv2D(64, (3, 3), activation="relu", dtype=policy),
            layers.MaxPooling2D(pool_size=(2, 2), dtype=policy),
            layers.Dropout(0.25, dtype=policy),
            layers.Flatten(dtype=policy),
            layers.Dense(512, activation="relu", dtype=policy),
            layers.Dropout(0.5, dtype=policy),
            layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32"),
        ],
        name="original",
    )
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate), loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def _conv_bn(x, width: int, policy: str | None, name: str):
    # No conv bias: the batch norm right after it has its own shift, so a bias would be redundant.
    x = layers.Conv2D(width, 3, padding="same", use_bias=False, dtype=policy, name=f"{name}_conv")(x)
    # momentum 0.9 (Keras default .99): with a few hundred steps per run the moving statistics must
    # catch up within tens of steps or evaluation uses stale ones.
    x = layers.BatchNormalization(momentum=0.9, dtype=policy, name=f"{name}_bn")(x)
    return layers.Activation("relu", dtype=policy, name=f"{name}_relu")(x)


def build_fast_cnn(
    *,
    widths: tuple[int, int, int],
    learning_rate: float,
    optimizer: str,
    weight_decay: float,
    warmup_fraction: float,
    label_smoothing: float,
    precision: str,
) -> keras.Model:
    """A compact airbench-style CNN, compiled with a one-cycle schedule and label smoothing.

    A conv stem, then three groups of conv-pool-conv, each followed by batch norm and ReLU, doubling
    the width as the resolution halves; global max pooling and one dense layer.

    Why this shape: batch norm is what allows the large one-cycle learning rate that gets most of the
    accuracy in few epochs; pooling right after the first conv of each group does the heavy convs at
    the lower resolution, which keeps the forward pass near the original CNN's cost (43 MFLOP per
    image at the default widths, vs 47.75) while being deeper; global max pooling replaces the original's
    1.6M-parameter dense layer, most of its parameters, which over-fits a few thousand images easily.

    Example:
        >>> from cifar_lab.models.registry import MODELS
        >>> build_fast_cnn(**{**MODELS["fast_cnn"].hparams, "precision": "float32"}).name
        'fast_cnn'
    """
    policy = layer_policy(precision)
    inputs = keras.Input(shape=IMAGE_SHAPE)
    x = _conv_bn(inputs, widths[0] // 2, policy, "stem")
    for index, width in enumerate(widths):
        x = layers.Conv2D(width, 3, padding="same", use_bias=False, dtype=policy, name=f"group{index}_conv_a")(x)
        x = layers.MaxPooling2D(2, dtype=policy, name=f"group{index}_pool")(x)
        x = layers.BatchNormalization(momentum=0.9, dtype=policy, name=f"group{index}_bn_a")(x)
        x = layers.Activation("relu", dtype=policy, name=f"group{index}_relu_a")(x)
        x = _conv_bn(x, width, policy, f"group{index}_b")
    x = layers.GlobalMaxPooling2D(dtype=policy, name="pool")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32", name="classifier")(x)
    model = keras.Model(inputs, outputs, name="fast_cnn")
    schedule = OneCycle(peak=learning_rate, warmup_fraction=warmup_fraction)
    model.compile(
        optimizer=make_optimizer(optimizer, schedule, weight_decay=weight_decay),
        # Label smoothing: with few training images the net otherwise drives its training loss to
        # zero by growing over-confident, which hurts test accuracy and calibration.
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy"],
    )
    return model
