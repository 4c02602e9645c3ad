"""The built book (``make book``) served on 127.0.0.1, and a headless Chromium that may reach nothing else.

The server is Python's own static file server on a free port, in a thread. The
browser context routes every request: one to another host is aborted and
recorded, so that a test can fail on it; failed requests, HTTP errors and
JavaScript errors are recorded too.
"""
import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium import chromium

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "build" / "book"
TIMEOUT_MS = 30_000


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Watch:
    """What the browser did that it should not have."""
    origin: str
    external: list = field(default_factory=list)  # requests to another host (aborted)
    failed: list = field(default_factory=list)  # requests that failed on this host
    http_errors: list = field(default_factory=list)  # responses with status >= 400
    js_errors: list = field(default_factory=list)

    def route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.external.append(url)
            route.abort("blockedbyclient")

    def on_failed(self, request):
        if not request.url.startswith(self.origin):
            return  # already recorded as external
        self.failed.append(f"{request.url}: {request.failure}")

    def on_response(self, response):
        if response.status >= 400:
            self.http_errors.append(f"{response.status} {response.url}")

    def problems(self):
        return {name: items for name, items in
                [("requests to another host", self.external), ("failed requests", self.failed),
                 ("HTTP errors", self.http_errors), ("JavaScript errors", self.js_errors)] if items}


@pytest.fixture(scope="session")
def book():
    if not (BOOK / "index.html").exists():
        pytest.fail(f"no book in {BOOK}: build it with `make book` (or run `make test-book`, which does)")
    return BOOK


@pytest.fixture(scope="session")
def origin(book):
    handler = functools.partial(QuietHandler, directory=str(book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    with chromium("make test-book") as started:
        yield started


@pytest.fixture
def watched_page(browser, origin):
    """A fresh page whose every request is watched: ``(page, watch)``.

    Each test asserts ``watch.problems()`` is empty.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    watch = Watch(origin)
    context.route("**/*", watch.route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("requestfailed", watch.on_failed)
    page.on("response", watch.on_response)
    page.on("pageerror", lambda error: watch.js_errors.append(str(error)))
    try:
        yield page, watch
    finally:
        context.close()
