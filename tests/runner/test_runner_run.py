"""Specification of ``cifar-lab run`` on tiny fixture notebooks that never import TensorFlow."""

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cifar_lab.cli import main
from cifar_lab.presets import CELL_TIMEOUT_S
from cifar_lab.rundir import STATE_FILE
from cifar_lab.runner import plan as run_plan
from cifar_lab.runner.plan import plan_run
from cifar_lab.runner.run import NotebookOutcome, RunResult, format_summary, run_notebooks

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def run(run_dir, **kwargs):
    kwargs.setdefault("notebooks_dir", FIXTURES)
    return run_notebooks("ci", run_dir=run_dir, progress=False, **kwargs)


def executions(run_dir):
    log = Path(run_dir) / "executions.log"
    return log.read_text().split() if log.exists() else []


def statuses(result):
    return [(o.stem, o.status) for o in result.outcomes]


@pytest.fixture(scope="module")
def completed(tmp_path_factory):
    """Both fixture notebooks run once with command-line style string values."""
    run_dir = tmp_path_factory.mktemp("completed")
    return run(run_dir, data="synthetic", params={"epochs": "3", "learning_rate": "1e-3", "optimizer": "007"})


@pytest.fixture
def copy_of_completed(completed, tmp_path):
    return Path(shutil.copytree(completed.run_dir, tmp_path / "run"))


def test_every_notebook_is_executed_into_the_run_dir(completed):
    assert completed.ok and statuses(completed) == [("01_first", "done"), ("02_second", "done")]
    executed = sorted(p.name for p in (completed.run_dir / "notebooks").iterdir())
    assert executed == ["01_first.ipynb", "02_second.ipynb"]
    notebook = json.loads((completed.run_dir / "notebooks" / "01_first.ipynb").read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in notebook["cells"])
    assert notebook["cells"][-1]["outputs"], "the executed copy carries its outputs"


def test_the_resume_record_shows_what_each_notebook_was_given(completed):
    state = json.loads((completed.run_dir / STATE_FILE).read_text())
    assert state["notebooks"]["01_first"]["status"] == "done"
    assert state["notebooks"]["01_first"]["parameters"] == {
        "preset": "ci",
        "run_dir": str(completed.run_dir),
        "data": "synthetic",
        "epochs": 3,
        "learning_rate": 0.001,
        "optimizer": "007",
    }


def test_later_notebooks_read_what_earlier_ones_saved_in_the_run_dir(completed):
    assert completed.outcomes[1].metrics["saw_first"] is True


def test_string_values_reach_the_notebook_as_the_declared_types(completed):
    metrics = completed.outcomes[0].metrics
    assert metrics["epochs"] == 3 and metrics["epochs_type"] == "int"
    assert metrics["learning_rate"] == 0.001
    assert metrics["optimizer"] == "007"  # papermill's own -p would have turned this into the int 7


def test_the_kernel_is_this_python_whatever_kernel_the_notebook_names(completed):
    named = json.loads((FIXTURES / "01_first.ipynb").read_text())["metadata"]["kernelspec"]["name"]
    assert named == "no-such-kernel"
    assert completed.outcomes[0].metrics["python"] == sys.executable


def test_the_kernels_own_output_goes_to_a_log_in_the_run_dir(completed):
    log = completed.run_dir / "logs" / "01_first.log"
    assert "written by the kernel process itself" in log.read_text()


def test_summary_table_lists_each_notebooks_headline_figures(completed):
    summary = format_summary(completed)
    assert summary.splitlines()[0].split() == ["notebook", "status", "seconds", "figure", "value"]
    rows = [line.split() for line in summary.splitlines()]
    second = rows.index(next(r for r in rows if r[:1] == ["02_second"]))
    assert rows[second][1] == "done" and rows[second][3:] == ["accuracy", "0.75"]
    assert rows[second + 1] == ["saw_first", "True"], "further figures continue on the next rows"
    assert str(completed.run_dir) in summary


