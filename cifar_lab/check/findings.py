"""The findings of `cifar-lab check`, and how the cells of a notebook (or one file) become them.

`check_cells` parses each cell on its own (IPython syntax rewritten line for line by
`cifar_lab.check.magics`), joins the cells that parse into one module so an import in cell 1
resolves a call in cell 7, runs `cifar_lab.check.analysis` on it, and maps every hit back to
its cell, line and column as the student sees them, with its edits. Hits of one rule on one line
are one finding (`K.sum(K.square(x))` is one fix). A cell that does not parse, or is nested too
deeply to analyse, is a K3000 finding, and the other cells are still checked.

Example:
    >>> cells = [(1, "from keras.utils import np_utils"), (2, "print 'hello'"), (3, "np_utils.to_categorical(y)")]
    >>> [(f.cell, f.line, f.rule, f.severity) for f in check_cells("old.ipynb", cells)]
    [(1, 1, 'K3001', 'error'), (2, 1, 'K3000', 'error'), (3, 1, 'K3001', 'error')]
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from cifar_lab.check.analysis import Hit, analyze
from cifar_lab.check.edits import Edit, apply_edits, overlapping
from cifar_lab.check.magics import python_lines, split_lines
from cifar_lab.check.rules import RULES

MAX_DEPTH = 200  # nesting the analysis walks safely within Python's default recursion limit


@dataclass(frozen=True)
class Finding:
    """One legacy pattern found: where (`cell` is None in a `.py` file), which rule, why, the fix.

    `edits` are `(cell, Edit)` pairs in the coordinates of the cells' own text: the mechanical fix,
    empty when the finding needs a hand edit; `fix` then shows the corrected line.

    Example:
        >>> finding = check_cells("a.py", [(None, "from keras.optimizers import SGD\\nopt = SGD(lr=0.1)")])[0]
        >>> (finding.cell, finding.line, finding.col, finding.rule, finding.fix, finding.fixable)
        (None, 2, 14, 'K3006', 'opt = SGD(learning_rate=0.1)', True)
    """

    path: str
    cell: int | None
    line: int
    col: int
    rule: str
    message: str
    fix: str
    code: str = ""  # the offending source line, stripped
    edits: tuple[tuple[int | None, Edit], ...] = field(default=(), compare=False, repr=False)

    @property
    def title(self) -> str:
        """The rule's short name, e.g. `"keras.utils.np_utils was removed"`."""
        return RULES[self.rule].title

    @property
    def severity(self) -> str:
        """`error` (breaks), `silent` (runs, behaves differently) or `advisory`."""
        return RULES[self.rule].severity

    @property
    def fixable(self) -> bool:
        """True when `cifar-lab check --fix` can rewrite it."""
        return bool(self.edits)

    @property
    def location(self) -> str:
        """`"cell 3, line 2, col 5"` or `"line 2, col 5"`.

        Example:
            >>> [f.location for f in check_cells("a.ipynb", [(3, "import keras\\nkeras.optimizers.Adam(lr=1e-3)")])]
            ['cell 3, line 2, col 26']
        """
        where = f"line {self.line}, col {self.col}"
        return where if self.cell is None else f"cell {self.cell}, {where}"


@dataclass
class _Segment:
    first: int  # the cell's first line in the joined module
    cell: int | None
    original: list[str]
    shifts: dict[int, int]


def check_cells(path: str, cells: list[tuple[int | None, str]]) -> list[Finding]:
    """Parse each cell, join the parsed ones into one module and map every hit back to its cell.

    Args:
        path: labels the findings (the notebook or file the cells come from).
        cells: `(cell number, source)` pairs in notebook order; the number is None for a `.py` file.

    Returns:
        The findings sorted by cell, line, column and rule, one per line and rule.

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
    joined: list[str] = []
    segments: list[_Segment] = []
    for cell, source in cells:
        original = split_lines(source)
        lines, shifts = original, {}
        tree, problem = _parse(original)
        if tree is None:  # IPython syntax, rewritten line for line, may be all that stops it
            lines, shifts = python_lines(source)
            tree, problem = _parse(lines)
        if tree is None:
            findings.append(_unreadable(path, cell, original, problem))
            continue
        ast.increment_lineno(tree, len(joined))
        body.extend(tree.body)
        segments.append(_Segment(len(joined) + 1, cell, original, shifts))
        joined.extend(lines)
    hits = analyze(ast.Module(body=body, type_ignores=[]), joined)
    findings.extend(_merged(path, hits, segments))
    return sorted(findings, key=lambda f: (f.cell or 0, f.line, f.col, f.rule))


def _parse(lines: list[str]) -> tuple[ast.Module | None, SyntaxError | str | None]:
    """The parsed cell, or None and why not: a syntax error, or code too deep or large to analyse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # old code's invalid escapes ("\W") are its own business
            tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError) as error:  # ValueError: a null byte, on Python < 3.12
        return None, error
    except (RecursionError, MemoryError):
        return None, "the code is nested too deeply for Python to parse it"
    deepest, stack = 0, [(tree, 0)]
    while stack:  # iterative: a deep tree must not overflow the check of its own depth
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return None, f"the code is nested more than {MAX_DEPTH} levels deep, too deep to analyse"
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return tree, None


