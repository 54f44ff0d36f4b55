"""The self-checks of `02_baseline_cnn`: a layer's parameters by hand, and Keras 1's `Conv2D(64, 3, 3)` in Keras 3.

Example:
    >>> check_first_conv_parameters(896)
    (True, '896 = 3 x 3 x 3 x 32 weights + 32 biases.', None)
"""

from __future__ import annotations

from typing import Any

from cifar_lab.exercises.registry import Exercise, register

FIRST_CONV = {"kernel": 3, "channels": 3, "filters": 32}


def check_first_conv_parameters(answer: Any) -> tuple[bool, str, str | None]:
    """Exercise 2.1: `first_conv_parameters`, the trainable numbers of the first layer (3x3, 3 -> 32 channels).

    Example:
        >>> check_first_conv_parameters(864)[1]
        '864 counts the weights but not the 32 biases, one per filter.'
    """
    k, c, f = FIRST_CONV["kernel"], FIRST_CONV["channels"], FIRST_CONV["filters"]
    weights, expected = k * k * c * f, k * k * c * f + f
    if answer == expected:
        return True, f"{expected} = {k} x {k} x {c} x {f} weights + {f} biases.", None
    if answer == weights:
        return False, f"{weights} counts the weights but not the {f} biases, one per filter.", None
    if answer == k * k * f + f:
        return False, f"Each filter spans all {c} input channels (red, green, blue), not one.", None
    return False, f"{answer} is not it.", None


def check_legacy_conv_output(answer: Any) -> tuple[bool, str, str | None]:
    """Exercise 2.2: `legacy_output_shape`, what Keras 3 makes of Keras 1's `Conv2D(64, 3, 3)` on a 32x32x3 image.

    Example:
        >>> check_legacy_conv_output((30, 30, 64))[0]
        False
    """
    expected = (10, 10, 64)  # a 3x3 kernel moved 3 pixels at a time: (32 - 3) // 3 + 1 = 10 positions
    shape = tuple(int(n) for n in answer if n is not None)
    if shape == expected:
        return (
            True,
            "(10, 10, 64): Keras 3 reads the third argument as strides=3, so the 3x3 kernel jumps 3 pixels "
            "and the image shrinks to a third, silently. Keras 1 meant a 3x3 kernel: write Conv2D(64, (3, 3)).",
            None,
        )
    if shape == (30, 30, 64):
        return False, "(30, 30, 64) is what Keras 1 gave; build the layer in Keras 3 and ask it.", None
    return False, f"{shape} is not what Keras 3 gives for a (32, 32, 3) input.", None


register(
    Exercise(
        "2.1",
        "02_baseline_cnn",
        "Parameters of the first convolution",
        "first_conv_parameters",
        "A 3x3 filter looks at 3x3 pixels in each of the 3 input channels; the layer has 32 such filters, "
        "and each filter adds one bias.",
        check_first_conv_parameters,
    )
)
register(
    Exercise(
        "2.2",
        "02_baseline_cnn",
        "Keras 1's Conv2D(64, 3, 3) in Keras 3",
        "legacy_output_shape",
        "Build keras.layers.Conv2D(64, 3, 3) and call its compute_output_shape((None, 32, 32, 3)); drop the "
        "batch dimension (None).",
        check_legacy_conv_output,
    )
)
