"""The book's live playground (``playground.html``) in headless Chromium: it trains in the page, with no kernel.

Each test runs twice: from the disk (``file://``, where Chromium imports no sibling ES module, so
the page must carry its modules inside) and from a local server; every request to another host is
blocked. The page's front end is the notebook's (helpers/playground/static/playground.js) and its
model the JavaScript trainer's LocalModel; ``window.bookPlayground.model()`` is that model, read
through the same ``get`` the front end uses. Frames per second are printed, never asserted.
Screenshots go to ``test-artifacts/``.
"""
import time

import pytest
from conftest import TIMEOUT_MS, Watch
from test_book import settle

pytestmark = [pytest.mark.browser, pytest.mark.book]

PAGE = "playground.html"
LARGEST = "#hidden_size=200&classes=6&points_per_class=200&speed=200"


def say(capsys, message):
    with capsys.disabled():
        print(f"\n    {message}")


@pytest.fixture(params=["file", "server"])
def opened(request, browser, book, origin):
    """``open(hash="", **context_options) -> (page, watch)``: the playground's page, loaded and settled.

    ``watch.problems()`` lists requests to another host, failed requests and JavaScript errors.
    """
    contexts = []
    base = (book / PAGE).resolve().as_uri() if request.param == "file" else f"{origin}/{PAGE}"
    allowed = "file://" if request.param == "file" else origin

    def open_(hash="", **options):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, **options)
        contexts.append(context)
        watch = Watch(allowed)
        context.route("**/*", watch.route)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("requestfailed", watch.on_failed)
        page.on("pageerror", lambda error: watch.js_errors.append(str(error)))
        page.goto(base + hash, wait_until="load")
        if options.get("java_script_enabled", True):
            settle(page)
        return page, watch

    yield open_
    for context in contexts:
        context.close()


def frame(page):
    return page.evaluate("() => window.bookPlayground.model().get('frame')")


def settings(page):
    return page.evaluate("() => window.bookPlayground.model().get('settings')")


PICTURE_JS = "() => Array.from(document.querySelectorAll('.pg-widget canvas')).map(c => c.toDataURL()).join()"
PLANE = ".pg-widget canvas[role=img] >> nth=0"  # the plane: the first canvas that is a figure


def wait_for_iteration(page, at_least):
    page.wait_for_function("n => window.bookPlayground.model().get('frame').iteration >= n", arg=at_least)


def wait_until_paused_and_caught_up(page):
    """The first picture is a retrain to `iterations`, drawn as it goes ("catching up"): wait for its end."""
    page.wait_for_function("() => { const f = window.bookPlayground.model().get('frame');"
                           " return !f.playing && !f.catching_up; }")


def test_play_trains_and_the_picture_changes(opened):
    page, watch = opened(reduced_motion="reduce")  # no autoplay: Play starts it
    assert page.locator(".pg-still").is_hidden(), "the still is shown over the live playground"
    wait_until_paused_and_caught_up(page)
    start = frame(page)
    before = page.evaluate(PICTURE_JS)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_iteration(page, start["iteration"] + 100)
    now = frame(page)
    assert now["playing"]
    assert now["train_loss"] < start["train_loss"], (start["train_loss"], now["train_loss"])
    page.wait_for_function(f"old => ({PICTURE_JS})() !== old", arg=before)
    assert not watch.problems(), watch.problems()


def test_it_plays_by_itself_unless_motion_is_reduced(opened):
    page, watch = opened()
    page.wait_for_function("() => window.bookPlayground.model().get('frame').playing")
    page, _ = opened(reduced_motion="reduce")
    wait_until_paused_and_caught_up(page)
    iteration = frame(page)["iteration"]
    page.wait_for_timeout(500)
    assert not frame(page)["playing"] and frame(page)["iteration"] == iteration
    assert not watch.problems(), watch.problems()


def test_with_reduced_motion_nothing_moves_by_itself(opened):
    """The first retrain is finished before the first picture, and nothing plays: the figure stays still."""
    page, watch = opened(reduced_motion="reduce")
    first = frame(page)
    assert not first["playing"] and not first["catching_up"], first
    assert first["iteration"] == settings(page)["num_iters"]
    before = page.evaluate(PICTURE_JS)
    page.wait_for_timeout(2000)
    assert page.evaluate(PICTURE_JS) == before, "the figure changed by itself"
    assert frame(page)["seq"] == first["seq"], "the front end asked for frames"
    assert not watch.problems(), watch.problems()


def test_a_click_adds_a_point(opened):
    page, watch = opened(reduced_motion="reduce")
    count = len(frame_points(page))
    page.locator(PLANE).click()  # the middle of the plane
    page.wait_for_function("n => window.bookPlayground.model().get('points').y.length === n + 1", arg=count)
    X = page.evaluate("() => window.bookPlayground.model().get('points').X")
    assert abs(X[-2]) < 0.3 and abs(X[-1]) < 0.3, X[-2:]
    assert not watch.problems(), watch.problems()


def frame_points(page):
    return page.evaluate("() => window.bookPlayground.model().get('points').y")


def test_a_link_with_a_hash_restores_its_settings(opened):
    page, watch = opened("#step_size=10&reg=0.00001", reduced_motion="reduce")
    got = settings(page)
    assert (got["step_size"], got["reg"], got["model"]) == (10, 1e-5, "2-layer")
    assert page.locator(".pg-note").is_hidden()
    # a link on the page: a new hash, a new run at its settings
    page.get_by_role("link", name="the linear classifier", exact=True).click()
    page.wait_for_function("() => window.bookPlayground.model().get('settings').model === 'linear'")
    assert settings(page)["step_size"] == 1.0, "the other settings are back at their defaults"
    assert not watch.problems(), watch.problems()


