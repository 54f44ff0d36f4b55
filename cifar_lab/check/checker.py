"""`cifar-lab check`: find Keras 2 code in notebooks and Python files and explain the Keras 3 fix.

A notebook's code cells are parsed one by one and joined into one module (line numbers shifted,
with a map back to each cell), so an import in cell 1 resolves a call in cell 7. IPython syntax
(`%magics`, `!shell`, `?help`, cell magics) is replaced line for line before parsing, so line
numbers never move (the statement after `%time` is kept and checked); a cell that still is not
Python is reported (rule K3000), not a crash. The rules live in `cifar_lab.check.rules`, the
line rewriting in `cifar_lab.check.magics`; `docs/checker.md` explains each rule.

Cells are numbered from 1 counting every cell, markdown included, as a student counts them when
scrolling; lines and columns within a cell (or a `.py` file) are numbered from 1.

Example:

    $ cifar-lab check my_notebook.ipynb            # exit 1 and a report when anything is found
    >>> from cifar_lab.check import report
    >>> report("my_notebook.ipynb")                # doctest: +SKIP
"""

from __future__ import annotations

import ast
import html
import json
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cifar_lab.check.magics import python_lines, split_lines
from cifar_lab.check.rules import RULES, analyze
from cifar_lab.errors import UsageError

_SKIPPED_DIRECTORIES = {".ipynb_checkpoints", "__pycache__", "site-packages", "node_modules"}


@dataclass(frozen=True)
class Finding:
    """One legacy pattern found: where (`cell` is None in a `.py` file), which rule, why, the fix.

    Example:
        >>> finding = check_source("from keras.utils import np_utils")[0]
        >>> (finding.cell, finding.line, finding.col, finding.rule)
        (None, 1, 1, 'K3001')
    """

    path: str
    cell: int | None
    line: int
    col: int
    rule: str
    message: str
    fix: str
    code: str = ""  # the offending source line, stripped

    @property
    def title(self) -> str:
        """The rule's short name, e.g. `"keras.utils.np_utils was removed"`."""
        return RULES[self.rule].title

    @property
    def location(self) -> str:
        """`"cell 3, line 2, col 5"` or `"line 2, col 5"`."""
        where = f"line {self.line}, col {self.col}"
        return where if self.cell is None else f"cell {self.cell}, {where}"


class CheckInputError(UsageError):
    """A path the checker cannot read: missing, not a notebook or `.py` file, or malformed."""


def check_source(text: str, filename: str = "<source>") -> list[Finding]:
    """Return the findings in Python source `text` (`filename` only labels them).

    Example:
        >>> [f.rule for f in check_source("import keras\\nopt = keras.optimizers.SGD(lr=0.1)")]
        ['K3006']
        >>> check_source("print('keras.optimizers.SGD(lr=0.1)')  # lr=0.1")  # strings, comments
        []
    """
    return _check_cells(filename, [(None, text)])


def check_notebook(path: str | Path) -> list[Finding]:
    """Return the findings in the code cells of the Jupyter notebook at `path`.

    Example:
        >>> findings = check_notebook("tests/fixtures/check/original_training.ipynb")  # doctest: +SKIP
        >>> print(format_text(findings))  # doctest: +SKIP
    """
    path = Path(path)
    notebook = _read_notebook(path)
    cells = [(number, cell.source) for number, cell in enumerate(notebook.cells, start=1) if cell.cell_type == "code"]
    return _check_cells(str(path), cells)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the notebooks and `.py` files named by `paths`, directories searched recursively.

    Raises `CheckInputError` for a missing path, a file of another kind, or a directory
    holding nothing to check, before anything is checked.

    Example:
        >>> expand_paths(["notebooks"])  # doctest: +SKIP
        [PosixPath('notebooks/01_data.ipynb'), ...]
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in (".ipynb", ".py")
                and p.is_file()
                and not _SKIPPED_DIRECTORIES & set(p.relative_to(path).parts[:-1])
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise CheckInputError(
                    f"{path} holds no .ipynb notebook or .py file to check. "
                    "Pass the notebook itself, or the folder that holds it."
                )
            files.extend(found)
        elif not path.exists():
            raise CheckInputError(
                f"{path} does not exist. Check the spelling, or pass the folder to check every notebook in it."
            )
        elif path.suffix not in (".ipynb", ".py"):
            raise CheckInputError(
                f"{path} is not a notebook (.ipynb) or a Python file (.py), the "
                "only kinds the checker reads. Pass the notebook itself."
            )
        else:
            files.append(path)
    return list(dict.fromkeys(files))  # a file named twice (or also inside a folder) is checked once


