"""MkDocs hook: the course notebooks as executed with the `ci` preset, one page each, figures included.

`make docs` first runs `cifar-lab run --preset ci` (a minute or two on synthetic data; a run already
done with the same notebooks, parameters and library is skipped), then builds the site. This hook
renders the executed notebooks of that run, `<runs home>/ci/notebooks/` (`runs/ci/notebooks/`, or
`$CIFAR_LAB_RUNS/ci/notebooks/`), as pages under "Executed notebooks", with their code, printed output
and figures (each PNG output a file of the site, shown with an `<img>`). When that run is missing or
incomplete the build warns, so the strict build of `make docs` fails rather than publish a site without
them. `CIFAR_LAB_DOCS_NOTEBOOKS` points the hook at another directory of executed notebooks instead
(for example `runs/quick/notebooks` after `make run`). The rendering is these few lines rather than
nbconvert, which the course does not depend on.

Example:
    $ make docs
    $ CIFAR_LAB_DOCS_NOTEBOOKS=runs/quick/notebooks .venv/bin/python -m mkdocs build --strict
"""

from __future__ import annotations

import base64
import logging
import os
import re
from pathlib import Path

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from cifar_lab.project import default_run_dir, notebooks_dir

ENV_VAR = "CIFAR_LAB_DOCS_NOTEBOOKS"
PRESET = "ci"
SECTION = "Executed notebooks"
PAGE_DIR = "notebooks"
LOG = logging.getLogger("mkdocs.hooks.notebook_pages")
# Terminal colour codes in tracebacks and Keras progress output.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Markdown a cell displays (the model card) links its figures relative to the run directory, which is
# not part of the site; the notebook shows those figures as outputs of their own anyway.
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
HEADING = re.compile(r"^(#{1,4}) ", re.MULTILINE)
# The notebooks this build renders, found once by on_config (which warns) and read again by on_files.
_found: list[Path] = []


def displayed_markdown(text: str) -> str:
    r"""Return Markdown a cell displayed, fit for the middle of a page: headings two levels down, figures as captions.

    Example:
        >>> displayed_markdown("# Card\n![Recall](recall.png)")
        '### Card\n*(figure: Recall)*'
    """
    return MARKDOWN_IMAGE.sub(r"*(figure: \1)*", HEADING.sub(r"\1## ", text))


def notebook_paths() -> list[Path]:
    """Return the executed notebooks to render, sorted: those in `$CIFAR_LAB_DOCS_NOTEBOOKS`, else the
    `ci` run's; warns (failing a strict build) when the `ci` run lacks a course notebook.

    Raises:
        ValueError: `$CIFAR_LAB_DOCS_NOTEBOOKS` names a directory without notebooks.

    Example:
        >>> [path.name for path in notebook_paths()][:1]  # after `make docs`
        ['01_data.ipynb']
    """
    directory = os.environ.get(ENV_VAR)
    if directory:
        notebooks = sorted(Path(directory).expanduser().glob("*.ipynb"))
        if not notebooks:
            raise ValueError(
                f"{ENV_VAR}={directory!r} holds no .ipynb files. Point it at a directory of executed "
                f"notebooks (e.g. runs/quick/notebooks after `make run`), or unset it to show the ci run's."
            )
        return notebooks
    executed = default_run_dir(PRESET) / "notebooks"
    course = sorted(path.name for path in notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    missing = [name for name in course if not (executed / name).is_file()]
    if missing:
        LOG.warning(
            f"The executed notebooks are missing from {executed}: {', '.join(missing)}. Run `make docs`, "
            f"which executes them (`cifar-lab run --preset {PRESET}`) before it builds the site."
        )
    return [executed / name for name in course if name not in missing]


def fenced(text: str, language: str = "text") -> str:
    """Return `text` as a fenced code block whose fence is longer than any backtick run in it.

    Example:
        >>> print(fenced("x = 1", "python"))
        ```python
        x = 1
        ```
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def render(notebook: nbformat.NotebookNode, stem: str) -> tuple[str, dict[str, bytes]]:
    """Return a notebook as Markdown and its PNG figures as `{file name: bytes}`.

    Example:
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
        >>> render(nb, "00_demo")[0].splitlines()[-1]
        '# Hi'
    """
    parts = [f"*The executed notebook `{stem}.ipynb`, outputs included.*"]
    images: dict[str, bytes] = {}
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        if cell.cell_type != "code":
            continue
        if cell.source.strip():
            parts.append(fenced(cell.source, "python"))
        for index, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if output.output_type == "stream":
                parts.append(fenced(ANSI_ESCAPE.sub("", output.text)))
            elif output.output_type == "error":
                parts.append(fenced(ANSI_ESCAPE.sub("", "\n".join(output.traceback))))
            elif "text/markdown" in data:
                parts.append(displayed_markdown(data["text/markdown"]))
            elif "image/png" in data:
                name = f"{stem}_cell{number:02d}_{index}.png"
                images[name] = base64.b64decode(data["image/png"])
                parts.append(f"![output of cell {number}]({name})")
            elif "text/plain" in data:
                parts.append(fenced(data["text/plain"]))
    return "\n\n".join(parts) + "\n", images


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _found[:] = notebook_paths()
    if _found:
        config.nav.append({SECTION: [{path.stem: f"{PAGE_DIR}/{path.stem}.md"} for path in _found]})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in _found:
        markdown, images = render(nbformat.read(path, as_version=4), path.stem)
        files.append(File.generated(config, f"{PAGE_DIR}/{path.stem}.md", content=markdown))
        for name, png in images.items():
            files.append(File.generated(config, f"{PAGE_DIR}/{name}", content=png))
    return files
