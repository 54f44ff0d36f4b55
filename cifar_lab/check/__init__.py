"""`cifar-lab check`: find Keras 1/2 code in notebooks and Python files, explain the Keras 3 fix, apply it.

What students and the command line use is re-exported here; the modules below may change freely:

- `checker`: checking notebooks, files and source text, the findings and their text and JSON reports;
- `rewrite` and `fixer`: `--fix` and `--diff` (files read, fixed, diffed and written), the fixes applied;
- `inputs`: the files a command line names, read (or refused with `CheckInputError`);
- `rules` (with `rules_api`, `rules_behaviour`, `rule`): the catalogue, the texts students read
  (`RULES`), each rule's severity; `hints`: what to write instead where no rewrite is mechanical;
- `patterns` and `patterns_tf`: the Keras 1/2 and TensorFlow 1 names, methods and arguments each rule
  looks for;
- `analysis`: the walk over a parsed module, with `references` (which removed name a reference
  reaches), `calls`, `layers`, `optimizers`, `paths` (the call-site rules), `testset` (K3012),
  `trainable` (K3032) and `facts` (what a rule must know about the whole module first);
- `findings`: hits mapped back to cells, with their `edits`; `scoring`: recall and precision
  against a hand-verified inventory (`tests/check/corpus/`);
- plumbing: `names` (what each name refers to, through imports), `magics` (IPython syntax
  rewritten line for line so `ast` can parse a cell).

Standard library only: no TensorFlow. The code checked is read, never run.

Example:
    >>> from cifar_lab.check import check_source
    >>> [(finding.rule, finding.severity, finding.fix) for finding in check_source("from keras.utils import np_utils")]
    [('K3001', 'error', 'from keras import utils as np_utils')]
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
from cifar_lab.check.rewrite import FileFix, fix_file
from cifar_lab.check.rules import RULES

__all__ = [
    "RULES",
    "CheckInputError",
    "FileFix",
    "Finding",
    "Report",
    "check_notebook",
    "check_paths",
    "check_source",
    "expand_paths",
    "fix_file",
    "format_json",
    "format_text",
    "report",
]
