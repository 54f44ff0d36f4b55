"""Writing files atomically: the one way every cifar-lab writer puts a file in place.

A file is written under a temporary name in its destination directory, flushed to disk (`fsync`),
then moved over the final name with `os.replace`, which is atomic on POSIX and Windows. A crash,
a kill or an error mid-write never leaves a half-written file where a complete one belongs: the
previous file, or none, stays in place, and the temporary file is removed on any failure.

One permission policy: files are created like any other file the user makes (mode 0666 less the
umask, usually 0644), never owner-only, so a run directory or data home shared by a class stays
readable by it.

Temporary names are `.<name>.<pid>.<random>.tmp<suffix>`. A process killed mid-write cannot clean
up after itself; `remove_stale_temporaries` removes the temporary files of processes that no
longer run.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write_json(folder / "state.json", {"epochs_completed": 3})
    PosixPath('...state.json')
    >>> (folder / "state.json").read_text()
    '{\\n  "epochs_completed": 3\\n}\\n'
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_TEMPORARY = re.compile(r"^\..+\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp")


def temporary_name(path: str | os.PathLike[str], suffix: str = "") -> Path:
    """Return a fresh temporary path next to `path`, named so `remove_stale_temporaries` knows it.

    Example:
        >>> temporary_name("runs/ci/model.keras", suffix=".keras").name.startswith(".model.keras.")
        True
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp{suffix}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to `path`; when the block succeeds, move the file written there onto `path`.

    The temporary path does not exist yet: the block creates it (for writers that insist on making
    the file themselves, such as Keras and matplotlib). `suffix` ends the temporary name, for writers
    that require an extension (Keras wants `.keras` and `.weights.h5`). The parent directory is
    created when missing.

    Raises:
        MissingFileError: the block finished without writing the temporary file.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> with atomic_path(target) as tmp:
        ...     _ = tmp.write_text("done")
        >>> target.read_text()
        'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path, suffix)
    try:
        yield tmp
        if not tmp.is_file():
            from cifar_lab.errors import MissingFileError

            raise MissingFileError(
                f"Nothing was written to {tmp} for {path}; the writer must create the file it is given."
            )
        move_into_place(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def move_into_place(written: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Flush the complete file `written` to disk and rename it onto `path` (same directory), atomically.

    For writers that manage their own temporary file (papermill writes a notebook as it runs).

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / ".report.partial").write_text("all cells ran")
        >>> move_into_place(folder / ".report.partial", folder / "report.ipynb").read_text()
        'all cells ran'
    """
    path = Path(path)
    _fsync(Path(written))
    os.replace(written, path)
    _fsync_directory(path.parent)
    return path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` atomically and return `path`.

    Example:
        >>> import tempfile
        >>> atomic_write_bytes(Path(tempfile.mkdtemp()) / "x.bin", b"\\x00\\x01").stat().st_size
        2
    """
    with atomic_path(path) as tmp, open(tmp, "xb") as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` (UTF-8) to `path` atomically and return `path`.

    Example:
        >>> import tempfile
        >>> atomic_write_text(Path(tempfile.mkdtemp()) / "card.md", "# Model card\\n").read_text()
        '# Model card\\n'
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], payload: Any, *, sort_keys: bool = False) -> Path:
    """Write `payload` as indented JSON (with a final newline) to `path` atomically and return `path`.

    Example:
        >>> import tempfile
        >>> atomic_write_json(Path(tempfile.mkdtemp()) / "m.json", {"b": 1, "a": 2}, sort_keys=True).read_text()
        '{\\n  "a": 2,\\n  "b": 1\\n}\\n'
    """
    return atomic_write_text(path, json.dumps(payload, indent=2, sort_keys=sort_keys) + "\n")


def remove_stale_temporaries(directory: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files in `directory` left by writers whose process no longer runs.

    Temporary files of running processes (this one included) are kept: they may be mid-write.
    Returns the paths removed.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / ".model.keras.999999999.0123abcd.tmp.keras").write_bytes(b"half")
        >>> [p.name for p in remove_stale_temporaries(folder)]
        ['.model.keras.999999999.0123abcd.tmp.keras']
    """
    removed = []
    directory = Path(directory)
    if not directory.is_dir():
        return removed
    for candidate in directory.iterdir():
        match = _TEMPORARY.match(candidate.name)
        if match and candidate.is_file() and not candidate.is_symlink() and not process_running(int(match["pid"])):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def process_running(pid: int) -> bool:
    """True unless process `pid` is known to have ended (another user's process, or one we cannot ask about, counts).

    Example:
        >>> process_running(os.getpid()), process_running(999_999_999)
        (True, False)
    """
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a pid we cannot ask about: leave its file alone
    return True


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a directory, and needs no such step.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
