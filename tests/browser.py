"""Debian's Chromium, driven by Playwright, for the tests of what a reader sees (JupyterLab, the site).

Playwright's own browsers are never used (`playwright install` downloads them, which these machines
cannot): the tests launch `/usr/bin/chromium` from Debian's `chromium` package, which `.ci/run` installs
when it is missing. Without it the browser tests skip and say so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests may run as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # nothing outside this machine is reached, or waited for
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling test, saying why, when Debian's Chromium is not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` (.ci/run does it)")


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright's `Browser`), with a fresh profile of its own; closed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
