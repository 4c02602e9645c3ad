"""Notebook 6 in a real JupyterLab, in headless Chromium: does the playground work for a learner?

Opens a copy of the notebook, clears its saved outputs and runs every cell from
JupyterLab's menus. Then, as a learner would: presses Play and counts the frames
the browser shows while the iteration counter rises; moves the step-size slider
with the keyboard while it plays; pauses; clicks on the plot to add a point;
turns on the hinge lines; and, paused, pushes the step size to the top of its
range, where training diverges and the page says so in words. Screenshots go to
``test-artifacts/``. Frame rates and delays are printed, never asserted: the
machine may be busy.

Needs Chromium at /usr/bin/chromium (Debian: ``apt-get install chromium``);
Playwright's own browser download is not used.
"""
import contextlib
import re
import statistics
import time

import pytest
from chromium import chromium

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000  # any single wait
RUN_ALL_TIMEOUT_MS = 300_000  # the whole notebook, kernel start included (a busy 2-core machine needs minutes)
WARM_UP_SECONDS = 1.0  # playing before the frame count starts
PLAY_SECONDS = 4.0  # how long the frame count runs

KERNEL_IDLE = ".jp-StatusBar-Widget:has-text('Python 3 (ipykernel) | Idle')"
PLAYGROUND = ".playground.jupyter-widgets"
FIGURE = ".playground img.playground-figure"
STATUS = ".playground .playground-status"
PLAY = ".playground .playground-play"
STEP_HANDLE = ".playground .playground-step-size .noUi-handle"
STEP_READOUT = ".playground .playground-step-size .widget-readout"
HINGES = ".playground .playground-show-hinges input"

# Counts every new image the figure's <img> shows, with the time and the status line at that moment.
WATCH_FRAMES = """([figure, status]) => {
  const img = document.querySelector(figure);
  window.__frames = [];
  new MutationObserver(() => window.__frames.push(
      {t: performance.now(), src: img.src, status: document.querySelector(status).innerText}))
    .observe(img, {attributes: true, attributeFilter: ['src']});
}"""


@contextlib.contextmanager
def chromium_page(artifacts, capsys, *, viewport, failure, hint=lambda: ""):
    """A page of headless Chromium; if the block fails, keep ``failure``.png and .html, and say ``hint()``."""
    with chromium("make test-ui") as browser:
        page = browser.new_page(viewport=viewport)
        page.set_default_timeout(TIMEOUT_MS)
        try:
            yield page
        except BaseException:
            save(page, artifacts, f"{failure}.png", capsys)
            (artifacts / f"{failure}.html").write_text(page.content())
            say(capsys, f"page HTML: {artifacts / (failure + '.html')}; {hint()}")
            raise


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


def iteration(page):
    match = re.search(r"Iteration (\d+)", page.locator(STATUS).inner_text())
    return int(match.group(1)) if match else None


def frames(page):
    return page.evaluate("() => window.__frames")


def press_and_wait_for_new_figure(page, key):
    """Press ``key`` (on the focused slider handle); return the seconds until the figure's image is replaced."""
    old = page.locator(FIGURE).get_attribute("src")
    start = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function("([sel, old]) => { const img = document.querySelector(sel);"
                           " return img && img.getAttribute('src') !== old && img.complete; }",
                           arg=[FIGURE, old], polling=10)
    return time.perf_counter() - start


def press_and_wait_for_frame_with(page, key, text):
    """Press ``key``; return the seconds until the figure shows a frame whose status line holds ``text``
    (frames of a retrain that is catching up keep coming, so a new image alone says nothing)."""
    before = len(frames(page))
    start = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function("([n, text]) => window.__frames.slice(n).some(f => f.status.includes(text))",
                           arg=[before, text], polling=10)
    return time.perf_counter() - start


def test_playground_plays_responds_and_draws_in_jupyterlab(jupyter_lab, artifacts, capsys):
    with chromium_page(artifacts, capsys, viewport={"width": 1400, "height": 1100}, failure="ui_failure",
                       hint=lambda: f"JupyterLab's log: {jupyter_lab.log}") as page:
        drive_the_playground(page, jupyter_lab, artifacts, capsys)


