"""The static book's scripts, piece by piece, without building the book (that is tests/book, `make test-book`)."""
import importlib.util
from pathlib import Path

import nbformat
import pytest


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


def test_only_the_playground_widget_is_replaced_with_its_calls_settings_and_the_widget_state_is_dropped(build):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('pg = Playground(model="linear", reg=1.0)\npg'),
                                         nbformat.v4.new_code_cell("w")])
    nb.cells[0].outputs = [widget_output(build, "pg")]
    nb.cells[1].outputs = [widget_output(build, "slider")]
    nb.metadata["widgets"] = {build.WIDGET_STATE: {"state": {"pg": {"state": {}}, "slider": {"state": {}}}}}
    calls = []
    assert build.replace_widgets(nb, lambda kwargs: calls.append(kwargs) or "<div>static</div>") == 1
    assert calls == [{"model": "linear", "reg": 1.0}]
    assert nb.cells[0].outputs[0]["data"] == {"text/html": "<div>static</div>"}
    assert nb.cells[1].outputs[0]["data"] == {"text/plain": "a widget"}  # the text fallback stays
    assert "widgets" not in nb.metadata


def test_a_playground_call_gives_its_literal_keywords(build):
    assert build.playground_call("pg = Playground()") == {}
    assert build.playground_call('Playground(model="linear", show=("reg",), seed=s)') == {"model": "linear",
                                                                                         "show": ("reg",)}
    assert build.playground_call("x = 1") is None
    assert build.playground_call("not python (") is None


@pytest.mark.parametrize("settings, expected", [
    ({}, ""),
    ({"step_size": 10.0, "reg": 1e-5}, "#step_size=10&reg=0.00001"),
    ({"model": "linear", "held_out_share": 0.0}, "#model=linear&held_out_share=0"),
])
def test_a_link_to_the_playground_page_names_only_the_settings_that_differ(build, settings, expected):
    assert build.settings_hash(settings) == expected


def test_a_link_to_the_playground_page_refuses_a_setting_out_of_range(build):
    with pytest.raises(ValueError, match="reg"):
        build.settings_hash({"reg": 7.0})


def test_headings_are_listed_without_their_anchor_links(build):
    page = ('<h2 id="Softmax">Softmax<a class="anchor-link" href="#Softmax">¶</a></h2><p>text</p>'
            '<h3 id="The-loss">The <em>loss</em></h3><h4 id="x">not listed</h4>')
    assert build.headings(page) == [(2, "Softmax", "Softmax"), (3, "The-loss", "The loss")]
