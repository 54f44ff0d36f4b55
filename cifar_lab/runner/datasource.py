"""Settling, before the first notebook runs, which images a run will use, and saying so.

`data="auto"` falls back to synthetic data when CIFAR-10 is not on the machine and cannot be
downloaded. Found out inside the first notebook, that costs a whole run before anyone notices; so
`cifar-lab run` settles the data first: it names the files it found, or downloads them (with a progress
bar) into the data home, or says at once, in its first lines, that this run will be on SYNTHETIC data
and how to use CIFAR-10 instead.

Example:
    >>> prepare_data("synthetic", say=print)
    data: synthetic (the offline stand-in, not CIFAR-10), as asked
"""

from __future__ import annotations

from collections.abc import Callable

from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE, DATA_ENV
from cifar_lab.data.download import ChecksumError, DownloadError, download
from cifar_lab.data.loading import default_data_home, locate_cifar10

FIX = (
    f"To use CIFAR-10, download {CIFAR10_ARCHIVE.url} (a browser works) and run again with "
    f"{DATA_ENV}=/path/to/{CIFAR10_ARCHIVE.name} (for example: {DATA_ENV}=~/Downloads/{CIFAR10_ARCHIVE.name} "
    "make run); the notebooks done on synthetic data then run again by themselves."
)


def prepare_data(data: str, *, say: Callable[[str], None] = print) -> None:
    """Make sure the files `data` names are on this machine before the notebooks run; say which they are.

    Raises:
        DownloadError: `data="cifar10"` and the download failed (`"auto"` warns and goes on, on synthetic data).
        ChecksumError: `data="cifar10"` and the downloaded bytes were not the published ones.
        StorageError: the download could not be saved (a full disk, an unwritable data home): never a fallback.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp()) / "cifar-10-batches-py"
        >>> folder.mkdir()
        >>> prepare_data(str(folder), say=print)  # doctest: +ELLIPSIS
        data: .../cifar-10-batches-py
    """
    if data == "synthetic":
        say("data: synthetic (the offline stand-in, not CIFAR-10), as asked")
        return
    found = locate_cifar10(data)
    if found is not None:
        say(f"data: {found}")
        return
    say(f"data: CIFAR-10 is not on this machine yet; downloading it into {default_data_home()} ...")
    try:
        path = download(CIFAR10_ARCHIVE, default_data_home())
    except (DownloadError, ChecksumError) as error:
        if data == "cifar10":
            raise
        say(f"WARNING: this run will use SYNTHETIC data, so its figures say nothing about CIFAR-10. {error} {FIX}")
        return
    say(f"data: {path} (downloaded and verified)")
