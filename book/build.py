"""Build the static HTML edition of the series from the executed notebooks.

Usage: python book/build.py --out build/book --mathjax DIR

Reads whatever ``notebooks/[0-9]*.ipynb`` holds now, with the outputs saved in
them (nothing is re-executed: those outputs are the ones ``make test`` checks),
and writes one page per notebook plus an index, with previous/next links and a
table of contents, to ``--out``. Nothing on the pages loads from another host:

* MathJax 3 is copied from ``--mathjax`` (the npm package's ``es5`` folder)
  into ``_static/mathjax``;
* the playground has a page of its own, ``playground.html``, that trains live in
  the browser with no kernel: the notebook's front end
  (``helpers/playground/static/playground.js``) drawing the JavaScript trainer's
  ``LocalModel`` (``trainer.js``), both embedded in the page (see
  ``playground_page``); its settings are read from and written to the address's
  ``#hash``. Without JavaScript it shows a still figure of the default run, drawn
  here with ``helpers.plotting``;
* in the chapters, a playground's widget output becomes a link to that page with
  the cell's own settings in the hash; other widgets keep their text fallback;
* figures are embedded in the pages as base64, as nbconvert does by default.

Notebook 1 links to the instructor's guide, ``INSTRUCTORS.md`` at the repository's root;
the book carries it as ``instructors.html`` and points that link there.
"""
import argparse
import ast
import copy
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote

import nbformat
import numpy as np
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpers import style  # noqa: E402  (the repository's own package, from the line above)
from helpers.playground.settings import DEFAULTS, SETTING, SETTINGS, check_settings  # noqa: E402
HERE = Path(__file__).resolve().parent
TITLE = "Neural networks from scratch, on a spiral"
STATIC = "_static"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
GUIDE, GUIDE_HREF = REPO / "INSTRUCTORS.md", "instructors.html"
PLAYGROUND_HREF, STILL = "playground.html", "playground-still.png"
# The playground's ES modules: the front end (anywidget's render) and the JavaScript trainer (LocalModel).
MODULES = {"frontend": REPO / "helpers" / "playground" / "static" / "playground.js",
           "trainer": REPO / "helpers" / "playground" / "static" / "trainer.js"}
# Ready links on the playground's page: (what the link says, the settings it sets; the rest stay at their defaults).
PRESETS = [
    ("the linear classifier", {"model": "linear"}),
    ("step size 10, reg 0.00001", {"step_size": 10.0, "reg": 1e-5}),
    ("step size 100", {"step_size": 100.0}),
    ("reg 1", {"reg": 1.0}),
    ("3 hidden units", {"hidden_size": 3}),
    ("5 classes of 50 points, noise 0.3", {"classes": 5, "points_per_class": 50, "noise": 0.3}),
]

# What MathJax's tex-chtml component may load at run time (extensions, fonts, the
# menu's accessibility tools); the other combined files of the package are not needed.
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y", "sre"]


# --------------------------------------------------------------------------- chapters

def chapter_info(path, nb):
    """Title (the first '# ' heading) and a one-paragraph summary (the first plain paragraph) of a notebook."""
    title, summary = path.stem, ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            block = block.strip()
            heading = re.match(r"#\s+(.+)", block)
            if heading and title == path.stem:
                title = heading.group(1).strip()
            elif block and not block.startswith(("#", "*", ">", "-", "$$")) and not summary:
                summary = block
        if summary:
            break
    return title, summary


def playground_call(source):
    """The keyword arguments of the ``Playground(...)`` call in a code cell's source, or None if it has none.

    Only literal values are kept (a setting's value, ``show=...``); the cell must parse as Python.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Playground":
            kwargs = {}
            for keyword in node.keywords:
                try:
                    kwargs[keyword.arg] = ast.literal_eval(keyword.value)
                except ValueError:
                    pass
            return kwargs
    return None


def replace_widgets(nb, playground_markup):
    """Swap each playground's widget output for ``playground_markup(kwargs)``; drop other widget views and the state.

    A playground's output is a widget view in a cell that calls ``Playground(...)``; ``kwargs`` are that
    call's literal keyword arguments. Returns how many were replaced. Other widgets keep their text fallback.
    """
    replaced = 0
    for cell in nb.cells:
        kwargs = playground_call(cell.source) if cell.cell_type == "code" else None
        for output in cell.get("outputs", []):
            if output.get("data", {}).get(WIDGET_VIEW) is None:
                continue
            if kwargs is not None:
                output["data"] = {"text/html": playground_markup(kwargs)}
                replaced += 1
            else:
                del output["data"][WIDGET_VIEW]
    nb.metadata.pop("widgets", None)
    return replaced


# --------------------------------------------------------------------------- playground

def hash_value(value):
    """A setting's value as the page's address writes it: 0.00001, not 1e-05; 10, not 10.0."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else np.format_float_positional(value, trim="-")
    return str(value)


