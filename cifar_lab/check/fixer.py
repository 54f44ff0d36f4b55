"""`cifar-lab check --fix`: rewrite what is mechanical, and report what was changed and what was not.

Like TensorFlow's `tf_upgrade_v2`, the fixer rewrites the code text and never runs it. It takes the
edits of the findings (`cifar_lab.check.findings`), one finding at a time and only when none of its
edits overlaps one already taken, applies them, checks that every changed cell still compiles (a
cell that would not is left as it was and its findings stay; compiling never runs it), and checks
the result again: a fix can enable another (`optimizer.lr` inside a `K.set_value(...)` that becomes
`.assign(...)`), so it repeats until nothing more changes. What remains is reported as findings to fix by hand.

`fix_cells` works on cells of text; `fix_file` reads a `.py` file or a notebook and returns a
`FileFix` with the new text, which `write` saves atomically (`cifar_lab.files`): a notebook is
rewritten cell by cell, keeping its outputs, metadata and JSON layout. Standard library only.

Example:
    >>> result = fix_cells("train.py", [(None, "import keras\\nopt = keras.optimizers.Adam(lr=1e-3)\\n")])
    >>> print(result.after[None], end="")
    import keras
    opt = keras.optimizers.Adam(learning_rate=1e-3)
    >>> [f.rule for f in result.fixed], result.remaining
    (['K3006'], [])
"""

from __future__ import annotations

import ast
import warnings
from collections import Counter
from dataclasses import dataclass, field

from cifar_lab.check.edits import Edit, apply_edits, overlapping
from cifar_lab.check.findings import Finding, check_cells
from cifar_lab.check.magics import python_lines

MAX_PASSES = 6


@dataclass
class CellsFix:
    """What `fix_cells` did: the cells before and after, the findings it fixed and those left.

    `refused` holds the cells whose edits were dropped because the result would not parse.

    Example:
        >>> CellsFix(before={None: "x"}, after={None: "x"}).changed
        False
    """

    before: dict[int | None, str]
    after: dict[int | None, str]
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    refused: list[int | None] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.after != self.before


def fix_cells(path: str, cells: list[tuple[int | None, str]]) -> CellsFix:
    """Apply the mechanical fixes to `cells` (`(cell number, source)` pairs, as `check_cells` takes).

    Example:
        >>> cells = [(1, "from keras.layers.core import Dense"), (2, "model.fit_generator(gen, nb_epoch=3)")]
        >>> print("\\n".join(fix_cells("a.ipynb", cells).after.values()))
        from keras.layers import Dense
        model.fit(gen, epochs=3)
    """
    before = dict(cells)
    current = dict(cells)
    original = check_cells(path, cells)
    rejected: set[tuple[int | None, Edit]] = set()
    refused: list[int | None] = []
    findings = original
    for _ in range(MAX_PASSES):
        chosen = _choose(findings, rejected)
        if not chosen:
            break
        for cell, edits in chosen.items():
            text = apply_edits(current[cell], edits)
            if _compiles(text) or (not _compiles(current[cell]) and _parses(text)):
                current[cell] = text
            else:
                rejected.update((cell, edit) for edit in edits)
                refused.append(cell)
        findings = check_cells(path, list(current.items()))
    return CellsFix(before, current, _fixed(original, findings), findings, sorted(set(refused), key=lambda c: c or 0))


def _choose(findings: list[Finding], rejected: set) -> dict[int | None, list[Edit]]:
    """Whole findings' edits, in source order, leaving out any finding that overlaps one taken."""
    taken: dict[int | None, list[Edit]] = {}
    by_line: dict[tuple[int | None, int], list[Edit]] = {}  # (cell, line) -> taken edits touching it
    for finding in sorted(
        findings, key=lambda f: min(((c or 0, e.line, e.col) for c, e in f.edits), default=(0, 0, 0))
    ):
        edits = [(cell, edit) for cell, edit in finding.edits if (cell, edit) not in rejected]
        if not edits or len(edits) < len(finding.edits):
            continue
        new = [(c, e) for c, e in edits if e not in by_line.get((c, e.line), [])]
        near = lambda c, e: (o for n in range(e.line, e.end_line + 1) for o in by_line.get((c, n), []))  # noqa: E731
        if any(overlapping(edit, other) for cell, edit in new for other in near(cell, edit)):
            continue
        for cell, edit in new:
            taken.setdefault(cell, []).append(edit)
            for number in range(edit.line, edit.end_line + 1):
                by_line.setdefault((cell, number), []).append(edit)
    return taken


def _compiles(text: str) -> bool:
    """True when Python compiles `text` (never runs it): stricter than parsing, e.g. about `__future__` imports."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile("\n".join(python_lines(text)[0]), "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse("\n".join(python_lines(text)[0]))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _fixed(original: list[Finding], remaining: list[Finding]) -> list[Finding]:
    """The original findings that no longer occur: per cell and rule, as many as went away."""
    gone = Counter((f.cell, f.rule) for f in original) - Counter((f.cell, f.rule) for f in remaining)
    fixed = []
    for finding in sorted(original, key=lambda f: not f.fixable):
        key = (finding.cell, finding.rule)
        if gone[key] > 0:
            gone[key] -= 1
            fixed.append(finding)
    return sorted(fixed, key=lambda f: (f.cell or 0, f.line, f.col, f.rule))
