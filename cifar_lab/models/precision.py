"""Numeric precision of a model's layers: float32, mixed bfloat16, or `auto` (bfloat16 where the CPU has it).

Example:
    >>> layer_policy("float32") is None
    True
"""

from __future__ import annotations

from cifar_lab.errors import UsageError

PRECISIONS = ("float32", "mixed_bfloat16", "auto")


def layer_policy(precision: str) -> str | None:
    """Return the layer dtype policy for `precision` (None keeps Keras's float32 default).

    `"auto"` means mixed bfloat16 where the CPU multiplies bfloat16 natively (AMX or AVX-512
    BF16, see `cifar_lab.models.hardware`) and float32 elsewhere, where emulated bfloat16 is slower.

    Raises:
        UsageError: an unknown precision.

    Example:
        >>> layer_policy("mixed_bfloat16")
        'mixed_bfloat16'
    """
    if precision not in PRECISIONS:
        raise UsageError(
            f"Unknown precision {precision!r}. Valid precisions: {', '.join(PRECISIONS)}. "
            f"Use 'mixed_bfloat16' only on CPUs with bfloat16 support "
            f"(see cifar_lab.models.hardware.bfloat16_support()), or 'auto' to let it decide."
        )
    if precision == "auto":
        from cifar_lab.models.hardware import bfloat16_support

        precision = "mixed_bfloat16" if bfloat16_support() else "float32"
    return None if precision == "float32" else precision
