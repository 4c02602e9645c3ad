"""Notebook 5 in a real JupyterLab, in headless Chromium: do the sliders work for a learner?

Opens a copy of the notebook, clears its saved outputs and runs every cell from
JupyterLab's menus, then moves the step-size slider with the keyboard, as a
learner without a mouse would, and checks what the page shows: the sliders,
a figure that changes, and at the top of the range the divergence reported in
words. Screenshots go to ``test-artifacts/``.

Needs Chromium at /usr/bin/chromium (Debian: ``apt-get install chromium``);
Playwright's own browser download is not used.
"""
import os
import statistics
import time

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000  # any single wait
RUN_ALL_TIMEOUT_MS = 90_000  # the whole notebook, kernel start included

KERNEL_IDLE = ".jp-StatusBar-Widget:has-text('Python 3 (ipykernel) | Idle')"
PLAYGROUND = ".playground.jupyter-widgets"
FIGURE = ".playground img.playground-figure"
STATUS = ".playground .playground-status"
STEP_HANDLE = ".playground .playground-step-size .noUi-handle"
STEP_READOUT = ".playground .playground-step-size .widget-readout"


def launch_chromium(playwright):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed at {CHROMIUM} for the browser test. Install it with "
                    "`apt-get update && apt-get install -y chromium` (Debian/Ubuntu, as root).")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def say(capsys, message):
    """Print past pytest's capture, so that `make test-ui` shows it even when the test passes."""
    with capsys.disabled():
        print(f"\n    {message}")


def save(page, artifacts, name, capsys, locator=None):
    path = artifacts / name
    (locator or page).screenshot(path=str(path))
    say(capsys, f"screenshot: {path}")
    return path


def menu(page, top, item):
    """Click ``top`` in JupyterLab's menu bar, then ``item`` in the menu that opens."""
    page.locator(".lm-MenuBar-item", has_text=top).first.click()
    page.locator(".lm-Menu-item:visible", has_text=item).first.click()


def press_and_wait_for_new_figure(page, key):
    """Press ``key`` (on the focused slider handle); return the seconds until the figure's image is replaced."""
    old = page.locator(FIGURE).get_attribute("src")
    start = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function("([sel, old]) => { const img = document.querySelector(sel);"
                           " return img && img.getAttribute('src') !== old && img.complete; }",
                           arg=[FIGURE, old], polling=10)
    return time.perf_counter() - start


def test_sliders_retrain_and_redraw_in_jupyterlab(jupyter_lab, artifacts, capsys):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: `make test-ui` installs it (the project's '[ui]' extra).")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            try:
                drive_the_playground(page, jupyter_lab, artifacts, capsys)
            except BaseException:
                # keep what the browser showed
                save(page, artifacts, "ui_failure.png", capsys)
                (artifacts / "ui_failure.html").write_text(page.content())
                say(capsys, f"page HTML: {artifacts / 'ui_failure.html'}; JupyterLab's log: {jupyter_lab.log}")
                raise
        finally:
            browser.close()


def drive_the_playground(page, lab, artifacts, capsys):
    page.goto(f"{lab.url}/lab/tree/{lab.notebook}?token={lab.token}&reset")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    page.locator(KERNEL_IDLE).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    saved = page.locator(".jp-OutputArea-output", has_text="Playground: sliders and a figure")
    if saved.count():
        saved.first.scroll_into_view_if_needed()
    save(page, artifacts, "ui_0_opened.png", capsys)

    # Clear the saved outputs, so that whatever shows up next comes from this run; then run everything.
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel .jp-OutputArea-output')")
    menu(page, "Run", "Run All Cells")
    page.locator(".jp-OutputArea-output", has_text="The figure was drawn").wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    page.locator(KERNEL_IDLE).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0, \
        "a cell wrote to stderr"

    # The playground rendered: sliders, figure and status; no widget error anywhere on the page.
    playground = page.locator(PLAYGROUND)
    playground.scroll_into_view_if_needed()
    assert playground.is_visible()
    sliders = page.locator(".playground .widget-slider")
    assert sliders.count() == 4 and sliders.first.is_visible()
    page.locator(FIGURE).wait_for(state="visible")
    assert page.get_by_text("Error displaying widget").count() == 0
    status = page.locator(STATUS)
    assert "training accuracy 0.87" in status.inner_text()
    assert page.locator(STEP_READOUT).inner_text().strip() == "1"
    before_status, before_png = status.inner_text(), page.locator(FIGURE).screenshot()
    save(page, artifacts, "ui_1_before.png", capsys, playground)

    # Key presses on the focused step-size handle retrain and redraw. Back and forth a few times
    # first, to report (not assert) how long a learner waits for the new figure.
    page.locator(STEP_HANDLE).focus()
    waits = [press_and_wait_for_new_figure(page, key) for key in ["ArrowLeft", "ArrowRight"] * 3]
    say(capsys, "key press to new figure in the browser: median %.0f ms (%s)"
        % (1000 * statistics.median(waits), ", ".join(f"{1000 * w:.0f}" for w in waits)))
    press_and_wait_for_new_figure(page, "ArrowLeft")  # half a decade down: 1 -> 0.316
    page.wait_for_function("([sel, old]) => document.querySelector(sel).innerText !== old",
                           arg=[STATUS, before_status])
    assert page.locator(STEP_READOUT).inner_text().strip() == "0.316"
    assert "step size 0.316" in status.inner_text()
    after_png = page.locator(FIGURE).screenshot()
    assert after_png != before_png, "the figure looks the same after the step size changed"
    save(page, artifacts, "ui_2_after_step_change.png", capsys, playground)

    # The End key: the top of the range, where training blows up and the page says so in words.
    page.locator(STEP_HANDLE).focus()
    press_and_wait_for_new_figure(page, "End")
    page.locator(STATUS, has_text="diverged").wait_for()
    assert page.locator(STEP_READOUT).inner_text().strip() == "100"
    text = status.inner_text()
    assert text.startswith("Training diverged at iteration"), text
    assert "step size 100 is too large" in text
    assert page.locator(FIGURE).screenshot() not in (before_png, after_png)
    assert page.get_by_text("Error displaying widget").count() == 0
    save(page, artifacts, "ui_3_diverged.png", capsys, playground)
