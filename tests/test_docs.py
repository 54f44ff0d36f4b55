"""The documentation site builds cleanly, shows the executed course notebooks with their figures and
tables that fit the page, and the library's public API is documented with examples."""

from __future__ import annotations

import ast
import base64
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser import chromium

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "cifar_lab"
EXAMPLE_MARKERS = ("Example:", "Examples:", ">>>")


def build_site(config_dir: Path, site_dir: Path, runs: Path | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict`, showing the executed notebooks of the ci run in `runs` (as `make docs` does)."""
    env = {**os.environ, "CIFAR_LAB_RUNS": str(runs)} if runs is not None else None
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=config_dir,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def module_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def public_functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions a user may call: named in ``__all__`` if the module has one, else not ``_``-prefixed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            exported = set(ast.literal_eval(node.value))
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if exported is not None:
        return [f for f in functions if f.name in exported]
    return [f for f in functions if not f.name.startswith("_")]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, ci_run) -> Path:
    """The site as `make docs` builds it: after `cifar-lab run --preset ci` (the `ci_run` fixture)."""
    site = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site, runs=ci_run.parent)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site


def test_site_builds_in_strict_mode_without_warnings(built_site):
    assert (built_site / "index.html").exists()


def test_every_cifar_lab_module_has_an_api_reference_page_grouped_by_subpackage(built_site):
    pages = []
    for path in module_files():
        relative = path.relative_to(PACKAGE_DIR).with_suffix("")
        if not any(part.startswith("_") for part in relative.parts):
            pages.append(relative)
        elif relative.name == "__init__" and len(relative.parts) == 2:
            pages.append(relative.parent)  # a subpackage's public face: reference/<subpackage>/
    missing = [str(page) for page in pages if not (built_site / "reference" / page / "index.html").exists()]
    assert len(pages) > 40 and missing == []


def test_api_reference_pages_render_the_docstrings(built_site):
    page = (built_site / "reference" / "data" / "loading" / "index.html").read_text(encoding="utf-8")
    assert 'id="cifar_lab.data.loading.load_cifar10"' in page


def test_docstrings_are_google_style_without_restructuredtext_markup():
    pattern = re.compile(r"``|:(?:func|data|class|mod|meth|attr|exc|obj):`|::$", re.MULTILINE)
    offenders = []
    for path in module_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                docstring = ast.get_docstring(node) or ""
                offenders += [f"{path.relative_to(ROOT)}: {m!r}" for m in pattern.findall(docstring)]
    assert offenders == []


def test_the_presets_table_is_generated_from_cifar_lab_presets(built_site):
    from cifar_lab.presets import PRESETS

    page = (built_site / "instructor-guide" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td><code>(\w+)</code></td>", page)
    assert set(PRESETS["quick"]) <= set(rows)
    assert "presets-table" not in page


def test_the_ethics_guide_lists_the_bibliography_of_cifar_lab(built_site):
    from cifar_lab.ethics.bibliography import BIBLIOGRAPHY

    page = (built_site / "ethics-guide" / "index.html").read_text(encoding="utf-8")
    first_authors = [reference.split(",")[0] for reference in BIBLIOGRAPHY.values()]
    assert [author for author in first_authors if author not in page] == []
    assert "<!-- bibliography -->" not in page


BROKEN_REFERENCES = {
    "no-such-page.md": "[a page that does not exist](no-such-page.md)",
    "no-such-section": "[a missing anchor](quickstart.md#no-such-section)",
    "no-such-figure.png": "![a figure that does not exist](img/no-such-figure.png)",
    "no_such_function": "[a function that does not exist][cifar_lab.data.no_such_function]",
}


def test_strict_build_fails_naming_each_broken_link_anchor_image_and_api_reference(tmp_path):
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for needed in ("cifar_lab", "benchmarks", "notebooks"):
        (tmp_path / needed).symlink_to(ROOT / needed)
    with open(tmp_path / "docs" / "index.md", "a", encoding="utf-8") as page:
        page.write("\n\n" + "\n\n".join(BROKEN_REFERENCES.values()) + "\n")
    result = build_site(tmp_path, tmp_path / "site")
    assert result.returncode != 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    unreported = [name for name in BROKEN_REFERENCES if not any(name in line for line in warnings)]
    assert unreported == [], result.stderr


def test_every_public_function_has_a_docstring_with_an_example():
    offenders = []
    for path in module_files():
        for function in public_functions(path):
            docstring = ast.get_docstring(function) or ""
            if not any(marker in docstring for marker in EXAMPLE_MARKERS):
                where = f"{path.relative_to(ROOT)}:{function.lineno} {function.name}"
                offenders.append(where + ("" if docstring else " (no docstring)"))
    assert offenders == [], "public functions without a docstring example:\n" + "\n".join(offenders)


def test_every_committed_figure_is_used_by_a_page():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    unused = [p.name for p in (ROOT / "docs" / "img").glob("*.png") if f"img/{p.name}" not in pages]
    assert unused == []


def executed_notebook() -> nbformat.NotebookNode:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    code = nbformat.v4.new_code_cell("print('hello')\nfig = plot()\nparams")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="hello\n"),
        nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "{'epochs': 2}"}, execution_count=1),
    ]
    card = nbformat.v4.new_code_cell("Markdown(card)")
    card.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/markdown": "# Model card\n\n![Per-class recall](per_class_recall.png)",
                "text/plain": "<Markdown>",
            },
        )
    ]
    failing = nbformat.v4.new_code_cell("1 / 0")
    failing.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="ZeroDivisionError",
            evalue="division by zero",
            traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
        )
    ]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 9. A demo"), code, failing, card])


