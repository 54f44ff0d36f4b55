"""Learning-rate schedules the course's models train with.

Example:
    >>> schedule = OneCycle(peak=0.1, warmup_fraction=0.25, total_steps=100)
    >>> round(float(schedule(25)), 3), round(float(schedule(100)), 3)
    (0.1, 0.0)
"""

from __future__ import annotations

from typing import Any

import keras


@keras.saving.register_keras_serializable(package="cifar_lab")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up to `peak` then linear decay to zero, over `total_steps` optimizer steps.

    Why: a short warm-up lets batch-normalised nets take a large learning rate without diverging,
    and annealing to zero at the very end of the run is what turns a short budget into accuracy
    (the idea behind Smith's one-cycle policy and airbench). `train_model` sets `total_steps`
    to the run's real length before training, so the schedule fits any number of epochs.

    Example:
        >>> schedule = OneCycle(peak=0.1, warmup_fraction=0.25, total_steps=100)
        >>> [round(float(schedule(step)), 3) for step in (0, 10, 25, 50, 100)]
        [0.0, 0.04, 0.1, 0.067, 0.0]
        >>> _ = schedule.total_steps.assign(200.0)  # what train_model does for a longer run
        >>> round(float(schedule(50)), 3)
        0.1
    """

    def __init__(self, peak: float, warmup_fraction: float = 0.2, total_steps: int = 1000):
        self.peak = float(peak)
        self.warmup_fraction = float(warmup_fraction)
        # A variable, not a Python number: the compiled train step reads it, so changing the run
        # length later does not need a re-trace.
        self.total_steps = keras.Variable(
            float(total_steps), dtype="float32", trainable=False, name="one_cycle_total_steps"
        )

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        total = keras.ops.maximum(self.total_steps, 1.0)
        warmup = keras.ops.maximum(total * self.warmup_fraction, 1.0)
        rising = step / warmup
        falling = (total - step) / keras.ops.maximum(total - warmup, 1.0)
        return self.peak * keras.ops.clip(keras.ops.minimum(rising, falling), 0.0, 1.0)

    def get_config(self) -> dict[str, Any]:
        return {
            "peak": self.peak,
            "warmup_fraction": self.warmup_fraction,
            "total_steps": int(self.total_steps.numpy()),
        }
