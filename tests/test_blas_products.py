"""Every shape of product the playground's settings make helpers.train compute, under every OpenBLAS
variant this CPU runs (tools/kernel_variants.py), each in a process of its own.

NumPy's wheels 2.5.2 to 2.5.5 (OpenBLAS 0.3.34) crash with a segmentation fault on some of these
products under OpenBLAS's Haswell and Zen kernels, which most CPUs with AVX2 and without AVX-512
run: the learner's kernel dies. pyproject.toml leaves them out. This test finds such a build in
whatever NumPy it runs with (make test-versions runs it with the newest), one shape at a time.
"""
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.playground.settings import SETTING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import kernel_variants as kv  # noqa: E402

# Every training set the sliders give: hidden units, classes, training points (all of the points, or
# all but the held-out share), two steps of each model; the child prints each shape before it trains.
SHAPES = sorted({(h, k, n - int(share * n))
                 for h, k, ppc, share in itertools.product(
                     SETTING["hidden_size"].slider_positions(), SETTING["classes"].slider_positions(),
                     SETTING["points_per_class"].slider_positions(), SETTING["held_out_share"].slider_positions())
                 for n in [ppc * k]})
CHILD = """
import sys
import numpy as np
from helpers.models import init_two_layer, init_linear
from helpers.train import train
rng = np.random.RandomState(0)
for h, k, n in SHAPES:
    print(h, k, n, flush=True)
    X, y = rng.standard_normal((n, 2)), np.arange(n) % k
    train(init_two_layer(2, h, k, rng=rng), X, y, num_iters=2)
    train(init_linear(2, k, rng=rng), X, y, num_iters=2)
print("done")
"""


def variants():
    native = kv.probe(dict(os.environ))
    chosen, _ = kv.plan_here(native) if "error" not in native else ([kv.Variant("native")], [])
    return chosen


@pytest.mark.parametrize("variant", variants(), ids=lambda v: v.name)
def test_every_product_the_sliders_can_make_runs(variant):
    done = subprocess.run([sys.executable, "-c", f"SHAPES = {SHAPES!r}\n{CHILD}"], cwd=ROOT,
                          env=variant.env(dict(os.environ)), capture_output=True, text=True, timeout=300)
    printed = done.stdout.split("\n")
    last = next((line for line in reversed(printed) if line.strip()), "")
    assert done.returncode == 0 and last == "done", (
        f"under {variant.describe()}, helpers.train stopped (exit status {done.returncode}) at hidden units, "
        f"classes, training points = {last}:\n{done.stderr[-2000:]}")
