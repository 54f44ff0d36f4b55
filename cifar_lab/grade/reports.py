"""What the instructor reads: `gradebook.csv`, `summary.md` / `summary.html` with the class's histogram of
hidden-set accuracy, and `feedback/<student>.md` for each student.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> row = {"student": "s1", "name": "s1", "assignment": "", "status": "invalid", "seconds": 0.0,
    ...        "message": "not a notebook", "exercises": {}, "holdout_accuracy": None, "checker_findings": None}
    >>> print(write_gradebook(out, [row]).read_text().splitlines()[0])
    student,status,seconds,holdout_accuracy,checker_findings,locked_cells_restored,assignment,message
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from pathlib import Path
from typing import Any

from cifar_lab.files import atomic_write_text

STATUSES = ("ok", "failed", "timeout", "memory", "invalid")


def exercise_columns(records: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> list[str]:
    """Every exercise any row has, in course order.

    Example:
        >>> exercise_columns([{"exercises": {"2.2": {}, "2.1": {}}}, {"exercises": {}}])
        ['2.1', '2.2']
    """
    found = {e for record in records for e in record.get("exercises", {})}
    return sorted(found, key=lambda e: tuple(map(int, e.split("."))))


def write_gradebook(out: Path, records: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> Path:
    """`gradebook.csv`: `student,status,seconds`, one column per exercise, `holdout_accuracy`, then the rest
    (`locked_cells_restored`: how many locked cells the student had edited or deleted).

    Example:
        Not run in the tests: it needs graded submissions (see `tests/grade/test_grade_reports.py`).

        >>> write_gradebook(Path("grades"), records)  # doctest: +SKIP
    """
    exercises = exercise_columns(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "student",
            "status",
            "seconds",
            *exercises,
            "holdout_accuracy",
            "checker_findings",
            "locked_cells_restored",
            "assignment",
            "message",
        ]
    )
    for r in records:
        accuracy = "" if r["holdout_accuracy"] is None else f"{r['holdout_accuracy']:.4f}"
        verdicts = [r["exercises"].get(e, {}).get("status", "") for e in exercises]
        findings = "" if r["checker_findings"] is None else r["checker_findings"]
        writer.writerow(
            [
                r["name"],
                r["status"],
                f"{r['seconds']:.1f}",
                *verdicts,
                accuracy,
                findings,
                len(r.get("locked_cells", [])),
                r["assignment"],
                r["message"],
            ]
        )
    return atomic_write_text(out / "gradebook.csv", buffer.getvalue())


def feedback_text(record: dict[str, Any]) -> str:
    """A student's feedback in Markdown: the run, the first error with its cell, the exercises, the hidden-set
    accuracy and the checker's findings.

    Example:
        >>> row = {"student": "s1", "name": "s1", "status": "timeout", "seconds": 600.0, "message": "stopped"}
        >>> row.update(exercises={}, holdout_accuracy=None, checker_findings=0)
        >>> print(feedback_text(row).splitlines()[2])
        Status: **timeout** after 600 s: stopped
    """
    lines = [
        f"# Feedback for {record['student']}",
        "",
        f"Status: **{record['status']}** after {record['seconds']:.0f} s: {record['message']}",
    ]
    error = record.get("error")
    if error:
        lines += ["", f"First error: cell {error['cell']} (`{error['code']}`): {error['ename']}: {error['evalue']}"]
    if record.get("locked_cells"):
        lines += ["", "## Locked cells", "", "These cells may not be changed; they were graded as handed out.", ""]
        lines += [f"- {note}" for note in record["locked_cells"]]
    if record["exercises"]:
        lines += ["", "## Exercises", ""]
        for exercise, verdict in record["exercises"].items():
            lines.append(f"- **{exercise}: {verdict['status']}** ({verdict['how']}). {verdict['message']}")
            if verdict["status"] != "passed":
                lines.append(f"  Hint: {verdict['hint']}")
    if record["holdout_accuracy"] is not None or record.get("holdout_note"):
        accuracy = "-" if record["holdout_accuracy"] is None else f"{record['holdout_accuracy']:.2%}"
        lines += ["", f"Hidden-set accuracy: **{accuracy}** ({record.get('holdout_note', '')})"]
    if record["checker_findings"] is not None:
        lines += ["", f"## `cifar-lab check`: {record['checker_findings']} finding(s) in your code", ""]
        lines += [f"- {finding}" for finding in record.get("findings", [])]
    return "\n".join(lines) + "\n"


def write_feedback(out: Path, record: dict[str, Any]) -> Path:
    """Write `feedback/<name>.md` for `record`.

    Example:
        Not run in the tests: it needs a graded submission (see `tests/grade/`).

        >>> write_feedback(Path("grades"), record)  # doctest: +SKIP
    """
    return atomic_write_text(out / "feedback" / f"{record['name']}.md", feedback_text(record))


def write_summary(out: Path, records: tuple[dict[str, Any], ...] | list[dict[str, Any]], preset: str) -> list[Path]:
    """`summary.md`, `summary.html` and the histogram `holdout_accuracy.png` (when any accuracy was measured).

    Example:
        Not run in the tests: it needs graded submissions (see `tests/grade/`).

        >>> write_summary(Path("grades"), records, preset="ci")  # doctest: +SKIP
    """
    from cifar_lab.figures import hidden, new_figure, save_figure

    counts = Counter(r["status"] for r in records)
    accuracies = [r["holdout_accuracy"] for r in records if r["holdout_accuracy"] is not None]
    written = []
    head = [
        f"{len(records)} submissions graded with the `{preset}` preset: "
        + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
        + "."
    ]
    if accuracies:
        with hidden():
            figure = new_figure(figsize=(6, 3.2))
            ax = figure.subplots()
            ax.hist(accuracies, bins=[i / 20 for i in range(21)], color="#4c72b0", edgecolor="white")
            ax.set(
                xlabel="hidden-set accuracy",
                ylabel="students",
                title=f"Hidden-set accuracy ({len(accuracies)} students)",
            )
            written.append(save_figure(figure, out / "holdout_accuracy.png"))
        ordered = sorted(accuracies)
        head.append(
            f"Hidden-set accuracy: median {ordered[len(ordered) // 2]:.2%}, from {ordered[0]:.2%} to {ordered[-1]:.2%}."
        )
    rows = [
        (
            r["name"],
            r["status"],
            f"{r['seconds']:.0f}",
            "-" if r["holdout_accuracy"] is None else f"{r['holdout_accuracy']:.2%}",
            r["message"],
        )
        for r in records
    ]
    header = ("student", "status", "seconds", "hidden-set accuracy", "message")
    md = ["# Grades", "", *head, ""]
    if accuracies:
        md += ["![Hidden-set accuracy](holdout_accuracy.png)", ""]
    md += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    md += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    written.append(atomic_write_text(out / "summary.md", "\n".join(md) + "\n"))
    page = ["<!doctype html><meta charset='utf-8'><title>Grades</title><h1>Grades</h1>"]
    page += [f"<p>{html.escape(line)}</p>" for line in head]
    if accuracies:
        page.append("<img src='holdout_accuracy.png' alt='Hidden-set accuracy histogram'>")
    page.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
    page += ["<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows]
    page.append("</table>")
    written.append(atomic_write_text(out / "summary.html", "\n".join(page) + "\n"))
    return written
