"""The inputs of `cifar-lab check`: which files a command line names, and reading them.

`expand_paths` turns the paths given (notebooks, `.py` files, folders) into the files to check;
`read_notebook` and `read_python_file` read one. Every path that cannot be checked raises
`CheckInputError` with a sentence saying what to do, before anything is checked, so the command
line exits 2 with that sentence rather than a traceback.

Example:
    >>> import pathlib, tempfile
    >>> script = pathlib.Path(tempfile.mkdtemp()) / "train.py"
    >>> _ = script.write_text("import keras\\n", encoding="utf-8")
    >>> [read_python_file(path) for path in expand_paths([script])]
    ['import keras\\n']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from cifar_lab.errors import UsageError

_SKIPPED_DIRECTORIES = {".ipynb_checkpoints", "__pycache__", "site-packages", "node_modules"}


class CheckInputError(UsageError):
    """A path the checker cannot read: missing, not a notebook or `.py` file, or malformed.

    Example:
        >>> try:
        ...     expand_paths(["no_such_notebook.ipynb"])
        ... except CheckInputError as error:
        ...     print(error)
        no_such_notebook.ipynb does not exist. Check the spelling, or pass the folder to check every notebook in it.
    """


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the notebooks and `.py` files named by `paths`, directories searched recursively.

    In a directory, hidden files and folders and `.ipynb_checkpoints`, `__pycache__`,
    `site-packages` and `node_modules` are skipped; a file named twice is returned once.

    Raises:
        CheckInputError: for a missing path, a file of another kind, or a directory holding
            nothing to check, before anything is checked.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("train.py", "01_data.ipynb", "notes.txt", ".ipynb_checkpoints/01_data-checkpoint.ipynb"):
        ...     (folder / name).parent.mkdir(exist_ok=True)
        ...     _ = (folder / name).write_text("{}")
        >>> [path.name for path in expand_paths([folder, folder / "train.py"])]
        ['01_data.ipynb', 'train.py']
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in (".ipynb", ".py")
                and p.is_file()
                and not _SKIPPED_DIRECTORIES & set(p.relative_to(path).parts[:-1])
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise CheckInputError(
                    f"{path} holds no .ipynb notebook or .py file to check. "
                    "Pass the notebook itself, or the folder that holds it."
                )
            files.extend(found)
        elif not path.exists():
            raise CheckInputError(
                f"{path} does not exist. Check the spelling, or pass the folder to check every notebook in it."
            )
        elif path.suffix not in (".ipynb", ".py"):
            raise CheckInputError(
                f"{path} is not a notebook (.ipynb) or a Python file (.py), the "
                "only kinds the checker reads. Pass the notebook itself."
            )
        else:
            files.append(path)
    return list(dict.fromkeys(files))  # a file named twice (or also inside a folder) is checked once


def read_notebook(path: Path):
    """Return the Jupyter notebook at `path` as an nbformat version 4 notebook.

    Raises:
        CheckInputError: when the file is not a readable notebook, or is a notebook of another
            language than Python.

    Example:
        >>> import nbformat, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "old.ipynb"
        >>> cells = [nbformat.v4.new_markdown_cell("# CIFAR-10"), nbformat.v4.new_code_cell("import keras")]
        >>> nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        >>> [cell.cell_type for cell in read_notebook(path).cells]
        ['markdown', 'code']
    """
    import nbformat  # imported here: only notebooks need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # old notebooks warn about missing cell ids
            notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises many kinds; each means "not a notebook"
        raise CheckInputError(
            f"{path} is not a readable Jupyter notebook ({error}). Open and save "
            "it again in Jupyter, or pass the .py file instead."
        ) from error
    language = notebook.metadata.get("kernelspec", {}).get("language", "python")
    if language != "python":
        raise CheckInputError(
            f"{path} is a {language} notebook; the checker reads Python code only. Pass a Python notebook."
        )
    return notebook


def read_python_file(path: Path) -> str:
    """Return the text of the `.py` file at `path`.

    Raises:
        CheckInputError: when the file cannot be read or is not UTF-8 text.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "latin1.py"
        >>> _ = path.write_bytes(b"x = '\\xe9'\\n")
        >>> try:
        ...     read_python_file(path)
        ... except CheckInputError as error:
        ...     print("error:", error)
        error: ...latin1.py cannot be read as UTF-8 text (...). Save it as UTF-8 and check it again.
    """
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckInputError(
            f"{path} cannot be read as UTF-8 text ({error}). Save it as UTF-8 and check it again."
        ) from error
