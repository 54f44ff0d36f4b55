"""A run directory's lock and resume record: one `cifar-lab run` at a time, and no record ever lost.

`lock_run_dir` holds an exclusive lock on `run_dir/.cifar-lab.lock` for as long as a run executes, so
a second run on the same directory stops at once instead of repeating the work and overwriting the
first one's records. The lock is the operating system's (`flock` on POSIX, `msvcrt.locking` on
Windows), released when its process ends however it ends, so the lock of a killed run is simply
taken over; the file itself only names the holder's pid for the message.

`run_state.json` is changed by reading it again, updating one notebook's record and replacing the file
atomically (`record_notebook`), all under the lock. A corrupt record stops the run with one line
naming the file and `--force`; with `--force` it is moved aside and the run starts afresh.

Example:
    >>> import tempfile
    >>> run_dir = Path(tempfile.mkdtemp())
    >>> with lock_run_dir(run_dir):
    ...     record_notebook(run_dir, "01_data", {"status": "done"})
    ...     read_state(run_dir)
    {'notebooks': {'01_data': {'status': 'done'}}}
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cifar_lab.errors import CifarLabError
from cifar_lab.files import atomic_write_json
from cifar_lab.rundir import RunDir

LOCK_FILE = ".cifar-lab.lock"


class RunDirLockedError(CifarLabError, RuntimeError):
    """Another process is running notebooks into the same run directory."""


class RunDirError(CifarLabError, OSError):
    """The run directory could not be written mid-run: the disk is full, it became read-only, a part is a file."""

    @classmethod
    def from_os_error(cls, run_dir: Path, error: OSError) -> RunDirError:
        """The one-line error for `error`, met while writing into `run_dir`.

        Example:
            >>> print(RunDirError.from_os_error(Path("runs/ci"), OSError(errno.ENOSPC, "No space left", "runs/ci/x")))
            Cannot write runs/ci/x: the disk is full. Free some space, then run the same command again to resume.
        """
        what = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only"}.get(
            error.errno, error.strerror or str(error)
        )
        where = error.filename or run_dir
        fix = "Free some space" if error.errno == errno.ENOSPC else f"Fix {run_dir} or pass another --run-dir"
        return cls(error.errno, f"Cannot write {where}: {what}. {fix}, then run the same command again to resume.")

    def __str__(self) -> str:
        return str(self.strerror)


class RunStateError(CifarLabError, ValueError):
    """`run_state.json` is not a resume record cifar-lab can read."""


def _try_lock(descriptor: int) -> bool:
    """Take the exclusive lock on an open file without waiting; False when someone else holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _open_lock_file(path: Path) -> int:
    """Open the lock file without following a link planted there (writing the pid must never truncate its target)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags, 0o666)
    except OSError:
        if not path.is_symlink():
            raise
        path.unlink()  # the link, not what it points to
        return os.open(path, flags, 0o666)


@contextlib.contextmanager
def lock_run_dir(run_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold `run_dir`'s lock for the block (the folder is created if needed); yield the lock file.

    Raises:
        RunDirLockedError: another live process holds it; the message names its pid.

    Example:
        >>> import tempfile
        >>> run_dir = tempfile.mkdtemp()
        >>> with lock_run_dir(run_dir) as lock:
        ...     lock.read_text() == str(os.getpid())
        True
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOCK_FILE
    descriptor = _open_lock_file(path)
    try:
        if not _try_lock(descriptor):
            holder = os.read(descriptor, 32).decode("ascii", "replace").strip() or "unknown"
            raise RunDirLockedError(
                f"Another cifar-lab run (pid {holder}) is running notebooks into {run_dir}. Wait for it to "
                f"finish or stop it (kill {holder}), or pass another --run-dir."
            )
        os.ftruncate(descriptor, 0)
        os.lseek(descriptor, 0, os.SEEK_SET)
        os.write(descriptor, str(os.getpid()).encode())
        yield path
    finally:
        os.close(descriptor)  # releases the lock; the file stays, so no second lock can start on a new inode


def read_state(run_dir: str | os.PathLike[str], *, force: bool = False, say: Callable[[str], None] = print) -> dict:
    """Return `run_dir`'s resume record (`{"notebooks": {stem: record}}`), empty when there is none.

    Raises:
        RunStateError: the file is not a resume record and `force` is False. With `force`, it is moved
            aside to `run_state.json.corrupt-<time>` (kept for a look), `say` is told, and the record is empty.

    Example:
        >>> import tempfile
        >>> run_dir = Path(tempfile.mkdtemp())
        >>> _ = (run_dir / "run_state.json").write_text("{not json")
        >>> read_state(run_dir)
        Traceback (most recent call last):
        ...
        cifar_lab.runner.state.RunStateError: .../run_state.json is not a cifar-lab resume record ...
    """
    path = RunDir(run_dir).state_file
    if not path.exists():
        return {"notebooks": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        state, problem = None, str(error)
    else:
        problem = _problem(state)
    if problem is None:
        return state
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
    if not force:
        raise RunStateError(
            f"{path} is not a cifar-lab resume record ({problem}). Pass --force to move it aside to "
            f"{aside.name} and run every notebook again."
        )
    os.replace(path, aside)
    say(f"{path} was not a readable resume record; moved aside to {aside.name}, every notebook runs again")
    return {"notebooks": {}}


def _problem(state: Any) -> str | None:
    """What makes `state` no resume record, or None."""
    if not isinstance(state, dict) or not isinstance(state.get("notebooks"), dict):
        return "it holds no 'notebooks' record"
    if not all(isinstance(record, dict) for record in state["notebooks"].values()):
        return "a notebook's record is not an object"
    return None


def record_notebook(run_dir: str | os.PathLike[str], stem: str, record: dict[str, Any]) -> None:
    """Set notebook `stem`'s record in `run_dir`'s resume record, keeping every other record (call under the lock).

    The file is read again just before the change and replaced atomically, so what another notebook or
    an earlier run recorded is never lost, and a kill mid-write leaves the previous file.

    Example:
        >>> import tempfile
        >>> run_dir = Path(tempfile.mkdtemp())
        >>> record_notebook(run_dir, "01_data", {"status": "done"})
        >>> record_notebook(run_dir, "02_baseline_cnn", {"status": "failed"})
        >>> sorted(read_state(run_dir)["notebooks"])
        ['01_data', '02_baseline_cnn']
    """
    state = read_state(run_dir, force=True, say=lambda line: None)
    state["notebooks"][stem] = record
    atomic_write_json(RunDir(run_dir).state_file, state, sort_keys=True)
