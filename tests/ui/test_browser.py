"""Notebook 6 in a real JupyterLab, in headless Chromium: does the playground work for a learner?

Opens a copy of the notebook, clears its saved outputs and runs every cell from
JupyterLab's menus. Then, as a learner would: presses Play and counts the distinct
frames the browser draws while the iteration counter rises; moves the step-size slider
with the keyboard while it plays; pauses (with the Space key on the Play button); clicks on
the plot to add a point and finds it drawn there; turns on the hinge lines; and, paused,
pushes the step size to the top of its range, where training diverges and the page says
so in words. axe-core (pinned in tools/axe/package.json, installed by `make test-ui`) checks
the playground's part of the page. Screenshots go to ``test-artifacts/``. Frame rates and
delays are printed, never asserted: the machine may be busy.

Needs Chromium at /usr/bin/chromium (Debian: ``apt-get install chromium``);
Playwright's own browser download is not used.
"""
import contextlib
import json
import re
import statistics
import time
from pathlib import Path

import pytest
from chromium import chromium

from helpers.style import CLASS_COLOURS

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000  # any single wait
RUN_ALL_TIMEOUT_MS = 300_000  # the whole notebook, kernel start included (a busy 2-core machine needs minutes)
WARM_UP_SECONDS = 1.0  # playing before the frame count starts
PLAY_SECONDS = 4.0  # how long the frame count runs
AXE = Path(__file__).resolve().parents[2] / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

KERNEL_IDLE = ".jp-StatusBar-Widget:has-text('Python 3 (ipykernel) | Idle')"
PLAYGROUND = ".spiral-playground"
STATUS = ".spiral-playground .pg-status"
PLAY = ".spiral-playground .pg-play"
PLANE = ".spiral-playground canvas.pg-overlay"
REGIONS = ".spiral-playground canvas.pg-regions"
STEP_SIZE = ".spiral-playground input[data-setting='step_size']"
STEP_READOUT = ".spiral-playground output[for$='-step_size']"
HINGES = ".spiral-playground input.pg-show-hinges"

