"""Specification of ``cifar-lab grid`` sweeps, on the fixture notebooks (no TensorFlow)."""

import csv
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from cifar_lab.cli import main
from cifar_lab.runner.executors import DaskExecutor, make_executor
from cifar_lab.runner.grid import run_grid
from cifar_lab.runner.parameters import ParameterError
from cifar_lab.runner.sweep import load_sweep, plan_sweep
from cifar_lab.runner.sweep_results import results_table

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

# Four combinations of the fixture notebook 02: two complete, two fail on purpose.
SWEEP = """\
preset: ci
notebooks: 02
params:
  sleep_s: 1
grid:
  epochs: [1, 2]
  fail: [false, true]
"""


def write_sweep(directory, text=SWEEP):
    path = Path(directory) / "sweep.yaml"
    path.write_text(text)
    return path


def results_by_name(run_dir):
    return {p.parent.name: json.loads(p.read_text()) for p in Path(run_dir).glob("*/result.json")}


def executions(run_dir):
    log = Path(run_dir) / "executions.log"
    return log.read_text().split() if log.exists() else []


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The sweep run once through the CLI with --jobs 2: (exit code, sweep directory)."""
    directory = tmp_path_factory.mktemp("grid")
    run_dir = directory / "sweep"
    code = main(
        [
            "grid",
            str(write_sweep(directory)),
            "--jobs",
            "2",
            "--notebooks-dir",
            str(FIXTURES),
            "--run-dir",
            str(run_dir),
        ]
    )
    return code, run_dir


def test_combinations_follow_the_grid_order_in_readable_directories(tmp_path):
    combos = plan_sweep(load_sweep(write_sweep(tmp_path)), FIXTURES)
    assert [c.values for c in combos] == [
        {"epochs": 1, "fail": False},
        {"epochs": 1, "fail": True},
        {"epochs": 2, "fail": False},
        {"epochs": 2, "fail": True},
    ]
    assert [c.name for c in combos] == [
        "epochs-1_fail-False",
        "epochs-1_fail-True",
        "epochs-2_fail-False",
        "epochs-2_fail-True",
    ]
    assert combos[0].plan.run_dir == (Path("runs") / "sweep" / "epochs-1_fail-False").resolve()
    assert combos[0].plan.notebooks[0].parameters["sleep_s"] == 1.0, "base params are coerced too"


def test_a_number_prefix_for_notebooks_survives_yaml_reading_it_as_an_int(tmp_path):
    assert load_sweep(write_sweep(tmp_path))["notebooks"] == ["02"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("preset: ci\ngird:\n  epochs: [1]\n", "needs a `grid:` mapping"),
        ("preset: ci\nparam: {}\ngrid:\n  epochs: [1]\n", "Unknown key 'param' in .*Did you mean 'params'\\?"),
        ("grid:\n  epochs: 3\n", "grid: epochs in .* must be a non-empty list, e.g. epochs: \\[1, 2\\]"),
        ("params: {epochs: 1}\ngrid:\n  epochs: [2]\n", "'epochs' is in both params and grid"),
        ("params: [epochs]\ngrid:\n  seed: [2]\n", "params in .* must be a mapping of names to values"),
        ("grid:\n  preset: [ci, quick]\n", "preset is a top-level key of a sweep file"),
        ("grid:\n  epochs: [1]\n  epochs: [2]\n", "sweep.yaml line 3: 'epochs' is given twice in one mapping"),
        ("preset: ci\npreset: full\ngrid:\n  epochs: [1]\n", "line 2: 'preset' is given twice"),
        ("a: &a [1, 2]\ngrid:\n  epochs: *a\n", "line 3: YAML aliases \\(\\*name\\) are not allowed"),
        ("preset: [ci]\ngrid:\n  epochs: [1]\n", "preset in .* must be a single name, e.g. preset: ci; got \\['ci'\\]"),
        ("run_dir: 5\ngrid:\n  epochs: [1]\n", "run_dir in .* must be a single name"),
        ("timeout: [1]\ngrid:\n  epochs: [1]\n", "The cell timeout must be 0 \\(none\\) or a positive number"),
        ("notebooks: {a: 1}\ngrid:\n  epochs: [1]\n", "notebooks in .* must be"),
        ("grid:\n  epochs: [[1, 2]]\n", "grid: epochs in .* must be a single value"),
        ("params: {seed: {a: 1}}\ngrid:\n  epochs: [1]\n", "params: seed in .* must be a single value"),
        ("grid: {epochs: [1]}\n" + "#" * (1024 * 1024), "is over 1024 KiB"),
        ("grid:\n  epochs: [1]\n  x: " + "[" * 5000 + "]" * 5000 + "\n", "nests too deeply to be a sweep file"),
    ],
)
def test_malformed_sweep_files_are_refused_with_the_fix(tmp_path, text, message):
    with pytest.raises(ParameterError, match=message):
        load_sweep(write_sweep(tmp_path, text))


def test_a_billion_laughs_alias_bomb_is_refused_before_it_grows(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    bomb += "".join(
        f"{b}: &{b} [*{a},*{a},*{a},*{a},*{a},*{a},*{a},*{a},*{a}]\n" for a, b in zip("abcdefgh", "bcdefghi")
    )
    bomb += "grid:\n  optimizer: *i\n"
    assert len(bomb) < 600
    with pytest.raises(ParameterError, match="YAML aliases"):
        load_sweep(write_sweep(tmp_path, bomb))


def test_a_grid_over_the_combination_cap_is_refused_with_its_count_until_the_cap_is_raised(tmp_path, capsys):
    sweep = write_sweep(
        tmp_path,
        "preset: ci\nnotebooks: '02'\ngrid:\n"
        + "".join(f"  {n}: {list(range(1, 31))}\n" for n in ("epochs", "sleep_s")),
    )
    args = ["grid", str(sweep), "--notebooks-dir", str(FIXTURES), "--run-dir", str(tmp_path / "out")]
    assert main(args) == 2
    assert "grid has 900 combinations, more than the 256 allowed" in capsys.readouterr().err
    plan = plan_sweep(load_sweep(sweep), FIXTURES, max_combinations=900)
    assert len(plan) == 900 and not (tmp_path / "out").exists()


def test_a_bad_value_in_any_combination_stops_the_sweep_before_anything_runs(tmp_path, capsys):
    sweep = write_sweep(tmp_path, "preset: ci\nnotebooks: '02'\ngrid:\n  epochs: [1, many]\n")
    code = main(["grid", str(sweep), "--notebooks-dir", str(FIXTURES), "--run-dir", str(tmp_path / "out")])
    assert code == 2
    assert "Combination epochs-many: Parameter 'epochs' is declared `int | None`" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_failed_combination_is_recorded_with_its_error_and_the_others_complete(swept):
    code, run_dir = swept
    results = results_by_name(run_dir)
    assert code == 1, "a sweep with failures exits non-zero"
    assert {name: r["status"] for name, r in results.items()} == {
        "epochs-1_fail-False": "done",
        "epochs-1_fail-True": "failed",
        "epochs-2_fail-False": "done",
        "epochs-2_fail-True": "failed",
    }
    assert "RuntimeError: asked to fail" in results["epochs-2_fail-True"]["error"]
    assert results["epochs-2_fail-False"]["metrics"]["02_second"]["accuracy"] == round(2 / 3, 4)


def test_results_are_written_as_csv_markdown_and_a_plot(swept):
    _, run_dir = swept
    with open(run_dir / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["epochs"], r["fail"], r["status"], r["accuracy"]) for r in rows] == [
        ("1", "False", "done", "0.5"),
        ("1", "True", "failed", ""),
        ("2", "False", "done", "0.6667"),
        ("2", "True", "failed", ""),
    ]
    assert rows[1]["error"].startswith("02_second failed at In [")
    markdown = (run_dir / "results.md").read_text().splitlines()
    assert markdown[0] == "| epochs | fail | status | seconds | accuracy | saw_first | error |"
    assert len(markdown) == 2 + 4
    assert (run_dir / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_jobs_2_runs_combinations_in_two_processes_whose_kernels_use_no_tcp_ports(swept):
    _, run_dir = swept
    kernels = [json.loads(p.read_text()) for p in run_dir.glob("*/kernel.json")]
    assert len(kernels) == 4
    assert len({k["parent_pid"] for k in kernels}) == 2
    if sys.platform != "win32":
        assert {k["transport"] for k in kernels} == {"ipc"}


def test_rerunning_a_sweep_skips_completed_combinations_and_retries_failed_ones(swept, tmp_path, capsys):
    _, run_dir = swept
    copy = Path(shutil.copytree(run_dir, tmp_path / "sweep"))
    result = run_grid(write_sweep(tmp_path), notebooks_dir=FIXTURES, run_dir=copy)  # --jobs 1: in this process
    assert "4 combinations into" in (out := capsys.readouterr().out) and "2 already done, 2 to run" in out
    started_by = {
        name: json.loads((copy / name / "kernel.json").read_text())["parent_pid"] for name in results_by_name(copy)
    }
    assert started_by["epochs-1_fail-True"] == os.getpid() == started_by["epochs-2_fail-True"], "failed ones ran again"
    assert os.getpid() not in (started_by["epochs-1_fail-False"], started_by["epochs-2_fail-False"])
    assert executions(copy / "epochs-1_fail-False") == ["02_second"], "completed ones did not run again"
    assert [r["status"] for r in result.results] == ["done", "failed", "done", "failed"]


def test_force_runs_completed_combinations_and_their_notebooks_again(tmp_path):
    sweep = write_sweep(tmp_path, "preset: ci\nnotebooks: '02'\ngrid:\n  epochs: [1]\n")
    run_grid(sweep, notebooks_dir=FIXTURES, run_dir=tmp_path / "out")
    run_grid(sweep, notebooks_dir=FIXTURES, run_dir=tmp_path / "out")
    assert executions(tmp_path / "out" / "epochs-1") == ["02_second"]
    run_grid(sweep, notebooks_dir=FIXTURES, run_dir=tmp_path / "out", force=True)
    assert executions(tmp_path / "out" / "epochs-1") == ["02_second", "02_second"]


def test_a_dask_cluster_runs_the_combinations(tmp_path):
    distributed = pytest.importorskip("distributed")
    sweep = write_sweep(tmp_path, "preset: ci\nnotebooks: '02'\ngrid:\n  epochs: [1, 2]\n")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        result = run_grid(sweep, scheduler=cluster.scheduler_address, notebooks_dir=FIXTURES, run_dir=tmp_path / "out")
    assert result.ok and [r["name"] for r in result.results] == ["epochs-1", "epochs-2"]
    assert results_by_name(tmp_path / "out")["epochs-2"]["metrics"]["02_second"]["accuracy"] == round(2 / 3, 4)


def test_without_dask_the_scheduler_option_names_the_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'cifar-lab\[dask\]'"):
        make_executor(scheduler="tcp://127.0.0.1:8786")


def test_an_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    with pytest.raises(ConnectionError, match="No Dask scheduler answered at 'tcp://127.0.0.1:9'"):
        DaskExecutor("tcp://127.0.0.1:9", connect_timeout_s=1)


def test_jobs_below_one_is_refused():
    with pytest.raises(ValueError, match="--jobs must be at least 1"):
        make_executor(jobs=0)


def test_a_figure_reported_by_two_notebooks_is_named_with_its_notebook():
    results = [
        {
            "combination": {"seed": 0},
            "status": "done",
            "seconds": 1.0,
            "error": None,
            "metrics": {"02_cnn": {"accuracy": 0.5, "params": 10}, "03_aug": {"accuracy": 0.6}},
        }
    ]
    row = results_table(results, ["seed"])[0]
    assert row == {
        "seed": 0,
        "status": "done",
        "seconds": 1.0,
        "02_cnn.accuracy": 0.5,
        "params": 10,
        "03_aug.accuracy": 0.6,
        "error": "",
    }


def test_the_example_sweep_of_the_help_text_is_valid(tmp_path):
    import re

    from cifar_lab.runner import grid

    example = re.search(r"    # sweep.yaml\n((?:    .*\n)+)", grid.__doc__).group(1)
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text("\n".join(line[4:].split("  #")[0] for line in example.splitlines()) + "\n")
    combinations = plan_sweep(load_sweep(sweep_file))
    assert len(combinations) == 8
