"""Specification of cifar_lab.rundir: the run directory's layout and its one pair of metrics functions."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.errors import MissingFileError
from cifar_lab.rundir import MetricError, RunDir, read_metrics, write_metrics


def test_every_part_of_the_run_directory_has_one_name(tmp_path):
    layout = RunDir(tmp_path)
    assert [
        p.name
        for p in (
            layout.notebooks,
            layout.metrics,
            layout.models,
            layout.ethics,
            layout.previews,
            layout.logs,
            layout.state_file,
        )
    ] == ["notebooks", "metrics", "models", "ethics", "previews", "logs", "run_state.json"]
    assert layout.notebook_file("notebooks/02_baseline_cnn.ipynb") == tmp_path / "notebooks" / "02_baseline_cnn.ipynb"
    assert layout.log_file("02_baseline_cnn") == tmp_path / "logs" / "02_baseline_cnn.log"


def test_metrics_round_trip_with_numpy_scalars_made_plain(tmp_path):
    write_metrics(tmp_path, "02_baseline_cnn.ipynb", {"acc": np.float32(0.5), "n": np.int64(3), "ok": np.bool_(True)})
    assert read_metrics(tmp_path, "02_baseline_cnn") == {"acc": 0.5, "n": 3, "ok": True}


@pytest.mark.parametrize("value", [float("nan"), np.array([1, 2]), {"a": 1}])
def test_a_metric_that_is_not_one_finite_value_is_refused(tmp_path, value):
    with pytest.raises(MetricError):
        write_metrics(tmp_path, "02", {"bad": value})
    assert not (tmp_path / "metrics" / "02.json").exists()


def test_missing_metrics_say_which_notebook_to_run(tmp_path):
    with pytest.raises(MissingFileError, match="cifar-lab run --notebooks 04"):
        read_metrics(tmp_path, "04_evaluation")


def test_a_corrupt_metrics_file_says_to_run_the_notebook_again(tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "04_evaluation.json").write_text("{not json")
    with pytest.raises(MetricError, match="run the notebook 04_evaluation again"):
        read_metrics(tmp_path, "04_evaluation")
