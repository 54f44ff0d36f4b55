"""The course in a real browser: JupyterLab as `make lab` starts it, driven by Playwright in Debian's Chromium.

The server is set up the way `cifar-lab lab` does it (the `cifar-lab` kernelspec installed, the student
working copies written by `write_student_versions`, the command from `lab_command`), on a free loopback
port, with everything it writes kept in a scratch folder: its own Jupyter config, data, runtime,
settings and workspace folders, the kernelspec in a scratch prefix on `JUPYTER_PATH`, runs in
`CIFAR_LAB_RUNS`. The one setting changed from a student's is JupyterLab's "get notified about Jupyter
news?" question, answered "no" by the course's JupyterLab settings, as `make lab` installs them.

The data is a fake CIFAR-10 in the official pickled format with as many images per class as the `quick`
preset takes (1,000), so the working copy runs unchanged at that preset, offline, in seconds, and nothing
in it has a reason to warn. A student's working copy of `01_data` is opened, run with Run > Run All Cells
and saved, as a student would; then what the page shows is checked. A screenshot of the executed
notebook (the sample grid in view) is saved every time; every assertion message says where.

A control notebook with a line on stderr and an exception is run the same way, to show that the
checks do see stderr boxes and errors when there are some.

Chromium comes from Debian (tests/browser.py), never from `playwright install`. Without it these tests
skip and say so.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest
from browser import chromium, require_chromium
from fake_cifar import BATCH_DIR, LABEL_NAMES, batch_dict, official_pickle

from cifar_lab.lab import KERNEL_NAME, install_kernelspec, install_lab_settings, lab_command, write_student_versions
from cifar_lab.presets import PRESETS

PER_CLASS = PRESETS["quick"]["n_per_class"]  # the working copies keep the quick preset
STDERR = "application/vnd.jupyter.stderr"  # JupyterLab renders stderr streams and tracebacks with it
KERNEL_STATUS = '.jp-StatusBar-TextItem[title^="Change kernel"]'
SERVER_START_S, OPEN_S, RUN_S = 60, 90, 180
CONTROL = "00_control.ipynb"
CONTROL_CELLS = ["import sys\nprint('a line on stderr', file=sys.stderr)", "1 / 0"]

OUTPUT = ".jp-CodeCell .jp-OutputArea-output"
# Run All queues every code cell at once ("[*]:"), so "idle, none queued, the first one numbered" is the end.
FINISHED = """status => {
    const shown = document.querySelector(status)?.textContent || '';
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
    return /\\| Idle$/.test(shown) && prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0])
        && !prompts.includes('[*]:');
}"""
# textContent, not innerText: cells scrolled out of view are skipped by content-visibility and have no innerText.
SHOWN = """() => {
    const cells = [...document.querySelectorAll('.jp-CodeCell')];
    const outputs = cells.flatMap((cell, index) => [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => {
        const img = o.querySelector('img');
        const image = img && img.complete ? [img.naturalWidth, img.naturalHeight, img.getBoundingClientRect().width]
                                          : null;
        return {cell: index, mime: o.dataset.mimeType, text: o.textContent.slice(0, 500), image};
    }));
    return [outputs, cells.map(c => c.querySelector('.jp-InputPrompt').textContent.trim())];
}"""


def write_balanced_fake_cifar(root: Path) -> Path:
    """The official `cifar-10-batches-py/` layout: five training batches of random images holding each
    class `PER_CLASS / 5` times, and a test batch of 100; returns the folder."""
    rng = np.random.default_rng(0)
    folder = root / BATCH_DIR
    folder.mkdir(parents=True)
    batches = [(f"data_batch_{i}", -(-PER_CLASS // 5)) for i in range(1, 6)] + [("test_batch", 10)]
    for name, per_class in batches:
        labels = rng.permutation(np.repeat(np.arange(10), per_class))
        images = rng.integers(0, 256, size=(len(labels), 32, 32, 3), dtype=np.uint8)
        (folder / name).write_bytes(official_pickle(batch_dict(images, labels, name)))
    meta = {b"num_cases_per_batch": 10 * batches[0][1], b"label_names": [n.encode() for n in LABEL_NAMES]}
    (folder / "batches.meta").write_bytes(official_pickle({**meta, b"num_vis": 3072}))
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    copies: Path
    log: Path
    artifacts: Path

    def api(self, path: str):
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=5) as response:
            return json.loads(response.read())

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def control_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CONTROL_CELLS])
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    return notebook


def scratch_environment(scratch: Path) -> dict[str, str]:
    install_lab_settings()  # as `make lab` does: the news popup must not cover a student's first output
    install_kernelspec(scratch / "prefix")
    folders = {
        "JUPYTER_PATH": "prefix/share/jupyter",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "CIFAR_LAB_RUNS": "runs",
    }
    data = write_balanced_fake_cifar(scratch / "cifar")
    return {
        **os.environ,
        **{name: str(scratch / folder) for name, folder in folders.items()},
        "CIFAR_LAB_DATA": str(data),
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    scratch = tmp_path_factory.mktemp("jupyterlab")
    environment = scratch_environment(scratch)
    write_student_versions(scratch / "my-notebooks")
    nbformat.write(control_notebook(), scratch / "my-notebooks" / CONTROL)
    port, token, log = free_port(), secrets.token_urlsafe(16), scratch / "jupyterlab.log"
    command = lab_command(scratch / "my-notebooks", port=port, token=token, open_browser=False)
    with open(log, "w") as output:
        server = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", token, scratch / "my-notebooks", log, scratch)
    try:
        wait_for_server(lab, server)
        yield lab
    finally:
        server.terminate()  # JupyterLab shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for_server(lab: Lab, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with status {server.returncode}:\n{lab.log_tail()}")
        try:
            lab.api("/api/status")
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{lab.log_tail()}")


@pytest.fixture(scope="module")
def browser(lab):
    with chromium() as browser:
        yield browser


@dataclass
class Executed:
    """A notebook as the page shows it after Run All Cells and Save: its outputs, its saved file."""

    outputs: list[dict]  # {"cell": index among code cells, "mime": ..., "text": ..., "image": size or None}
    prompts: list[str]
    saved: nbformat.NotebookNode
    kernel: str
    screenshot: Path


def run_all_and_save(lab: Lab, browser, name: str) -> Executed:
    """Open `name` in JupyterLab, run all its cells from the Run menu, save it, and read back what is shown."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    screenshot = lab.artifacts / f"{Path(name).stem}.png"
    try:
        page.goto(f"{lab.url}/lab/tree/{name}?token={lab.token}&reset")  # reset: not the last page's tabs
        page.locator(KERNEL_STATUS).filter(has_text=re.compile(r"\| Idle$")).wait_for(timeout=OPEN_S * 1000)
        kernel = page.locator(KERNEL_STATUS).text_content()
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        page.wait_for_function(FINISHED, arg=KERNEL_STATUS, timeout=RUN_S * 1000)
        page.locator(".lm-MenuBar-item", has_text="File").first.click()
        page.locator('.lm-Menu-item[data-command="docmanager:save"]').click()
        page.locator(".lm-TabBar-tab.jp-mod-dirty").wait_for(state="detached", timeout=OPEN_S * 1000)
        images = page.locator(f'{OUTPUT}[data-mime-type="image/png"] img')
        if images.count():
            images.first.evaluate("image => image.scrollIntoView({block: 'start'})")
        outputs, prompts = page.evaluate(SHOWN)
        page.screenshot(path=screenshot)
        saved = nbformat.read(lab.copies / name, as_version=4)
        counts = [f"[{cell.execution_count}]:" for cell in saved.cells if cell.cell_type == "code"]
        assert counts == prompts, f"the saved notebook's execution counts {counts} are not the page's {prompts}"
        return Executed(outputs, prompts, saved, kernel, screenshot)
    except Exception as error:
        page.screenshot(path=screenshot)
        toasts = page.locator(".Toastify__toast").all_text_contents()
        raise AssertionError(
            f"{name} did not open, run and save in JupyterLab ({error}); screenshot: {screenshot}; "
            f"notifications: {toasts}\nserver log:\n{lab.log_tail()}"
        ) from error
    finally:
        page.close()


