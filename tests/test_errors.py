"""Specification of cifar_lab.errors: one base class, subclasses that callers can also catch as built-ins."""

from __future__ import annotations

import pickle

import pytest

from cifar_lab.check import CheckInputError
from cifar_lab.data import ChecksumError, CifarFormatError, DownloadError, UnsafePickleError
from cifar_lab.errors import CifarLabError, MissingFileError, UsageError, WrongTypeError, did_you_mean
from cifar_lab.runner import ParameterError
from cifar_lab.runner.execution import NotebookFailed
from cifar_lab.runner.state import RunDirError, RunDirLockedError, RunStateError
from cifar_lab.train.checkpoint import CorruptCheckpointError


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (UsageError, ValueError),
        (WrongTypeError, TypeError),
        (MissingFileError, FileNotFoundError),
        (ParameterError, ValueError),
        (CifarFormatError, ValueError),
        (UnsafePickleError, pickle.UnpicklingError),
        (DownloadError, OSError),
        (ChecksumError, ValueError),
        (CheckInputError, ValueError),
        (NotebookFailed, RuntimeError),
        (RunDirLockedError, RuntimeError),
        (RunStateError, ValueError),
        (RunDirError, OSError),
        (CorruptCheckpointError, ValueError),
    ],
)
def test_every_error_is_a_cifar_lab_error_and_the_builtin_callers_expect(error, builtin):
    assert issubclass(error, CifarLabError) and issubclass(error, builtin)


def test_suggestions_name_the_closest_valid_name_only_when_close():
    assert did_you_mean("synthtic", ["auto", "synthetic"]) == " Did you mean 'synthetic'?"
    assert did_you_mean("mnist", ["auto", "synthetic"]) == ""
