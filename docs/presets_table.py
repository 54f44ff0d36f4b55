"""MkDocs hook: write the table of run presets into the pages from ``cifar_lab.presets`` itself.

A page puts the marker ``<!-- presets-table -->`` on a line of its own where the table belongs. The
presets are the values most likely to change, so the pages never restate them by hand.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARKER = "<!-- presets-table -->"


def _cell(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"`{value}`"


def presets_table() -> str:
    """Return ``PRESETS`` (one column per preset) and each preset's cell time limit as a Markdown table.

    Example:
        >>> presets_table().splitlines()[0]
        '| Parameter | `ci` | `quick` | `full` |'
    """
    from cifar_lab.presets import CELL_TIMEOUT_S, PRESETS

    names = list(PRESETS)
    parameters = list(PRESETS[names[0]])
    lines = [
        "| Parameter | " + " | ".join(f"`{name}`" for name in names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for parameter in parameters:
        lines.append(f"| `{parameter}` | " + " | ".join(_cell(PRESETS[n][parameter]) for n in names) + " |")
    lines.append("| time limit per cell (s) | " + " | ".join(_cell(CELL_TIMEOUT_S[n]) for n in names) + " |")
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return markdown.replace(MARKER, presets_table()) if MARKER in markdown else markdown
