"""In JupyterLab itself, a figure shown with ``helpers.plotting.show(fig, alt=...)`` has that alt text.

JupyterLab 4's image renderer does not read ``alt`` from an output's metadata (the key IPython's
``Image(alt=...)`` uses), so ``show`` also sends the figure as an HTML ``<img alt=...>``, which
JupyterLab prefers and renders, sanitized, in an untrusted notebook too. This test executes a small
notebook, saves it unsigned (untrusted, as in a fresh clone), opens it in headless Chromium and
reads every output image's ``alt``. Run with ``make test-ui``.
"""
import time

import nbformat
import pytest

from test_browser import chromium_page, save

pytestmark = pytest.mark.browser

ALT = 'A straight line rising from (0, 0) to (1, 1), with "quotes" & <brackets>.'
NOTEBOOK = "figure_alt.ipynb"
IMAGES = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img"  # the notebook on show


def test_jupyterlab_renders_the_alt_of_a_figure_shown_with_show(jupyter_lab, artifacts, capsys):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nfrom helpers.plotting import show"),
        nbformat.v4.new_code_cell(f"fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [0, 1])\n"
                                  f"show(fig, alt={ALT!r})"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [0, 1])\n"
                                  "show(fig, alt='metadata only', html_img=False)"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    nbformat.write(nb, jupyter_lab.root / NOTEBOOK)  # not signed: untrusted

    with chromium_page(artifacts, capsys, viewport={"width": 1200, "height": 900}, failure="figure_alt_failure",
                       hint=lambda: f"JupyterLab's log: {jupyter_lab.log}") as page:
        # &reset: a fresh workspace, so that no other notebook's figures are on the page
        page.goto(f"{jupyter_lab.url}/lab/tree/{NOTEBOOK}?token={jupyter_lab.token}&reset")
        page.wait_for_function(f"document.querySelectorAll('{IMAGES}').length >= 2", timeout=60_000)
        time.sleep(0.5)
        images = page.eval_on_selector_all(
            IMAGES,
            "els => els.map(e => ({alt: e.getAttribute('alt'), html: e.closest('.jp-RenderedHTML') !== null,"
            " loaded: e.complete && e.naturalWidth > 0}))")
        save(page, artifacts, "figure_alt.png", capsys)
    assert len(images) == 2, images
    assert images[0] == {"alt": ALT, "html": True, "loaded": True}
    # the metadata alone does not reach JupyterLab's <img>: this is why show() sends the HTML too
    assert images[1]["alt"] in (None, "metadata only") and images[1]["loaded"]