def stderr_boxes(executed: Executed) -> list[dict]:
    return [output for output in executed.outputs if output["mime"] == STDERR]


def saved_errors(executed: Executed) -> list[str]:
    return [
        f"cell {index}: {output.ename}: {output.evalue}"
        for index, cell in enumerate(c for c in executed.saved.cells if c.cell_type == "code")
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]


def sample_grid_cell(executed: Executed) -> int:
    """The index, among code cells, of the one cell that draws the sample grid."""
    code = [cell.source for cell in executed.saved.cells if cell.cell_type == "code"]
    calls = [index for index, source in enumerate(code) if re.search(r"\bplot_sample_grid\(\s*data\.", source)]
    assert len(calls) == 1, f"expected one cell drawing the sample grid, found {calls}"
    return calls[0]


@pytest.fixture(scope="module")
def data_notebook(lab, browser) -> Executed:
    return run_all_and_save(lab, browser, "01_data.ipynb")


@pytest.fixture(scope="module")
def control(lab, browser) -> Executed:
    return run_all_and_save(lab, browser, CONTROL)


def test_the_working_copy_of_01_data_runs_in_the_cifar_lab_kernel(lab, data_notebook):
    sessions = {session["path"]: session["kernel"]["name"] for session in lab.api("/api/sessions")}
    assert sessions.get("01_data.ipynb") == KERNEL_NAME, f"{sessions}; screenshot: {data_notebook.screenshot}"
    assert data_notebook.kernel.startswith(KERNEL_NAME), f"{data_notebook.kernel}; {data_notebook.screenshot}"


