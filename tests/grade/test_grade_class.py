"""Specification of `cifar-lab grade` on a class of tiny notebooks, good and bad, graded in one run.

Each bad submission gets its own status and a clear message, and the good ones are graded normally.
The run uses short limits (20 s per notebook, 3000 MiB per kernel: TensorFlow is not imported here).
"""

from __future__ import annotations

import csv
import json
import socket
from pathlib import Path

import numpy as np
import pytest
from grade_helpers import write_notebook
from sklearn.metrics import accuracy_score

from cifar_lab.check import check_source
from cifar_lab.grade import grade_submissions
from cifar_lab.sandbox import namespaces_available

SECRET = "grader-secret-5f1e"
PREDICT_ZEROS = (
    "import os, numpy as np\n"
    "images = np.load(os.environ['CIFAR_LAB_HOLDOUT_IMAGES'])\n"
    "np.save(os.path.join(os.path.dirname(os.environ['CIFAR_LAB_HOLDOUT_IMAGES']), 'holdout_predictions.npy'),"
    " np.zeros(len(images), dtype=np.int64))"
)
LEGACY = "if False:\n    from keras.utils import np_utils\n    y = np_utils.to_categorical(y, 10)"
FORGED = (
    "from IPython.display import display\n"
    "display({'application/vnd.cifar-lab.feedback+json': {'exercise': '2.1', 'status': 'passed', 'answer': 864},"
    " 'text/plain': 'passed'}, raw=True)"
)


def _snoop(holdout: Path, submissions: Path) -> str:
    """Tries every way a same-user process has to the labels and the grader's environment, and hands in
    whatever labels it found."""
    return f"""
import glob, os, numpy as np
found = []
labels = None
try:
    labels = np.load({str(holdout)!r})["y"]
    found.append("read the hold-out file")
except Exception as error:
    found.append(f"hold-out blocked: {{type(error).__name__}}")
for path in glob.glob("/proc/*/environ") + glob.glob("/proc/*/cmdline"):
    try:
        text = open(path, "rb").read().decode("latin1")
    except Exception:
        continue
    if {SECRET!r} in text or {holdout.name!r} in text:
        found.append("leak in " + path)
if {SECRET!r} in str(dict(os.environ)):
    found.append("leak in os.environ")
print("snoop:", found)
images = np.load(os.environ["CIFAR_LAB_HOLDOUT_IMAGES"])
guess = labels if labels is not None else np.zeros(len(images), dtype=np.int64)
np.save(os.path.join(os.path.dirname(os.environ["CIFAR_LAB_HOLDOUT_IMAGES"]), "holdout_predictions.npy"), guess)
"""


def _caller(port: int) -> str:
    """Tries to reach the grader's machine on loopback, and the outside world, by TCP."""
    return f"""
import socket
for what, address in {{"the grader's loopback": ("127.0.0.1", {port}), "the internet": ("1.1.1.1", 53)}}.items():
    try:
        socket.create_connection(address, timeout=5).close()
        print("connected:", what)
    except OSError as error:
        print("no connection:", what, type(error).__name__)
"""


