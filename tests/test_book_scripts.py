"""The static book's scripts, piece by piece, without building the book (that is tests/book, `make test-book`)."""
import importlib.util
import io
from pathlib import Path

import nbformat
import numpy as np
import PIL.Image
import pytest

from helpers.playground.settings import SETTING

BOOK_DIR = Path(__file__).resolve().parents[1] / "book"


def load(name):
    spec = importlib.util.spec_from_file_location(f"book_{name}", BOOK_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    pytest.importorskip("nbconvert")
    return load("build")


@pytest.fixture(scope="module")
def precompute():
    return load("precompute")


def test_a_chapter_is_titled_by_its_first_heading_and_summed_up_by_its_first_paragraph(build):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("# The softmax\n\n* a list, not a summary\n\nScores become probabilities.\n\n"
                                      "A second paragraph."),
    ])
    assert build.chapter_info(Path("02_softmax.ipynb"), nb) == ("The softmax", "Scores become probabilities.")
    assert build.chapter_info(Path("empty.ipynb"), nbformat.v4.new_notebook()) == ("empty", "")


def widget_output(build, model_id):
    return nbformat.v4.new_output("display_data", data={
        "text/plain": "a widget", build.WIDGET_VIEW: {"model_id": model_id, "version_major": 2}})


def test_only_the_playground_widget_is_replaced_and_the_widget_state_is_dropped(build):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pg.widget"), nbformat.v4.new_code_cell("w")])
    nb.cells[0].outputs = [widget_output(build, "pg-box")]
    nb.cells[1].outputs = [widget_output(build, "slider")]
    nb.metadata["widgets"] = {build.WIDGET_STATE: {"state": {
        "pg-box": {"state": {"_dom_classes": ["playground"]}},
        "slider": {"state": {"_dom_classes": []}}}}}
    assert build.replace_widgets(nb, "<div>static</div>") == 1
    assert nb.cells[0].outputs[0]["data"] == {"text/html": "<div>static</div>"}
    assert nb.cells[1].outputs[0]["data"] == {"text/plain": "a widget"}  # the text fallback stays
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("exponent, label", [(-4.0, "0.0001"), (-0.5, "0.316"), (0.5, "3.16"), (2.0, "100")])
def test_slider_labels_read_like_the_playgrounds_readout(build, exponent, label):
    assert build.slider_label(exponent) == label


def test_headings_are_listed_without_their_anchor_links(build):
    page = ('<h2 id="Softmax">Softmax<a class="anchor-link" href="#Softmax">¶</a></h2><p>text</p>'
            '<h3 id="The-loss">The <em>loss</em></h3><h4 id="x">not listed</h4>')
    assert build.headings(page) == [(2, "Softmax", "Softmax"), (3, "The-loss", "The loss")]


def test_the_precomputed_grid_is_every_position_of_the_playgrounds_sliders(precompute):
    assert precompute.slider_exponents("step_size") == [-4.0 + 0.5 * i for i in range(13)]
    assert precompute.slider_exponents("reg") == [-5.0 + 0.5 * i for i in range(11)]
    assert [10 ** e for e in precompute.slider_exponents("reg")] == pytest.approx(SETTING["reg"].slider_positions())


def test_a_compacted_figure_keeps_its_size_with_at_most_64_colours(precompute):
    rng = np.random.RandomState(0)
    image = PIL.Image.fromarray(rng.randint(0, 256, (40, 60, 3), dtype=np.uint8))
    buf = io.BytesIO()
    image.save(buf, format="png")
    compact = PIL.Image.open(io.BytesIO(precompute.compact_png(buf.getvalue())))
    assert compact.format == "PNG" and compact.size == (60, 40)
    assert len(compact.convert("RGB").getcolors(maxcolors=10_000)) <= precompute.PALETTE_COLOURS