def test_summary_warns_when_a_notebook_fell_back_to_synthetic_data_but_not_when_it_was_asked_for():
    synthetic = NotebookOutcome("01_data", "done", 1.0, {"source": "synthetic", "synthetic": True})
    real = NotebookOutcome("01_data", "done", 1.0, {"source": "cifar-10-python.tar.gz", "synthetic": False})
    assert "WARNING: this run used SYNTHETIC data" in format_summary(RunResult(Path("runs/q"), (synthetic,)))
    assert "SYNTHETIC" not in format_summary(RunResult(Path("runs/q"), (real,)))
    assert "SYNTHETIC" not in format_summary(RunResult(Path("runs/ci"), (synthetic,), data="synthetic"))


def test_a_kernel_log_that_is_a_link_is_replaced_never_written_through(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "run" / "logs").mkdir(parents=True)
    log = tmp_path / "run" / "logs" / "01_first.log"
    log.symlink_to(target)
    assert run(tmp_path / "run", notebooks="01").ok
    assert target.read_text() == "keep me"
    assert not log.is_symlink() and "written by the kernel process itself" in log.read_text()


def test_the_summary_says_which_models_were_resumed_from_a_checkpoint(copy_of_completed):
    record = copy_of_completed / "models" / "original" / "training.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"seconds": 3.0, "resumed_after_epochs": 2}))
    result = run(copy_of_completed, data="synthetic", params={"epochs": 3, "learning_rate": 0.001, "optimizer": "007"})
    assert result.resumed == {"original": 2}
    assert "note: model original was resumed from its checkpoint after epoch 2" in format_summary(result)


def test_a_run_sweeps_the_temporary_files_a_killed_run_left(copy_of_completed):
    leftover = copy_of_completed / "models" / "original" / ".model.keras.999999999.0123abcd.tmp.keras"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a model")
    run(copy_of_completed, data="synthetic", params={"epochs": 3, "learning_rate": 0.001, "optimizer": "007"})
    assert not leftover.exists()


def test_rerun_with_the_same_parameters_skips_completed_notebooks(copy_of_completed):
    before = executions(copy_of_completed)
    result = run(copy_of_completed, data="synthetic", params={"epochs": 3, "learning_rate": 0.001, "optimizer": "007"})
    assert statuses(result) == [("01_first", "skipped"), ("02_second", "skipped")]
    assert executions(copy_of_completed) == before
    assert result.outcomes[1].metrics["accuracy"] == 0.75


def test_force_runs_completed_notebooks_again(copy_of_completed):
    result = run(
        copy_of_completed,
        data="synthetic",
        params={"epochs": "3", "learning_rate": "1e-3", "optimizer": "007"},
        force=True,
    )
    assert statuses(result) == [("01_first", "done"), ("02_second", "done")]
    assert executions(copy_of_completed) == ["01_first", "02_second"] * 2


def test_a_changed_parameter_reruns_only_the_notebooks_from_the_first_it_affects(copy_of_completed):
    result = run(
        copy_of_completed,
        data="synthetic",
        params={"epochs": "3", "learning_rate": "1e-3", "optimizer": "007", "sleep_s": "0.01"},
    )
    assert statuses(result) == [("01_first", "skipped"), ("02_second", "done")]
    result = run(
        copy_of_completed,
        data="synthetic",
        params={"epochs": "3", "learning_rate": "0.1", "optimizer": "007", "sleep_s": "0.01"},
    )
    assert statuses(result) == [("01_first", "done"), ("02_second", "done")], "02 reads what 01 saved"


def test_changed_library_code_reruns_every_notebook(copy_of_completed, monkeypatch):
    monkeypatch.setattr(run_plan, "library_digest", lambda: "another version of cifar_lab")
    result = run(
        copy_of_completed, data="synthetic", params={"epochs": "3", "learning_rate": "1e-3", "optimizer": "007"}
    )
    assert statuses(result) == [("01_first", "done"), ("02_second", "done")]


