"""Source edits for `cifar-lab check --fix`: what a rule's mechanical fix replaces, in the code's own text.

A rule that can fix what it found attaches `Edit`s to its finding: replace the text between two
positions with new text. `Source` holds the analysed lines and turns `ast` positions (UTF-8 byte
columns) into character positions, reads back the code's own text (`segment`) so a fix can reuse
it, and builds the common edits: rename a keyword, drop one, replace an expression.
`cifar_lab.check.fixer` applies them. Standard library only.

Example:
    >>> import ast
    >>> source = Source(["opt = RMSprop(lr=1e-4)"])
    >>> call = ast.parse(source.lines[0]).body[0].value
    >>> edit = source.rename_keyword(call.keywords[0], "learning_rate")
    >>> apply_edits(source.lines[0], [edit])
    'opt = RMSprop(learning_rate=1e-4)'
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\r|\n")  # the line ends Python counts


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from (`line`, `col`) to (`end_line`, `end_col`) with `text`.

    Lines count from 1, columns from 0, in characters; an insertion has equal start and end.

    Example:
        >>> Edit(1, 6, 1, 13, "RMSprop").text
        'RMSprop'
    """

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


class Source:
    """The lines being analysed, with the conversions and edit builders the fixes need.

    Example:
        >>> import ast
        >>> source = Source(["x = 'é' + f(a)"])
        >>> call = ast.parse(source.lines[0]).body[0].value.right
        >>> source.span(call), source.segment(call)
        ((1, 10, 1, 14), 'f(a)')
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def column(self, line: int, byte_col: int) -> int:
        """The character column of `ast`'s UTF-8 byte column `byte_col` on `line`."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        """`(line, col, end_line, end_col)` of `node`, columns in characters."""
        return (
            node.lineno,
            self.column(node.lineno, node.col_offset),
            node.end_lineno,
            self.column(node.end_lineno, node.end_col_offset),
        )

    def segment(self, node: ast.AST) -> str:
        """The source text of `node`, as written."""
        line, col, end_line, end_col = self.span(node)
        if line == end_line:
            return self.lines[line - 1][col:end_col]
        inner = self.lines[line : end_line - 1]
        return "\n".join([self.lines[line - 1][col:], *inner, self.lines[end_line - 1][:end_col]])

    def replace(self, node: ast.AST, text: str) -> Edit:
        """Replace the whole of `node` with `text`."""
        return Edit(*self.span(node), text)

    def replace_string(self, node: ast.Constant, value: str) -> Edit:
        """Give the string literal `node` the text `value`, keeping its quotes and prefix where it can."""
        text = self.segment(node)
        if text.count(node.value) == 1 and text[-1:] in ("'", '"') and value.isprintable() and text[-1] not in value:
            return self.replace(node, text.replace(node.value, value))
        return self.replace(node, repr(value))

    def rename_keyword(self, keyword: ast.keyword, name: str) -> Edit:
        """Rename the keyword argument `keyword` (`lr=0.1` -> `learning_rate=0.1`)."""
        line, col, _, _ = self.span(keyword)
        return Edit(line, col, line, col + len(keyword.arg), name)

    def rename_attribute(self, node: ast.Attribute, name: str) -> Edit:
        """Rename the last part of `node` (`model.fit_generator` -> `model.fit`)."""
        _, _, end_line, end_col = self.span(node)
        return Edit(end_line, end_col - len(node.attr), end_line, end_col, name)

    def drop_argument(self, call: ast.Call, argument: ast.AST) -> Edit:
        """Delete one argument of `call` and the comma that separates it from a neighbour on its line."""
        arguments = sorted([*call.args, *call.keywords], key=lambda a: (a.lineno, a.col_offset))
        index = arguments.index(argument)
        following = arguments[index + 1] if index + 1 < len(arguments) else None
        line, col, end_line, end_col = self.span(argument)
        if index > 0 and (following is None or following.lineno != end_line or arguments[index - 1].end_lineno == line):
            _, _, line, col = self.span(arguments[index - 1])  # ", decay=1e-6" goes
        elif following is not None:
            end_line, end_col, _, _ = self.span(following)  # "decay=1e-6, " goes
        return Edit(line, col, end_line, end_col, "")

    def insert_line_after(self, node: ast.stmt, text: str) -> Edit:
        """Insert the line `text` after the statement `node`, with the same indentation."""
        _, _, end_line, _ = self.span(node)
        end = len(self.lines[end_line - 1])
        indent = " " * self.column(node.lineno, node.col_offset)
        return Edit(end_line, end, end_line, end, f"\n{indent}{text}")


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Return `text` with `edits` applied (they must not overlap), keeping its line endings.

    Example:
        >>> apply_edits("a = f(x)\\r\\nb = g(y)", [Edit(1, 4, 1, 5, "h"), Edit(2, 8, 2, 8, "\\nc = 1")])
        'a = h(x)\\r\\nb = g(y)\\r\\nc = 1'
    """
    ends = list(_LINE_END.finditer(text))
    starts = [0] + [match.end() for match in ends]
    newline = ends[0].group() if ends else "\n"
    for edit in sorted(edits, reverse=True):
        start = starts[edit.line - 1] + edit.col
        end = starts[edit.end_line - 1] + edit.end_col
        text = text[:start] + edit.text.replace("\n", newline) + text[end:]
    return text


def overlapping(first: Edit, second: Edit) -> bool:
    """True when two edits touch the same text (two insertions at one place count as overlapping).

    Example:
        >>> overlapping(Edit(1, 0, 1, 4, "a"), Edit(1, 2, 1, 6, "b"))
        True
        >>> overlapping(Edit(1, 0, 1, 2, ""), Edit(1, 2, 1, 3, ""))
        False
    """
    a_start, a_end = (first.line, first.col), (first.end_line, first.end_col)
    b_start, b_end = (second.line, second.col), (second.end_line, second.end_col)
    if a_start == a_end == b_start == b_end:
        return first.text != second.text
    return a_start < b_end and b_start < a_end
