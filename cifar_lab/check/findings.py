"""The findings of `cifar-lab check`, and how the cells of a notebook (or one file) become them.

`check_cells` parses each cell on its own (IPython syntax rewritten line for line by
`cifar_lab.check.magics`), joins the cells that parse into one module so an import in cell 1
resolves a call in cell 7, runs `cifar_lab.check.analysis` on it, and maps every hit back to
its cell, line and column as the student sees them. A cell that does not parse is a K3000
finding, and the other cells are still checked.

Example:
    >>> cells = [(1, "from keras.utils import np_utils"), (2, "print 'hello'"), (3, "np_utils.to_categorical(y)")]
    >>> [(f.cell, f.line, f.rule) for f in check_cells("old.ipynb", cells)]
    [(1, 1, 'K3001'), (2, 1, 'K3000'), (3, 1, 'K3001')]
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from cifar_lab.check.analysis import analyze
from cifar_lab.check.magics import python_lines, split_lines
from cifar_lab.check.rules import RULES


@dataclass(frozen=True)
class Finding:
    """One legacy pattern found: where (`cell` is None in a `.py` file), which rule, why, the fix.

    Example:
        >>> finding = check_cells("a.py", [(None, "from keras.utils import np_utils")])[0]
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
        """The rule's short name, e.g. `"keras.utils.np_utils was removed"`.

        Example:
            >>> check_cells("a.py", [(None, "model.predict_classes(x)")])[0].title
            'predict_classes was removed'
        """
        return RULES[self.rule].title

    @property
    def location(self) -> str:
        """`"cell 3, line 2, col 5"` or `"line 2, col 5"`.

        Example:
            >>> [f.location for f in check_cells("a.ipynb", [(3, "import keras\\nkeras.optimizers.Adam(lr=1e-3)")])]
            ['cell 3, line 2, col 26']
        """
        where = f"line {self.line}, col {self.col}"
        return where if self.cell is None else f"cell {self.cell}, {where}"


def check_cells(path: str, cells: list[tuple[int | None, str]]) -> list[Finding]:
    """Parse each cell, join the parsed ones into one module and map every hit back to its cell.

    Args:
        path: labels the findings (the notebook or file the cells come from).
        cells: `(cell number, source)` pairs in notebook order; the number is None for a `.py` file.

    Returns:
        The findings sorted by cell, line, column and rule, one per line and reason.

    Example:
        >>> cells = [
        ...     (2, "%time from keras.layers.core import Dense"),
        ...     (4, "import ssl\\nssl._create_default_https_context = ssl._create_unverified_context"),
        ... ]
        >>> [(f.cell, f.line, f.col, f.rule) for f in check_cells("a.ipynb", cells)]
        [(2, 1, 7, 'K3002'), (4, 2, 1, 'K3011')]
    """
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
