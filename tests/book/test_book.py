"""The static book (``make book``) in headless Chromium, offline: does every page work for a reader?

Each page is opened from a server on 127.0.0.1 with every request to another
host blocked, and must then load with no blocked, failed or erroring request;
its navigation links must resolve, its images must have loaded, its formulas
must be typeset by MathJax, and the losses printed in the chapter that trains the
linear classifier must be the course's. Screenshots go to ``test-artifacts/``.
The playground's page is tested in test_playground_page.py.

Run with ``make test-book``, which builds the book first.
"""
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nbformat
import pytest

from helpers.course import COURSE_LINEAR_LOSSES
from helpers.playground.settings import SETTING, check_settings

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "build" / "book"
NOTEBOOKS = REPO / "notebooks"

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


def say(capsys, message):
    with capsys.disabled():
        print(f"\n    {message}")


def open_page(page, origin, name):
    """Open a page of the book and wait until it has loaded, MathJax has typeset it (if it has
    formulas) and the live playground has started (on its page)."""
    response = page.goto(f"{origin}/{name}", wait_until="load")
    assert response is not None and response.ok, f"{name}: {response and response.status}"
    settle(page)
    return response


def settle(page):
    """Wait for what a loaded page still does: MathJax's typesetting and fonts, the playground's start."""
    if page.locator("script[src*='mathjax']").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        # MathJax asks for its fonts as it typesets: let them arrive, so that leaving the page aborts nothing
        page.evaluate("() => document.fonts.ready")
    if page.locator("#pg-data").count():
        page.wait_for_selector(".pg-running .pg-widget, .pg-note:not([hidden])")
    page.wait_for_load_state("networkidle")


def hash_settings(anchor):
    """The playground's settings in a link's #hash ("step_size=10&model=linear"), typed as the table says."""
    settings = {}
    for part in unquote(anchor).split("&"):
        name, _, value = part.partition("=")
        s = SETTING[name]
        settings[name] = value if s.kind == "option" else int(value) if s.integer else float(value)
    return settings


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
        if anchor and path.endswith("/playground.html"):
            check_settings(**hash_settings(anchor))  # the playground's page reads its settings from the hash
        elif anchor:
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
    """Opened as files (a USB stick, a download), with no server: math and images still work."""
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
        # the math: on the last chapter with formulas in its prose
        with_math = [name for name in chapter_pages() if markdown_has_math(name)]
        assert with_math, "no chapter has formulas in its prose"
        name = with_math[-1]
        page.goto((book / name).resolve().as_uri())
        page.evaluate("() => MathJax.startup.promise")
        page.evaluate("() => document.fonts.ready")
        assert page.locator("mjx-merror").count() == 0, name
        assert page.evaluate("() => Array.from(document.fonts).every(f => f.status !== 'error')"), name
        assert page.locator("mjx-container").count() > 0, f"{name}: no formula typeset"
        images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        assert images and min(images) > 0
        assert outside == [] and failed == [], (outside, failed)
    finally:
        context.close()
