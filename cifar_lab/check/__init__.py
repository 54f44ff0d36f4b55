"""`cifar-lab check`: find Keras 2 code in notebooks and Python files and explain the Keras 3 fix.

What students and the command line use is re-exported here; the modules below may change freely:

- `checker`: checking notebooks, files and source text, the findings and their text and JSON reports;
- `inputs`: the files a command line names, read (or refused with `CheckInputError`);
- `rules`: the catalogue of rules, the texts students read (`RULES`);
- `patterns`: the Keras 2 names, methods and arguments each rule looks for;
- `analysis`: the walk over a parsed module that finds them;
- plumbing: `names` (what each name refers to, through imports), `magics` (IPython syntax
  rewritten line for line so `ast` can parse a cell).

Standard library only: no TensorFlow.

Example:
    >>> from cifar_lab.check import check_source
    >>> [finding.rule for finding in check_source("from keras.utils import np_utils")]
    ['K3001']
"""

from cifar_lab.check.checker import (
    Finding,
    Report,
    check_notebook,
    check_paths,
    check_source,
    format_json,
    format_text,
    report,
)
from cifar_lab.check.inputs import CheckInputError, expand_paths
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
