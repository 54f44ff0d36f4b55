"""Files for `cifar-lab check --fix` and `--diff`: read one, fix its cells, show the diff, write it back.

`fix_file` reads a `.py` file or a notebook (as its JSON, so that outputs, metadata and layout
survive), runs `cifar_lab.check.fixer.fix_cells` on its code and returns a `FileFix`;
`diff` shows what would change (a notebook cell by cell), `write` saves it atomically with
`cifar_lab.files`, and `format_fix_report` lists, per file, what was changed and what still needs a
hand edit, as `tf_upgrade_v2`'s report does. Nothing is ever executed.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.py"
    >>> _ = path.write_text("from keras.layers.core import Dense\\n")
    >>> print(diff(fix_file(path)), end="")
    --- .../train.py
    +++ .../train.py (fixed)
    @@ -1 +1 @@
    -from keras.layers.core import Dense
    +from keras.layers import Dense
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cifar_lab.check.fixer import CellsFix, fix_cells
from cifar_lab.check.inputs import read_notebook_json, read_python_file
from cifar_lab.files import atomic_write_text


@dataclass
class FileFix:
    """The fix of one file: the `CellsFix` of its code, and the notebook JSON (None for a `.py` file).

    Example:
        >>> FileFix(Path("a.py"), CellsFix({None: "x"}, {None: "x"}), None, "x").changed
        False
    """

    path: Path
    cells: CellsFix
    notebook: dict | None
    text: str  # the file as read

    @property
    def changed(self) -> bool:
        return self.cells.changed

    def new_text(self) -> str:
        """The file's new content: the fixed source, or the notebook JSON with the fixed cells."""
        if self.notebook is None:
            return self.cells.after[None]
        for number, cell in enumerate(self.notebook["cells"], start=1):
            if number in self.cells.after and self.cells.after[number] != self.cells.before[number]:
                source = self.cells.after[number]
                cell["source"] = source.splitlines(keepends=True) if isinstance(cell["source"], list) else source
        return dump_like(self.text, self.notebook)


def fix_file(path: str | Path) -> FileFix:
    """Read `path` (a notebook or a `.py` file) and fix its code, without writing anything.

    Raises:
        CheckInputError: when the file cannot be read, or is a notebook older than format 4.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.py"
        >>> _ = path.write_text("model.fit_generator(gen)\\n")
        >>> fix = fix_file(path)
        >>> fix.changed, fix.new_text()
        (True, 'model.fit(gen)\\n')
    """
    path = Path(path)
    if path.suffix == ".ipynb":
        text, notebook = read_notebook_json(path)
        cells = [
            (number, _source(cell))
            for number, cell in enumerate(notebook["cells"], start=1)
            if cell.get("cell_type") == "code"
        ]
        return FileFix(path, fix_cells(str(path), cells), notebook, text)
    text = read_python_file(path)
    return FileFix(path, fix_cells(str(path), [(None, text)]), None, text)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def dump_like(original: str, notebook: dict) -> str:
    """`notebook` as JSON laid out like `original`: its indentation, its escapes, its final newline.

    Example:
        >>> dump_like('{\\n  "a": "\\\\u003cb\\\\u003e"\\n}\\n', {"a": "<i>"})
        '{\\n  "a": "\\\\u003ci\\\\u003e"\\n}\\n'
    """
    match = re.match(r"\{\s*\n( +)\"", original)
    text = json.dumps(notebook, indent=len(match.group(1)) if match else 1, ensure_ascii=original.isascii())
    for char in "<>&":  # HTML-safe JSON, as some notebook writers produce
        escaped = f"\\u{ord(char):04x}"
        if escaped in original:
            text = text.replace(char, escaped)
    return text + ("\n" if original.endswith("\n") else "")


def diff(fix: FileFix) -> str:
    """The unified diff of the fix: of the file, or of each changed notebook cell.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.py"
        >>> _ = path.write_text("model.predict_generator(gen)\\n")
        >>> print(diff(fix_file(path)).splitlines()[-1])
        +model.predict(gen)
    """
    parts = []
    for cell, before in fix.cells.before.items():
        after = fix.cells.after[cell]
        if after == before:
            continue
        where = "" if cell is None else f" cell {cell}"
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{fix.path}{where}",
            tofile=f"{fix.path}{where} (fixed)",
        )
        parts.append("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    return "".join(parts)


def write(fix: FileFix) -> None:
    """Save the fixed file in place, atomically; an unchanged file is not touched.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.py"
        >>> _ = path.write_text("model.fit(x, y, nb_epoch=2)\\n")
        >>> write(fix_file(path))
        >>> path.read_text()
        'model.fit(x, y, epochs=2)\\n'
    """
    if fix.changed:
        atomic_write_text(fix.path, fix.new_text())


def format_fix_report(fixes: list[FileFix], written: bool) -> str:
    """What was changed in each file, and what still needs a hand edit (with where, why and how).

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.py"
        >>> _ = path.write_text("model.fit(x, y, nb_epoch=2)\\n")
        >>> print(format_fix_report([fix_file(path)], written=False).splitlines()[-1])
        Would fix 1 finding in 1 file(s).
    """
    from cifar_lab.check.checker import format_text

    lines = []
    for fix in fixes:
        fixed, remaining = fix.cells.fixed, fix.cells.remaining
        if not fixed and not remaining:
            continue
        lines.append(f"{fix.path}: {len(fixed)} fixed, {len(remaining)} to fix by hand")
        lines.extend(f"  fixed {f.location}: {f.rule} {f.title}" for f in fixed)
        for cell in fix.cells.refused:
            lines.append(
                f"  not changed: {'the file' if cell is None else f'cell {cell}'} would not compile after the fix"
            )
    fixed = sum(len(f.cells.fixed) for f in fixes)
    remaining = [finding for fix in fixes for finding in fix.cells.remaining]
    verb = "Fixed" if written else "Would fix"
    lines.append(f"{verb} {fixed} finding{'' if fixed == 1 else 's'} in {sum(f.changed for f in fixes)} file(s).")
    if remaining:
        lines += ["", "Still to fix by hand:", format_text(remaining)]
    return "\n".join(lines)
