"""Precompute the playground of notebook 6 for the static book.

A static page has no Python kernel, so this script drives the notebook's own
``Playground`` over every slider position of step size and reg, for both
models, and saves what the playground shows at each: its figure (as a
64-colour PNG, which looks the same as the original at about a quarter of the size)
and its status line. The book's sliders then only swap images and text.

Usage: python book/precompute.py OUT_DIR [--workers N]

Writes OUT_DIR/img/*.png, each named by a hash of its content (so identical
figures would be stored once), and then OUT_DIR/playground.json, which maps
each setting to its figure and status line. The grid is the sliders' positions
in ``helpers.playground.settings``, so it follows the notebook's sliders.
"""
import argparse
import hashlib
import io
import json
import math
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import PIL.Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.playground import Playground  # noqa: E402  (the one place the book names the playground)
from helpers.playground.settings import SETTING  # noqa: E402

MODELS = ("2-layer", "linear")  # the order in which the book lists the models: the default first
PALETTE_COLOURS = 64


def make_playground():
    """A playground at its default settings (the course's spiral, 20% held out, the course's network)
    that trains each retrain to its end before it draws."""
    return Playground(budget=False)


def slider_exponents(name):
    """The powers of ten that the log slider ``name`` can take (its positions in ``SETTINGS``)."""
    return [round(math.log10(v), 10) for v in SETTING[name].slider_positions()]


def compact_png(png_bytes):
    """Re-encode the playground's PNG with a 64-colour palette: about 15 kB instead of 55."""
    image = PIL.Image.open(io.BytesIO(png_bytes)).convert("RGB").quantize(PALETTE_COLOURS)
    buf = io.BytesIO()
    image.save(buf, format="png", optimize=True)
    return buf.getvalue()


_worker_pg = None


def _frame(pg):
    png = compact_png(pg.image.value)
    return hashlib.sha256(png).hexdigest()[:16] + ".png", png, pg.status


def _row(task):
    """One row of the grid: every step size for one model and one reg. Returns [(name, png, status)].

    Each change of a control retrains, so the row starts at whatever step size the
    playground has now (setting reg already gives that cell) and then visits the others.
    """
    global _worker_pg
    model, reg_exponent, step_exponents = task
    if _worker_pg is None:
        _worker_pg = make_playground()
    controls = _worker_pg.controls
    controls["model"].value = model
    controls["reg"].value = 10.0 ** reg_exponent
    cells = {}
    here = min(range(len(step_exponents)),
               key=lambda i: abs(step_exponents[i] - math.log10(controls["step_size"].value)))
    if abs(step_exponents[here] - math.log10(controls["step_size"].value)) < 1e-9:
        cells[here] = _frame(_worker_pg)
    for i, e in enumerate(step_exponents):
        if i not in cells:
            controls["step_size"].value = 10.0 ** e
            cells[i] = _frame(_worker_pg)
    return [cells[i] for i in range(len(step_exponents))]


def precompute(out, workers):
    pg = make_playground()
    controls = pg.controls
    step_exponents = slider_exponents("step_size")
    reg_exponents = slider_exponents("reg")
    labels = SETTING["model"].labels
    defaults = {name: controls[name].value for name in ("model", "step_size", "reg")}
    fixed = {name: controls[name].value for name in ("hidden_size", "num_iters") if name in controls}
    fixed["held out"] = f"{controls['held_out_share'].value:.0%} of each class (hollow points)"
    del pg

    tasks = [(model, r, step_exponents) for model in MODELS for r in reg_exponents]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            rows = pool.map(_row, tasks, chunksize=1)
    else:
        rows = list(map(_row, tasks))

    if out.exists():
        shutil.rmtree(out)
    (out / "img").mkdir(parents=True)
    frames = {model: [] for model in MODELS}
    size = PIL.Image.open(io.BytesIO(rows[0][0][1])).size
    for (model, _, _), row in zip(tasks, rows):
        frames[model].append([{"image": f"img/{name}", "status": status} for name, _, status in row])
        for name, png, _ in row:
            (out / "img" / name).write_bytes(png)
    data = {
        "models": [{"value": m, "label": labels.get(m, m)} for m in MODELS],
        # frames[model][reg index][step index]
        "step_size": {"exponents": step_exponents, "default": defaults["step_size"]},
        "reg": {"exponents": reg_exponents, "default": defaults["reg"]},
        "model_default": defaults["model"],
        "fixed": fixed,
        "image_size": list(size),
        "frames": frames,
    }
    (out / "playground.json").write_text(json.dumps(data, indent=1))
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    start = time.perf_counter()
    data = precompute(args.out, args.workers)
    images = list((args.out / "img").iterdir())
    n = sum(len(r) for rows in data["frames"].values() for r in rows)
    size = sum(p.stat().st_size for p in images)
    print(f"playground: {n} settings, {len(images)} distinct figures, {size / 1e6:.1f} MB, "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