def test_a_failed_notebook_is_kept_for_debugging_and_fixing_it_resumes(copy_of_completed):
    params = {"epochs": "3", "learning_rate": "1e-3", "optimizer": "007"}
    failed = run(copy_of_completed, data="synthetic", params={**params, "fail": "true"})
    assert not failed.ok and statuses(failed) == [("01_first", "skipped"), ("02_second", "failed")]
    assert "RuntimeError: asked to fail" in failed.error and "02_second.failed.ipynb" in failed.error
    kept = json.loads((copy_of_completed / "notebooks" / "02_second.failed.ipynb").read_text())
    assert any(o.get("ename") == "RuntimeError" for c in kept["cells"] for o in c.get("outputs", []))
    assert not list((copy_of_completed / "notebooks").glob(".*"))

    fixed = run(copy_of_completed, data="synthetic", params=params)
    assert statuses(fixed) == [("01_first", "skipped"), ("02_second", "done")]
    assert not (copy_of_completed / "notebooks" / "02_second.failed.ipynb").exists()


def test_notebooks_after_a_failure_are_not_run(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURES / "02_second.ipynb", notebooks / "01_fails.ipynb")
    shutil.copy(FIXTURES / "01_first.ipynb", notebooks / "02_after.ipynb")
    result = run(tmp_path / "run", notebooks_dir=notebooks, params={"fail": "yes"})
    assert statuses(result) == [("01_fails", "failed"), ("02_after", "not run")]
    assert executions(tmp_path / "run") == []


def test_a_hung_cell_fails_the_run_at_the_cell_timeout(tmp_path):
    result = run(tmp_path, notebooks="02", params={"sleep_s": "120"}, timeout=2)
    assert statuses(result) == [("02_second", "failed")]
    assert "longer than the per-cell timeout of 2 s" in result.error and "--timeout" in result.error