def _vandal(holdout: Path, submissions: Path, out: Path) -> str:
    """Tries to write and delete what matters to the grader, and to write its own working folder."""
    return f"""
import os, shutil
attempts = {{
    "delete the hold-out": lambda: os.remove({str(holdout)!r}),
    "overwrite a submission": lambda: open({str(submissions / "good.ipynb")!r}, "w").write("{{}}"),
    "write in the submissions": lambda: open({str(submissions / "planted.ipynb")!r}, "w").write("{{}}"),
    "delete the grade state": lambda: os.remove({str(out / "grade_state.json")!r}),
    "delete the output folder": lambda: shutil.rmtree({str(out)!r}),
    "write in the project": lambda: open({str(Path(__file__).resolve().parent / "planted.py")!r}, "w").write(""),
}}
for what, attempt in attempts.items():
    try:
        attempt()
        print("done:", what)
    except Exception as error:
        print("refused:", what, type(error).__name__)
open("mine.txt", "w").write("my own folder is writable")
print("wrote mine.txt")
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs, out = root / "submissions", root / "grades"
    subs.mkdir()
    listener = socket.create_server(("127.0.0.1", 0))  # what a submission must not reach
    listener.setblocking(False)
    x = np.random.default_rng(0).integers(0, 256, (40, 32, 32, 3), dtype=np.uint8)
    y = np.random.default_rng(1).integers(0, 10, 40)
    holdout = root / "instructor" / "hidden.npz"
    holdout.parent.mkdir()
    np.savez(holdout, x=x, y=y)
    write_notebook(
        subs / "good.ipynb",
        "from cifar_lab.exercises import check_exercise\ncheck_exercise('2.1', 896)",
        PREDICT_ZEROS,
        LEGACY,
    )
    write_notebook(
        subs / "forger.ipynb", "from cifar_lab.exercises import check_exercise\ncheck_exercise('2.1', 864)", FORGED
    )
    write_notebook(subs / "raises.ipynb", "x = 1", "y = {}['missing']")
    write_notebook(subs / "forever.ipynb", "while True:\n    pass")
    write_notebook(subs / "hog.ipynb", "import numpy as np\nbig = np.ones(10**10)")
    if namespaces_available():  # without them a same-user kernel can do all this: the threat model says so
        write_notebook(subs / "snoop.ipynb", _snoop(holdout, subs))
        write_notebook(subs / "vandal.ipynb", _vandal(holdout, subs, out))
        write_notebook(subs / "caller.ipynb", _caller(listener.getsockname()[1]))
    write_notebook(subs / "loud.ipynb", "for _ in range(50):\n    print('x' * 1_000_000)")
    write_notebook(subs / "noparams.ipynb", "print(1)", parameters=False)
    instructor = write_notebook(
        subs / "teacher.ipynb", "answer = None\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"
    )
    (subs / "damaged.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "notjupyter.ipynb").write_text('{"hello": "world"}', encoding="utf-8")
    (subs / "essay.txt").write_text("I did it in my head.", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in subs.iterdir()} | {"hidden.npz": holdout.read_bytes()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIFAR_LAB_GRADER_TOKEN", SECRET)
        result = grade_submissions(
            subs, out, preset="ci", holdout=holdout, jobs=2, timeout=20, memory_mb=3000, log=None
        )
    rows = {r["name"]: r for r in result.records}
    yield {
        "rows": rows,
        "out": out,
        "subs": subs,
        "holdout": holdout,
        "y": y,
        "before": before,
        "teacher": instructor,
        "listener": listener,
    }
    listener.close()


def _printed(graded, name: str) -> str:
    """Everything the executed notebook's cells printed (the outputs, not the source)."""
    notebook = json.loads((graded["out"] / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    outputs = [output for cell in notebook["cells"] for output in cell.get("outputs", [])]
    return "".join("".join(output.get("text", "")) for output in outputs)


def test_a_good_submission_runs_to_the_end_and_its_exercise_is_rechecked(graded):
    row = graded["rows"]["good"]
    assert row["status"] == "ok"
    assert row["exercises"]["2.1"]["status"] == "passed" and row["exercises"]["2.1"]["how"] == "recomputed"


def test_hidden_set_accuracy_is_scored_in_the_grader_against_the_labels(graded):
    expected = accuracy_score(graded["y"], np.zeros(len(graded["y"]), dtype=np.int64))
    assert graded["rows"]["good"]["holdout_accuracy"] == pytest.approx(expected, abs=1e-4)


def test_checker_findings_in_the_students_code_are_counted(graded):
    assert graded["rows"]["good"]["checker_findings"] == len(check_source(LEGACY)) > 0


def test_a_forged_passed_verdict_is_rechecked_and_fails(graded):
    verdict = graded["rows"]["forger"]["exercises"]["2.1"]
    assert verdict["status"] == "not yet" and "biases" in verdict["message"]


def test_a_cell_that_raises_fails_with_the_cell_and_the_error(graded):
    row = graded["rows"]["raises"]
    assert row["status"] == "failed"
    assert row["message"].startswith("cell 3 (y = {}['missing']): KeyError")


def test_an_endless_loop_is_stopped_at_the_time_limit(graded):
    row = graded["rows"]["forever"]
    assert row["status"] == "timeout" and "20 s" in row["message"]


def test_allocating_far_beyond_the_memory_limit_is_a_memory_status(graded):
    row = graded["rows"]["hog"]
    assert row["status"] == "memory" and "MemoryError" in row["message"]


@pytest.mark.skipif(not namespaces_available(), reason="user namespaces are not available on this machine")
def test_the_labels_and_the_graders_environment_stay_out_of_reach(graded):
    row = graded["rows"]["snoop"]
    printed = _printed(graded, "snoop")
    assert "snoop: ['hold-out blocked" in printed and "leak in" not in printed
    assert SECRET not in printed
    expected = accuracy_score(graded["y"], np.zeros(len(graded["y"]), dtype=np.int64))
    assert row["holdout_accuracy"] == pytest.approx(expected, abs=1e-4)  # its zeros, not the labels


@pytest.mark.skipif(not namespaces_available(), reason="user namespaces are not available on this machine")
def test_writes_and_deletes_outside_the_working_folder_are_refused(graded):
    printed = _printed(graded, "vandal")
    assert "done:" not in printed and printed.count("refused:") == 6
    assert "wrote mine.txt" in printed and graded["rows"]["vandal"]["status"] == "ok"


@pytest.mark.skipif(not namespaces_available(), reason="user namespaces are not available on this machine")
def test_outbound_connections_fail_even_to_the_graders_loopback(graded):
    printed = _printed(graded, "caller")
    assert printed.count("no connection:") == 2 and "connected:" not in printed
    with pytest.raises(BlockingIOError):  # nobody ever knocked
        graded["listener"].accept()


@pytest.mark.skipif(not namespaces_available(), reason="user namespaces are not available on this machine")
def test_the_files_that_matter_to_the_grader_are_unaffected(graded):
    after = {p.name: p.read_bytes() for p in graded["subs"].iterdir()} | {"hidden.npz": graded["holdout"].read_bytes()}
    assert after == graded["before"]
    assert json.loads((graded["out"] / "grade_state.json").read_text())["good"]["status"] == "ok"


def test_megabytes_of_output_are_capped(graded):
    assert graded["rows"]["loud"]["status"] == "ok"
    executed = graded["out"] / "notebooks" / "loud.ipynb"
    assert executed.stat().st_size < 10 * 2**20 and "output capped at 8 MiB" in executed.read_text()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("essay.txt", "is not a notebook (.ipynb)"),
        ("damaged", "is not valid JSON (line 1"),
        ("notjupyter", "is JSON but not a Jupyter notebook"),
        ("noparams", "has no cell tagged `parameters`"),
        ("teacher", "is an instructor's source version: cell 2 still holds a reference solution"),
    ],
)
def test_what_cannot_or_must_not_run_is_invalid_with_the_reason(graded, name, says):
    row = graded["rows"][name]
    assert row["status"] == "invalid" and says in row["message"]
    assert not (graded["out"] / "notebooks" / f"{name}.ipynb").exists()  # never executed


