"""IPython cells as plain Python, line for line, so `ast` can parse them for `cifar-lab check`.

Jupyter cells may hold IPython syntax that is not Python: `%line_magic`, `%%cell_magic`,
`!shell`, `files = !ls`, `obj?` and `??obj`. `python_lines` replaces exactly those
lines and never adds or removes one, so a line number in the result is a line number in the cell.
Standard library only.

Example:
    >>> python_lines("%matplotlib inline\\nimport keras")
    (['pass', 'import keras'], {})
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

# Cell magics whose body is still Python, so the rules apply to it.
_PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
# Line magics whose argument is a Python statement: `%time history = model.fit(...)` is checked.
_PYTHON_ARGUMENT_MAGIC = re.compile(r"^%(?:time|timeit|prun)\s+(?!-)")
_HELP_LINE = re.compile(r"^(\?{1,2}[\w.*\[\]-]+|%{0,2}[\w.*\[\]-]+\?{1,2})$")
_MAGIC_ASSIGNMENT = re.compile(r"^[\w.,\s()\[\]*]+?=\s*[%!]")  # files = !ls


def python_lines(source: str) -> tuple[list[str], dict[int, int]]:
    """Return the cell's lines with IPython-only lines replaced by Python ones, one for one.

    Cells that parse are returned unchanged, so `%` inside a string or a continued expression
    is never touched; otherwise `%time code` becomes `code`, any other magic, shell or help
    line that starts a statement becomes `pass` (keeping its indentation), and a cell magic
    whose body is not Python is blanked. Also returns, per rewritten line (numbered from 1), how
    many columns its code moved left.

    Example:
        >>> python_lines("for f in files:\\n    !cp $f backup/\\n%time fit(model)")
        (['for f in files:', '    pass', 'fit(model)'], {3: 6})
    """
    lines = split_lines(source)
    shifts: dict[int, int] = {}
    if _parses(source):
        return lines, shifts
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name, _, argument = lines[first].strip()[2:].partition(" ")
        writes_python = name == "writefile" and argument.strip().endswith(".py")
        if name not in _PYTHON_BODY_CELL_MAGICS and not writes_python:
            return [""] * len(lines), shifts
        lines[first] = ""
    result: list[str] = []
    continued = False  # the previous magic line ended with a backslash
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if continued:
            result.append("")
            continued = stripped.endswith("\\")
        elif _is_ipython_line(stripped) and _starts_statement(result):
            magic = _PYTHON_ARGUMENT_MAGIC.match(stripped)
            code = stripped[magic.end() :] if magic else ""
            if code and _parses(code):
                result.append(indent + code)
                shifts[number] = magic.end()
            else:
                result.append(indent + "pass")
                continued = stripped.endswith("\\")
        else:
            result.append(line)
    return result, shifts


def _parses(code: str) -> bool:
    """True when `code` is valid Python as it stands.

    Example:
        >>> _parses("x = '%time'"), _parses("%time x = 1")
        (True, False)
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a SyntaxWarning about old escapes is not our finding
            ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def split_lines(source: str) -> list[str]:
    """Split on the line ends the parser counts (`str.splitlines` also splits on form feeds).

    Example:
        >>> split_lines("a\\r\\nb\\x0cc\\n")
        ['a', 'b\\x0cc', '']
    """
    return re.split(r"\r\n|\r|\n", source)


def _is_ipython_line(stripped: str) -> bool:
    """True when the stripped line is a magic, a shell escape, a help request or `x = !cmd`.

    Example:
        >>> [_is_ipython_line(line) for line in ("%pwd", "!ls", "model.fit?", "files = !ls", "x = 5 % 2")]
        [True, True, True, True, False]
    """
    return (
        stripped.startswith(("%", "!")) or bool(_HELP_LINE.match(stripped)) or bool(_MAGIC_ASSIGNMENT.match(stripped))
    )


def _starts_statement(previous: list[str]) -> bool:
    """True unless the lines so far leave a string, bracket or backslash continuation open.

    Example:
        >>> _starts_statement(["x = 1"]), _starts_statement(["x = f(1,"]), _starts_statement(["x = 1 + \\\\"])
        (True, False, False)
    """
    try:
        for _ in tokenize.generate_tokens(io.StringIO("\n".join(previous) + "\n").readline):
            pass
    except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError):
        return False
    return True
