"""The static book (``make book``) in headless Chromium, offline: does every page work for a reader?

Each page is opened from a server on 127.0.0.1 with every request to another
host blocked, and must then load with no blocked, failed or erroring request;
its navigation links must resolve, its images must have loaded, its formulas
must be typeset by MathJax. The playground's sliders must swap the figure, and
the losses printed in the chapter that trains the linear classifier must be the
course's. Screenshots go to ``test-artifacts/``.

Run with ``make test-book``, which builds the book first.
"""
import importlib.util
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest

from helpers.course import COURSE_LINEAR_LOSSES

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "build" / "book"
NOTEBOOKS = REPO / "notebooks"
PRECOMPUTE = REPO / "book" / "precompute.py"

pytestmark = [pytest.mark.browser, pytest.mark.book]

LOSS_LINE = re.compile(r"^iteration (\d+): loss ([0-9.]+)$", re.M)

# The text a reader sees in the prose, without code, outputs and typeset math.
PROSE_TEXT_JS = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('pre, code, mjx-container, .jp-InputArea-editor, .jp-OutputArea, script, style')
      .forEach(e => e.remove());
  return main.textContent;
}"""


def chapter_pages():
    """The page each notebook should have, from what notebooks/ holds now."""
    return [p.stem + ".html" for p in sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))]


PAGES = ["index.html"] + chapter_pages()


def make_playground():
    """The notebook's own playground, built the way book/precompute.py builds it."""
    spec = importlib.util.spec_from_file_location("book_precompute", PRECOMPUTE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_playground()


def say(capsys, message):
    with capsys.disabled():
        print(f"\n    {message}")


def open_page(page, origin, name):
    """Open a page of the book and wait until it has loaded and MathJax has typeset it."""
    response = page.goto(f"{origin}/{name}", wait_until="load")
    assert response is not None and response.ok, f"{name}: {response and response.status}"
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    # MathJax asks for its fonts as it typesets: let them arrive, so that leaving the page aborts nothing
    page.evaluate("() => document.fonts.ready")
    page.wait_for_load_state("networkidle")
    return response


def markdown_has_math(name):
    """Whether the notebook behind a page has $...$ in its prose (the index: whether any chapter's summary does)."""
    if name == "index.html":
        return None  # not required either way
    nb = nbformat.read(NOTEBOOKS / name.replace(".html", ".ipynb"), as_version=4)
    return any("$" in cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_with_its_navigation_images_and_math(watched_page, origin, name, book):
    page, watch = watched_page
    open_page(page, origin, name)
    assert page.title().strip()

    # navigation: every chapter in the sidebar, in order; previous and next in order
    sidebar = [a.get_attribute("href") for a in page.locator(".book-sidebar .book-chapters > li > a").all()]
    assert sidebar == chapter_pages()
    order = PAGES
    i = order.index(name)
    next_link = page.locator(".book-pager-bottom a[rel=next]")
    if i + 1 < len(order):
        assert next_link.get_attribute("href") == order[i + 1]
    else:
        assert next_link.count() == 0
    if i > 0:
        assert page.locator(".book-pager-bottom a[rel=prev]").get_attribute("href") == order[i - 1]

    # every link to this site resolves: the page exists, and so does the #anchor on it
    links = set(page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"))
    local = {href for href in links if not urlsplit(href).scheme}
    assert local, "no links at all"
    texts = {}
    for href in sorted(local):
        target = urljoin(f"{origin}/{name}", href)
        path, _, anchor = target.partition("#")
        if path not in texts:
            response = page.request.get(path)
            assert response.ok, f"{href} -> {response.status}"
            texts[path] = response.text()
        if anchor:
            assert f'id="{anchor}"' in texts[path], f"{href}: no element with id {anchor!r} there"

    # every image has loaded
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc.slice(0, 60), e.complete, e.naturalWidth])")
    assert [img for img in images if not (img[1] and img[2] > 0)] == []
    if name != "index.html":
        nb = nbformat.read(NOTEBOOKS / name.replace(".html", ".ipynb"), as_version=4)
        figures = sum("image/png" in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", []))
        assert len(images) >= figures, f"{len(images)} images on the page, {figures} figures in the notebook"

    # math: typeset, without errors, and no TeX left over in the prose
    assert page.locator("mjx-merror, [data-mjx-error]").count() == 0
    if markdown_has_math(name):
        assert page.locator("mjx-container").count() > 0, "the notebook has formulas, the page none typeset"
    prose = page.evaluate(PROSE_TEXT_JS)
    assert "$$" not in prose
    leftover = re.findall(r"\$[^$]{0,200}?\\[A-Za-z]+[^$]{0,200}?\$", prose)
    assert leftover == [], leftover
    assert not watch.problems(), watch.problems()


def test_the_linear_training_prints_the_courses_losses(watched_page, origin, book, capsys):
    """The page with the linear classifier's trace (notebook 3 today) prints the course's 20 losses."""
    page, watch = watched_page
    found = {}
    for name in chapter_pages():
        open_page(page, origin, name)
        for text in page.locator(".jp-OutputArea-output pre").all_inner_texts():
            trace = {int(i): float(loss) for i, loss in LOSS_LINE.findall(text)}
            if set(trace) == set(COURSE_LINEAR_LOSSES):
                found[name] = trace
    assert len(found) == 1, f"expected the linear trace on one page; found it on {sorted(found) or 'none'}"
    (name, trace), = found.items()
    say(capsys, f"the linear trace is on {name}")
    assert {i: round(v, 6) for i, v in trace.items()} == {i: round(v, 6) for i, v in COURSE_LINEAR_LOSSES.items()}
    assert not watch.problems(), watch.problems()


def playground_page():
    pages = [p for p in PAGES if 'class="book-playground' in (BOOK / p).read_text()]
    assert len(pages) == 1, f"expected the playground on one page; found it on {pages}"
    return pages[0]


def figure_state(page):
    return page.eval_on_selector(".bp-figure", "e => [e.getAttribute('src'), e.complete, e.naturalWidth]")


def wait_for_new_figure(page, old_src):
    page.wait_for_function("old => { const e = document.querySelector('.bp-figure');"
                           " return e.getAttribute('src') !== old && e.complete && e.naturalWidth > 0; }",
                           arg=old_src)


def test_playground_sliders_swap_the_figure(watched_page, origin, book, artifacts, capsys):
    page, watch = watched_page
    open_page(page, origin, playground_page())
    playground = page.locator(".book-playground")
    playground.scroll_into_view_if_needed()
    status, figure = page.locator(".bp-status"), page.locator(".bp-figure")

    # the defaults: what the notebook's playground shows when it starts
    pg = make_playground()
    assert status.inner_text() == pg.status
    assert "make lab" in page.locator(".bp-note").inner_text()
    src, complete, width = figure_state(page)
    assert complete and width > 0
    before = figure.screenshot()

    # one key press on the step-size slider: half a decade down, a new figure, the notebook's status
    page.locator(".bp-step").focus()
    page.keyboard.press("ArrowLeft")
    wait_for_new_figure(page, src)
    readout = page.locator(".bp-step-readout").inner_text()
    assert readout == "0.316"
    pg.controls["step_size"].value = 10 ** -0.5
    assert status.inner_text() == pg.status
    after = figure.screenshot()
    assert after != before, "the figure looks the same after the step size changed"
    artifacts.joinpath("book_playground.png").write_bytes(playground.screenshot())
    say(capsys, f"screenshot: {artifacts / 'book_playground.png'}")

    # the top of the range diverges, and says so
    src = figure_state(page)[0]
    page.keyboard.press("End")
    wait_for_new_figure(page, src)
    assert "diverged" in status.inner_text()

    # the other model, by its button
    src = figure_state(page)[0]
    page.locator(".bp-model input[value=linear]").check()
    wait_for_new_figure(page, src)
    assert "linear" in status.inner_text()
    assert not watch.problems(), watch.problems()


def test_screenshots(watched_page, origin, book, artifacts, capsys):
    page, watch = watched_page
    open_page(page, origin, "index.html")
    page.screenshot(path=str(artifacts / "book_index.png"), full_page=True)
    chapter4 = chapter_pages()[3]
    open_page(page, origin, chapter4)
    # the first section with a displayed formula, so that the picture shows typeset math
    page.locator("mjx-container[display=true]").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "book_chapter4.png"))
    say(capsys, f"screenshots: {artifacts / 'book_index.png'}, {artifacts / 'book_chapter4.png'}")
    assert not watch.problems(), watch.problems()


def test_the_book_works_from_the_disk(browser, book):
    """Opened as files (a USB stick, a download), with no server: math, images and the playground still work."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside, failed = [], []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
        # the math: on the last chapter with formulas in its prose (the playground's has none)
        with_math = [name for name in chapter_pages() if markdown_has_math(name)]
        assert with_math, "no chapter has formulas in its prose"
        for name in (with_math[-1], playground_page()):
            page.goto((book / name).resolve().as_uri())
            page.evaluate("() => MathJax.startup.promise")
            page.evaluate("() => document.fonts.ready")
            assert page.locator("mjx-merror").count() == 0, name
            assert page.evaluate("() => Array.from(document.fonts).every(f => f.status !== 'error')"), name
            if name == with_math[-1]:
                assert page.locator("mjx-container").count() > 0, f"{name}: no formula typeset"
        src = figure_state(page)[0]
        page.locator(".bp-step").focus()
        page.keyboard.press("ArrowRight")
        wait_for_new_figure(page, src)
        images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        assert images and min(images) > 0
        assert outside == [] and failed == [], (outside, failed)
    finally:
        context.close()