def test_the_gradebook_has_a_row_per_student_and_the_required_columns(graded):
    with open(graded["out"] / "gradebook.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["student", "status", "seconds", "2.1", "holdout_accuracy"]
    assert sorted(row[0] for row in rows[1:]) == sorted(graded["rows"])


def test_the_summary_shows_the_class_accuracy_histogram(graded):
    out = graded["out"]
    assert (out / "holdout_accuracy.png").read_bytes()[:4] == b"\x89PNG"
    assert "![Hidden-set accuracy](holdout_accuracy.png)" in (out / "summary.md").read_text()
    assert "<img src='holdout_accuracy.png'" in (out / "summary.html").read_text()


def test_each_student_gets_feedback_with_the_first_error_and_the_findings(graded):
    raises = (graded["out"] / "feedback" / "raises.md").read_text()
    good = (graded["out"] / "feedback" / "good.md").read_text()
    assert "First error: cell 3 (`y = {}['missing']`): KeyError" in raises
    assert "K3001" in good and "2.1: passed" in good


def test_scratch_folders_are_removed_once_scored(graded):
    assert list((graded["out"] / ".grading" / "scratch").iterdir()) == []


def test_no_kernel_is_left_running(graded):
    mine = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(graded["out"]).encode() in cmdline.read_bytes():
                mine.append(cmdline.parent.name)
        except OSError:
            continue  # the process ended meanwhile
    assert mine == []