def test_preset_cell_timeout_applies_by_default(tmp_path):
    assert plan_run("ci", notebooks_dir=FIXTURES, run_dir=tmp_path).timeout == CELL_TIMEOUT_S["ci"]
    assert plan_run("ci", notebooks_dir=FIXTURES, run_dir=tmp_path, timeout=0).timeout is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-p", "epoch", "3"],
            "Unknown parameter 'epoch' for the selected notebooks (01_first, 02_second). Did you mean 'epochs'?",
        ),
        (
            ["-p", "epochs", "three"],
            "Parameter 'epochs' is declared `int | None`, but the value for 01_first is 'three'",
        ),
        (["--preset", "quik"], "Unknown preset 'quik'. Did you mean 'quick'?"),
        (
            ["--notebooks", "07"],
            "--notebooks '07' matches 0 notebooks; give a number prefix that picks exactly one of: 01_first, 02_second",
        ),
        (
            ["--notebooks", "02", "--data", "synthetic"],
            "Unknown parameter 'data' for the selected notebooks (02_second)",
        ),
        (["--data", "synthetic", "-p", "data", "auto"], "data is given twice ('synthetic' and 'auto'); keep one."),
        (["-p", "epochs", "1", "-p", "epochs", "2"], "-p epochs is given twice ('1' and '2'); keep one."),
        (["-p", "preset", "full"], "Give the preset and the run directory with --preset and --run-dir, not -p."),
    ],
)
def test_bad_parameters_stop_the_cli_before_anything_runs(tmp_path, capsys, args, message):
    run_dir = tmp_path / "run"
    code = main(["run", "--preset", "ci", "--notebooks-dir", str(FIXTURES), "--run-dir", str(run_dir), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not run_dir.exists()


def test_a_relative_data_path_is_made_absolute_but_source_names_are_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mini.tar.gz").write_bytes(b"")
    (tmp_path / "synthetic").mkdir()  # a directory that happens to share a source's name
    job = plan_run("ci", data="mini.tar.gz", notebooks="01", notebooks_dir=FIXTURES).notebooks[0]
    assert job.parameters["data"] == str(tmp_path / "mini.tar.gz")
    job = plan_run("ci", data="synthetic", notebooks="01", notebooks_dir=FIXTURES).notebooks[0]
    assert job.parameters["data"] == "synthetic"


def test_a_value_derived_in_a_parameters_cell_stops_the_run(tmp_path):
    notebook = json.loads((FIXTURES / "02_second.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]) + "\nsteps: int = epochs * 10"
    (tmp_path / "01_derived.ipynb").write_text(json.dumps(notebook))
    with pytest.raises(ValueError, match="computes 'steps' = epochs \\* 10"):
        run(tmp_path / "run", notebooks_dir=tmp_path)
    assert not (tmp_path / "run").exists()


def test_a_notebook_without_a_run_dir_parameter_stops_the_run(tmp_path):
    notebook = json.loads((FIXTURES / "02_second.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = [line for line in cell["source"] if not line.startswith("run_dir")]
    (tmp_path / "01_no_run_dir.ipynb").write_text(json.dumps(notebook))
    with pytest.raises(ValueError, match="lacks run_dir; the runner passes every notebook preset and run_dir"):
        run(tmp_path / "run", notebooks_dir=tmp_path)


def kernel_children(pid):
    """PIDs of the kernels a process started (Linux /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"ipykernel_launcher" in cmdline:
            children.append(int(entry.name))
    return children


def wait_until_gone(pid, seconds=30):
    """True once ``pid`` has exited (a zombie waiting for its new parent to reap it counts)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.2)
    return False


def start_run_and_wait_for_second_notebook(run_dir):
    """Start ``cifar-lab run`` whose second notebook hangs; return once its kernel is in the hanging cell."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cifar_lab.cli",
            "run",
            "--preset",
            "ci",
            "--notebooks-dir",
            str(FIXTURES),
            "--run-dir",
            str(run_dir),
            "-p",
            "sleep_s",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not sleep_cell_is_running(run_dir / "notebooks" / ".02_second.partial.ipynb"):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.2)
    return process


def sleep_cell_is_running(partial):
    """True once papermill has saved the partial notebook with its sleeping cell marked as running.

    The partial file alone is not enough: papermill writes it before the kernel process exists.
    """
    try:
        cells = json.loads(partial.read_text())["cells"]
    except (OSError, ValueError):  # not written yet, or caught half-written
        return False
    return any(
        "time.sleep" in "".join(cell["source"]) and cell["metadata"].get("papermill", {}).get("status") == "running"
        for cell in cells
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the kernel")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_ctrl_c_keeps_completed_notebooks_stops_the_kernel_and_leaves_no_partial_file(tmp_path, stop):
    process = start_run_and_wait_for_second_notebook(tmp_path)
    kernels, (folder,) = kernel_children(process.pid), kernel_folders(process.pid)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr and not folder.exists(), "no traceback, no socket folder or connection file left"
    assert sorted(p.name for p in (tmp_path / "notebooks").iterdir()) == ["01_first.ipynb"]
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert list(state["notebooks"]) == ["01_first"]
    assert kernels and all(wait_until_gone(pid) for pid in kernels), "no kernel is left running"


def kernel_folders(pid):
    """The socket folders (each with the kernel's connection file) that runner `pid`'s kernels use."""
    return list(Path(tempfile.gettempdir()).glob(f"cifar-lab-kernel-{pid}-*"))


def test_a_killed_run_resumes_after_its_completed_notebooks(tmp_path):
    process = start_run_and_wait_for_second_notebook(tmp_path)
    process.kill()
    process.communicate(timeout=60)
    resumed = run(tmp_path, params={"sleep_s": "0"})
    assert statuses(resumed) == [("01_first", "skipped"), ("02_second", "done")]
    assert executions(tmp_path) == ["01_first", "02_second"]
    assert sorted(p.name for p in (tmp_path / "notebooks").iterdir()) == ["01_first.ipynb", "02_second.ipynb"]


def test_the_kernel_folder_and_connection_file_a_killed_run_left_are_swept_at_the_next_start(tmp_path):
    process = start_run_and_wait_for_second_notebook(tmp_path)
    (left,) = kernel_folders(process.pid)
    assert (left / "kernel.json").is_file(), "the connection file, with its key, is inside the folder"
    process.kill()
    process.communicate(timeout=60)
    run(tmp_path, params={"sleep_s": "0"})
    assert not left.exists()
