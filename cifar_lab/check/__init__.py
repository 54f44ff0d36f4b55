"""`cifar-lab check`: find Keras 2 code in notebooks and Python files and explain the Keras 3 fix.

What students and the command line use is re-exported here; the modules below may change freely:

- `checker`: reading notebooks and files, the findings and their text and JSON reports;
- `rules`: the catalogue of rules and the analysis that finds them;
- plumbing: `magics` (IPython syntax rewritten line for line so `ast` can parse a cell).

Standard library only: no TensorFlow.

Example:
    >>> from cifar_lab.check import check_source
    >>> [finding.rule for finding in check_source("from keras.utils import np_utils")]
    ['K3001']
"""

from cifar_lab.check.checker import (
    CheckInputError,
    Finding,
    Report,
    check_notebook,
    check_paths,
    check_source,
    expand_paths,
    format_json,
    format_text,
    report,
)
from cifar_lab.check.rules import RULES

__all__ = [
    "RULES",
    "CheckInputError",
    "Finding",
    "Report",
    "check_notebook",
    "check_paths",
    "check_source",
    "expand_paths",
    "format_json",
    "format_text",
    "report",
]
