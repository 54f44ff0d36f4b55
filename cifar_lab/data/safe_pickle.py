"""Unpickling CIFAR-10 batch files without letting them run code.

The official CIFAR-10 "python version" files are pickles, and unpickling an arbitrary pickle can run
arbitrary code. A batch file only ever needs plain containers (dict, list, bytes, str, int) and numpy
array reconstruction (`numpy.ndarray` only as numpy's own pickles use it, never called), so
`load_batch_pickle` resolves exactly those globals and refuses every other one before anything is
called. When a file fails to unpickle, `bytes_needed` tells a truncated file (a cut-off download)
from a damaged one.

Example:
    >>> import io, pickle, numpy as np
    >>> blob = pickle.dumps({b"labels": [3, 8]}, protocol=2)
    >>> load_batch_pickle(io.BytesIO(blob), name="data_batch_1")
    {b'labels': [3, 8]}
"""

from __future__ import annotations

import codecs
import io
import pickle
from typing import IO, Any

import numpy as np

from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
from cifar_lab.errors import CifarLabError

# The array-reconstruction function numpy itself pickles with; files written by numpy 1.x name it
# numpy.core.multiarray, numpy 2.x writes numpy._core.multiarray. Taken from numpy's own __reduce__
# so no deprecated module is imported.
_RECONSTRUCT = np.ndarray.__reduce__(np.empty(0))[0]


class UnsafePickleError(CifarLabError, pickle.UnpicklingError):
    """A batch file asked for something other than plain containers and numpy arrays."""


class _Refused(Exception):
    """Why a global, or a call of one, is refused; `load_batch_pickle` names the file."""


class _ArrayClass:
    """What `numpy.ndarray` stands for in a batch file: an argument of `_reconstruct`, never a call.

    Called, `numpy.ndarray(shape, dtype, buffer, offset, strides)` makes a view of a buffer with
    strides of its own (a 3 KB buffer seen as gigabytes with stride 0); numpy's own pickles never call it.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        raise _Refused("it calls numpy.ndarray directly (a view of a buffer with strides of its own)")


_ARRAY_CLASS = _ArrayClass()


def _reconstruct(cls: Any, shape: Any, dtype: Any) -> np.ndarray:
    """numpy's `_reconstruct` as numpy pickles an array: an empty one, filled by its state (whose size numpy checks)."""
    if cls is not _ARRAY_CLASS or shape != (0,):
        raise _Refused(f"it calls numpy's _reconstruct with ({type(cls).__name__}, {str(shape)[:40]}), not an array")
    return _RECONSTRUCT(np.ndarray, shape, dtype)


def _frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any) -> np.ndarray:
    """numpy's `_frombuffer`, as numpy pickles an array at protocol 5: the bytes that are there, reshaped."""
    plain = isinstance(dtype, np.dtype) and not dtype.hasobject and isinstance(shape, tuple) and order in ("C", "F")
    if not (plain and isinstance(buffer, bytes | bytearray)):
        raise _Refused("it calls numpy's _frombuffer with something other than an array's bytes")
    return np.frombuffer(buffer, dtype=dtype).reshape(shape, order=order)


def _latin1_encode(text: str, encoding: str = "latin1") -> bytes:
    """`_codecs.encode` as Python 3 pickles bytes at protocol 2, limited to that one codec."""
    if not isinstance(text, str) or codecs.lookup(encoding).name != "iso8859-1":
        raise _Refused(f"codec {str(encoding)[:20]!r} is not allowed (only latin1 is)")
    return text.encode("latin1")


def _empty_bytes(*args: Any) -> bytes:
    """`bytes()`, which is how Python 3 pickles `b""` at protocol 2; with arguments it could allocate anything."""
    if args:
        raise _Refused("it calls bytes() with arguments, which pickles of b'' never do")
    return b""


_ALLOWED_GLOBALS: dict[tuple[str, str], Any] = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,  # protocol 5, Python 3.14's default
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): _ARRAY_CLASS,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
    ("__builtin__", "bytes"): _empty_bytes,  # protocol 2 names builtins the Python 2 way
    ("builtins", "bytes"): _empty_bytes,
}


class _BatchUnpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], name: str) -> None:
        # encoding="bytes" keeps Python 2 strings (the official files' keys) as bytes, as Keras does.
        super().__init__(file, encoding="bytes")
        self._name = name

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise _Refused(f"it asks to load {module}.{name}") from None

    def persistent_load(self, pid: Any) -> Any:
        raise _Refused("it uses persistent ids, which CIFAR-10 batch files never do")


def load_batch_pickle(file: IO[bytes], *, name: str) -> Any:
    """Unpickle one CIFAR-10 batch or meta file from `file`, allowing only numpy arrays and containers.

    `name` is how the file is named in error messages. Raises `UnsafePickleError` for any
    other global (nothing is called), for `numpy.ndarray` called directly (an array with strides of its
    own, such as stride 0) and for `bytes()` with arguments; `pickle.UnpicklingError` for a damaged stream.

    Example:
        >>> import io, pickle
        >>> load_batch_pickle(io.BytesIO(pickle.dumps([1, 2], protocol=2)), name="x")
        [1, 2]
    """
    try:
        return _BatchUnpickler(file, name).load()
    except _Refused as refused:
        raise UnsafePickleError(
            f"{name} is not a CIFAR-10 batch file: {refused}, and only numpy arrays and plain containers are "
            f"allowed, so nothing in it was run. Replace it with a copy from the official archive "
            f"({CIFAR10_ARCHIVE.url})."
        ) from None


def bytes_needed(file: IO[bytes], *, name: str) -> int | None:
    """Replay a failed unpickle of `file`, returning how many bytes it needed, or None if no read came up short.

    The read that came up short is noted, where it began and what it asked: its end is a lower bound
    on the size of the complete file. `name` is how the file is named in error messages.

    Example:
        >>> import io, pickle
        >>> blob = pickle.dumps({b"data": bytes(3072), b"labels": [3]}, protocol=2)
        >>> bytes_needed(io.BytesIO(blob[:1000]), name="data_batch_1"), len(blob)
        (3133, 3174)
        >>> bytes_needed(io.BytesIO(b"not a pickle"), name="data_batch_1") is None
        True
    """

    class ShortReadRecorder(io.RawIOBase):
        short_read_end: int | None = None

        def __init__(self, file: IO[bytes]) -> None:
            self.file, self.position = file, 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            chunk = self.file.read(n)
            if 0 <= len(chunk) < n and self.short_read_end is None:
                self.short_read_end = self.position + n
            self.position += len(chunk)
            return chunk

        def readline(self, size: int | None = -1) -> bytes:
            line = self.file.readline(size)
            self.position += len(line)
            return line

    recorder = ShortReadRecorder(file)
    try:
        load_batch_pickle(recorder, name=name)
    except Exception:
        pass
    return recorder.short_read_end
