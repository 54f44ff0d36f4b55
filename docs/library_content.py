"""MkDocs hook: write content the library owns into the pages, so the pages never restate it by hand.

A page puts a marker on a line of its own where the content belongs:

- ``<!-- presets-table -->``: the run presets, from ``cifar_lab.presets``;
- ``<!-- bibliography -->``: the works the model card cites, from ``cifar_lab.ethics.bibliography``.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PRESETS_MARKER = "<!-- presets-table -->"
BIBLIOGRAPHY_MARKER = "<!-- bibliography -->"


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


def bibliography() -> str:
    """Return ``BIBLIOGRAPHY`` as a Markdown list, in its (alphabetical) order.

    Example:
        >>> bibliography().splitlines()[0].startswith("- Birhane, A.")
        True
    """
    from cifar_lab.ethics.bibliography import BIBLIOGRAPHY

    return "\n".join(f"- {reference}" for reference in BIBLIOGRAPHY.values())


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if PRESETS_MARKER in markdown:
        markdown = markdown.replace(PRESETS_MARKER, presets_table())
    if BIBLIOGRAPHY_MARKER in markdown:
        markdown = markdown.replace(BIBLIOGRAPHY_MARKER, bibliography())
    return markdown
