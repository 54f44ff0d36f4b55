"""The inputs of `cifar-lab check`: which files a command line names, and reading them.

`expand_paths` turns the paths given (notebooks, `.py` files, folders) into the files to check;
`read_notebook` and `read_python_file` read one. Every path that cannot be checked raises
`CheckInputError` with a sentence saying what to do, before anything is checked, so the command
line exits 2 with that sentence rather than a traceback. Only regular files are read (a FIFO would
block forever, a link to `/dev/zero` never ends), and only up to a size: `MAX_FILE_BYTES` on disk
(a notebook's outputs can be large) and `MAX_CODE_BYTES` of code, far above any course notebook,
so that a huge file is refused with a sentence instead of exhausting the memory.

Example:
    >>> import pathlib, tempfile
    >>> script = pathlib.Path(tempfile.mkdtemp()) / "train.py"
    >>> _ = script.write_text("import keras\\n", encoding="utf-8")
    >>> [read_python_file(path) for path in expand_paths([script])]
    ['import keras\\n']
"""

from __future__ import annotations

import json
import os
import stat
import warnings
from collections.abc import Iterable
from pathlib import Path

from cifar_lab.errors import UsageError

_SKIPPED_DIRECTORIES = {".ipynb_checkpoints", "__pycache__", "site-packages", "node_modules"}
MAX_FILE_BYTES = 64 * 2**20  # a notebook with its outputs (images) on disk
MAX_CODE_BYTES = 2**20  # Python code: a .py file, or a notebook's code cells together (a course notebook: ~50 KB)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"))
_KINDS += ((stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


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
    for path in files:
        _check_file(path)
    return list(dict.fromkeys(files))  # a file named twice (or also inside a folder) is checked once


def _check_file(path: Path) -> None:
    """Refuse anything but a regular file of a readable size (a link is followed to what it names)."""
    try:
        status = os.stat(path)
    except OSError as error:
        raise CheckInputError(f"{path} cannot be read ({error.strerror}). Check its permissions.") from error
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a regular file")
        raise CheckInputError(
            f"{path} is {kind}, not a file saved on disk; the checker reads only regular files. "
            "Pass the notebook or .py file itself."
        )
    limit = MAX_FILE_BYTES if path.suffix == ".ipynb" else MAX_CODE_BYTES
    if status.st_size > limit:
        raise CheckInputError(_too_large(path, status.st_size, limit))


def _too_large(path: Path, size: int, limit: int) -> str:
    what = "notebook" if path.suffix == ".ipynb" else "Python file"
    hint = (
        "Clear its outputs (Edit > Clear All Outputs in Jupyter) and save it, or check the part you wrote."
        if path.suffix == ".ipynb"
        else "Check the part you wrote (a course script is a few KB)."
    )
    return f"{path} is {size / 2**20:.1f} MB; the checker reads a {what} of up to {limit // 2**20} MB. {hint}"


def _read_bytes(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of `path`, refusing more: the size on disk may grow, or lie (/proc)."""
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise CheckInputError(f"{path} cannot be read ({error.strerror}). Check its permissions.") from error
    if len(data) > limit:
        raise CheckInputError(_too_large(path, len(data), limit))
    return data


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

    _check_file(path)
    data = _read_bytes(path, MAX_FILE_BYTES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # old notebooks warn about missing cell ids
            notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # nbformat raises many kinds; each means "not a notebook"
        raise CheckInputError(
            f"{path} is not a readable Jupyter notebook ({error}). Open and save "
            "it again in Jupyter, or pass the .py file instead."
        ) from error
    _check_structure(path, notebook)
    language = notebook.metadata.get("kernelspec", {}).get("language", "python")
    if language != "python":
        raise CheckInputError(
            f"{path} is a {language} notebook; the checker reads Python code only. Pass a Python notebook."
        )
    code = sum(len(cell.source.encode("utf-8")) for cell in notebook.cells if cell.cell_type == "code")
    if code > MAX_CODE_BYTES:
        raise CheckInputError(
            f"{path} holds {code / 2**20:.1f} MB of code; the checker reads up to {MAX_CODE_BYTES // 2**20} MB. "
            "Check the notebooks one part at a time."
        )
    return notebook


def _check_structure(path: Path, notebook) -> None:
    """Refuse what nbformat reads without complaint but no notebook has (a source that is not text, ...)."""
    problem = None
    if not isinstance(notebook.metadata.get("kernelspec", {}), dict):
        problem = "its kernelspec is not a mapping"
    for number, cell in enumerate(notebook.cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            problem = problem or f"cell {number} has no cell type"
        elif not isinstance(cell.get("source"), str):
            problem = problem or f"cell {number}'s source is not text but {type(cell.get('source')).__name__}"
    if problem:
        raise CheckInputError(
            f"{path} is not a readable Jupyter notebook ({problem}). Open and save it again in Jupyter, "
            "or pass the .py file instead."
        )


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
    _check_file(path)
    data = _read_bytes(path, MAX_CODE_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CheckInputError(
            f"{path} cannot be read as UTF-8 text ({error}). Save it as UTF-8 and check it again."
        ) from error


def read_notebook_json(path: Path) -> tuple[str, dict]:
    """Return the text of the notebook at `path` and its JSON, for rewriting it cell by cell.

    The JSON keeps everything (outputs, metadata, cell ids) exactly as the file has it.

    Raises:
        CheckInputError: when the file is not a Python notebook in format 4 (Jupyter's since 2015).

    Example:
        >>> import nbformat, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "old.ipynb"
        >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import keras")]), path)
        >>> text, notebook = read_notebook_json(path)
        >>> notebook["cells"][0]["source"]
        ['import keras']
    """
    read_notebook(path)  # the same checks as for checking it: a readable Python notebook, of a readable size
    text = _read_bytes(path, MAX_FILE_BYTES).decode("utf-8")
    notebook = json.loads(text)
    if notebook.get("nbformat") != 4 or not isinstance(notebook.get("cells"), list):
        raise CheckInputError(
            f"{path} is a notebook in format {notebook.get('nbformat')}; --fix rewrites format 4 only. "
            "Open and save it in Jupyter (which converts it), then run --fix again."
        )
    return text, notebook
