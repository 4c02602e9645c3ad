"""Rounding-sized perturbations of training, for the test that guards the saved outputs.

A long training run amplifies rounding: another CPU or BLAS library sums the
terms of a matrix product in another order, and after thousands of steps the
losses differ in the fourth decimal and a point near a decision boundary can
change sides. No developer can run every library that learners have (OpenBLAS
on every CPU, Apple's Accelerate, MKL), so ``tests/test_perturbed_notebooks.py``
re-executes the notebooks with ``SPIRAL_PERTURB`` set, and fails when a printed
value changes. ``train`` then applies one of these perturbations:

* ``permute:SEED``: the training examples in another order. The loss is a mean
  over the examples, so nothing changes mathematically; only the summation order
  inside the matrix products does, as it would under another BLAS.
* ``nudge:SEED``: every starting weight multiplied by ``1 + 1e-15 * N(0, 1)``,
  a few units in the last place of a float64.

``course_net_setup`` nudges the network's starting weights too (``start``), so
that a training loop written in notebook 4, which is not ``train``, is perturbed
as well. Unset (as for every learner), nothing is changed.
"""
import os

import numpy as np

ENV = "SPIRAL_PERTURB"
NUDGE = 1e-15
KINDS = ("permute", "nudge")


def setting():
    """``(kind, seed)`` from ``$SPIRAL_PERTURB``, or ``None`` when it is unset or empty."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return None
    kind, _, seed = text.partition(":")
    if kind not in KINDS or not seed.isdigit():
        raise ValueError(f"{ENV} must be 'permute:SEED' or 'nudge:SEED' with SEED a whole number; "
                         f"got {text!r}")
    return kind, int(seed)


def apply(params, X, y):
    """Return ``(params, X, y)`` perturbed as ``$SPIRAL_PERTURB`` says (unchanged when unset).

    params : dict of arrays, not modified. X : (n, D). y : (n,).
    """
    chosen = setting()
    if chosen is None:
        return params, X, y
    kind, seed = chosen
    rng = np.random.RandomState(seed)
    if kind == "permute":
        order = rng.permutation(len(y))
        return params, X[order], y[order]
    nudged = {name: value * (1.0 + NUDGE * rng.standard_normal(np.shape(value)))
              for name, value in params.items()}
    return nudged, X, y


def start(params):
    """The starting weights of a run that ``train`` does not make (the learner's own loop in notebook 4):
    nudged as ``nudge:SEED`` says, else unchanged. ``train`` nudges them once more, which is a nudge too.
    A reordering of the examples is left to ``train``: done here, it would reorder what the notebook
    prints about the examples.

    params : dict of arrays, not modified.
    """
    chosen = setting()
    if chosen is None or chosen[0] != "nudge":
        return params
    return apply(params, None, None)[0]
