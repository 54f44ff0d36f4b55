"""Griffe extension: read the project's ``Example:`` docstring sections as examples, like ``Examples:``.

The project writes "Example:" (singular) above doctests. Griffe's Google-style parser recognises only
"Examples:" as an examples section; any other title becomes a Markdown admonition, where ``>>>`` lines
turn into nested block quotes and subscripts such as ``d["loss"]`` into broken cross-references.
mkdocstrings loads this extension (see ``mkdocs.yml``) and renames the section before parsing.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

SINGULAR_TITLE = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename every ``Example:`` section title to ``Examples:`` in the docstrings griffe loads.

    Example:
        >>> SINGULAR_TITLE.sub(r"\\1Examples:", "Sum.\\n\\nExample:\\n    >>> 1 + 1\\n    2")
        'Sum.\\n\\nExamples:\\n    >>> 1 + 1\\n    2'
    """

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = SINGULAR_TITLE.sub(r"\1Examples:", obj.docstring.value)
