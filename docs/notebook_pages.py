"""MkDocs hook: render executed course notebooks into the site, when there are any.

Point ``CIFAR_LAB_DOCS_NOTEBOOKS`` at a directory of executed notebooks, for example the
``runs/quick/notebooks/`` that ``make run`` writes, and each one becomes a page under "Executed
notebooks", with its code, printed output and figures. Without it the site has no such section and
builds as usual. The rendering is these few lines rather than nbconvert, which the course does not
depend on.

Example:
    $ CIFAR_LAB_DOCS_NOTEBOOKS=runs/quick/notebooks make docs
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ENV_VAR = "CIFAR_LAB_DOCS_NOTEBOOKS"
SECTION = "Executed notebooks"
PAGE_DIR = "notebooks"
# Terminal colour codes in tracebacks and Keras progress output.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Markdown a cell displays (the model card) links its figures relative to the run directory, which is
# not part of the site; the notebook shows those figures as outputs of their own anyway.
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
HEADING = re.compile(r"^(#{1,4}) ", re.MULTILINE)


def displayed_markdown(text: str) -> str:
    r"""Return Markdown a cell displayed, fit for the middle of a page: headings two levels down, figures as captions.

    Example:
        >>> displayed_markdown("# Card\n![Recall](recall.png)")
        '### Card\n*(figure: Recall)*'
    """
    return MARKDOWN_IMAGE.sub(r"*(figure: \1)*", HEADING.sub(r"\1## ", text))


def notebook_paths() -> list[Path]:
    """Return the executed notebooks to render: ``*.ipynb`` in ``$CIFAR_LAB_DOCS_NOTEBOOKS``, sorted.

    Example:
        >>> notebook_paths()  # with CIFAR_LAB_DOCS_NOTEBOOKS unset
        []
    """
    directory = os.environ.get(ENV_VAR)
    if not directory:
        return []
    path = Path(directory).expanduser()
    notebooks = sorted(path.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(
            f"{ENV_VAR}={directory!r} holds no .ipynb files. Point it at a directory of executed "
            f"notebooks (e.g. runs/quick/notebooks after `make run`), or unset it."
        )
    return notebooks


def fenced(text: str, language: str = "text") -> str:
    """Return ``text`` as a fenced code block whose fence is longer than any backtick run in it.

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
    """Return a notebook as Markdown and its PNG figures as ``{file name: bytes}``.

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
    pages = [{path.stem: f"{PAGE_DIR}/{path.stem}.md"} for path in notebook_paths()]
    if pages:
        config.nav.append({SECTION: pages})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in notebook_paths():
        markdown, images = render(nbformat.read(path, as_version=4), path.stem)
        files.append(File.generated(config, f"{PAGE_DIR}/{path.stem}.md", content=markdown))
        for name, png in images.items():
            files.append(File.generated(config, f"{PAGE_DIR}/{name}", content=png))
    return files
