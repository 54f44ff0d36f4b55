"""`cifar-lab check`: find Keras 2 code in notebooks and Python files and explain the Keras 3 fix.

A notebook's code cells are parsed one by one and joined into one module (line numbers shifted,
with a map back to each cell), so an import in cell 1 resolves a call in cell 7. IPython syntax
(`%magics`, `!shell`, `?help`, cell magics) is replaced line for line before parsing, so line
numbers never move (the statement after `%time` is kept and checked); a cell that still is not
Python is reported (rule K3000), not a crash. This module is the entry point and the reports;
the work is done below it: `cifar_lab.check.inputs` finds and reads the files,
`cifar_lab.check.findings` turns cells into findings, `cifar_lab.check.analysis` finds the
patterns and `cifar_lab.check.rules` holds the rules' texts; `docs/checker.md` explains each rule.

Cells are numbered from 1 counting every cell, markdown included, as a student counts them when
scrolling; lines and columns within a cell (or a `.py` file) are numbered from 1.

On the command line, `cifar-lab check train.py` prints the same report and exits 1 when
anything is found.

Example:
    >>> findings = check_source("from keras.layers import Conv2D\\nlayer = Conv2D(64, 3, 3)", "train.py")
    >>> print(format_text(findings))
    train.py: 1 finding
      line 2, col 23: K3010 [silent] Conv2D's third positional argument is strides (silent change)
        > layer = Conv2D(64, 3, 3)
        why: Keras 1 and standalone Keras 2.0-2.3 read Conv2D(64, 3, 3) as a 3x3 kernel; ...
        fix: layer = Conv2D(64, (3, 3))
    <BLANKLINE>
    1 finding (1 silent) in 1 file; 1 can be fixed with --fix.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cifar_lab.check.findings import Finding, check_cells
from cifar_lab.check.inputs import expand_paths, read_notebook, read_python_file
from cifar_lab.check.rule import SEVERITIES


def check_source(text: str, filename: str = "<source>") -> list[Finding]:
    """Return the findings in Python source `text` (`filename` only labels them).

    Example:
        >>> [f.rule for f in check_source("import keras\\nopt = keras.optimizers.SGD(lr=0.1)")]
        ['K3006']
        >>> check_source("print('keras.optimizers.SGD(lr=0.1)')  # lr=0.1")  # strings, comments
        []
    """
    return check_cells(filename, [(None, text)])


def check_notebook(path: str | Path) -> list[Finding]:
    """Return the findings in the code cells of the Jupyter notebook at `path`.

    Example:
        >>> import nbformat, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "old.ipynb"
        >>> cells = [
        ...     nbformat.v4.new_markdown_cell("# CIFAR-10, the Keras 2 way"),
        ...     nbformat.v4.new_code_cell("%matplotlib inline\\nfrom keras.utils import np_utils"),
        ...     nbformat.v4.new_code_cell("Y_train = np_utils.to_categorical(y_train, 10)"),
        ... ]
        >>> nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        >>> for finding in check_notebook(path):
        ...     print(finding.location, finding.rule, finding.code)
        cell 2, line 2, col 1 K3001 from keras.utils import np_utils
        cell 3, line 1, col 11 K3001 Y_train = np_utils.to_categorical(y_train, 10)
    """
    path = Path(path)
    notebook = read_notebook(path)
    cells = [(number, cell.source) for number, cell in enumerate(notebook.cells, start=1) if cell.cell_type == "code"]
    return check_cells(str(path), cells)


def check_paths(paths: Iterable[str | Path]) -> list[Finding]:
    """Return the findings in every notebook and `.py` file under `paths`, file by file.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "old.py").write_text("model.fit_generator(gen, nb_epoch=10)")
        >>> _ = (folder / "new.py").write_text("model.fit(dataset, epochs=10)")
        >>> [(pathlib.Path(f.path).name, f.rule) for f in check_paths([folder])]
        [('old.py', 'K3003'), ('old.py', 'K3004')]
    """
    findings: list[Finding] = []
    for path in expand_paths(paths):
        if path.suffix == ".ipynb":
            findings.extend(check_notebook(path))
        else:
            findings.extend(check_source(read_python_file(path), str(path)))
    return findings


def format_text(findings: Iterable[Finding]) -> str:
    """Return a readable report: findings grouped by file, each with where, what, why and the fix.

    Example:
        >>> print(format_text(check_source("nb = model.fit_generator(gen)", "train.py")))
        train.py: 1 finding
          line 1, col 6: K3003 [error] fit_generator / evaluate_generator / predict_generator were removed
            > nb = model.fit_generator(gen)
            why: fit_generator: Keras 3 models have no *_generator methods (AttributeError): ...
            fix: nb = model.fit(gen)
        <BLANKLINE>
        1 finding (1 error) in 1 file; 1 can be fixed with --fix.
    """
    findings = list(findings)
    if not findings:
        return "No Keras 2 patterns found."
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    lines = []
    for path, group in by_path.items():
        lines.append(f"{path}: {_plural(len(group), 'finding')}")
        for f in group:
            lines.append(f"  {f.location}: {f.rule} [{f.severity}] {f.title}")
            if f.code:
                lines.append(f"    > {f.code}")
            lines.append(f"    why: {f.message}")
            fix = f.fix.splitlines()
            lines.append(f"    fix: {fix[0]}")
            lines.extend(f"         {line}" for line in fix[1:])
        lines.append("")
    counts = Counter(f.severity for f in findings)
    kinds = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
    fixable = sum(f.fixable for f in findings)
    lines.append(
        f"{_plural(len(findings), 'finding')} ({kinds}) in {_plural(len(by_path), 'file')}; "
        f"{fixable} can be fixed with --fix."
    )
    return "\n".join(lines)


def format_json(findings: Iterable[Finding], checked: Iterable[str | Path] = ()) -> str:
    """Return the findings as JSON for graders and CI: `{"checked": [...], "findings": [...]}`.

    Each finding carries `path, cell, line, col, rule, title, message, fix, code`.

    Example:
        >>> findings = check_source("from keras.layers.core import Dense")
        >>> json.loads(format_json(findings))["findings"][0]["rule"]
        'K3002'
    """
    return json.dumps(
        {
            "checked": [str(p) for p in checked],
            "findings": [
                {**{k: v for k, v in asdict(f).items() if k != "edits"}, "title": f.title, "severity": f.severity}
                | {"fixable": f.fixable}
                for f in findings
            ],
        },
        indent=2,
    )


@dataclass(frozen=True)
class Report:
    """Findings that display as a table in a notebook and as the text report elsewhere.

    Example:
        >>> shown = Report(check_source("model.predict_classes(x)", "predict.py"))
        >>> print(shown)
        predict.py: 1 finding
          line 1, col 1: K3013 [error] predict_classes and predict_proba were removed
            > model.predict_classes(x)
            why: predict_classes: Keras 3 models have no predict_classes or predict_proba method (AttributeError).
            fix: model.predict(x).argmax(axis=-1)  # a one-unit sigmoid output: (model.predict(x) > 0.5)
        <BLANKLINE>
        1 finding (1 error) in 1 file; 0 can be fixed with --fix.
        >>> shown._repr_html_().count("<tr>"), Report([])._repr_html_()
        (2, '<p>No Keras 2 patterns found.</p>')
    """

    findings: list[Finding]

    def __str__(self) -> str:
        return format_text(self.findings)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain-text display
        printer.text(str(self))

    def _repr_html_(self) -> str:
        if not self.findings:
            return "<p>No Keras 2 patterns found.</p>"
        rows = "".join(
            f"<tr><td>{html.escape(f.path)}</td><td>{'' if f.cell is None else f.cell}</td>"
            f"<td>{f.line}</td><td><b>{f.rule}</b> {html.escape(f.title)}<br>"
            f"<code>{html.escape(f.code)}</code><br>{html.escape(f.message)}</td>"
            f"<td><pre>{html.escape(f.fix)}</pre></td></tr>"
            for f in self.findings
        )
        return (
            "<table><tr><th>file</th><th>cell</th><th>line</th><th>what and why</th>"
            f"<th>Keras 3 fix</th></tr>{rows}</table>"
        )


def report(*paths: str | Path) -> Report:
    """Check `paths` and return a `Report`, shown as a table when it ends a notebook cell.

    Example:
        >>> import pathlib, tempfile
        >>> script = pathlib.Path(tempfile.mkdtemp()) / "modern.py"
        >>> _ = script.write_text("import keras\\nmodel = keras.Sequential([keras.Input(shape=(32, 32, 3))])")
        >>> print(report(script))
        No Keras 2 patterns found.
    """
    return Report(check_paths(paths))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
