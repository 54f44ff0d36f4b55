"""Specification of a run directory's lock and resume record (cifar_lab.runner.state), and of the run's
one-line errors when the directory fails it; none of these tests starts a kernel."""

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cifar_lab.cli import main
from cifar_lab.rundir import STATE_FILE
from cifar_lab.runner import run as runner_run
from cifar_lab.runner import state as run_state
from cifar_lab.runner.state import LOCK_FILE, RunDirLockedError, lock_run_dir, read_state, record_notebook

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

HOLD_THE_LOCK = textwrap.dedent(
    """
    import sys, time
    from cifar_lab.runner.state import lock_run_dir
    with lock_run_dir(sys.argv[1]):
        print("held", flush=True)
        time.sleep(120)
    """
)


def cli_run(run_dir, *args):
    return main(["run", "--preset", "ci", "--notebooks-dir", str(FIXTURES), "--run-dir", str(run_dir), *args])


def one_error_line(capsys):
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("cifar-lab run: error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def held(tmp_path):
    """Another process holding `tmp_path / "run"`'s lock, as a second `cifar-lab run` would."""
    process = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(tmp_path / "run")], stdout=subprocess.PIPE)
    assert process.stdout.readline() == b"held\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_run_on_a_locked_run_dir_stops_at_once_naming_the_holder(held, tmp_path, capsys, monkeypatch):
    fetched = []
    monkeypatch.setattr(runner_run, "prepare_data", lambda data, say: fetched.append(data))
    assert cli_run(tmp_path / "run") == 1
    assert fetched == [], "it stops before fetching any data"
    line = one_error_line(capsys)
    assert f"Another cifar-lab run (pid {held.pid}) is running notebooks into" in line and "--run-dir" in line
    assert not (tmp_path / "run" / "notebooks").exists() and not (tmp_path / "run" / STATE_FILE).exists()


def test_the_lock_of_a_process_that_died_is_taken_over(tmp_path):
    (tmp_path / LOCK_FILE).write_text("999999999")  # left by a run that was killed
    with lock_run_dir(tmp_path) as lock:
        assert lock.read_text() == str(os.getpid())


def test_the_lock_is_released_when_the_run_ends(tmp_path):
    with lock_run_dir(tmp_path):
        pass
    with lock_run_dir(tmp_path):
        pass


def test_one_process_cannot_take_the_lock_twice_either(tmp_path):
    with lock_run_dir(tmp_path), pytest.raises(RunDirLockedError, match=f"pid {os.getpid()}"):
        with lock_run_dir(tmp_path):
            pass


def test_a_lock_file_that_is_a_link_is_replaced_never_written_through(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / LOCK_FILE).symlink_to(target)
    with lock_run_dir(tmp_path / "run"):
        pass
    assert target.read_text() == "keep me" and not (tmp_path / "run" / LOCK_FILE).is_symlink()


def test_recording_a_notebook_keeps_the_records_written_since_the_run_read_the_file(tmp_path):
    record_notebook(tmp_path, "01_data", {"status": "done"})
    state = json.loads((tmp_path / STATE_FILE).read_text())
    state["notebooks"]["02_baseline_cnn"] = {"status": "done"}  # written meanwhile by someone else
    (tmp_path / STATE_FILE).write_text(json.dumps(state))
    record_notebook(tmp_path, "03_augmentation", {"status": "failed"})
    assert sorted(read_state(tmp_path)["notebooks"]) == ["01_data", "02_baseline_cnn", "03_augmentation"]


@pytest.mark.parametrize("content", ["{not json", "[]", '{"notebooks": 3}', '{"notebooks": {"01": 1}}', "\udcff"])
def test_a_corrupt_resume_record_stops_the_run_naming_the_file_and_force(tmp_path, capsys, content):
    (tmp_path / STATE_FILE).write_text(content, errors="surrogateescape")
    assert cli_run(tmp_path) == 1
    line = one_error_line(capsys)
    assert f"{tmp_path / STATE_FILE} is not a cifar-lab resume record" in line and "--force" in line
    assert not (tmp_path / "notebooks").exists()


def test_force_moves_a_corrupt_resume_record_aside_and_starts_afresh(tmp_path, capsys):
    (tmp_path / STATE_FILE).write_text("{not json")
    assert read_state(tmp_path, force=True, say=print) == {"notebooks": {}}
    (aside,) = tmp_path.glob(f"{STATE_FILE}.corrupt-*")
    assert aside.read_text() == "{not json" and not (tmp_path / STATE_FILE).exists()
    assert "moved aside" in capsys.readouterr().out


def test_a_full_disk_mid_run_is_one_line_that_says_so_and_how_to_resume(tmp_path, capsys, monkeypatch):
    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(run_state, "atomic_write_json", full)
    # The notebook runs (its kernel starts); recording it is what fails.
    assert cli_run(tmp_path, "--notebooks", "01", "-p", "epochs", "1") == 1
    line = one_error_line(capsys)
    assert f"Cannot write {tmp_path / STATE_FILE}: the disk is full. Free some space" in line
    assert "run the same command again to resume" in line


def test_a_part_of_the_run_dir_that_is_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "notebooks").write_text("not a folder")
    assert cli_run(tmp_path) == 1
    assert f"Cannot write {tmp_path / 'notebooks'}" in one_error_line(capsys)
