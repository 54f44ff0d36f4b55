"""Specification of resuming: a second grade run skips what is graded and runs what a kill left unfinished."""

from __future__ import annotations

import json

from grade_helpers import write_notebook

from cifar_lab.grade import grade_submissions


def test_a_rerun_grades_only_what_a_killed_run_left_unfinished(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades"
    subs.mkdir()
    write_notebook(subs / "ada.ipynb", "print('ada')")
    write_notebook(subs / "bob.ipynb", "print('bob')")
    grade_submissions(subs, out, timeout=60, memory_mb=0, log=None)
    state = json.loads((out / "grade_state.json").read_text())
    del state["bob"]  # what a kill during bob's run leaves: no record, a stale scratch folder
    (out / "grade_state.json").write_text(json.dumps(state))
    (out / ".grading" / "scratch" / "bob").mkdir(parents=True)

    said = []
    result = grade_submissions(subs, out, timeout=60, memory_mb=0, log=said.append)

    assert said[0] == "ada: already graded (ok), skipped"
    assert any(line.startswith("bob: ok") for line in said)
    assert [r["status"] for r in result.records] == ["ok", "ok"]


def test_a_changed_submission_is_graded_again(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades"
    subs.mkdir()
    write_notebook(subs / "ada.ipynb", "print('first')")
    grade_submissions(subs, out, timeout=60, memory_mb=0, log=None)
    write_notebook(subs / "ada.ipynb", "1 / 0")
    assert grade_submissions(subs, out, timeout=60, memory_mb=0, log=None).records[0]["status"] == "failed"
