"""MkDocs hook: one API reference page per ``cifar_lab`` module, generated at build time.

Generating the pages (rather than committing one Markdown file per module) keeps the reference
complete by construction: a new module appears in the site without anyone editing the nav, and
the site builds whichever modules exist. Modules are found by file name, never imported, so
building the docs does not start TensorFlow; mkdocstrings reads the source statically.
"""

from __future__ import annotations

import ast
import pkgutil
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

PACKAGE = "cifar_lab"
REFERENCE_SECTION = "API reference"
# Some docstrings use reStructuredText conventions that Markdown shows literally: a role before a
# name (:func:`f`) and "Example::" before an indented block (which Markdown already shows as code).
RST_ROLE = re.compile(r":(?:func|data|class|mod|meth|attr|exc|obj):(?=<code>)")
RST_LITERAL_MARKER = re.compile(r"\b(Examples?)::</p>")


def api_modules(root: Path) -> list[str]:
    """Return the public module names of ``cifar_lab`` under ``root``, sorted.

    Example:
        >>> "cli" in api_modules(Path(__file__).resolve().parents[1])
        True
    """
    package_dir = root / PACKAGE
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(package_dir)])
        if not info.name.startswith("_")
    )


def module_summary(root: Path, name: str) -> str:
    """Return the first line of module ``name``'s docstring, read from source without importing it.

    Example:
        >>> module_summary(Path(__file__).resolve().parents[1], "cli")
        'The ``cifar-lab`` command line.'
    """
    path = root / PACKAGE / f"{name}.py"
    if not path.exists():  # a subpackage
        path = root / PACKAGE / name / "__init__.py"
    source = path.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source)) or ""
    return docstring.strip().splitlines()[0] if docstring.strip() else "(no module docstring yet)"


def _reference_index(root: Path) -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings of the `cifar_lab` package, one page per module. "
        "Every public function carries an example; `tests/test_docs.py` checks that.",
        "",
        "| Module | What it holds |",
        "| --- | --- |",
    ]
    for name in api_modules(root):
        lines.append(f"| [`{PACKAGE}.{name}`]({name}.md) | {module_summary(root, name)} |")
    return "\n".join(lines) + "\n"


def _repo_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    entries = [{name: f"reference/{name}.md"} for name in api_modules(_repo_root(config))]
    for item in config.nav:
        if isinstance(item, dict) and REFERENCE_SECTION in item:
            item[REFERENCE_SECTION].extend(entries)
            return config
    raise ValueError(
        f"mkdocs.yml has no {REFERENCE_SECTION!r} section in its nav; "
        f"add '- {REFERENCE_SECTION}: [reference/index.md]' so the module pages have a place."
    )


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = _repo_root(config)
    files.append(File.generated(config, "reference/index.md", content=_reference_index(root)))
    for name in api_modules(root):
        content = f"::: {PACKAGE}.{name}\n"
        files.append(File.generated(config, f"reference/{name}.md", content=content))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.startswith("reference/"):
        return html
    return RST_LITERAL_MARKER.sub(r"\1:</p>", RST_ROLE.sub("", html))