def test_a_directory_of_executed_notebooks_named_by_the_variable_is_rendered_instead(tmp_path, monkeypatch):
    notebooks = tmp_path / "executed"
    notebooks.mkdir()
    nbformat.write(executed_notebook(), notebooks / "09_demo.ipynb")
    monkeypatch.setenv("CIFAR_LAB_DOCS_NOTEBOOKS", str(notebooks))
    result = build_site(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "notebooks" / "09_demo" / "index.html").read_text(encoding="utf-8")
    assert "A demo" in page and "hello" in page and "{'epochs': 2}" in page
    assert "ZeroDivisionError" in page and "\x1b" not in page
    assert "<h3" in page and "Model card" in page and "(figure: Per-class recall)" in page
    assert (tmp_path / "site" / "notebooks" / "09_demo_cell02_1.png").exists()


def test_the_site_has_a_page_for_every_course_notebook_executed_with_the_ci_preset(built_site):
    course = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [stem for stem in course if not (built_site / "notebooks" / stem / "index.html").is_file()]
    assert len(course) == 5 and missing == []


def test_each_executed_notebook_page_shows_every_figure_of_its_notebook_as_an_image_file(built_site, ci_run):
    shown = {}
    for executed in sorted((ci_run / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(executed, as_version=4).cells
        figures = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
        page = (built_site / "notebooks" / executed.stem / "index.html").read_text(encoding="utf-8")
        images = re.findall(rf'<img[^>]+src="\.\./({executed.stem}_cell\d+_\d+\.png)"', page)
        pngs = [name for name in images if (built_site / "notebooks" / name).read_bytes().startswith(b"\x89PNG")]
        shown[executed.stem] = (figures, len(pngs))
    assert all(figures == pngs for figures, pngs in shown.values()) and shown["01_data"][1] >= 1, shown


def test_01_datas_page_shows_the_sample_grid_drawn_by_its_cell(built_site, ci_run):
    cells = nbformat.read(ci_run / "notebooks" / "01_data.ipynb", as_version=4).cells
    [number] = [
        n for n, c in enumerate(cells, start=1) if c.cell_type == "code" and "plot_sample_grid(data" in c.source
    ]
    page = (built_site / "notebooks" / "01_data" / "index.html").read_text(encoding="utf-8")
    grid = f"01_data_cell{number:02d}_0.png"
    assert f'src="../{grid}"' in page and (built_site / "notebooks" / grid).stat().st_size > 10_000


def test_the_strict_build_fails_without_the_executed_notebooks_and_says_how_to_make_them(tmp_path):
    result = build_site(ROOT, tmp_path / "site", runs=tmp_path / "no-runs")
    assert result.returncode != 0 and "Run `make docs`" in result.stderr, result.stderr


@pytest.mark.parametrize("page", ["quickstart", "performance"])
def test_wide_tables_fit_the_page_at_laptop_width(built_site, page, tmp_path):
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1280, "height": 800})
        tab.goto((built_site / page / "index.html").as_uri())
        # A table's own frame (Material's scroll wrapper) must hold it, and the page must not scroll sideways.
        widths = tab.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " [...document.querySelectorAll('article table')].map(t => [t.scrollWidth, t.parentElement.clientWidth])]"
        )
        tab.screenshot(path=tmp_path / f"{page}.png", full_page=True)
    page_width, window_width, tables = widths
    overflowing = [table for table in tables if table[0] > table[1]]
    assert tables and page_width <= window_width and overflowing == [], (widths, tmp_path / f"{page}.png")


def test_every_recorded_benchmark_result_is_included_in_the_performance_page():
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    results = sorted((ROOT / "benchmarks" / "results").glob("*.txt"))
    missing = [p.name for p in results if f'--8<-- "benchmarks/results/{p.name}"' not in page]
    assert missing == []