def _unreadable(path: str, cell: int | None, original: list[str], problem) -> Finding:
    line = min(max(getattr(problem, "lineno", None) or 1, 1), len(original))
    col = max(getattr(problem, "offset", None) or 1, 1)
    reason = getattr(problem, "msg", str(problem))
    stop = "" if reason.endswith((".", "?", "!")) else "."
    rule = RULES["K3000"]
    message = f"{rule.message} Python says: {reason}{stop}"
    return Finding(path, cell, line, col, rule.id, message, rule.fix, original[line - 1].strip()[:200])


def _merged(path: str, hits: list[Hit], segments: list[_Segment]) -> list[Finding]:
    """Map hits to their cells and merge those of one rule on one line into one finding."""
    groups: dict[tuple, list[tuple[Hit, list]]] = {}
    for hit in hits:
        segment, line = _locate(segments, hit.line)
        edits = [_in_cell(segments, edit) for edit in hit.edits]
        groups.setdefault((segment.cell, line, hit.rule), []).append((hit, edits))
    every: dict[tuple[int | None, int], list[Edit]] = {}  # (cell, line) -> the edits starting there
    for group in groups.values():
        for _, edits in group:
            for cell, edit in edits:
                every.setdefault((cell, edit.line), []).append(edit)
    findings = []
    for (cell, line, rule), group in groups.items():
        segment, _ = _locate(segments, group[0][0].line)
        hit = max((h for h, _ in group), key=lambda h: len(h.message))
        fix = next((h.fix for h, _ in reversed(group) if h.fix != RULES[rule].fix), RULES[rule].fix)
        edits = tuple(dict.fromkeys(edit for _, edits in group for edit in edits))
        if edits:
            fix = _fixed_lines(segments, cell, line, edits, every) or fix
        col = min(h.col + segment.shifts.get(line, 0) for h, _ in group)
        code = segment.original[line - 1].strip() if line <= len(segment.original) else ""
        findings.append(Finding(path, cell, line, col, rule, hit.message, fix, code, edits))
    return findings


def _locate(segments: list[_Segment], line: int) -> tuple[_Segment, int]:
    segment = next(s for s in reversed(segments) if s.first <= line)
    return segment, line - segment.first + 1


def _in_cell(segments: list[_Segment], edit: Edit) -> tuple[int | None, Edit]:
    segment, line = _locate(segments, edit.line)
    _, end_line = _locate(segments, edit.end_line)
    shift, end_shift = segment.shifts.get(line, 0), segment.shifts.get(end_line, 0)
    return segment.cell, Edit(line, edit.col + shift, end_line, edit.end_col + end_shift, edit.text)


def _fixed_lines(segments: list[_Segment], cell: int | None, line: int, own, every: dict) -> str:
    """The lines a finding's edits touch, with every edit on those lines applied: the fix, as code.

    Lines elsewhere than the finding's own (a file name defined earlier, in another cell) say where.
    """
    texts = []
    by_cell = {segment.cell: segment for segment in segments}
    ranges = sorted({(c, e.line, e.end_line) for c, e in own if not _added_line(e)}, key=lambda r: (r[0] or 0, r[1]))
    for where, first, last in ranges:
        chosen: list[Edit] = []
        nearby = [e for number in range(first, last + 1) for e in every.get((where, number), [])]
        for other, edit in [*own, *((where, e) for e in nearby)]:
            if other == where and first <= edit.line and edit.end_line <= last and edit not in chosen:
                if not any(overlapping(edit, c) for c in chosen):
                    chosen.append(edit)
        shifted = [Edit(e.line - first + 1, e.col, e.end_line - first + 1, e.end_col, e.text) for e in chosen]
        text = apply_edits("\n".join(by_cell[where].original[first - 1 : last]), shifted)
        lines = text.split("\n")
        indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
        text = "\n".join(x[indent:] for x in lines).strip("\n")
        if where != cell or not first <= line <= last:
            text = ("" if where in (None, cell) else f"cell {where}, ") + f"line {first}: {text}"
        texts.append(text)
    return "\n".join(texts)


def _added_line(edit: Edit) -> bool:
    """An inserted line (`import keras`), shown with the code that needs it rather than on its own."""
    return edit.line == edit.end_line and edit.col == edit.end_col and edit.text.startswith("\n")
