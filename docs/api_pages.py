"""MkDocs hook: the API reference, one section per `cifar_lab` subpackage and one page per module.

Generating the pages (rather than committing one Markdown file per module) keeps the reference
complete by construction: a new module appears in the site without anyone editing the nav. Modules
are found by file name, never imported, so building the docs does not start TensorFlow;
mkdocstrings reads the source statically.

Each subpackage gets a page for its public face (its `__init__` docstring: what the notebooks use)
and one page per module below it; the top-level modules (errors, files, figures, ...) share a
section of their own.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

PACKAGE = "cifar_lab"
REFERENCE_SECTION = "API reference"
TOP_LEVEL = "top level"


def api_tree(root: Path) -> dict[str, list[str]]:
    """Return `{subpackage: [its modules]}`, plus `"top level": [modules of cifar_lab itself]`, sorted.

    Example:
        >>> tree = api_tree(Path(__file__).resolve().parents[1])
        >>> "loading" in tree["data"], "errors" in tree["top level"]
        (True, True)
    """
    tree: dict[str, list[str]] = {TOP_LEVEL: []}
    for info in sorted(pkgutil.iter_modules([str(root / PACKAGE)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        if info.ispkg:
            inner = pkgutil.iter_modules([str(root / PACKAGE / info.name)])
            tree[info.name] = sorted(i.name for i in inner if not i.name.startswith("_"))
        else:
            tree[TOP_LEVEL].append(info.name)
    return tree


def summary(root: Path, dotted: str) -> str:
    """Return the first line of a module's or subpackage's docstring, read without importing it.

    Example:
        >>> summary(Path(__file__).resolve().parents[1], "cifar_lab.errors").startswith("The errors")
        True
    """
    path = root.joinpath(*dotted.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return docstring.strip().splitlines()[0] if docstring.strip() else "(no docstring yet)"


def _page(subpackage: str, module: str | None) -> str:
    folder = "" if subpackage == TOP_LEVEL else f"{subpackage}/"
    return f"reference/{folder}{module or 'index'}.md"


def _dotted(subpackage: str, module: str | None) -> str:
    parts = [PACKAGE] + ([] if subpackage == TOP_LEVEL else [subpackage]) + ([module] if module else [])
    return ".".join(parts)


def _reference_index(root: Path) -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings of the `cifar_lab` package. Each subpackage's page is its public "
        "face: the names the notebooks import (`from cifar_lab.data import load_cifar10`). The modules "
        "below it are where those names live, and may change between versions.",
        "",
    ]
    for subpackage, modules in api_tree(root).items():
        if subpackage != TOP_LEVEL:
            face = _dotted(subpackage, None)
            lines += [f"## [`{face}`]({subpackage}/index.md)", "", summary(root, face), ""]
        else:
            lines += ["## Top level: what every subpackage shares", ""]
        lines += ["| Module | What it holds |", "| --- | --- |"]
        for module in modules:
            dotted = _dotted(subpackage, module)
            link = _page(subpackage, module).removeprefix("reference/")
            lines.append(f"| [`{dotted}`]({link}) | {summary(root, dotted)} |")
        lines.append("")
    return "\n".join(lines)


def _defines_anything(init: Path) -> bool:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    return any(
        isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") for node in tree.body
    )


def _repo_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    entries = []
    for subpackage, modules in api_tree(_repo_root(config)).items():
        pages = [{module: _page(subpackage, module)} for module in modules]
        if subpackage != TOP_LEVEL:
            pages.insert(0, {"overview": _page(subpackage, None)})
        entries.append({_dotted(subpackage, None) if subpackage != TOP_LEVEL else PACKAGE: pages})
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
    for subpackage, modules in api_tree(root).items():
        if subpackage != TOP_LEVEL:
            face = f"::: {_dotted(subpackage, None)}\n"
            if not _defines_anything(root / PACKAGE / subpackage / "__init__.py"):
                face += "    options:\n      members: false\n"  # its names are documented where they live
            files.append(File.generated(config, _page(subpackage, None), content=face))
        for module in modules:
            files.append(
                File.generated(config, _page(subpackage, module), content=f"::: {_dotted(subpackage, module)}\n")
            )
    return files
