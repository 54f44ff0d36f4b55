"""How numbers and tables appear on the model card, so the Markdown and the JSON agree digit for digit.

Every float on the card is rounded to `DECIMALS` places once, by `rounded`, before the JSON is
written, and printed from that rounded value by `format_number`; `markdown_table` lays rows out as
a Markdown table with the same formatting.

Example:
    >>> format_number(0.12345), format_number(7)
    ('0.123', '7')
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Decimal places of every float in the card (JSON and Markdown alike).
DECIMALS = 3


def format_number(value: float | int) -> str:
    """How a number appears on the card: integers as they are, floats to `DECIMALS` places.

    Example:
        >>> format_number(1.0), format_number(-0.05)
        ('1.000', '-0.050')
    """
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{DECIMALS}f}"


def rounded(value: Any) -> Any:
    """`value` as plain JSON types, floats rounded to `DECIMALS` places (recursively).

    Example:
        >>> from pathlib import Path
        >>> rounded({"a": [0.12345, 2], "b": None, "c": Path("runs")})
        {'a': [0.123, 2], 'b': None, 'c': 'runs'}
    """
    if isinstance(value, dict):
        return {str(k): rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [rounded(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    # Anything else a caller records (a Path run_dir, say) is kept as its text, so the JSON always writes.
    return value if value is None or isinstance(value, str) else str(value)


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table: numbers through `format_number`, `None` as `-`, pipes in text escaped.

    Example:
        >>> print(markdown_table(["class", "recall"], [["cat", 0.5], ["a|b", None]]))
        | class | recall |
        |---|---|
        | cat | 0.500 |
        | a\\|b | - |
    """

    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, (int, float)):
            return format_number(value)
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
