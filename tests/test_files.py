"""Specification of cifar_lab.files: one atomic write for every writer, with ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from cifar_lab.errors import MissingFileError
from cifar_lab.files import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    remove_stale_temporaries,
    temporary_name,
)


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_are_readable_by_others_as_the_umask_allows(tmp_path, umask_022):
    for write in (
        lambda p: atomic_write_text(p, "x"),
        lambda p: atomic_write_json(p, {}),
        lambda p: atomic_write_bytes(p, b"x"),
    ):
        path = write(tmp_path / "out")
        assert mode(path) == 0o644


def test_a_restrictive_umask_is_respected(tmp_path):
    previous = os.umask(0o077)
    try:
        assert mode(atomic_write_text(tmp_path / "private", "x")) == 0o600
    finally:
        os.umask(previous)


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = atomic_write_text(tmp_path / "state.json", "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_writer_that_writes_nothing_is_an_error_and_replaces_nothing(tmp_path):
    target = atomic_write_text(tmp_path / "model.keras", "old")
    with pytest.raises(MissingFileError, match="Nothing was written"), atomic_path(target):
        pass
    assert target.read_text() == "old"


def test_the_parent_directory_is_created(tmp_path):
    assert atomic_write_text(tmp_path / "a" / "b" / "c.txt", "x").read_text() == "x"


def test_json_ends_with_a_newline_and_can_sort_keys(tmp_path):
    text = atomic_write_json(tmp_path / "m.json", {"b": 1, "a": 2}, sort_keys=True).read_text()
    assert text == '{\n  "a": 2,\n  "b": 1\n}\n'


def test_temporaries_of_dead_processes_are_swept_and_live_ones_kept(tmp_path):
    dead = tmp_path / ".model.keras.999999999.0123abcd.tmp.keras"
    dead.write_bytes(b"half")
    mine = temporary_name(tmp_path / "run_state.json")
    mine.write_text("being written")
    unrelated = tmp_path / ".hidden"
    unrelated.write_text("not ours")
    assert remove_stale_temporaries(tmp_path) == [dead]
    assert mine.exists() and unrelated.exists()