def settings_hash(settings):
    """The ``#hash`` that opens the playground's page at ``settings`` (a dict of some settings, checked).

    Only the values that differ from the defaults are written, in the table's order; "" for the defaults.
    """
    settings = check_settings(**settings)
    parts = [f"{s.name}={quote(hash_value(settings[s.name]), safe='.-')}" for s in SETTINGS
             if settings[s.name] != s.default]
    return "#" + "&".join(parts) if parts else ""


def describe(settings):
    """The settings that differ from the defaults, as the sliders show them: "model linear classifier, held out 0%"."""
    settings = check_settings(**settings)
    parts = []
    for s in SETTINGS:
        value = settings[s.name]
        if value != s.default:
            shown = (s.labels.get(value, hash_value(value)) if s.kind == "option"
                     else format(value, s.readout) if s.readout else hash_value(value))
            parts.append(f"{s.label} {shown}")
    return ", ".join(parts)


def still_figure(path):
    """Draw the default run's decision regions and points, as the live page starts, into ``path`` (PNG).

    Returns the figure's text alternative.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.playground.state import Session, describe_settings
    from helpers.plotting import plot_decision_boundary

    session = Session(DEFAULTS)
    session.retrain()
    snap = session.latest
    x_min, x_max, y_min, y_max = -1.5, 1.5, -1.5, 1.5  # the playground's view of the plane
    fig, ax = plt.subplots(figsize=(5.2, 5.2))
    plot_decision_boundary(session.predict, *session.data.train, ax=ax, held_out=session.data.held_out,
                           title=f"{describe_settings(session.settings)}\nafter {snap.iteration} iterations")
    ax.set(xlim=(x_min, x_max), ylim=(y_min, y_max), aspect="equal")
    ax.title.set_fontsize("small")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return (f"The decision regions of the {describe_settings(session.settings)} after {snap.iteration} "
            f"iterations over the {session.data.K} arms of the spiral, each a light tint of its class's colour, "
            f"with the training points filled and the held-out points hollow; training accuracy "
            f"{snap.train_accuracy:.2f}, held-out accuracy {snap.held_out_accuracy:.2f}.")


def embedded_json(value):
    """``value`` as JSON that can sit inside a <script> element: every '<' written as \\u003c."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def chapter_playground(kwargs, still_alt):
    """What a chapter shows where the notebook has a playground: a link to the live page with the
    cell's settings, and, for the default playground, the still figure."""
    settings = {k: v for k, v in kwargs.items() if k in SETTING}
    href = PLAYGROUND_HREF + settings_hash(settings)
    said = describe(settings)
    text = (f'<p>Here the notebook shows the playground. In this book it trains live on a page of its own, in '
            f'your browser: <a href="{html.escape(href)}">open the playground</a>'
            + (f" ({html.escape(said)})" if said else "") + "."
            + (" It starts playing; to retrain for a fixed number of iterations, as this chapter does, pause "
               "it, then change a setting." if said else "") + "</p>")
    if not said:
        text += (f'<p><a href="{html.escape(href)}"><img src="{STATIC}/{STILL}" '
                 f'alt="{html.escape(still_alt)}" width="416" height="416"></a></p>')
    return f'<div class="book-playground-link">{text}</div>'


def playground_page(exporter, book, still_alt):
    """The playground's page: the front end and the trainer embedded as text, the still for readers without JS."""
    missing = [str(path.relative_to(REPO)) for path in MODULES.values() if not path.exists()]
    if missing:
        sys.exit(f"the playground's page needs {', '.join(missing)}")
    data = {"table": [s.as_dict() for s in SETTINGS], "style": style.as_dict(), "defaults": DEFAULTS,
            "modules": {name: path.read_text() for name, path in MODULES.items()}}
    presets = [{"text": text, "href": settings_hash(settings)} for text, settings in PRESETS]
    return exporter.environment.get_template("book/playground.html.j2").render(
        book=book, data_json=embedded_json(data), presets=presets, still=f"{STATIC}/{STILL}", still_alt=still_alt)


