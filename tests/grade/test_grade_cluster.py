"""Specification of `cifar-lab grade --scheduler`: the submissions run on a Dask cluster's workers, each still in
its sandbox, and the grader scores them itself; an address nobody answers at is a one-line error."""

from __future__ import annotations

import numpy as np
import pytest
from grade_helpers import write_notebook
from sklearn.metrics import accuracy_score

from cifar_lab.cli import main
from cifar_lab.grade import grade_submissions
from cifar_lab.grade.grading import GradeSettings, _Context
from cifar_lab.runner import executors
from cifar_lab.sandbox import namespaces_available

distributed = pytest.importorskip("distributed")

PREDICT_ONES = (
    "import os, numpy as np\n"
    "images = np.load(os.environ['CIFAR_LAB_HOLDOUT_IMAGES'])\n"
    "np.save(os.path.join(os.path.dirname(os.environ['CIFAR_LAB_HOLDOUT_IMAGES']), 'holdout_predictions.npy'),"
    " np.ones(len(images), dtype=np.int64))"
)


@pytest.fixture(scope="module")
def on_cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    subs, out = root / "submissions", root / "grades"
    subs.mkdir()
    y = np.random.default_rng(1).integers(0, 10, 30)
    holdout = root / "instructor" / "hidden.npz"
    holdout.parent.mkdir()
    np.savez(holdout, x=np.zeros((30, 32, 32, 3), np.uint8), y=y)
    peek = f"import os\nprint('hold-out bytes seen:', os.path.getsize({str(holdout)!r}))"
    for name in ("ada", "bob"):
        write_notebook(
            subs / f"{name}.ipynb",
            "from cifar_lab.exercises import check_exercise\ncheck_exercise('2.1', 896)",
            PREDICT_ONES,
            peek,
        )
    said = []
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as stream,
    ):
        result = grade_submissions(
            subs, out, holdout=holdout, scheduler=cluster.scheduler_address, timeout=60, memory_mb=3000, log=said.append
        )
        workers = set(cluster.scheduler_info["workers"])
    return {
        "rows": {r["name"]: r for r in result.records},
        "out": out,
        "y": y,
        "said": said,
        "tasks": stream.data,
        "workers": workers,
    }


def test_each_submission_runs_as_a_task_on_the_clusters_workers(on_cluster):
    jobs = [task for task in on_cluster["tasks"] if task["key"].startswith("run_job")]
    assert len(jobs) == 2 and {task["worker"] for task in jobs} <= on_cluster["workers"]
    assert "on the Dask cluster at tcp://127.0.0.1:" in on_cluster["said"][0]


def test_the_grader_scores_what_the_workers_ran(on_cluster):
    expected = accuracy_score(on_cluster["y"], np.ones(len(on_cluster["y"]), dtype=np.int64))
    for row in on_cluster["rows"].values():
        assert row["status"] == "ok", row["message"]
        assert row["holdout_accuracy"] == pytest.approx(expected, abs=1e-4)
        assert (row["exercises"]["2.1"]["status"], row["exercises"]["2.1"]["how"]) == ("passed", "recomputed")


@pytest.mark.skipif(not namespaces_available(), reason="user namespaces are not available on this machine")
def test_on_a_worker_the_kernel_is_still_sandboxed(on_cluster):
    executed = (on_cluster["out"] / "notebooks" / "ada.ipynb").read_text(encoding="utf-8")
    assert "hold-out bytes seen: 0" in executed  # covered by an empty file
    assert on_cluster["rows"]["ada"]["namespaces"] is True  # as the worker reported it


def test_an_address_nobody_answers_at_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 1.0)
    (tmp_path / "subs").mkdir()
    write_notebook(tmp_path / "subs" / "ada.ipynb")
    status = main(
        ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "grades"), "--scheduler", "tcp://127.0.0.1:9"]
    )
    error = capsys.readouterr().err.strip()
    assert status == 1 and len(error.splitlines()) == 1
    assert error.startswith("cifar-lab grade: error: No Dask scheduler answered at 'tcp://127.0.0.1:9' within 1 s")
    assert not (tmp_path / "grades").exists()  # nothing written before the cluster is reached


def test_an_address_that_is_not_one_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    write_notebook(tmp_path / "subs" / "ada.ipynb")
    status = main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "grades"), "--scheduler", "nonsense"])
    error = capsys.readouterr().err.strip()
    assert status == 2 and error.startswith("cifar-lab grade: error: --scheduler 'nonsense' is not a Dask scheduler's")


def test_a_kernel_that_ran_without_the_announced_namespaces_is_flagged_in_the_log(tmp_path):
    context = _Context(tmp_path, GradeSettings(namespaces=True), None, tmp_path, None)
    assert "WARNING: its kernel ran without namespaces" in context.isolation_note({"namespaces": False})
    assert context.isolation_note({"namespaces": True}) == ""
