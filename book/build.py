"""Build the static HTML edition of the series from the executed notebooks.

Usage: python book/build.py --out build/book --mathjax DIR --playground DIR

Reads whatever ``notebooks/[0-9]*.ipynb`` holds now, with the outputs saved in
them (nothing is re-executed: those outputs are the ones ``make test`` checks),
and writes one page per notebook plus an index, with previous/next links and a
table of contents, to ``--out``. Nothing on the pages loads from another host:

* MathJax 3 is copied from ``--mathjax`` (the npm package's ``es5`` folder)
  into ``_static/mathjax``;
* the playground's widget output is replaced by plain HTML sliders that swap
  precomputed figures from ``--playground`` (see ``book/precompute.py``), so no
  widget JavaScript is needed;
* figures are embedded in the pages as base64, as nbconvert does by default.

Notebook 1 links to the instructor's guide, ``INSTRUCTORS.md`` at the repository's root;
the book carries it as ``instructors.html`` and points that link there.
"""
import argparse
import copy
import json
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
TITLE = "Neural networks from scratch, on a spiral"
STATIC = "_static"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
GUIDE, GUIDE_HREF = REPO / "INSTRUCTORS.md", "instructors.html"
PLAYGROUND_CLASS = "playground"  # the playground's container carries this CSS class in the saved widget state

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


def playground_model_ids(nb):
    """The model ids of the widget outputs that are the playground (by the CSS class in the saved state)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return {mid for mid, model in state.items() if PLAYGROUND_CLASS in model.get("state", {}).get("_dom_classes", [])}


def replace_widgets(nb, playground_html):
    """Swap the playground's widget output for ``playground_html``; drop other widget views and the widget state.

    Returns how many playground outputs were replaced. Other widgets keep their text fallback.
    """
    ids = playground_model_ids(nb)
    replaced = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            if view.get("model_id") in ids:
                output["data"] = {"text/html": playground_html}
                replaced += 1
            else:
                del output["data"][WIDGET_VIEW]
    nb.metadata.pop("widgets", None)
    return replaced


# --------------------------------------------------------------------------- playground

CUT_DOWN_NOTE = (
    '<div class="bp-note"><p>Here the notebook shows a live playground: it needs a running Python '
    'kernel, so it works after <code>make lab</code>, not in this static edition. A precomputed '
    'version of the full playground is at the end of <a href="{href}#Your-turn:-the-playground">the last '
    'chapter</a>.</p></div>')

def slider_label(exponent):
    """A slider position as the playground's readout shows it: 3 significant digits, no exponent."""
    return np.format_float_positional(10.0 ** exponent, precision=3, unique=False, fractional=False, trim="-")


def playground_html(exporter, data):
    """The static playground: radio buttons, two range sliders, the figure and the status line."""
    def position(slider):
        exps = slider["exponents"]
        return int(np.argmin([abs(e - np.log10(slider["default"])) for e in exps]))

    step, reg = data["step_size"], data["reg"]
    view = {
        "models": data["models"],
        "model": data["model_default"],
        "step": {"max": len(step["exponents"]) - 1, "value": position(step),
                 "labels": [slider_label(e) for e in step["exponents"]]},
        "reg": {"max": len(reg["exponents"]) - 1, "value": position(reg),
                "labels": [slider_label(e) for e in reg["exponents"]]},
        "fixed": data["fixed"],
        "image_size": data["image_size"],
    }
    frame = data["frames"][view["model"]][view["reg"]["value"]][view["step"]["value"]]
    script_data = {"frames": data["frames"], "step": view["step"]["labels"], "reg": view["reg"]["labels"],
                   "base": f"{STATIC}/playground/"}
    return exporter.environment.get_template("book/playground.html.j2").render(
        pg=view, frame=frame, static=STATIC,
        # '</' cannot end the script element early if it is escaped
        data_json=json.dumps(script_data, separators=(",", ":")).replace("</", "<\\/"))


# --------------------------------------------------------------------------- pages

def headings(page_html):
    """The (level, id, text) of the h2 and h3 headings of a rendered page, in order."""
    found = []
    for level, anchor, inner in re.findall(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', page_html, re.S):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        found.append((int(level), anchor, re.sub(r"<[^>]+>", "", inner).strip()))
    return found


def build(out, mathjax, playground, notebooks):
    start = time.perf_counter()
    paths = sorted(notebooks.glob("[0-9]*.ipynb"))
    if not paths:
        sys.exit(f"no notebooks found in {notebooks}")
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(HERE / "templates")],
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.template_file = "book/chapter.html.j2"
    data = json.loads((playground / "playground.json").read_text())
    playground_markup = playground_html(exporter, data)

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
    shutil.copytree(playground / "img", out / STATIC / "playground" / "img")
    for f in (HERE / "static").iterdir():
        shutil.copy2(f, out / STATIC / f.name)

    playgrounds = 0
    nav = [{"title": c["title"], "href": c["href"]} for c in chapters]
    for i, chapter in enumerate(chapters):
        nb = copy.deepcopy(chapter["nb"])
        if i == len(chapters) - 1:  # the full playground ends the last chapter
            playgrounds += replace_widgets(nb, playground_markup)
        else:  # a cut-down playground elsewhere: point to the last chapter's
            replace_widgets(nb, CUT_DOWN_NOTE.format(href=nav[-1]["href"]))
        nb.metadata["title"] = f"{chapter['title']} · {TITLE}"
        book = {"title": TITLE, "chapters": nav, "current": i, "static": STATIC,
                "prev": nav[i - 1] if i > 0 else None, "next": nav[i + 1] if i + 1 < len(nav) else None}
        page, _ = exporter.from_notebook_node(nb, resources={"book": book})
        toc = exporter.environment.get_template("book/toc.html.j2").render(headings=headings(page))
        page = page.replace("<!-- book:toc -->", toc, 1).replace('href="../INSTRUCTORS.md"', f'href="{GUIDE_HREF}"')
        (out / chapter["href"]).write_text(page)
    if playgrounds != 1:
        sys.exit(f"expected the playground's widget output in exactly one notebook cell, found {playgrounds}: "
                 f"a widget output whose saved state has the CSS class {PLAYGROUND_CLASS!r}. If notebook 6 was "
                 "saved without its widget state, re-run it and save it (`make notebooks`).")

    index = exporter.environment.get_template("book/index.html.j2").render(
        book={"title": TITLE, "chapters": nav, "current": None, "static": STATIC, "prev": None,
              "next": nav[0]},
        chapters=chapters)
    (out / "index.html").write_text(index)
    guide = exporter.environment.get_template("book/guide.html.j2").render(
        book={"title": TITLE, "chapters": nav, "current": None, "static": STATIC, "prev": None, "next": None},
        body=markdown2html(GUIDE.read_text()))
    (out / GUIDE_HREF).write_text(guide)
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is

    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    pg_size = sum(p.stat().st_size for p in (out / STATIC / "playground").rglob("*") if p.is_file())
    print(f"book: {len(chapters)} chapters and an index in {out} ({size / 1e6:.1f} MB, of which the "
          f"playground's figures {pg_size / 1e6:.1f} MB), {time.perf_counter() - start:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mathjax", type=Path, required=True, help="the mathjax npm package's es5 folder")
    parser.add_argument("--playground", type=Path, required=True, help="the output folder of precompute.py")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    args = parser.parse_args()
    build(args.out, args.mathjax, args.playground, args.notebooks)


if __name__ == "__main__":
    main()
