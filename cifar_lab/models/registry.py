"""CIFAR-10 models built by name from a registry, each compiled with its default recipe.

Two models:

- `"original"` is the course assignment's CNN, layer for layer (1,676,842 parameters), compiled the
  way the assignment did: RMSprop with Keras's defaults, categorical cross-entropy, accuracy.
- `"fast_cnn"` is a batch-normalised CNN designed for a small CPU budget (see
  `cifar_lab.models.architectures.build_fast_cnn` for why each part is there). It trains with SGD +
  Nesterov momentum under a one-cycle learning-rate schedule that stretches to whatever length the
  run has (`OneCycle`), and label smoothing; it computes in bfloat16 where the CPU supports it
  natively (`precision="auto"`, accuracy-checked).

Every hyper-parameter a model accepts is listed, with its default and why, in `MODELS`; passing an
unknown model name or hyper-parameter raises a `UsageError` that lists the valid ones.

Example:
    >>> model = build_model("original")
    >>> model.count_params(), type(model.optimizer).__name__
    (1676842, 'RMSprop')
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras

from cifar_lab.errors import UsageError
from cifar_lab.models.architectures import build_fast_cnn, build_original


@dataclass(frozen=True)
class ModelSpec:
    """A registry entry: how to build a model, its hyper-parameters and the recipe it was measured with.

    Attributes:
        build: the function that builds and compiles the model from `hparams`.
        description: one line for listings.
        hparams: what `build_model` accepts, with their defaults.
        recipe: how the model is meant to be trained and evaluated: `epochs` and `batch_size`
            (`cifar_lab.course.train_or_load` trains a model other than the run's own with this batch
            size), `augmentation` (the preset it was measured with) and `tta` (whether evaluation
            averages the flipped image's prediction in).

    Example:
        >>> MODELS["original"].hparams["learning_rate"]
        0.001
        >>> MODELS["fast_cnn"].recipe["batch_size"]
        64
    """

    build: Callable[..., keras.Model]
    description: str
    hparams: dict[str, Any]
    recipe: dict[str, Any]


# Every model and its hyper-parameters, in one place. `hparams` are build_model's keyword arguments
# with their defaults; `recipe` is how each was trained when measured (benchmarks/bench_training.py).
MODELS: dict[str, ModelSpec] = {
    "original": ModelSpec(
        build=build_original,
        description="The assignment's CNN exactly (1,676,842 parameters), RMSprop, categorical cross-entropy.",
        hparams={
            "learning_rate": 0.001,  # Keras's RMSprop default, as the assignment used it
            "optimizer": "rmsprop",  # the assignment's optimizer
            "precision": "float32",  # or "mixed_bfloat16" / "auto": opt-in, see bench_training.py
        },
        # The assignment's 20 epochs at batch 128, without augmentation.
        recipe={"epochs": 20, "batch_size": 128, "augmentation": "none", "tta": False},
    ),
    "fast_cnn": ModelSpec(
        build=build_fast_cnn,
        description="A batch-normalised CNN with a one-cycle schedule and label smoothing, for a CPU budget.",
        # Screened on the real mini set (one seed per setting, a loaded 2-core machine, so gaps of
        # ~2 points are within noise): widths (48, 96, 192) gained 0.7 points for 2.5x the time;
        # peak 0.4 with smoothing 0.1 did no better than 0.2 with 0.2; batch 64 beat 128 in short
        # runs (7 epochs: 50.4% vs 37-43%), since a 3,252-image epoch is only 26 steps at 128.
        hparams={
            "widths": (32, 64, 128),  # channels of the three groups; forward cost grows ~ width squared
            "learning_rate": 0.2,  # one-cycle peak (batch norm makes so large a rate stable)
            "optimizer": "nesterov",  # SGD with Nesterov momentum 0.9, the usual choice for BN CIFAR nets
            "weight_decay": 5e-4,  # the usual CIFAR value for SGD; keeps BN-scaled weights in check
            "warmup_fraction": 0.2,  # share of the run spent raising the learning rate
            "label_smoothing": 0.2,  # airbench's value; see the loss comment above
            # bfloat16 where the CPU has it natively, else float32. Accuracy checked before making it
            # the default (bench_training.py, 3 seeds): 69.8% vs 70.0% in float32, in 0.62 instead
            # of 0.81 of the original recipe's time (AVX-512 BF16 CPU, benchmarks/results/training.txt).
            "precision": "auto",
        },
        # 20 epochs at batch 64 took 0.62-0.81 of the original recipe's wall time on the 2-core AMD EPYC
        # (loaded) but 1.21x on a quiet 2-core Ice Lake Xeon in float32 (benchmarks/results/training.txt);
        # the recommended augmentation (pad-crop + flip) and flip TTA let a small training set generalise.
        recipe={"epochs": 20, "batch_size": 64, "augmentation": "recommended", "tta": True},
    ),
}


def build_model(name: str = "original", *, seed: int = 0, strategy: Any = None, **hparams: Any) -> keras.Model:
    """Build model `name` from `MODELS`, compiled with its default recipe.

    Args:
        name: a key of `MODELS`.
        seed: fixes the initial weights (and the dropout stream): the same seed builds the same model.
        strategy: a `tf.distribute.Strategy` (e.g. `MirroredStrategy()` for several GPUs) to build the
            model in the scope of, so `train_model` trains it on all the strategy's devices; the
            default is one device.
        **hparams: override the model's defaults listed in `MODELS[name].hparams`.

    Raises:
        UsageError: an unknown model name or hyper-parameter; the message lists the valid ones.

    Example:
        >>> a, b = build_model("original", seed=1), build_model("original", seed=1)
        >>> all((x == y).all() for x, y in zip(a.get_weights(), b.get_weights()))
        True
        >>> build_model("fast_cnn").count_params(), build_model("fast_cnn", widths=(16, 32, 64)).count_params()
        (293882, 74370)
        >>> build_model("fast_cnn", lr=0.1)
        Traceback (most recent call last):
        ...
        cifar_lab.errors.UsageError: Unknown hyper-parameter(s) lr for model 'fast_cnn'. Valid ones: widths, ...
    """
    if name not in MODELS:
        raise UsageError(
            f"Unknown model {name!r}. Valid models: {', '.join(MODELS)}. "
            f"Pass one of them, e.g. build_model('original')."
        )
    spec = MODELS[name]
    unknown = sorted(set(hparams) - set(spec.hparams))
    if unknown:
        raise UsageError(
            f"Unknown hyper-parameter(s) {', '.join(unknown)} for model {name!r}. "
            f"Valid ones: {', '.join(spec.hparams)}."
        )
    keras.utils.set_random_seed(seed)
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        return spec.build(**{**spec.hparams, **hparams})
