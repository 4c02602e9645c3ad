"""Figures with a text alternative: ``helpers.plotting.show(fig, alt=...)``, end to end.

A tiny notebook is executed by a real kernel (nbclient), then exported to HTML by nbconvert
with its default template ("lab", what ``jupyter nbconvert --to html`` uses), its "classic"
template (what nbgrader's feedback extends) and the static book's chapter template; each
figure shown with ``show`` must come out as an ``<img>`` whose ``alt`` is the text given.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest

from helpers.plotting import figure_output, show

REPO = Path(__file__).resolve().parents[1]
ALT = 'A straight line rising from (0, 0) to (1, 1), with "quotes" & <brackets>.'
ALT_METADATA_ONLY = "The same line, sent as a PNG with its alt text in the output's metadata only."


def test_the_display_bundle_carries_the_alt_three_ways():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    data, metadata = figure_output(fig, ALT)
    assert set(data) == {"image/png", "text/plain", "text/html"}
    assert metadata == {"image/png": {"alt": ALT}}
    assert data["text/plain"] == ALT
    assert data["text/html"] == (f'<img src="data:image/png;base64,{data["image/png"]}" '
                                 'alt="A straight line rising from (0, 0) to (1, 1), with &quot;quotes&quot; '
                                 '&amp; &lt;brackets&gt;.">')
    data, _ = figure_output(ax, "  Several\n   lines  of text. ", html_img=False)  # an Axes will do
    assert set(data) == {"image/png", "text/plain"} and data["text/plain"] == "Several lines of text."
    for bad in ("", "   ", None):
        with pytest.raises(ValueError, match="alt must be a non-empty text"):
            figure_output(fig, bad)
    with pytest.raises(TypeError, match="alt"):
        show(fig)  # alt is required


@pytest.fixture(scope="module")
def executed():
    """The tiny notebook, executed: a figure shown with show(), one with its alt in the metadata only,
    and one left to plt.show() for comparison."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nfrom helpers.plotting import show"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [0, 1])\n"
                                  f"show(fig, alt={ALT!r})"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [0, 1])\n"
                                  f"show(ax, alt={ALT_METADATA_ONLY!r}, html_img=False)"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [1, 0])\nplt.show()"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    return nb


def image_alts(html):
    from bs4 import BeautifulSoup

    return [img.get("alt") for img in BeautifulSoup(html, features="html.parser").select("img")]


def test_show_displays_the_figure_once_with_the_alt_in_its_output(executed):
    outputs = executed.cells[1].outputs
    assert len(outputs) == 1, "show() must close the figure, so that the inline backend does not show it again"
    (output,) = outputs
    assert output.output_type == "display_data"
    assert output.metadata["image/png"]["alt"] == ALT
    assert output.data["text/plain"] == ALT
    assert f'alt="{ALT.replace("&", "&amp;").replace(chr(34), "&quot;").replace("<", "&lt;").replace(">", "&gt;")}"' \
        in output.data["text/html"]
    assert output.data["image/png"].startswith("iVBOR")  # a PNG
    (metadata_only,) = executed.cells[2].outputs
    assert set(metadata_only.data) == {"image/png", "text/plain"}
    assert metadata_only.metadata["image/png"]["alt"] == ALT_METADATA_ONLY


def test_nbconvert_default_html_template_renders_the_alt(executed):
    """The "lab" template ignores alt in the metadata (nbconvert 7.17), so the <img> that show()
    sends as text/html is what carries it; the plain plt.show() figure gets nbconvert's stand-in."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(executed)
    alts = image_alts(html)
    assert alts[0] == ALT
    assert alts[-1] == "No description has been provided for this image"  # plt.show(): none
    assert len(alts) == 3


def test_nbconvert_classic_template_renders_the_alt_from_the_metadata(executed):
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(template_name="classic").from_notebook_node(executed)
    assert image_alts(html) == [ALT, ALT_METADATA_ONLY, "No description has been provided for this image"]


def test_the_books_chapter_template_renders_the_alt_from_the_metadata(executed):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(REPO / "book" / "templates")],
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.template_file = "book/chapter.html.j2"
    chapter = {"title": "Chapter", "href": "chapter.html"}
    book = {"title": "Book", "chapters": [chapter], "current": 0, "static": "_static", "prev": None, "next": None}
    html, _ = exporter.from_notebook_node(executed, resources={"book": book})
    assert image_alts(html) == [ALT, ALT_METADATA_ONLY, "No description has been provided for this image"]


def test_nbval_compares_the_alt_text_but_not_the_png_inside_the_img():
    """tests/nbval_sanitize.cfg drops the PNG's bytes from the HTML, as nbval skips image/png itself."""
    import configparser
    import re

    config = configparser.ConfigParser()
    config.read(REPO / "tests" / "nbval_sanitize.cfg")
    rules = [(config[s]["regex"], config[s]["replace"]) for s in config.sections()]

    def sanitized(text):
        for regex, replace in rules:
            text = re.sub(regex, replace, text)
        return text

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    one, _ = figure_output(fig, ALT)
    ax.plot([0, 1], [1, 0])
    other, _ = figure_output(fig, ALT)
    assert one["text/html"] != other["text/html"]
    assert sanitized(one["text/html"]) == sanitized(other["text/html"])
    assert "alt=" in sanitized(one["text/html"]) and len(sanitized(one["text/html"])) < 200
    changed, _ = figure_output(fig, "Another description.")
    assert sanitized(changed["text/html"]) != sanitized(other["text/html"])