def test_run_all_cells_runs_every_cell_of_01_data_without_an_error(data_notebook):
    unrun = [index for index, prompt in enumerate(data_notebook.prompts) if not re.fullmatch(r"\[\d+\]:", prompt)]
    errors = saved_errors(data_notebook)
    assert (unrun, errors) == ([], []), f"cells not run, errors: {unrun}, {errors}; {data_notebook.screenshot}"


def test_01_data_shows_its_sample_grid_as_an_image_in_the_output_area(data_notebook):
    grid = sample_grid_cell(data_notebook)
    images = [o["image"] for o in data_notebook.outputs if o["cell"] == grid and o["mime"] == "image/png"]
    assert len(images) == 1 and images[0] is not None, (
        f"cell {grid} shows {[o['mime'] for o in data_notebook.outputs if o['cell'] == grid]}, not one decoded "
        f"image/png; screenshot: {data_notebook.screenshot}"
    )
    width, height, shown_width = images[0]
    assert min(width, height) >= 300 and shown_width >= 300, f"{images[0]}; screenshot: {data_notebook.screenshot}"


def test_01_data_shows_no_stderr_box(data_notebook):
    boxes = [f"cell {o['cell']}: {o['text'][:300]}" for o in stderr_boxes(data_notebook)]
    assert boxes == [], f"stderr boxes: {boxes}; screenshot: {data_notebook.screenshot}"


def test_the_checks_see_a_stderr_box_and_an_error_when_a_notebook_has_them(control):
    texts = [box["text"] for box in stderr_boxes(control)]
    assert len(texts) == 2 and "a line on stderr" in texts[0] and "ZeroDivisionError" in texts[1], control.screenshot
    assert saved_errors(control) == ["cell 1: ZeroDivisionError: division by zero"], control.screenshot
