"""What a rule of `cifar-lab check` is: an id, a title, how bad it is, why, and the Keras 3 fix.

The catalogue itself is `cifar_lab.check.rules.RULES`.

Example:
    >>> Rule("K9999", "An example", "Why it breaks.", "the fix").severity
    'error'
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, SILENT, ADVISORY = "error", "silent", "advisory"
SEVERITIES = (ERROR, SILENT, ADVISORY)
FAILING = (ERROR, SILENT)  # the severities that make `cifar-lab check` exit 1 without --strict


@dataclass(frozen=True)
class Rule:
    """One legacy pattern: `message` says why it breaks in Keras 3, `fix` shows the Keras 3 code.

    Example:
        >>> rule = Rule("K3013", "predict_classes was removed", "Keras 3 models have no predict_classes.", "predict")
        >>> rule.id, rule.severity
        ('K3013', 'error')
    """

    id: str
    title: str
    message: str
    fix: str
    severity: str = ERROR