# Records every frame the front end draws (its data-seq attribute, set after drawing), with the time and the
# status line at that moment.
WATCH_FRAMES = """([root, status]) => {
  const el = document.querySelector(root);
  window.__frames = [];
  if (window.__frameObserver) window.__frameObserver.disconnect();  // one watcher at a time
  let last = el.dataset.seq;
  window.__frameObserver = new MutationObserver(() => {
    if (el.dataset.seq === last) return;  // drawn again (a view switch), not a new frame
    last = el.dataset.seq;
    window.__frames.push({t: performance.now(), seq: last, status: document.querySelector(status).textContent});
  });
  window.__frameObserver.observe(el, {attributes: true, attributeFilter: ['data-seq']});
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
    match = re.search(r"(?:Iteration|iteration) (\d+)", page.locator(STATUS).inner_text())
    return int(match.group(1)) if match else None


def frames(page):
    return page.evaluate("() => window.__frames")


def press_and_wait_for_frame_with(page, key, text):
    """Press ``key`` and wait until the front end draws a frame whose status line holds ``text`` (frames of a
    retrain that is catching up keep coming, so a new frame alone says nothing). Returns two delays in
    seconds: in the page, from the key's event to that frame's drawing (both on the page's clock); and
    as this script sees it, which adds the browser's round trips to the test (the key press sent over
    Chromium's protocol, the polling for the frame)."""
    before = len(frames(page))
    page.evaluate("""() => { window.__pressedAt = null;
        document.addEventListener('keydown', () => { window.__pressedAt = performance.now(); },
                                  {capture: true, once: true}); }""")
    start = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function("([n, text]) => window.__frames.slice(n).some(f => f.status.includes(text))",
                           arg=[before, text], polling="raf")
    outside = time.perf_counter() - start
    inside = page.evaluate("([n, text]) => window.__frames.slice(n).find(f => f.status.includes(text)).t"
                           " - window.__pressedAt", [before, text]) / 1000
    return inside, outside


def say_delays(capsys, what, delays):
    """Print the median in-page delay of ``delays`` (pairs from press_and_wait_for_frame_with) and each one."""
    inside = [1000 * d[0] for d in delays]
    outside = [1000 * d[1] for d in delays]
    say(capsys, f"{what}: median {statistics.median(inside):.0f} ms in the page, key event to the drawn frame "
        f"({', '.join(f'{w:.0f}' for w in inside)}); {statistics.median(outside):.0f} ms as the test sees it, "
        f"with its round trips to the browser ({', '.join(f'{w:.0f}' for w in outside)})")


def axe_counts(page, capsys, where):
    """axe-core on the playground's part of the page: violations by impact (printed, with each rule's name)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("""async (root) => {
        const r = await axe.run({include: [root]}, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                       target: v.nodes[0] && v.nodes[0].target.join(' ')}));
    }""", PLAYGROUND)
    counts = {impact: sum(v["nodes"] for v in result if v["impact"] == impact)
              for impact in ("critical", "serious", "moderate", "minor")}
    say(capsys, f"axe-core {where}: " + ", ".join(f"{n} {impact}" for impact, n in counts.items())
        + "".join(f"\n      {v['impact']}: {v['id']} ({v['nodes']}) e.g. {v['target']}" for v in result))
    return counts


def test_playground_plays_responds_and_draws_in_jupyterlab(jupyter_lab, artifacts, capsys):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: `make test-ui` installs it (npm).")
    with chromium_page(artifacts, capsys, viewport={"width": 1400, "height": 1100}, failure="ui_failure",
                       hint=lambda: f"JupyterLab's log: {jupyter_lab.log}") as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        drive_the_playground(page, jupyter_lab, artifacts, capsys)
        assert errors == [], errors


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

    # The playground rendered: native controls from the settings table, the plane, the status line.
    playground = page.locator(PLAYGROUND)
    playground.scroll_into_view_if_needed()
    assert playground.is_visible()
    assert page.locator(f"{PLAYGROUND} input[type=range]").count() == 9
    assert page.locator(f"{PLAYGROUND} input[type=range]:not([aria-valuetext])").count() == 0
    assert page.locator(f"{PLAYGROUND} fieldset input[type=radio]").count() >= 5  # the model; the click's class
    page.locator(PLANE).wait_for(state="visible")
    assert page.get_by_text("Error displaying widget").count() == 0
    status = page.locator(STATUS)
    page.wait_for_function("(sel) => /held-out accuracy/.test(document.querySelector(sel).textContent)", arg=STATUS)
    assert "model = 2-layer" not in status.inner_text()
    start = iteration(page)
    label = page.locator(PLANE).get_attribute("aria-label")
    assert page.locator(PLANE).get_attribute("role") == "img" and f"iteration {start}" in label, label
    assert "training loss" in label and "training accuracy" in label
    save(page, artifacts, "ui_1_ready.png", capsys, playground)
    counts = axe_counts(page, capsys, "on the playground at rest")
    assert counts["critical"] + counts["serious"] == 0, counts

    # Play: frames arrive and the iteration counter rises; a slider change applies while it plays.
    page.evaluate(WATCH_FRAMES, [PLAYGROUND, STATUS])
    play_and_change_the_step_size(page, capsys, "at the defaults", start)
    save(page, artifacts, "ui_3_slider_while_playing.png", capsys, playground)

    # Pause, from the keyboard: Space on the focused Play button. The counter stops.
    page.locator(PLAY).focus()
    page.keyboard.press("Space")
    page.wait_for_function("(sel) => document.querySelector(sel).getAttribute('aria-pressed') === 'false'", arg=PLAY)
    time.sleep(0.5)  # let a frame that was already on its way arrive
    paused_at = iteration(page)
    time.sleep(1.0)
    assert iteration(page) == paused_at, "training went on after Pause"

    # A click on the plane adds a point of the chosen class where it was clicked (in data coordinates): the
    # training-point count goes up by one, and the pixel there takes the class's colour.
    count_before = int(re.search(r"(\d+) training and", status.inner_text()).group(1))
    page.locator(f"{PLAYGROUND} .pg-click-class label", has_text="class 2").click()
    where = (1.2, -1.2)
    x, y = plane_pixel(page, *where)
    box = page.locator(PLANE).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("([sel, n]) => document.querySelector(sel).textContent.includes(`${n} training and`)",
                           arg=[STATUS, count_before + 1])
    page.wait_for_function("() => window.__frames.length > 0")
    drawn = page.evaluate("""([sel, x, y]) => { const c = document.querySelector(sel);
        const r = c.width / c.getBoundingClientRect().width;
        return Array.from(c.getContext('2d').getImageData(Math.round(x * r), Math.round(y * r), 1, 1).data); }""",
                          [PLANE, x, y])
    expected = [int(CLASS_COLOURS[2][i:i + 2], 16) for i in (1, 3, 5)]
    assert drawn[3] == 255 and max(abs(a - b) for a, b in zip(drawn, expected)) < 40, \
        f"the pixel at the click is {drawn}, not class 2's colour {expected}"
    save(page, artifacts, "ui_4_clicked_point.png", capsys, playground)

    # The hinge lines: drawn, and the status counts dead units.
    page.locator(HINGES).check()
    page.wait_for_function("(sel) => Number(document.querySelector(sel).dataset.hinges) > 0", arg=PLAYGROUND)
    assert re.search(r"\d+ of 100 hidden units dead", status.inner_text())
    save(page, artifacts, "ui_5_hinges.png", capsys, playground)

    # Paused, a key press on the step-size slider retrains from the seed and redraws; report how long it takes.
    page.locator(STEP_SIZE).focus()
    assert page.locator(STEP_READOUT).inner_text().strip() == "0.316"  # where playing left it
    waits = [press_and_wait_for_frame_with(page, key, text)
             for key, text in [("ArrowRight", "step size 1,"), ("ArrowLeft", "step size 0.316,")] * 3]
    say_delays(capsys, "paused: key press to the first picture of the retrain", waits)

    # The End key: the top of the range, where training blows up and the page says so in words.
    press_and_wait_for_frame_with(page, "End", "diverged")
    assert page.locator(STEP_READOUT).inner_text().strip() == "100"
    text = status.inner_text()
    assert text.startswith("Training diverged at iteration"), text
    assert "step size 100 is too large" in text
    assert page.locator(REGIONS).evaluate("c => getComputedStyle(c).visibility") == "hidden"
    assert page.locator(PLANE).get_attribute("aria-label").startswith("Decision regions of the 2-layer net")
    assert page.get_by_text("Error displaying widget").count() == 0
    save(page, artifacts, "ui_6_diverged.png", capsys, playground)
    counts = axe_counts(page, capsys, "on the playground, diverged, hinge lines on")
    assert counts["critical"] + counts["serious"] == 0, counts

    # The largest settings the controls allow: a paused change still shows a first picture at once, and
    # the retrain catches up as it goes; playing still gives frames, and a change while playing applies.
    for text in ("step size 31.6,", "step size 10,", "step size 3.16,", "step size 1,"):  # half a decade a press
        press_and_wait_for_frame_with(page, "ArrowLeft", text)
    for name in ("hidden_size", "points_per_class", "classes", "num_iters", "speed"):
        page.locator(f"{PLAYGROUND} input[data-setting='{name}']").focus()
        page.keyboard.press("End")
    page.wait_for_function("(sel) => document.querySelector(sel).textContent.includes('and 240 held-out points')",
                           arg=STATUS)
    page.locator(STEP_SIZE).focus()
    page.evaluate(WATCH_FRAMES, [PLAYGROUND, STATUS])
    waits = [press_and_wait_for_frame_with(page, key, text)
             for key, text in [("ArrowLeft", "step size 0.316,"), ("ArrowRight", "step size 1,")] * 3]
    say_delays(capsys, "largest settings, paused: key press to the first picture of the new retrain", waits)
    assert "Catching up with the new settings: iteration" in status.inner_text(), status.inner_text()
    assert "of 20000" in status.inner_text()
    time.sleep(1.0)
    save(page, artifacts, "ui_7_largest_catching_up.png", capsys, playground)
    page.evaluate(WATCH_FRAMES, [PLAYGROUND, STATUS])
    play_and_change_the_step_size(page, capsys, "at the largest settings", None)
    save(page, artifacts, "ui_8_largest_playing.png", capsys, playground)
    page.locator(PLAY).click()


def plane_pixel(page, x, y):
    """The CSS pixel of the plane's point (x, y) on the plot canvas, from where the front end says the plane sits."""
    left, top, size = json.loads(page.locator(PLANE).get_attribute("data-plot"))
    x_min, x_max, y_min, y_max = -1.5, 1.5, -1.5, 1.5  # helpers.playground.payload.EXTENT
    return left + (x - x_min) / (x_max - x_min) * size, top + (y_max - y) / (y_max - y_min) * size