def drive_the_playground(page, lab, artifacts, capsys):
    page.goto(f"{lab.url}/lab/tree/{lab.notebook}?token={lab.token}&reset")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    page.locator(KERNEL_IDLE).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    save(page, artifacts, "ui_0_opened.png", capsys)

    # Clear the saved outputs, so that whatever shows up next comes from this run; then run everything.
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel .jp-OutputArea-output')")
    menu(page, "Run", "Run All Cells")
    # the last code cell's output: the playground's experiments from code, the last of which is this one
    page.locator(".jp-OutputArea-output", has_text="model = 2-layer:").last.wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    page.locator(KERNEL_IDLE).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0, \
        "a cell wrote to stderr"

    # The playground rendered, ipyevents included: controls, figure, status; no widget error on the page.
    playground = page.locator(PLAYGROUND)
    playground.scroll_into_view_if_needed()
    assert playground.is_visible()
    assert page.locator(".playground .widget-slider").count() >= 8
    page.locator(FIGURE).wait_for(state="visible")
    assert page.get_by_text("Error displaying widget").count() == 0
    status = page.locator(STATUS)
    start = iteration(page)
    assert start is not None and "held-out accuracy" in status.inner_text()
    save(page, artifacts, "ui_1_ready.png", capsys, playground)

    # Play: frames arrive and the iteration counter rises; a slider change applies while it plays.
    page.evaluate(WATCH_FRAMES, [FIGURE, STATUS])
    play_and_change_the_step_size(page, capsys, "at the defaults", start)
    save(page, artifacts, "ui_3_slider_while_playing.png", capsys, playground)

    # Pause: the counter stops.
    page.locator(PLAY).click()
    page.wait_for_function("([sel]) => document.querySelector(sel).innerText.includes('Play')", arg=[PLAY])
    time.sleep(0.5)  # let a frame that was already on its way arrive
    paused_at = iteration(page)
    time.sleep(1.0)
    assert iteration(page) == paused_at, "training went on after Pause"

    # A click on the decision-region plot adds a point: the training-point count goes up by one.
    count_before = int(re.search(r"(\d+) training and", status.inner_text()).group(1))
    box = page.locator(FIGURE).bounding_box()
    page.mouse.click(box["x"] + 0.30 * box["width"], box["y"] + 0.25 * box["height"])
    page.wait_for_function("([sel, n]) => document.querySelector(sel).innerText.includes(`${n} training and`)",
                           arg=[STATUS, count_before + 1])
    save(page, artifacts, "ui_4_clicked_point.png", capsys, playground)

    # The hinge lines: the figure changes and the status counts dead units.
    old = page.locator(FIGURE).get_attribute("src")
    page.locator(HINGES).check()
    page.wait_for_function("([sel, old]) => document.querySelector(sel).getAttribute('src') !== old",
                           arg=[FIGURE, old])
    assert re.search(r"\d+ of 100 hidden units dead", status.inner_text())
    save(page, artifacts, "ui_5_hinges.png", capsys, playground)

    # Paused, a key press on the step-size slider retrains from the seed and redraws; report how long it takes.
    page.locator(STEP_HANDLE).focus()
    waits = [press_and_wait_for_new_figure(page, key) for key in ["ArrowRight", "ArrowLeft"] * 3]
    say(capsys, "paused: key press to new figure in the browser: median %.0f ms (%s)"
        % (1000 * statistics.median(waits), ", ".join(f"{1000 * w:.0f}" for w in waits)))

    # The End key: the top of the range, where training blows up and the page says so in words.
    press_and_wait_for_new_figure(page, "End")
    page.locator(STATUS, has_text="diverged").wait_for()
    assert page.locator(STEP_READOUT).inner_text().strip() == "100"
    text = status.inner_text()
    assert text.startswith("Training diverged at iteration"), text
    assert "step size 100 is too large" in text
    assert page.get_by_text("Error displaying widget").count() == 0
    save(page, artifacts, "ui_6_diverged.png", capsys, playground)

    # The largest settings the controls allow: a paused change still shows a first picture at once, and
    # the retrain catches up as it goes; playing still gives frames, and a change while playing applies.
    for _ in range(4):  # step size 100 -> 1, half a decade a press
        press_and_wait_for_new_figure(page, "ArrowLeft")
    for name in ("hidden-size", "points-per-class", "classes", "num-iters", "speed"):
        page.locator(f".playground .playground-{name} .noUi-handle").focus()
        page.keyboard.press("End")
    page.wait_for_function("([sel]) => document.querySelector(sel).innerText.includes('and 240 held-out points')",
                           arg=[STATUS])
    page.locator(STEP_HANDLE).focus()
    page.evaluate(WATCH_FRAMES, [FIGURE, STATUS])
    waits = [press_and_wait_for_frame_with(page, key, text)
             for key, text in [("ArrowLeft", "step size 0.316,"), ("ArrowRight", "step size 1,")] * 3]
    say(capsys, "largest settings, paused: key press to the first figure of the new retrain: median %.0f ms (%s)"
        % (1000 * statistics.median(waits), ", ".join(f"{1000 * w:.0f}" for w in waits)))
    assert "Catching up with the new settings: iteration" in status.inner_text(), status.inner_text()
    assert "of 20000" in status.inner_text()
    time.sleep(1.0)
    save(page, artifacts, "ui_7_largest_catching_up.png", capsys, playground)
    page.evaluate(WATCH_FRAMES, [FIGURE, STATUS])
    play_and_change_the_step_size(page, capsys, "at the largest settings", None)
    save(page, artifacts, "ui_8_largest_playing.png", capsys, playground)
    page.locator(PLAY).click()


