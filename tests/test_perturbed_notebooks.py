"""The guard for machines nobody here can run: every notebook re-executed under nbval with its
training perturbed by about as much as rounding differs between BLAS libraries (helpers.perturb).

A printed value that changes under one of these perturbations records one machine's rounding, not
the lesson, and would fail on some learner's CPU, Accelerate or MKL. This test needs no particular
CPU: it fails wherever it runs, if a notebook prints such a value.
"""
import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from helpers import perturb, train
from helpers.course import NET_ITERS, REG, STEP_SIZE, course_net_setup

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("rounding", ROOT / "tools" / "rounding.py")
rounding = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rounding)

# The notebooks that train (tools/rounding.py): the perturbations act on training, nothing else can change.
NOTEBOOKS = [str(p.relative_to(ROOT)) for p in rounding.notebooks(rounding.trains)]
# The two ways to perturb: a reordering of the examples (another summation order at every step, as
# another BLAS gives) and a nudge of the starting weights (one change at the start, which training
# grows). Each changes the network's loss at iteration 9000 by a few times 1e-4, as the BLAS kernels
# do, and each made the old notebook 4 print another count of correctly classified points. A second
# nudge (nudge:2) was one more draw of the same kind; make test-kernels runs the real kernels.
VARIANTS = ["permute:2", "nudge:1"]
TIMEOUT = 600  # seconds for one variant's nbval run


def test_the_notebooks_that_train_are_all_checked():
    assert {"notebooks/03_backprop.ipynb", "notebooks/04_two_layer_net.ipynb",
            "notebooks/05_decision_boundaries.ipynb", "notebooks/06_generalisation.ipynb"} <= set(NOTEBOOKS)


def _nbval(variant):
    env = {**os.environ, perturb.ENV: variant}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tb=short",
               "-o", "console_output_style=classic", *NOTEBOOKS]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def nbval_runs():
    """Every variant's nbval run, two at a time (the machine has two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(VARIANTS, pool.map(_nbval, VARIANTS)))


@pytest.mark.parametrize("variant", VARIANTS)
def test_printed_values_survive_rounding_sized_perturbations(nbval_runs, variant):
    code, output = nbval_runs[variant]
    summary = re.findall(r"^=+ (.*) in [\d.]+s", output, re.M)
    assert code == 0, (f"with {perturb.ENV}={variant} a notebook printed something else "
                       f"({summary[-1] if summary else 'no summary'}):\n{output[-6000:]}")


# ---------------------------------------------------------------- the perturbations themselves
def _net_run(monkeypatch, variant, num_iters=NET_ITERS):
    if variant is None:
        monkeypatch.delenv(perturb.ENV, raising=False)
    else:
        monkeypatch.setenv(perturb.ENV, variant)
    X, y, params = course_net_setup()
    return train(params, X, y, step_size=STEP_SIZE, reg=REG, num_iters=num_iters, record_every=1000)


def test_unset_changes_nothing(monkeypatch):
    X, y, params = course_net_setup()
    monkeypatch.delenv(perturb.ENV, raising=False)
    assert perturb.apply(params, X, y) == (params, X, y)
    monkeypatch.setenv(perturb.ENV, "")
    assert perturb.apply(params, X, y)[1] is X


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_perturbation_is_rounding_sized(monkeypatch, variant):
    """At first nothing printable changes (the course's six decimals hold); by iteration 9000
    the loss has moved by about what separates two BLAS kernels (1e-6 to 1e-3)."""
    plain = dict(_net_run(monkeypatch, None).loss_history)
    moved = dict(_net_run(monkeypatch, variant).loss_history)
    assert abs(moved[0] - plain[0]) < 1e-12
    assert abs(moved[1000] - plain[1000]) < 5e-7
    assert 1e-8 < abs(moved[9000] - plain[9000]) < 1e-3


def test_permute_reorders_examples_and_nudge_scales_weights(monkeypatch):
    X, y, params = course_net_setup()
    monkeypatch.setenv(perturb.ENV, "permute:3")
    p2, X2, y2 = perturb.apply(params, X, y)
    assert p2 is params and not np.array_equal(X2, X)
    assert sorted(map(tuple, np.column_stack([X2, y2]))) == sorted(map(tuple, np.column_stack([X, y])))
    monkeypatch.setenv(perturb.ENV, "nudge:3")
    p3, X3, _ = perturb.apply(params, X, y)
    assert X3 is X
    ratio = p3["W"] / params["W"]
    assert np.all(np.abs(ratio - 1) < 1e-10) and np.any(ratio != 1)
    assert np.array_equal(p3["b"], params["b"])      # zero biases stay zero


@pytest.mark.parametrize("text", ["shuffle:1", "permute", "permute:x", "nudge:-1"])
def test_a_bad_setting_is_named(monkeypatch, text):
    X, y, params = course_net_setup()
    monkeypatch.setenv(perturb.ENV, text)
    with pytest.raises(ValueError, match=f"{perturb.ENV} must be .* got '{re.escape(text)}'"):
        perturb.apply(params, X, y)