def play_and_change_the_step_size(page, capsys, where, start):
    """Press Play; count the distinct frames the browser draws; then, while it plays, move the step size
    down, up and down (from 1) and count the frames until one carries the new value. Prints both."""
    page.locator(PLAY).click()
    time.sleep(WARM_UP_SECONDS)  # the first frames also pay for JupyterLab settling after Run All
    page.evaluate("() => { window.__frames = []; }")
    time.sleep(PLAY_SECONDS)
    shown = frames(page)
    distinct = len({f["seq"] for f in shown})
    span = (shown[-1]["t"] - shown[0]["t"]) / 1000 if len(shown) > 1 else float("nan")
    say(capsys, f"playing {where}: {distinct} distinct frames drawn in {PLAY_SECONDS:.0f} s after "
        f"{WARM_UP_SECONDS:.0f} s of warm-up: {distinct / PLAY_SECONDS:.1f} frames/s "
        f"({(len(shown) - 1) / span:.1f} between the first and the last; the longest wait between two: "
        f"{max((b['t'] - a['t'] for a, b in zip(shown, shown[1:])), default=float('nan')):.0f} ms)")
    assert distinct >= 5, f"only {distinct} frames arrived in {PLAY_SECONDS} s of playing"
    counts = [int(m.group(1)) for f in shown for m in [re.search(r"[Ii]teration (\d+)", f["status"])] if m]
    assert counts and counts == sorted(counts) and (start is None or counts[-1] > start), counts

    # Three presses (down, up, down); for each, how many frames the browser drew until one carried
    # the new step size.
    page.locator(STEP_SIZE).focus()
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
    after = int(re.search(r"[Ii]teration (\d+)", shown[first]["status"]).group(1))
    assert after > at_change, "the change restarted training instead of going on"
