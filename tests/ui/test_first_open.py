"""What a newcomer sees after `make lab`: the first lesson, open, and nothing in the way.

Runs `make lab` itself (the ``make_lab`` fixture: a fresh temporary home, no
settings of its own), opens the link it prints in headless Chromium, waits for
the kernel and a few seconds more, and checks that the current document is
01_data.ipynb with its first cell, that the kernel is idle, and that nothing
pops up: no toast (JupyterLab's news prompt "Would you like to get notified
about official Jupyter news?" and its "newer version" notice are toasts), an
empty notification centre, no dialog, no Launcher. The prompt is kept away by
jupyterlab-settings/overrides.json, which the Makefile installs into the venv.
The screenshot goes to test-artifacts/first_open.png.
"""
import time

import pytest

from test_browser import KERNEL_IDLE, chromium_page, say, save

pytestmark = pytest.mark.browser

LANDING = "/lab/tree/01_data.ipynb"
SETTLE_SECONDS = 5  # after the kernel is idle: the news prompt shows up within about a second of loading
START_TIMEOUT_MS = 120_000  # page load and kernel start on a busy machine

NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"
TOAST = ".jp-toastContainer .Toastify__toast"  # every notification JupyterLab shows as a toast
NOTIFICATION_COUNT = ".jp-Notification-Status-Text"  # the status bar's count of the notification centre
DIALOG = ".jp-Dialog"
LAUNCHER = ".jp-Launcher:visible"
CURRENT_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"
NOTEBOOK = ".jp-NotebookPanel:visible"


def test_make_lab_opens_the_first_lesson_with_nothing_in_the_way(make_lab, artifacts, capsys):
    say(capsys, f"`make lab` printed {make_lab.printed_url}?token=...")
    assert make_lab.printed_url == f"{make_lab.url}{LANDING}", \
        f"`make lab` prints {make_lab.printed_url}, not the first lesson {LANDING}"
    # The server's view of the notification settings: no user settings at all, and
    # defaults that the installed overrides.json changed from the schema's ("none", true).
    settings = make_lab.api(f"/lab/api/settings/{NOTIFICATION_PLUGIN}")
    defaults = {key: settings["schema"]["properties"][key]["default"] for key in ("fetchNews", "checkForUpdates")}
    say(capsys, f"notification settings: user settings {settings['raw']}, defaults {defaults}")
    assert settings["raw"].strip() == "{}", f"the new user has settings already: {settings['raw']}"
    with chromium_page(artifacts, capsys, viewport={"width": 1400, "height": 900}, failure="first_open_failure",
                       hint=lambda: f"`make lab`'s log ({make_lab.log}), last lines:\n{make_lab.log_tail()}") as page:
        look_at_the_first_open(page, make_lab, artifacts, capsys)


def look_at_the_first_open(page, lab, artifacts, capsys):
    page.goto(f"{lab.printed_url}?token={lab.token}")
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=START_TIMEOUT_MS)
    page.locator(KERNEL_IDLE).wait_for(timeout=START_TIMEOUT_MS)
    time.sleep(SETTLE_SECONDS)
    save(page, artifacts, "first_open.png", capsys)

    toasts = page.locator(TOAST).all_inner_texts()
    count = page.locator(NOTIFICATION_COUNT).all_inner_texts()
    dialogs = page.locator(DIALOG).all_inner_texts()
    tabs = page.locator(CURRENT_TAB).all_inner_texts()
    say(capsys, f"first open: current tab {tabs}, notifications {count}, toasts {toasts}, dialogs {dialogs}")

    assert toasts == [], f"a notification pops up on first open: {toasts}"
    assert count == ["0"], f"the notification centre is not empty on first open: {count}"
    assert dialogs == [], f"a dialog is open on first open: {dialogs}"
    assert page.locator(LAUNCHER).count() == 0, "the Launcher is showing"
    assert tabs == ["01_data.ipynb"], f"the current document is {tabs}, not 01_data.ipynb"
    assert page.locator(NOTEBOOK).count() == 1
    first_cell = page.locator(f"{NOTEBOOK} .jp-Cell").first.inner_text().strip()
    assert first_cell.startswith("1 · "), f"the notebook's first cell reads {first_cell[:60]!r}"
    assert page.locator(KERNEL_IDLE).is_visible(), "the kernel is not idle"
    assert page.url.split("?")[0].endswith(LANDING), page.url
