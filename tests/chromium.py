"""Debian's Chromium for the browser tests (tests/ui, tests/book): where it is and how it is started.

Playwright's own browser download is never used: the tests drive /usr/bin/chromium
(Debian: ``apt-get install chromium``), headless, with the flags a sandboxed,
offline container needs.
"""
import contextlib
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def launch_chromium(playwright):
    """A headless Chromium from ``playwright`` (a started ``sync_playwright()``); fails the test if it is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed at {CHROMIUM} for the browser tests. Install it with "
                    "`apt-get update && apt-get install -y chromium` (Debian/Ubuntu, as root).")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium(make_target):
    """A started headless Chromium, closed at the end; ``make_target`` is the command that installs Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"Playwright for Python is missing: `{make_target}` installs it (the project's '[ui]' extra).")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
