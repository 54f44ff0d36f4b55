"""Specification of resumable training: checkpoints every epoch, resume after a real kill."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from cifar_lab.models import build_model
from cifar_lab.train import train_model
from cifar_lab.train.checkpoint import CorruptCheckpointError, read_checkpoint_state, save_checkpoint

# A training run in its own process, so the test can kill it as a crash or Ctrl-C would.
TRAINING_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from cifar_lab.models import build_model
    from cifar_lab.train import train_model
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 64)
    train_model(build_model("original", seed=0), x, y, epochs=int(sys.argv[2]), batch_size=32,
                run_dir=sys.argv[1], verbose="epoch")
""")


@pytest.fixture
def tiny():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 64)


def test_a_checkpoint_is_written_after_every_epoch(tiny, tmp_path):
    x, y = tiny
    train_model(build_model("original"), x, y, epochs=2, batch_size=32, run_dir=tmp_path, verbose="silent")
    state = read_checkpoint_state(tmp_path)
    assert state["epochs_completed"] == 2
    assert len(state["history"]["loss"]) == 2
    # Only the latest checkpoint is kept.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-2.weights.h5", "checkpoint.json"]


def test_training_again_with_the_same_run_dir_continues_where_it_stopped(tiny, tmp_path):
    x, y = tiny
    first = build_model("original")
    train_model(first, x, y, epochs=2, batch_size=32, run_dir=tmp_path, verbose="silent")
    resumed = build_model("original", seed=99)  # a fresh process would start from other weights
    result = train_model(resumed, x, y, epochs=3, batch_size=32, run_dir=tmp_path, verbose="silent")
    assert result.resumed_from == 2 and result.epochs_completed == 3
    assert len(result.history["loss"]) == 3
    assert int(resumed.optimizer.iterations) == 3 * 2  # optimizer state restored, one more epoch run


def test_a_finished_run_is_not_trained_again(tiny, tmp_path):
    x, y = tiny
    train_model(build_model("original"), x, y, epochs=1, batch_size=32, run_dir=tmp_path, verbose="silent")
    model = build_model("original", seed=5)
    result = train_model(model, x, y, epochs=1, batch_size=32, run_dir=tmp_path, verbose="silent")
    assert result.resumed_from == 1 and int(model.optimizer.iterations) == 2


def test_resuming_with_a_different_model_is_a_clear_error(tiny, tmp_path):
    x, y = tiny
    train_model(build_model("original"), x, y, epochs=1, batch_size=32, run_dir=tmp_path, verbose="silent")
    with pytest.raises(ValueError, match="model 'original' with RMSprop.*new run_dir"):
        train_model(build_model("fast_cnn"), x, y, epochs=2, batch_size=32, run_dir=tmp_path, verbose="silent")


def test_resuming_with_a_different_optimizer_is_a_clear_error(tiny, tmp_path):
    x, y = tiny
    train_model(build_model("original"), x, y, epochs=1, batch_size=32, run_dir=tmp_path, verbose="silent")
    with pytest.raises(ValueError, match="with RMSprop.*new run_dir"):
        train_model(
            build_model("original", optimizer="adam"), x, y, epochs=2, batch_size=32, run_dir=tmp_path, verbose="silent"
        )


def test_saving_a_checkpoint_never_deletes_a_file_the_record_names_outside_the_run_dir(tmp_path):
    victim = tmp_path / "precious.weights.h5"
    victim.write_text("keep me")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "checkpoint.json").write_text(json.dumps({"epochs_completed": 1, "weights": "../precious.weights.h5"}))
    save_checkpoint(build_model("original"), run_dir, {"epochs_completed": 2, "history": {}})
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ("{not json", "unreadable"),
        ("[1]", "not a JSON object"),
        ('{"epochs_completed": "2"}', "epochs_completed is not a positive whole number"),
        (
            json.dumps(
                {
                    "epochs_completed": 2,
                    "history": {},
                    "model": "original",
                    "optimizer": "RMSprop",
                    "weights": "/etc/passwd",
                }
            ),
            "weights names '/etc/passwd', not a checkpoint file of this folder",
        ),
    ],
)
def test_a_corrupt_checkpoint_record_is_one_error_naming_the_file_and_the_fix(tmp_path, record, problem):
    (tmp_path / "checkpoint.json").write_text(record)
    with pytest.raises(CorruptCheckpointError, match="is not a checkpoint cifar-lab wrote") as caught:
        read_checkpoint_state(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "checkpoint.json") in message and problem in message and "\n" not in message


def test_training_over_a_corrupt_checkpoint_starts_at_epoch_1_and_says_so(tiny, tmp_path, capsys):
    x, y = tiny
    (tmp_path / "checkpoint.json").write_text("{not json")
    result = train_model(build_model("original"), x, y, epochs=1, batch_size=32, run_dir=tmp_path, verbose="silent")
    assert result.resumed_from == 0 and len(result.history["loss"]) == 1
    assert "Not resuming from the checkpoint in" in capsys.readouterr().out
    assert read_checkpoint_state(tmp_path)["epochs_completed"] == 1


@pytest.mark.slow
def test_a_killed_training_process_resumes_losing_at_most_one_epoch(tmp_path):
    run_dir = tmp_path / "run"
    command = [sys.executable, "-c", TRAINING_SCRIPT, str(run_dir)]
    process = subprocess.Popen(
        command + ["1000"], stdout=subprocess.PIPE, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    )
    printed = 0
    deadline = time.monotonic() + 240
    for line in process.stdout:
        printed += line.startswith("epoch ")
        if printed == 2 or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    printed += sum(line.startswith("epoch ") for line in process.stdout)  # epochs reported before the kill landed
    process.wait()
    assert printed >= 2, "the training process did not report two epochs"

    saved = read_checkpoint_state(run_dir)["epochs_completed"]
    # Each epoch is saved before its line is printed; the kill may land between the two.
    assert printed <= saved <= printed + 1
    assert not [p.name for p in run_dir.iterdir() if ".tmp" in p.name]

    resumed = subprocess.run(
        command + [str(saved + 1)],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"after epoch {saved}" in resumed.stdout
    assert [line.split(" - ")[0] for line in resumed.stdout.splitlines() if line.startswith("epoch")] == [
        f"epoch {saved + 1}/{saved + 1}"
    ]
    state = json.loads((run_dir / "checkpoint.json").read_text())
    assert state["epochs_completed"] == saved + 1 and len(state["history"]["loss"]) == saved + 1