# --------------------------------------------------------------------------- pages

def headings(page_html):
    """The (level, id, text) of the h2 and h3 headings of a rendered page, in order."""
    found = []
    for level, anchor, inner in re.findall(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', page_html, re.S):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        found.append((int(level), anchor, re.sub(r"<[^>]+>", "", inner).strip()))
    return found


def build(out, mathjax, notebooks):
    start = time.perf_counter()
    paths = sorted(notebooks.glob("[0-9]*.ipynb"))
    if not paths:
        sys.exit(f"no notebooks found in {notebooks}")
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(HERE / "templates")],
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.template_file = "book/chapter.html.j2"

    chapters = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        title, summary = chapter_info(path, nb)
        chapters.append({"path": path, "nb": nb, "title": title, "summary_html": markdown2html(summary),
                         "href": path.stem + ".html"})

    if out.exists():
        shutil.rmtree(out)
    (out / STATIC).mkdir(parents=True)
    for part in MATHJAX_PARTS:
        src, dst = mathjax / part, out / STATIC / "mathjax" / part
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    shutil.copy2(mathjax.parent / "LICENSE", out / STATIC / "mathjax" / "LICENSE")
    for f in (HERE / "static").iterdir():
        shutil.copy2(f, out / STATIC / f.name)
    still_alt = still_figure(out / STATIC / STILL)

    playgrounds = 0
    nav = [{"title": c["title"], "href": c["href"]} for c in chapters]
    for i, chapter in enumerate(chapters):
        nb = copy.deepcopy(chapter["nb"])
        playgrounds += replace_widgets(nb, lambda kwargs: chapter_playground(kwargs, still_alt))
        nb.metadata["title"] = f"{chapter['title']} · {TITLE}"
        book = {"title": TITLE, "chapters": nav, "current": i, "static": STATIC, "playground": PLAYGROUND_HREF,
                "prev": nav[i - 1] if i > 0 else None, "next": nav[i + 1] if i + 1 < len(nav) else None}
        page, _ = exporter.from_notebook_node(nb, resources={"book": book})
        toc = exporter.environment.get_template("book/toc.html.j2").render(headings=headings(page))
        page = page.replace("<!-- book:toc -->", toc, 1).replace('href="../INSTRUCTORS.md"', f'href="{GUIDE_HREF}"')
        (out / chapter["href"]).write_text(page)
    if playgrounds == 0:
        sys.exit("found no playground's widget output in the notebooks (a widget output of a cell that calls "
                 "Playground(...)): were they saved without their outputs? `make notebooks` re-runs and saves them.")

    index = exporter.environment.get_template("book/index.html.j2").render(
        book={"title": TITLE, "chapters": nav, "current": None, "static": STATIC, "playground": PLAYGROUND_HREF,
              "prev": None, "next": nav[0]},
        chapters=chapters)
    (out / "index.html").write_text(index)
    guide = exporter.environment.get_template("book/guide.html.j2").render(
        book={"title": TITLE, "chapters": nav, "current": None, "static": STATIC, "playground": PLAYGROUND_HREF,
              "prev": None, "next": None},
        body=markdown2html(GUIDE.read_text()))
    (out / GUIDE_HREF).write_text(guide)
    book = {"title": TITLE, "chapters": nav, "current": None, "static": STATIC, "playground": PLAYGROUND_HREF,
            "here": "playground", "prev": nav[-1], "next": None}
    page = playground_page(exporter, book, still_alt)
    (out / PLAYGROUND_HREF).write_text(page)
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is

    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"book: {len(chapters)} chapters, an index and the playground's page in {out} ({size / 1e6:.1f} MB), "
          f"{time.perf_counter() - start:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mathjax", type=Path, required=True, help="the mathjax npm package's es5 folder")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    args = parser.parse_args()
    build(args.out, args.mathjax, args.notebooks)


if __name__ == "__main__":
    main()
