"""The comparison a `cifar-lab grid` sweep ends with: a table (CSV and Markdown) and a bar plot.

Each combination's result (its `result.json`: grid values, status, seconds, every notebook's
headline figures, error) becomes one row.

Example:
    >>> result = {"combination": {"epochs": 2}, "name": "epochs-2", "status": "done", "seconds": 3.5,
    ...           "metrics": {"02_baseline_cnn": {"test_accuracy": 0.31}}, "error": None}
    >>> files = write_results([result], "sweep", ["epochs"])
    | epochs | status | seconds | test_accuracy | error |
    |---|---|---|---|---|
    | 2 | done | 3.5 | 0.31 |  |
    >>> [f.name for f in files]
    ['results.csv', 'results.md', 'results.png']
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cifar_lab.figures import hidden, new_figure, save_figure
from cifar_lab.files import atomic_write_text


def results_table(results: Sequence[dict[str, Any]], grid_names: list[str]) -> list[dict[str, Any]]:
    """Flatten results to rows: grid values, status, seconds, each headline figure, error.

    A figure is named by itself, or `<notebook>.<figure>` when two notebooks report the same name.

    Example:
        >>> results_table([{"combination": {"epochs": 1}, "status": "done", "seconds": 2.0,
        ...                 "metrics": {"02_cnn": {"test_accuracy": 0.5}}, "error": None}], ["epochs"])
        [{'epochs': 1, 'status': 'done', 'seconds': 2.0, 'test_accuracy': 0.5, 'error': ''}]
    """
    owners: dict[str, set[str]] = {}
    for result in results:
        for stem, figures in result["metrics"].items():
            for figure in figures:
                owners.setdefault(figure, set()).add(stem)
    rows = []
    for result in results:
        row = {name: result["combination"][name] for name in grid_names}
        row.update(status=result["status"], seconds=result["seconds"])
        for stem, figures in result["metrics"].items():
            for figure, value in figures.items():
                row[figure if len(owners[figure]) == 1 else f"{stem}.{figure}"] = value
        row["error"] = (result.get("error") or "").splitlines()[0][:200] if result.get("error") else ""
        rows.append(row)
    return rows


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns and key != "error"]
    return columns + ["error"]


def _markdown(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def cell(value: Any) -> str:
        text = f"{value:.4g}" if isinstance(value, float) else str(value if value is not None else "")
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_results(
    results: Sequence[dict[str, Any]],
    run_dir: str | Path,
    grid_names: list[str],
    plot_metric: str | None = None,
) -> tuple[Path, ...]:
    """Write `results.csv`, `results.md` and (when a figure is numeric) `results.png`; print the table.

    `plot_metric` picks the plotted figure; by default the first whose name contains "accuracy",
    else the first numeric one.

    Example:
        >>> failed = {"combination": {"epochs": 1}, "name": "epochs-1", "status": "failed", "seconds": 0.1,
        ...           "metrics": {}, "error": "ValueError: bad"}
        >>> [f.name for f in write_results([failed], "sweep", ["epochs"])]
        | epochs | status | seconds | error |
        |---|---|---|---|
        | 1 | failed | 0.1 | ValueError: bad |
        ['results.csv', 'results.md']
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    rows = results_table(results, grid_names)
    columns = _columns(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(run_dir / "results.csv", buffer.getvalue())
    markdown = _markdown(rows, columns)
    atomic_write_text(run_dir / "results.md", markdown)
    print(markdown, end="", flush=True)
    files = [run_dir / "results.csv", run_dir / "results.md"]
    numeric = [c for c in columns if c not in grid_names + ["seconds"] and any(_is_number(r.get(c)) for r in rows)]
    if plot_metric is not None and plot_metric not in numeric:
        print(
            f"plot_metric {plot_metric!r} is not a numeric figure of the completed combinations "
            f"(those are: {', '.join(numeric) or 'none'}); no plot written.",
            file=sys.stderr,
        )
        return tuple(files)
    metric = plot_metric or next((c for c in numeric if "accuracy" in c), numeric[0] if numeric else None)
    if metric is not None:
        files.append(_plot(rows, grid_names, metric, run_dir / "results.png"))
    return tuple(files)


def _plot(rows: list[dict[str, Any]], grid_names: list[str], metric: str, path: Path) -> Path:
    done = [r for r in rows if r["status"] == "done" and _is_number(r.get(metric))]
    labels = [", ".join(f"{name}={r[name]}" for name in grid_names) for r in done]
    with hidden():
        figure = new_figure(figsize=(7, 0.45 * len(done) + 1.4))
    axes = figure.add_subplot()
    bars = axes.barh(range(len(done)), [r[metric] for r in done])
    axes.bar_label(bars, fmt="%.4g", padding=2)
    axes.set_yticks(range(len(done)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(metric)
    axes.set_title(f"{metric} per combination ({len(rows) - len(done)} failed, not shown)")
    return save_figure(figure, path)