def test_a_changed_setting_is_written_to_the_address(opened):
    page, watch = opened(reduced_motion="reduce")
    slider = page.get_by_label("step size", exact=True)
    slider.focus()
    page.keyboard.press("ArrowLeft")  # half a decade down
    page.wait_for_function("() => location.hash.startsWith('#step_size=0.31')")
    assert page.locator(".pg-note").is_hidden()
    assert not watch.problems(), watch.problems()


def test_a_junk_hash_falls_back_to_the_defaults_with_a_note(opened):
    page, watch = opened("#foo=1&step_size=1000&model=cnn&reg=0.01&hidden_size=7&classes=2.5&noise=",
                         reduced_motion="reduce")
    note = page.locator(".pg-note")
    assert note.is_visible()
    text = note.inner_text()
    for ignored in ("foo", "step_size=1000", "model=cnn", "hidden_size=7", "classes=2.5", "noise="):
        assert f"“{ignored}" in text, (ignored, text)
    assert "reg=0.01" not in text
    got = settings(page)
    assert got["reg"] == 0.01
    assert (got["step_size"], got["model"], got["hidden_size"], got["classes"]) == (1.0, "2-layer", 100, 3)
    assert page.locator(PLANE).count() == 1, "no live playground"
    assert not watch.problems(), watch.problems()


def test_a_link_between_slider_positions_is_kept_and_shown_and_a_shortened_position_is_the_position(opened):
    page, watch = opened("#step_size=0.15&held_out_share=0.25&reg=0.0316", reduced_motion="reduce")
    got = settings(page)
    assert (got["step_size"], got["held_out_share"]) == (0.15, 0.25)
    assert got["reg"] == 10 ** -1.5, "0.0316, as the address writes it, is the slider's position 10^-1.5"
    assert page.locator(".pg-note").is_hidden()
    readouts = page.evaluate("() => Object.fromEntries(Array.from(document.querySelectorAll('.pg-widget "
                             "input[type=range]')).map(i => [i.dataset.setting, i.getAttribute('aria-valuetext')]))")
    assert (readouts["step_size"], readouts["held_out_share"]) == ("0.15", "25%"), readouts
    assert not watch.problems(), watch.problems()


def test_the_note_goes_once_the_reader_changes_a_setting(opened):
    page, watch = opened("#reg=7", reduced_motion="reduce")
    assert page.locator(".pg-note").is_visible()
    page.get_by_label("step size", exact=True).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.hash === '#step_size=0.316'")
    assert page.locator(".pg-note").is_hidden()
    assert not watch.problems(), watch.problems()


def test_without_javascript_the_still_is_shown(opened):
    page, watch = opened(java_script_enabled=False)
    still = page.locator(".pg-still img")
    assert still.is_visible()
    assert still.evaluate("e => e.complete && e.naturalWidth > 0")
    assert "JavaScript" in page.locator(".pg-nojs").inner_text()
    assert page.locator(".pg-presets").is_hidden(), "links that need the live playground are not offered"
    assert "starts playing" not in page.locator("main").inner_text()
    assert not watch.problems(), watch.problems()


def frames_per_second(page, seconds=3.0):
    """Frame updates per second while playing: each is one frame trained and drawn (the front end asks for the
    next only after drawing)."""
    wait_for_iteration(page, 1)
    return page.evaluate("""seconds => new Promise(resolve => {
      const model = window.bookPlayground.model();
      const first = model.get('frame').seq, start = performance.now();
      setTimeout(() => resolve((model.get('frame').seq - first) / ((performance.now() - start) / 1000)),
                 seconds * 1000);
    })""", seconds)


def test_frames_per_second(opened, capsys):
    for name, hash in [("defaults", ""), ("largest settings (H 200, 6 x 200 points, 200 iterations/frame)", LARGEST)]:
        page, watch = opened(hash)
        assert frame(page)["playing"]
        fps = frames_per_second(page)
        say(capsys, f"book playground, {name}: {fps:.1f} frames/s ({page.url.split(':')[0]})")
        assert not watch.problems(), watch.problems()


def test_screenshots(opened, artifacts, capsys, request):
    if "file" not in request.node.callspec.id:
        pytest.skip("the screenshots are taken from the disk")
    page, watch = opened()
    wait_for_iteration(page, 1000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function("() => !window.bookPlayground.model().get('frame').playing")
    time.sleep(0.2)
    widget = page.locator(".pg-widget")
    widget.scroll_into_view_if_needed()
    normal, deuteranopia = artifacts / "book_playground.png", artifacts / "book_playground_deuteranopia.png"
    page.screenshot(path=str(normal), full_page=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": "deuteranopia"})
    page.screenshot(path=str(deuteranopia), full_page=True)
    say(capsys, f"screenshots: {normal}, {deuteranopia}")
    assert not watch.problems(), watch.problems()


def test_a_playground_that_cannot_start_leaves_the_still_and_says_why(browser, book, origin):
    """Never a broken page: the front end's source broken on its way to the browser."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    watch = Watch(origin)

    def broken(route):
        response = route.fetch()
        page = response.text().replace('"frontend":"', '"frontend":"this is not JavaScript', 1)
        route.fulfill(response=response, body=page)

    try:
        context.route("**/*", watch.route)
        page = context.new_page()
        page.route(f"{origin}/{PAGE}", broken)
        page.on("pageerror", lambda error: watch.js_errors.append(str(error)))
        page.goto(f"{origin}/{PAGE}#step_size=10")
        note = page.locator(".pg-note")
        note.wait_for(state="visible")
        assert "could not start" in note.inner_text()
        assert page.locator(".pg-still img").is_visible()
        assert page.locator(".pg-widget").count() == 0
        assert not watch.problems(), watch.problems()
    finally:
        context.close()