def play_and_change_the_step_size(page, capsys, where, start):
    """Press Play; count the distinct frames the browser shows; then, while it plays, move the step size
    down, up and down (from 1) and count the frames until one carries the new value. Prints both."""
    page.locator(PLAY).click()
    time.sleep(WARM_UP_SECONDS)  # the first frames also pay for JupyterLab settling after Run All
    page.evaluate("() => { window.__frames = []; }")
    time.sleep(PLAY_SECONDS)
    shown = frames(page)
    distinct = len({f["src"] for f in shown})
    span = (shown[-1]["t"] - shown[0]["t"]) / 1000 if len(shown) > 1 else float("nan")
    say(capsys, f"playing {where}: {distinct} distinct frames in {PLAY_SECONDS:.0f} s after {WARM_UP_SECONDS:.0f} s "
        f"of warm-up ({(len(shown) - 1) / span:.1f} frames/s between the first and the last)")
    assert distinct >= 5, f"only {distinct} frames arrived in {PLAY_SECONDS} s of playing"
    counts = [int(re.search(r"Iteration (\d+)", f["status"]).group(1)) for f in shown
              if re.search(r"Iteration (\d+)", f["status"])]
    assert counts and counts == sorted(counts) and (start is None or counts[-1] > start), counts

    # Three presses (down, up, down); for each, how many frames the browser showed until one carried
    # the new step size.
    page.locator(STEP_HANDLE).focus()
    delays, at_change = [], iteration(page)
    for key, readout in (("ArrowLeft", "step size 0.316,"), ("ArrowRight", "step size 1,"),
                         ("ArrowLeft", "step size 0.316,")):
        before = len(frames(page))
        page.keyboard.press(key)
        page.wait_for_function("([n, text]) => window.__frames.slice(n).some(f => f.status.includes(text))",
                               arg=[before, readout])
        shown = frames(page)
        first = next(i for i in range(before, len(shown)) if readout in shown[i]["status"])
        delays.append(first - before + 1)
    say(capsys, f"slider released while playing {where}: took effect {statistics.median(delays):.0f} frame(s) "
        f"later (median of {delays})")
    assert page.locator(STEP_READOUT).inner_text().strip() == "0.316"
    after = int(re.search(r"Iteration (\d+)", shown[first]["status"]).group(1))
    assert after > at_change, "the change restarted training instead of going on"