def check_paths(paths: Iterable[str | Path]) -> list[Finding]:
    """Return the findings in every notebook and `.py` file under `paths`, file by file.

    Example:
        >>> len(check_paths(["notebooks"]))  # doctest: +SKIP
        0
    """
    findings: list[Finding] = []
    for path in expand_paths(paths):
        findings.extend(check_notebook(path) if path.suffix == ".ipynb" else _check_python_file(path))
    return findings


def format_text(findings: Iterable[Finding]) -> str:
    """Return a readable report: findings grouped by file, each with where, what, why and the fix.

    Example:
        >>> print(format_text(check_source("nb = model.fit_generator(gen)", "train.py")))
        train.py: 1 finding
          line 1, col 6: K3003 fit_generator / evaluate_generator / predict_generator were removed
            > nb = model.fit_generator(gen)
            why: fit_generator: Keras 3 models have no *_generator methods (AttributeError): ...
            fix: model.fit(train_dataset, epochs=20, validation_data=val_dataset)
        <BLANKLINE>
        1 finding in 1 file.
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
            lines.append(f"  {f.location}: {f.rule} {f.title}")
            if f.code:
                lines.append(f"    > {f.code}")
            lines.append(f"    why: {f.message}")
            fix = f.fix.splitlines()
            lines.append(f"    fix: {fix[0]}")
            lines.extend(f"         {line}" for line in fix[1:])
        lines.append("")
    lines.append(f"{_plural(len(findings), 'finding')} in {_plural(len(by_path), 'file')}.")
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
            "findings": [{**asdict(f), "title": f.title} for f in findings],
        },
        indent=2,
    )


@dataclass(frozen=True)
class Report:
    """Findings that display as a table in a notebook and as the text report elsewhere."""

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
        >>> report("notebooks")  # doctest: +SKIP
        No Keras 2 patterns found.
    """
    return Report(check_paths(paths))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _read_notebook(path: Path):
    import nbformat  # imported here: only notebooks need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # old notebooks warn about missing cell ids
            notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises many kinds; each means "not a notebook"
        raise CheckInputError(
            f"{path} is not a readable Jupyter notebook ({error}). Open and save "
            "it again in Jupyter, or pass the .py file instead."
        ) from error
    language = notebook.metadata.get("kernelspec", {}).get("language", "python")
    if language != "python":
        raise CheckInputError(
            f"{path} is a {language} notebook; the checker reads Python code only. Pass a Python notebook."
        )
    return notebook


def _check_python_file(path: Path) -> list[Finding]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckInputError(
            f"{path} cannot be read as UTF-8 text ({error}). Save it as UTF-8 and check it again."
        ) from error
    return check_source(text, str(path))


def _check_cells(path: str, cells: list[tuple[int | None, str]]) -> list[Finding]:
    """Parse each cell, join the parsed ones into one module and map every hit back to its cell."""
    findings: list[Finding] = []
    body: list[ast.stmt] = []
    # (first joined line, cell, original lines, column shift per rewritten line)
    segments: list[tuple[int, int | None, list[str], dict[int, int]]] = []
    offset = 0
    for cell, source in cells:
        original = split_lines(source)
        lines, shifts = python_lines(source)
        try:
            tree = ast.parse("\n".join(lines))
        except (SyntaxError, ValueError) as error:  # ValueError: a null byte, on Python < 3.12
            line = min(max(getattr(error, "lineno", None) or 1, 1), len(original))
            col = max(getattr(error, "offset", None) or 1, 1)
            rule = RULES["K3000"]
            reason = getattr(error, "msg", str(error))
            stop = "" if reason.endswith((".", "?", "!")) else "."
            findings.append(
                Finding(
                    path,
                    cell,
                    line,
                    col,
                    rule.id,
                    f"{rule.message} Python says: {reason}{stop}",
                    rule.fix,
                    original[line - 1].strip(),
                )
            )
            continue
        ast.increment_lineno(tree, offset)
        body.extend(tree.body)
        segments.append((offset + 1, cell, original, shifts))
        offset += len(original)
    for hit in analyze(ast.Module(body=body, type_ignores=[])):
        first, cell, original, shifts = next(s for s in reversed(segments) if s[0] <= hit.line)
        line = hit.line - first + 1
        code = original[line - 1].strip() if line <= len(original) else ""
        col = hit.col + shifts.get(line, 0)
        findings.append(Finding(path, cell, line, col, hit.rule, hit.message, hit.fix, code))
    # One finding per line for the same reason: `ssl.x = ssl.y` matches twice but is one fix.
    unique = {(f.cell, f.line, f.rule, f.message): f for f in reversed(findings)}
    return sorted(unique.values(), key=lambda f: (f.cell or 0, f.line, f.col, f.rule))
